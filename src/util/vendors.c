/*
 * vendors.c - vendor-id catalogues read from data/vendors/<registry>.tsv.
 *
 * Each file is "id<TAB>name" per line (decimal or 0x-hex id, UTF-8 name),
 * with '#' comment lines naming the list's source.  Files are read once,
 * on the first lookup, into one hash table per registry; the first line
 * for an id wins.  Data lives in files, not C arrays (issue 3), so a
 * newer ODVA/ASHRAE/PNO list is picked up without a rebuild.  Nothing is
 * ever written after loading, so lookups need no lock.
 */
#include "config.h"

#include "otscope/vendors.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

static const char *const registry_files[VENDORS_COUNT] = {
    [VENDORS_CIP] = "cip.tsv",
    [VENDORS_BACNET] = "bacnet.tsv",
    [VENDORS_PROFINET] = "profinet.tsv",
    [VENDORS_PEN] = "pen.tsv",
};

enum { VENDOR_NAME_MAX = 120 }; /* longer names are cut: attributes are capped anyway */

typedef struct VendorDb {
    GHashTable *by_id[VENDORS_COUNT]; /* GUINT_TO_POINTER(id + 1) -> chunk string */
    GStringChunk *names;
    char source[512];
} VendorDb;

static VendorDb *db;
static char *dir_override;

void vendor_id_set_dir(const char *dir)
{
    g_free(dir_override);
    dir_override = g_strdup(dir);
}

/* One line: "id<TAB>name".  Blank, comment and unparsable lines are skipped:
 * a hand-edited catalogue with a typo should cost one entry, not all. */
static void parse_line(VendorDb *d, VendorRegistry reg, char *line)
{
    g_strstrip(line);
    if (line[0] == '\0' || line[0] == '#')
        return;
    char *tab = strchr(line, '\t');
    if (!tab)
        return;
    *tab = '\0';
    char *end;
    guint64 id = g_ascii_strtoull(line, &end, 0);
    if (end == line || *end != '\0' || id > G_MAXUINT32 - 1)
        return;
    char *name = g_strstrip(tab + 1);
    if (name[0] == '\0')
        return;
    if (strlen(name) > VENDOR_NAME_MAX)
        name[VENDOR_NAME_MAX] = '\0';
    gpointer key = GUINT_TO_POINTER((guint)id + 1);
    if (!g_hash_table_contains(d->by_id[reg], key))
        g_hash_table_insert(d->by_id[reg], key, g_string_chunk_insert_const(d->names, name));
}

static bool load_registry(VendorDb *d, const char *dir, VendorRegistry reg)
{
    char *path = g_build_filename(dir, registry_files[reg], NULL);
    char *text = NULL;
    bool ok = g_file_get_contents(path, &text, NULL, NULL);
    g_free(path);
    if (!ok)
        return false;
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        parse_line(d, reg, *l);
    g_strfreev(lines);
    g_free(text);
    return true;
}

/* The first folder (override, $OTSCOPE_DATA_DIR/vendors, installed data,
 * source tree) that holds any catalogue. */
static char *find_dir(void)
{
    if (dir_override)
        return g_strdup(dir_override);
    const char *env = g_getenv("OTSCOPE_DATA_DIR");
    const char *roots[] = {env && env[0] ? env : NULL, OTS_DATA_DIR, OTS_SOURCE_DATA_DIR};
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        if (!roots[i])
            continue;
        char *dir = g_build_filename(roots[i], "vendors", NULL);
        for (int reg = 0; reg < VENDORS_COUNT; reg++) {
            char *path = g_build_filename(dir, registry_files[reg], NULL);
            bool found = g_file_test(path, G_FILE_TEST_IS_REGULAR);
            g_free(path);
            if (found)
                return dir;
        }
        g_free(dir);
    }
    return NULL;
}

static VendorDb *load(void)
{
    VendorDb *d = g_new0(VendorDb, 1);
    d->names = g_string_chunk_new(16384);
    for (int reg = 0; reg < VENDORS_COUNT; reg++)
        d->by_id[reg] = g_hash_table_new(g_direct_hash, g_direct_equal);
    char *dir = find_dir();
    bool any = false;
    for (int reg = 0; dir && reg < VENDORS_COUNT; reg++)
        any |= load_registry(d, dir, (VendorRegistry)reg);
    if (any)
        g_strlcpy(d->source, dir, sizeof d->source);
    g_free(dir);
    return d;
}

static const VendorDb *get_db(void)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        db = load();
        g_once_init_leave(&once, 1);
    }
    return db;
}

const char *vendor_id_name(VendorRegistry reg, uint32_t id)
{
    if ((unsigned)reg >= VENDORS_COUNT || id == G_MAXUINT32)
        return NULL;
    return g_hash_table_lookup(get_db()->by_id[reg], GUINT_TO_POINTER(id + 1));
}

char *vendor_id_text(VendorRegistry reg, uint32_t id, char *buf, size_t bufsz)
{
    const char *name = vendor_id_name(reg, id);
    if (name)
        snprintf(buf, bufsz, "%s (%u)", name, id);
    else
        snprintf(buf, bufsz, "vendor-id %u", id);
    return buf;
}

const char *vendor_id_source(void)
{
    return get_db()->source;
}
