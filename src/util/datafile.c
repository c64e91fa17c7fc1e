/*
 * datafile.c - where otscope's data files (data/ in the source tree) are,
 * and the catalogues read from them once (otscope/datafile.h).
 */
#include "config.h"

#include "otscope/datafile.h"

#include <string.h>

#include <glib.h>

#include "otscope/util.h"

char *ots_data_path(const char *relpath)
{
    const char *env = g_getenv("OTSCOPE_DATA_DIR");
    const char *roots[] = { env && env[0] ? env : NULL, OTS_DATA_DIR, OTS_SOURCE_DATA_DIR };
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        if (!roots[i])
            continue;
        char *path = g_build_filename(roots[i], relpath, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return path;
        g_free(path);
    }
    return NULL;
}

void data_catalogue_set_path(DataCatalogue *c, const char *path)
{
    g_free(c->override);
    c->override = g_strdup(path);
}

static void *load(DataCatalogue *c)
{
    void *table = c->create();
    char *path = c->override ? g_strdup(c->override) : ots_data_path(c->file);
    char *text = NULL;
    if (path && g_file_get_contents(path, &text, NULL, NULL)) {
        char **lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++)
            c->parse_line(table, *l);
        g_strfreev(lines);
        c->source = path;
    } else {
        g_free(path);
    }
    g_free(text);
    return table;
}

void *data_catalogue_get(DataCatalogue *c)
{
    if (g_once_init_enter(&c->once)) {
        c->table = load(c);
        g_once_init_leave(&c->once, 1);
    }
    return c->table;
}

const char *data_catalogue_source(DataCatalogue *c)
{
    data_catalogue_get(c);
    return c->source ? c->source : "";
}

/* ---- id<TAB>name catalogues -------------------------------------------- */

typedef struct IdNameTable {
    GHashTable *by_id; /* GUINT_TO_POINTER(id + 1) -> chunk string */
    GStringChunk *names;
} IdNameTable;

void *id_name_create(void)
{
    IdNameTable *t = g_new0(IdNameTable, 1);
    t->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->names = g_string_chunk_new(4096);
    return t;
}

/* Blank, comment and unparsable lines are skipped: a typo in a
 * hand-edited catalogue costs one entry, not all. */
void id_name_parse_line(void *table, char *line)
{
    IdNameTable *t = table;
    g_strstrip(line);
    if (line[0] == '\0' || line[0] == '#')
        return;
    char *tab = strchr(line, '\t');
    if (!tab)
        return;
    *tab = '\0';
    char *end;
    guint64 id = g_ascii_strtoull(line, &end, 0);
    char *name = g_strstrip(tab + 1);
    if (end == line || *end != '\0' || id > G_MAXUINT32 - 1 || name[0] == '\0')
        return;
    if (strlen(name) > ID_NAME_MAX)
        name[ID_NAME_MAX] = '\0';
    gpointer key = GUINT_TO_POINTER((guint)id + 1);
    if (!g_hash_table_contains(t->by_id, key))
        g_hash_table_insert(t->by_id, key, g_string_chunk_insert_const(t->names, name));
}

const char *id_name_lookup(DataCatalogue *c, guint32 id)
{
    const IdNameTable *t = data_catalogue_get(c);
    return id == G_MAXUINT32 ? NULL : g_hash_table_lookup(t->by_id, GUINT_TO_POINTER(id + 1));
}
