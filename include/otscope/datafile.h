/*
 * datafile.h - a catalogue read from a data file once, on first use
 * (util/datafile.c): the device classes, DHCP fingerprints, vendor ids
 * and CIP device types.
 *
 * The owner fills file, create and parse_line in a static DataCatalogue
 * and asks data_catalogue_get() for its table; the first call reads the
 * file ($OTSCOPE_DATA_DIR, the installed data folder or the source tree's
 * data/, or the path a test set) and hands every line to parse_line.  A
 * missing file is not an error: the table stays empty.  Nothing is written
 * after loading, so lookups need no lock.
 */
#ifndef OTS_OTSCOPE_DATAFILE_H
#define OTS_OTSCOPE_DATAFILE_H

#include <glib.h>

typedef struct DataCatalogue {
    const char *file;                            /* name under data/ */
    void *(*create)(void);                       /* a new, empty table */
    void (*parse_line)(void *table, char *line); /* one line, its '\n' cut */
    /* the loader's */
    gsize once;
    void *table;
    char *override;
    char *source;
} DataCatalogue;

/* The table, read on the first call.  Thread-safe. */
void *data_catalogue_get(DataCatalogue *c);

/* Reads path instead of the data folder's file (tests); call before the
 * first data_catalogue_get(). */
void data_catalogue_set_path(DataCatalogue *c, const char *path);

/* The file the table was read from; "" when none was found. */
const char *data_catalogue_source(DataCatalogue *c);

/* An "id<TAB>name" catalogue: decimal or 0x-hex ids below 2^32 - 1,
 * '#' comment lines naming the list's source, the first line for an id
 * wins, names longer than ID_NAME_MAX bytes cut (the attributes and
 * details that carry them are capped anyway).  Declare one as
 *   static DataCatalogue c = ID_NAME_CATALOGUE("vendors/cip.tsv");
 * and look ids up with id_name_lookup(). */
enum { ID_NAME_MAX = 120 };

void *id_name_create(void);
void id_name_parse_line(void *table, char *line);

#define ID_NAME_CATALOGUE(file_)                                                                   \
    {                                                                                              \
        .file = (file_), .create = id_name_create, .parse_line = id_name_parse_line                \
    }

/* The name of id in c (read on the first call), or NULL.  Borrowed, valid
 * for the life of the process.  Thread-safe. */
const char *id_name_lookup(DataCatalogue *c, guint32 id);

#endif /* OTS_OTSCOPE_DATAFILE_H */
