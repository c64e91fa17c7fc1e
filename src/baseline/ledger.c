/*
 * ledger.c - the plant's own asset ledger: a spreadsheet export (CSV,
 * UTF-8 or a legacy encoding such as Shift_JIS) imported into the ledger
 * table, and its reconciliation with the assets otscope resolved (the
 * matching itself is rules/ledger-match.c, shared with the ledger rules).
 *
 * Columns are found by their header: common English and Japanese names
 * for IP address, MAC address, name, vendor, model, firmware, serial
 * number and location (see field_names below), or explicitly with
 * "Column=field" maps; a column mapped to "ignore", or not recognised, is
 * kept as text in the row's extra column.  Rows without an IP, a MAC or a
 * name cannot be matched and are skipped (counted).  Import replaces the
 * ledger the DB had, in one transaction.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "ident-match.h"
#include "ledger-match.h"
#include "otscope/log.h"
#include "site-int.h"
#include "store-int.h"

typedef enum LedgerField {
    FIELD_IP,
    FIELD_MAC,
    FIELD_NAME,
    FIELD_VENDOR,
    FIELD_MODEL,
    FIELD_FIRMWARE,
    FIELD_SERIAL,
    FIELD_LOCATION,
    FIELD_COUNT,
    FIELD_IGNORE = FIELD_COUNT, /* kept in extra */
} LedgerField;

static const char *const field_ids[FIELD_COUNT] = {
    "ip", "mac", "name", "vendor", "model", "firmware", "serial", "location",
};

/* Header names per field, compared after squash_header(): lower case,
 * ASCII punctuation and blanks removed, other characters kept. */
static const struct {
    LedgerField field;
    const char *names;
} field_names[] = {
    { FIELD_IP, "ip;ipaddress;ipaddr;ipv4;ipv4address;address;ipアドレス;アドレス;ｉｐアドレス" },
    { FIELD_MAC, "mac;macaddress;macaddr;hwaddress;hardwareaddress;physicaladdress;macアドレス;"
                 "ｍａｃアドレス;物理アドレス" },
    { FIELD_NAME, "name;hostname;host;devicename;device;assetname;asset;assettag;assetid;tag;"
                  "tagname;機器名;"
                  "ホスト名;名称;装置名;設備名;機器名称" },
    { FIELD_VENDOR, "vendor;manufacturer;maker;make;brand;メーカー;メーカ;製造元;製造者;ベンダー;"
                    "ベンダ" },
    { FIELD_MODEL, "model;modelnumber;modelno;product;productname;type;partnumber;ordernumber;"
                   "型式;形式;型番;機種;モデル;製品名" },
    { FIELD_FIRMWARE, "firmware;fw;firmwareversion;fwversion;version;softwareversion;revision;"
                      "ファームウェア;ファームウェアバージョン;ファーム;バージョン;fwバージョン;版数" },
    { FIELD_SERIAL, "serial;serialnumber;serialno;sn;シリアル;シリアル番号;製造番号;製番" },
    { FIELD_LOCATION, "location;site;area;room;cabinet;panel;設置場所;場所;設置先;盤;エリア" },
};

static char *squash_header(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c & 0x80)
            g_string_append_c(s, (char)c);
        else if (g_ascii_isalnum(c))
            g_string_append_c(s, g_ascii_tolower((char)c));
    }
    return g_string_free(s, FALSE);
}

static LedgerField field_of_header(const char *header)
{
    char *h = squash_header(header);
    LedgerField found = FIELD_IGNORE;
    for (size_t i = 0; i < G_N_ELEMENTS(field_names) && found == FIELD_IGNORE; i++) {
        gchar **names = g_strsplit(field_names[i].names, ";", -1);
        for (gchar **n = names; *n && found == FIELD_IGNORE; n++)
            if (strcmp(*n, h) == 0)
                found = field_names[i].field;
        g_strfreev(names);
    }
    g_free(h);
    return found;
}

