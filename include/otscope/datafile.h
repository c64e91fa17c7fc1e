/*
 * datafile.h - a catalogue read from a data file once, on first use
 * (util/datafile.c): the device classes and DHCP fingerprints of util/.
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

#endif /* OTS_OTSCOPE_DATAFILE_H */
