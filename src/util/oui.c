/*
 * oui.c - MAC address vendors from Debian's ieee-data package.
 *
 * Reads oui36.csv (MA-S, 36-bit prefixes), mam.csv (MA-M, 28 bits) and
 * oui.csv (MA-L, 24 bits) with libcsv: the files have CRLF line ends,
 * quoted fields with embedded line breaks, and duplicate assignments
 * (the first one wins).  Lookups try the longest prefix first.  Columns:
 * Registry, Assignment (hex prefix), Organization Name, Organization Address.
 * Data lives in the package, not in C arrays, so a newer ieee-data is
 * picked up without a rebuild.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <glib.h>

#include "otscope/util.h"

typedef struct OuiDb {
    GHashTable *by_prefix[3]; /* 36, 28, 24 bits: uint64 prefix -> interned name */
    GStringChunk *names;
    char source[256];
} OuiDb;

static const struct {
    const char *file;
    unsigned bits;
} registries[3] = {
    { "oui36.csv", 36 },
    { "mam.csv", 28 },
    { "oui.csv", 24 },
};

static OuiDb *db;
static char *dir_override;

void oui_set_dir(const char *dir)
{
    g_free(dir_override);
    dir_override = g_strdup(dir);
}

typedef struct ParseState {
    GHashTable *table;
    GStringChunk *names;
    unsigned bits;
    int field;
    char prefix[16];
    char name[160];
    bool is_header;
} ParseState;

static void on_field(void *data, size_t len, void *user)
{
    ParseState *ps = user;
    if (ps->field == 1) {
        size_t n = len < sizeof ps->prefix - 1 ? len : sizeof ps->prefix - 1;
        memcpy(ps->prefix, data, n);
        ps->prefix[n] = '\0';
    } else if (ps->field == 2) {
        size_t n = len < sizeof ps->name - 1 ? len : sizeof ps->name - 1;
        memcpy(ps->name, data, n);
        ps->name[n] = '\0';
    }
    ps->field++;
}

static void on_row(int term, void *user)
{
    (void)term;
    ParseState *ps = user;
    if (ps->is_header) {
        ps->is_header = false;
    } else if (ps->field >= 3 && ps->prefix[0]) {
        char *end;
        guint64 prefix = g_ascii_strtoull(ps->prefix, &end, 16);
        size_t want_digits = ps->bits / 4;
        if (*end == '\0' && strlen(ps->prefix) == want_digits) {
            gpointer key = GSIZE_TO_POINTER((gsize)prefix);
            if (!g_hash_table_contains(ps->table, key)) {
                char *name = g_strstrip(g_strdup(ps->name));
                /* "Private" hides the owner: say nothing rather than name
                 * the registration authority of a shorter prefix. */
                if (strcmp(name, "Private") == 0)
                    name[0] = '\0';
                g_hash_table_insert(ps->table, key, g_string_chunk_insert_const(ps->names, name));
                g_free(name);
            }
        }
    }
    ps->field = 0;
    ps->prefix[0] = '\0';
    ps->name[0] = '\0';
}

static bool load_registry(OuiDb *o, const char *dir, int i)
{
    gchar *path = g_build_filename(dir, registries[i].file, NULL);
    FILE *f = fopen(path, "rb");
    g_free(path);
    if (!f)
        return false;
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        fclose(f);
        return false;
    }
    ParseState ps = { o->by_prefix[i], o->names, registries[i].bits, 0, "", "", true };
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        csv_parse(&parser, buf, n, on_field, on_row, &ps);
    csv_fini(&parser, on_field, on_row, &ps);
    csv_free(&parser);
    fclose(f);
    return true;
}

static void load(void)
{
    db = g_new0(OuiDb, 1);
    db->names = g_string_chunk_new(65536);
    const char *dir = dir_override ? dir_override : g_getenv("OTSCOPE_OUI_DIR");
    if (!dir)
        dir = OTS_OUI_DIR;
    bool any = false;
    for (int i = 0; i < 3; i++) {
        db->by_prefix[i] = g_hash_table_new(g_direct_hash, g_direct_equal);
        any |= load_registry(db, dir, i);
    }
    if (any)
        g_strlcpy(db->source, dir, sizeof db->source);
}

/* Parsing the four files is some 200 M instructions (~50 ms): once,
 * whichever thread asks first, the others waiting for it. */
static gpointer load_once(gpointer unused)
{
    (void)unused;
    load();
    return NULL;
}

static void ensure_loaded(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, load_once, NULL);
}

static gpointer preload_main(gpointer unused)
{
    (void)unused;
    ensure_loaded();
    return NULL;
}

void oui_preload(void)
{
    static gsize is_started;
    if (g_once_init_enter(&is_started)) {
        g_thread_unref(g_thread_new("oui", preload_main, NULL));
        g_once_init_leave(&is_started, 1);
    }
}

const char *oui_vendor(const MacAddr *mac)
{
    ensure_loaded();
    if (mac->b[0] & 0x02)
        return ""; /* locally administered: no registered vendor */
    guint64 full = 0;
    for (int i = 0; i < 6; i++)
        full = (full << 8) | mac->b[i];
    for (int i = 0; i < 3; i++) {
        guint64 prefix = full >> (48 - registries[i].bits);
        const char *name = g_hash_table_lookup(db->by_prefix[i], GSIZE_TO_POINTER((gsize)prefix));
        if (name)
            return name;
    }
    return "";
}

const char *oui_source(void)
{
    ensure_loaded();
    return db->source;
}