static bool field_from_id(const char *id, LedgerField *out)
{
    if (g_ascii_strcasecmp(id, "ignore") == 0) {
        *out = FIELD_IGNORE;
        return true;
    }
    for (int i = 0; i < FIELD_COUNT; i++) {
        if (g_ascii_strcasecmp(field_ids[i], id) == 0) {
            *out = (LedgerField)i;
            return true;
        }
    }
    return false;
}

/* ---- reading the file ------------------------------------------------------------- */

/* The encoding names people write for Japanese Excel exports map to
 * CP932 (Microsoft's Shift_JIS, which Excel writes). */
static const char *iconv_name(const char *encoding)
{
    static const char *const sjis[] = { "shift_jis", "shift-jis", "sjis", "cp932", "ms932",
                                        "windows-31j" };
    for (size_t i = 0; i < G_N_ELEMENTS(sjis); i++)
        if (g_ascii_strcasecmp(encoding, sjis[i]) == 0)
            return "CP932";
    return encoding;
}

static char *read_text(const LedgerImport *li, gsize *len, Err *err)
{
    char *raw = NULL;
    gsize raw_len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(li->path, &raw, &raw_len, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", li->path, error->message);
        g_error_free(error);
        return NULL;
    }
    bool is_utf8 = !li->encoding || g_ascii_strcasecmp(li->encoding, "utf-8") == 0 ||
                   g_ascii_strcasecmp(li->encoding, "utf8") == 0;
    if (!is_utf8) {
        gsize out_len = 0;
        char *text = g_convert(raw, (gssize)raw_len, "UTF-8", iconv_name(li->encoding), NULL,
                               &out_len, &error);
        g_free(raw);
        if (!text) {
            err_set(err, ERR_INPUT, "%s: cannot read as %s: %s", li->path, li->encoding,
                    error->message);
            g_error_free(error);
            return NULL;
        }
        raw = text;
        raw_len = out_len;
    }
    if (!g_utf8_validate(raw, (gssize)raw_len, NULL)) {
        g_free(raw);
        err_set(err, ERR_INPUT, "%s: not UTF-8 text; give its encoding (--encoding shift_jis)",
                li->path);
        return NULL;
    }
    /* Excel's UTF-8 byte order mark */
    if (raw_len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0) {
        memmove(raw, raw + 3, raw_len - 3);
        raw_len -= 3;
    }
    *len = raw_len;
    return raw;
}

/* Which field each column holds: the maps first, then the header names. */
static bool map_columns(const LedgerImport *li, GPtrArray *header, LedgerField *fields, Err *err)
{
    for (guint i = 0; i < header->len; i++)
        fields[i] = field_of_header(g_ptr_array_index(header, i));
    for (const char *const *m = li->map; m && *m; m++) {
        const char *eq = strrchr(*m, '=');
        if (!eq)
            return err_set(err, ERR_USAGE, "--map '%s': expected COLUMN=FIELD", *m);
        char *column = g_strstrip(g_strndup(*m, (gsize)(eq - *m)));
        LedgerField f;
        bool ok = field_from_id(eq + 1, &f);
        if (!ok)
            err_set(err, ERR_USAGE, "--map '%s': no field '%s' (ip, mac, name, vendor, model, "
                    "firmware, serial, location, ignore)", *m, eq + 1);
        bool found = false;
        for (guint i = 0; ok && i < header->len; i++) {
            char *h = g_strstrip(g_strdup(g_ptr_array_index(header, i)));
            if (g_utf8_collate(h, column) == 0 || g_ascii_strcasecmp(h, column) == 0) {
                fields[i] = f;
                found = true;
            }
            g_free(h);
        }
        if (ok && !found)
            ok = err_set(err, ERR_USAGE, "--map '%s': the file has no column '%s'", *m, column);
        g_free(column);
        if (!ok)
            return false;
    }
    bool can_match = false;
    for (guint i = 0; i < header->len; i++)
        can_match = can_match || fields[i] == FIELD_IP || fields[i] == FIELD_MAC ||
                    fields[i] == FIELD_NAME;
    if (!can_match) {
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < header->len; i++)
            g_string_append_printf(names, "%s'%s'", i ? ", " : "",
                                   (const char *)g_ptr_array_index(header, i));
        err_set(err, ERR_INPUT, "%s: no column for an IP address, MAC address or name among %s;"
                " name one with --map COLUMN=ip", li->path, names->str);
        g_string_free(names, TRUE);
        return false;
    }
    return true;
}

