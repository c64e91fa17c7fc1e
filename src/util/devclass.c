/*
 * devclass.c - the device class catalogue, data/device-classes.tsv
 * ("protocol<TAB>attribute<TAB>match<TAB>role<TAB>what", '#' comments
 * naming the sources).
 *
 * Read once, on the first lookup (otscope/datafile.h), into one array in
 * file order (the first match wins, so specific lines go first).  Lookups
 * run at role inference, once per asset and attribute, never per packet:
 * a linear scan of a few dozen lines is cheaper than any index.
 */
#include "config.h"

#include "otscope/devclass.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "otscope/datafile.h"

#define DEVCLASS_FILE "device-classes.tsv"

typedef struct DevClassLine {
    const char *protocol;
    const char *attribute;
    const char *match;
    DevClassClue clue;
} DevClassLine;

typedef struct DevClassDb {
    GArray *lines; /* DevClassLine */
    GStringChunk *text;
} DevClassDb;

/* Blank, comment and short lines are skipped: a typo in a hand-edited
 * catalogue costs one entry, not all. */
static void parse_line(void *table, char *line)
{
    DevClassDb *d = table;
    g_strchomp(line);
    if (line[0] == '\0' || line[0] == '#')
        return;
    char **cols = g_strsplit(line, "\t", 5);
    if (g_strv_length(cols) == 5 && cols[0][0] && cols[1][0] && cols[2][0] && cols[3][0]) {
        DevClassLine l;
        l.protocol = g_string_chunk_insert_const(d->text, cols[0]);
        l.attribute = g_string_chunk_insert_const(d->text, cols[1]);
        l.match = g_string_chunk_insert_const(d->text, cols[2]);
        l.clue.role = g_string_chunk_insert_const(d->text, cols[3]);
        l.clue.what = g_string_chunk_insert_const(d->text, cols[4]);
        g_array_append_val(d->lines, l);
    }
    g_strfreev(cols);
}

static void *create(void)
{
    DevClassDb *d = g_new0(DevClassDb, 1);
    d->text = g_string_chunk_new(4096);
    d->lines = g_array_new(FALSE, FALSE, sizeof(DevClassLine));
    return d;
}

static DataCatalogue catalogue = { .file = DEVCLASS_FILE, .create = create, .parse_line = parse_line };

void devclass_set_path(const char *path)
{
    data_catalogue_set_path(&catalogue, path);
}

/* needle in hay, case-insensitive, where a word starts (at the start or
 * after a character that is not a letter or digit). */
static bool has_at_word_start(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        if (p > hay && g_ascii_isalnum(p[-1]) && g_ascii_isalnum(needle[0]))
            continue;
        if (g_ascii_strncasecmp(p, needle, n) == 0)
            return true;
    }
    return false;
}

const DevClassClue *devclass_match(const char *protocol, const char *attribute, const char *value)
{
    if (!protocol || !attribute || !value || !value[0])
        return NULL;
    const GArray *lines = ((const DevClassDb *)data_catalogue_get(&catalogue))->lines;
    for (guint i = 0; i < lines->len; i++) {
        const DevClassLine *l = &g_array_index(lines, DevClassLine, i);
        if (strcmp(l->protocol, protocol) == 0 && strcmp(l->attribute, attribute) == 0 &&
            has_at_word_start(value, l->match))
            return &l->clue;
    }
    return NULL;
}
