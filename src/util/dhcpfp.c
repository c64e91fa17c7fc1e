/*
 * dhcpfp.c - the DHCP option-55 fingerprint catalogue,
 * data/dhcp-fingerprints.tsv ("fingerprint<TAB>os<TAB>device class", '#'
 * comments naming the source).
 *
 * Read once, on the first lookup, into one hash table; the first line for
 * a fingerprint wins.  Matching is exact on the whole list: the order of
 * the codes is what tells DHCP clients apart, and a near miss names the
 * wrong OS more often than the right one.  Nothing is written after
 * loading, so lookups need no lock.
 */
#include "config.h"

#include "otscope/dhcpfp.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "otscope/util.h"

#define DHCPFP_FILE "dhcp-fingerprints.tsv"

typedef struct DhcpFpDb {
    GHashTable *os_by_prl;    /* chunk string -> chunk string */
    GHashTable *class_by_prl; /* chunk string -> chunk string, when the line has one */
    GStringChunk *text;
    char source[512];
} DhcpFpDb;

static DhcpFpDb *db;
static char *path_override;

void dhcpfp_set_path(const char *path)
{
    g_free(path_override);
    path_override = g_strdup(path);
}

/* Blank, comment and malformed lines are skipped: a typo in a hand-edited
 * catalogue costs one entry, not all. */
static void parse_line(DhcpFpDb *d, char *line)
{
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

static char *find_file(void)
{
    return path_override ? g_strdup(path_override) : ots_data_path(DHCPFP_FILE);
}

static DhcpFpDb *load(void)
{
    DhcpFpDb *d = g_new0(DhcpFpDb, 1);
    d->text = g_string_chunk_new(8192);
    d->os_by_prl = g_hash_table_new(g_str_hash, g_str_equal);
    d->class_by_prl = g_hash_table_new(g_str_hash, g_str_equal);
    char *path = find_file();
    char *text = NULL;
    if (path && g_file_get_contents(path, &text, NULL, NULL)) {
        char **lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++)
            parse_line(d, *l);
        g_strfreev(lines);
        g_strlcpy(d->source, path, sizeof d->source);
    }
    g_free(text);
    g_free(path);
    return d;
}

static const DhcpFpDb *get_db(void)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        db = load();
        g_once_init_leave(&once, 1);
    }
    return db;
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
    return get_db()->source;
}