static bool put_row(sqlite3_stmt *st, int64_t line, GPtrArray *header, GPtrArray *cells,
                    const LedgerField *fields, bool *is_kept)
{
    char *values[FIELD_COUNT] = { NULL };
    GString *extra = g_string_new(NULL);
    for (guint i = 0; i < cells->len && i < header->len; i++) {
        char *v = g_strstrip(g_strdup(g_ptr_array_index(cells, i)));
        if (!v[0]) {
            g_free(v);
            continue;
        }
        if (fields[i] != FIELD_IGNORE && !values[fields[i]]) {
            values[fields[i]] = v;
        } else {
            g_string_append_printf(extra, "%s%s=%s", extra->len ? ";" : "",
                                   (const char *)g_ptr_array_index(header, i), v);
            g_free(v);
        }
    }
    char mac[18];
    if (values[FIELD_MAC] && ident_mac_normalize(values[FIELD_MAC], mac)) {
        g_free(values[FIELD_MAC]);
        values[FIELD_MAC] = g_strdup(mac);
    }
    *is_kept = values[FIELD_IP] || values[FIELD_MAC] || values[FIELD_NAME];
    bool ok = true;
    if (*is_kept) {
        sqlite3_bind_int64(st, 1, line);
        for (int f = 0; f < FIELD_COUNT; f++)
            sqlite3_bind_text(st, f + 2, values[f] ? values[f] : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, FIELD_COUNT + 2, extra->str, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    for (int f = 0; f < FIELD_COUNT; f++)
        g_free(values[f]);
    g_string_free(extra, TRUE);
    return ok;
}

bool ledger_import(Store *s, const LedgerImport *li, int64_t *rows, Err *err)
{
    *rows = 0;
    gsize len = 0;
    char *text = read_text(li, &len, err);
    if (!text)
        return false;
    GPtrArray *csv = site_read_csv(li->path, text, len, err);
    g_free(text);
    if (!csv)
        return false;
    if (csv->len == 0) {
        g_ptr_array_unref(csv);
        return err_set(err, ERR_INPUT, "%s: empty (a header row is needed)", li->path);
    }
    GPtrArray *header = g_ptr_array_index(csv, 0);
    LedgerField *fields = g_new0(LedgerField, header->len + 1);
    bool ok = map_columns(li, header, fields, err);
    sqlite3_stmt *st = NULL;
    ok = ok && store_exec(s, "BEGIN IMMEDIATE; DELETE FROM ledger;", err);
    bool is_open = ok;
    ok = ok && store_prepare(s, "INSERT INTO ledger (line, ip, mac, name, vendor, model, firmware,"
                                " serial, location, extra) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             &st, err);
    int64_t skipped = 0;
    for (guint r = 1; ok && r < csv->len; r++) {
        bool is_kept = false;
        GPtrArray *cells = g_ptr_array_index(csv, r);
        bool is_blank = true;
        for (guint i = 0; i < cells->len && is_blank; i++)
            is_blank = ((const char *)g_ptr_array_index(cells, i))[0] == '\0';
        if (is_blank)
            continue;
        ok = put_row(st, r + 1, header, cells, fields, &is_kept) || store_fail(s, err, "ledger");
        *rows += is_kept;
        skipped += !is_kept;
    }
    sqlite3_finalize(st);
    if (ok) {
        char *abs = g_canonicalize_filename(li->path, NULL);
        sqlite3_stmt *m;
        ok = store_prepare(s, "INSERT OR REPLACE INTO meta VALUES ('ledger_file', ?)", &m, err);
        if (ok) {
            sqlite3_bind_text(m, 1, abs, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(m) == SQLITE_DONE || store_fail(s, err, "ledger");
            sqlite3_finalize(m);
        }
        g_free(abs);
    }
    ok = ok && store_exec(s, "COMMIT", err);
    if (!ok && is_open)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (ok && skipped)
        log_warn("%s: %" G_GINT64_FORMAT " rows without an IP, MAC or name skipped", li->path,
                 skipped);
    g_free(fields);
    g_ptr_array_unref(csv);
    return ok;
}

bool ledger_clear(Store *s, Err *err)
{
    return store_exec(s, "BEGIN IMMEDIATE; DELETE FROM ledger; DELETE FROM meta"
                         " WHERE key='ledger_file'; COMMIT", err);
}

/* ---- the reconciliation table ---------------------------------------------------------- */

static const ColumnDesc columns[] = {
    { "status", "STATUS", CELL_TEXT, 9, false },
    { "asset_id", "ASSET", CELL_INT, 5, true },
    { "ip", "IP", CELL_TEXT, 15, false },
    { "mac", "MAC", CELL_TEXT, 17, false },
    { "name", "NAME", CELL_TEXT, 14, false },
    { "ledger_line", "LINE", CELL_INT, 4, true },
    { "field", "FIELD", CELL_TEXT, 8, false },
    { "seen", "SEEN", CELL_TEXT, 20, false },
    { "ledger", "LEDGER", CELL_TEXT, 20, false },
};

const ColumnDesc *ledger_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(columns);
    return columns;
}

static const char *const verdict_names[] = { "matched", "unlisted", "missing", "mismatch" };

typedef struct Collect {
    GPtrArray *rows; /* char *[G_N_ELEMENTS(columns)] (NULL for SQL NULL) */
} Collect;

static void row_free(gpointer p)
{
    char **r = p;
    for (size_t k = 0; k < G_N_ELEMENTS(columns); k++)
        g_free(r[k]);
    g_free(r);
}

static char *dup_or_null(const char *s)
{
    return s && s[0] ? g_strdup(s) : NULL;
}

static void collect(const LedgerEvent *ev, void *user)
{
    Collect *c = user;
    char **r = g_new0(char *, G_N_ELEMENTS(columns));
    const LedgerEntry *e = ev->entry;
    const SeenAsset *a = ev->asset;
    r[0] = g_strdup(verdict_names[ev->verdict]);
    r[1] = a ? g_strdup_printf("%" G_GINT64_FORMAT, a->asset_id) : NULL;
    r[2] = dup_or_null(a ? a->ips : e->ip);
    r[3] = dup_or_null(a ? a->mac : e->mac);
    r[4] = dup_or_null(e && e->name[0] ? e->name : (a ? a->names : NULL));
    r[5] = e ? g_strdup_printf("%" G_GINT64_FORMAT, e->line) : NULL;
    r[6] = dup_or_null(ev->field);
    r[7] = dup_or_null(ev->seen);
    r[8] = dup_or_null(ev->listed);
    g_ptr_array_add(c->rows, r);
}

bool ledger_read(Store *s, StoreRowFn fn, void *user, Err *err)
{
    Collect c = { g_ptr_array_new_with_free_func(row_free) };
    bool ok = ledger_reconcile(s->db, collect, &c, err);
    bool go_on = true;
    for (guint i = 0; ok && go_on && i < c.rows->len; i++) {
        char **r = g_ptr_array_index(c.rows, i);
        const char *cells[G_N_ELEMENTS(columns)];
        for (size_t k = 0; k < G_N_ELEMENTS(columns); k++)
            cells[k] = r[k];
        go_on = fn(cells, user);
    }
    g_ptr_array_unref(c.rows);
    return ok;
}
