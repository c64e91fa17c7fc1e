/*
 * dhcpfp.c - the DHCP option-55 fingerprint catalogue,
 * data/dhcp-fingerprints.tsv ("fingerprint<TAB>os<TAB>device class", '#'
 * comments naming the source).
 *
 * Read once, on the first lookup (otscope/datafile.h), into one hash
 * table; the first line for a fingerprint wins.  Matching is exact on the
 * whole list: the order of the codes is what tells DHCP clients apart, and
 * a near miss names the wrong OS more often than the right one.
 */
#include "config.h"

#include "otscope/dhcpfp.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "otscope/datafile.h"

#define DHCPFP_FILE "dhcp-fingerprints.tsv"

typedef struct DhcpFpDb {
    GHashTable *os_by_prl;    /* chunk string -> chunk string */
    GHashTable *class_by_prl; /* chunk string -> chunk string, when the line has one */
    GStringChunk *text;
} DhcpFpDb;

/* Blank, comment and malformed lines are skipped: a typo in a hand-edited
 * catalogue costs one entry, not all. */
static void parse_line(void *table, char *line)
{
    DhcpFpDb *d = table;
    g_strstrip(line);
    if (line[0] == '\0' || line[0] == '#')
        return;
    char **cols = g_strsplit(line, "\t", 3);
    if (cols[0] && cols[1] && cols[0][0] && cols[1][0] &&
        strspn(cols[0], "0123456789,") == strlen(cols[0]) &&
        !g_hash_table_contains(d->os_by_prl, cols[0])) {
        char *prl = g_string_chunk_insert_const(d->text, cols[0]);
        g_hash_table_insert(d->os_by_prl, prl, g_string_chunk_insert_const(d->text, cols[1]));
        if (cols[2] && cols[2][0])
            g_hash_table_insert(d->class_by_prl, prl,
                                g_string_chunk_insert_const(d->text, g_strstrip(cols[2])));
    }
    g_strfreev(cols);
}

static void *create(void)
{
    DhcpFpDb *d = g_new0(DhcpFpDb, 1);
    d->text = g_string_chunk_new(8192);
    d->os_by_prl = g_hash_table_new(g_str_hash, g_str_equal);
    d->class_by_prl = g_hash_table_new(g_str_hash, g_str_equal);
    return d;
}

static DataCatalogue catalogue = { .file = DHCPFP_FILE, .create = create, .parse_line = parse_line };

static const DhcpFpDb *get_db(void)
{
    return data_catalogue_get(&catalogue);
}

void dhcpfp_set_path(const char *path)
{
    data_catalogue_set_path(&catalogue, path);
}

const char *dhcpfp_os(const char *prl)
{
    return prl && prl[0] ? g_hash_table_lookup(get_db()->os_by_prl, prl) : NULL;
}

const char *dhcpfp_class(const char *prl)
{
    return prl && prl[0] ? g_hash_table_lookup(get_db()->class_by_prl, prl) : NULL;
}

const char *dhcpfp_source(void)
{
    return data_catalogue_source(&catalogue);
}
