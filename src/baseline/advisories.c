/*
 * advisories.c - offline vulnerability data: the CISA Known Exploited
 * Vulnerabilities catalogue (its CSV or JSON, as published) and otscope's
 * own advisory files (CSV or JSON) of vendor, product, device models and
 * an affected firmware range -> advisory id, CVE, CVSS, text and fix.
 * Read into the advisories and kev tables; the vulnerable-firmware rule
 * matches devices against them.
 *
 * Own format (header row, any column order; names case-insensitive):
 *   advisory  the advisory id (ICSA-19-183-01, SSA-434534)       required
 *   cve       one CVE id per row (several rows per advisory)
 *   vendor    as devices or the MAC registry name it             required
 *   product   the product line ("SIMATIC S7-1200")
 *   models    ';'-separated globs of model names or order numbers as
 *             devices announce them ("6ES7 21*;CPU 121*"); product or
 *             models is required
 *   affected  the affected firmware versions ("<4.5.0", ">=2.0,<2.9.2",
 *             "*"; rules/fw-version.h); empty: every version
 *   cvss      base score 0-10
 *   title, fix, url
 * The JSON form is an array of objects with those keys (or an object with
 * an "advisories" array).  A file of either kind replaces the rows that
 * came from a file of the same name; KEV replaces the catalogue.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "fw-version.h"
#include "json-read.h"
#include "otscope/log.h"
#include "site-int.h"
#include "store-int.h"

enum { WHY_MAX = 160 };

/* Own rows: these fields, in this order (the advisories table's). */
typedef enum OwnField {
    OWN_ADVISORY,
    OWN_CVE,
    OWN_VENDOR,
    OWN_PRODUCT,
    OWN_MODELS,
    OWN_AFFECTED,
    OWN_CVSS,
    OWN_TITLE,
    OWN_FIX,
    OWN_URL,
    OWN_COUNT
} OwnField;

static const char *const own_names[OWN_COUNT] = {
    "advisory;advisory_id;id", "cve;cve_id;cveid", "vendor;vendorproject;manufacturer",
    "product", "models;model", "affected;affected_versions;versions;firmware",
    "cvss;cvss_score;score", "title;summary;name", "fix;remediation;solution",
    "url;link;reference",
};

/* KEV rows: the catalogue's own column names. */
typedef enum KevField {
    KEV_CVE,
    KEV_VENDOR,
    KEV_PRODUCT,
    KEV_NAME,
    KEV_ADDED,
    KEV_ACTION,
    KEV_DUE,
    KEV_RANSOMWARE,
    KEV_COUNT
} KevField;

static const char *const kev_names[KEV_COUNT] = {
    "cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "requiredAction",
    "dueDate", "knownRansomwareCampaignUse",
};

typedef struct Rows {
    bool is_kev;
    GPtrArray *rows; /* char *[OWN_COUNT or KEV_COUNT] + line in the last slot */
    int n_fields;
} Rows;

static void rows_init(Rows *r, bool is_kev)
{
    r->is_kev = is_kev;
    r->n_fields = is_kev ? KEV_COUNT : OWN_COUNT;
    r->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
}

/* A new row of n_fields empty strings plus its line number. */
static char **row_new(const Rows *r, int64_t line)
{
    char **row = g_new0(char *, r->n_fields + 2);
    for (int i = 0; i < r->n_fields; i++)
        row[i] = g_strdup("");
    row[r->n_fields] = g_strdup_printf("%" G_GINT64_FORMAT, line);
    return row;
}

static void row_set(char **row, int field, const char *value)
{
    g_free(row[field]);
    row[field] = g_strstrip(g_strdup(value ? value : ""));
}

static int own_field(const char *name)
{
    char *low = g_ascii_strdown(name, -1);
    g_strstrip(low);
    int found = -1;
    for (int f = 0; f < OWN_COUNT && found < 0; f++) {
        gchar **names = g_strsplit(own_names[f], ";", -1);
        for (gchar **n = names; *n && found < 0; n++)
            if (strcmp(*n, low) == 0)
                found = f;
        g_strfreev(names);
    }
    g_free(low);
    return found;
}

static int kev_field(const char *name)
{
    for (int f = 0; f < KEV_COUNT; f++)
        if (strcmp(kev_names[f], name) == 0)
            return f;
    return -1;
}

/* Checks an own row; false + err naming the file and line. */
static bool check_own(const char *path, char **row, Err *err)
{
    const char *line = row[OWN_COUNT];
    if (!row[OWN_ADVISORY][0])
        return err_set(err, ERR_INPUT, "%s:%s: no advisory id", path, line);
    if (!row[OWN_VENDOR][0])
        return err_set(err, ERR_INPUT, "%s:%s: %s: no vendor", path, line, row[OWN_ADVISORY]);
    if (!row[OWN_PRODUCT][0] && !row[OWN_MODELS][0])
        return err_set(err, ERR_INPUT, "%s:%s: %s: give a product or models", path, line,
                       row[OWN_ADVISORY]);
    char why[WHY_MAX];
    if (!fwrange_check(row[OWN_AFFECTED], why, sizeof why))
        return err_set(err, ERR_INPUT, "%s:%s: %s: affected: %s", path, line, row[OWN_ADVISORY],
                       why);
    if (row[OWN_CVSS][0]) {
        char *end;
        double score = g_ascii_strtod(row[OWN_CVSS], &end);
        if (*end || score < 0 || score > 10)
            return err_set(err, ERR_INPUT, "%s:%s: %s: cvss '%s' is not a score from 0 to 10",
                           path, line, row[OWN_ADVISORY], row[OWN_CVSS]);
    }
    return true;
}

/* ---- CSV ---------------------------------------------------------------------------- */

static bool from_csv(const char *path, const char *text, size_t len, AdvisoryFormat fmt,
                     Rows *out, Err *err)
{
    GPtrArray *csv = site_read_csv(path, text, len, err);
    if (!csv)
        return false;
    bool ok = csv->len > 0 || err_set(err, ERR_INPUT, "%s: empty (a header row is needed)", path);
    GPtrArray *header = ok ? g_ptr_array_index(csv, 0) : NULL;
    int kev_cols = 0;
    for (guint i = 0; header && i < header->len; i++)
        kev_cols += kev_field(g_ptr_array_index(header, i)) >= 0;
    bool is_kev = fmt == ADVISORY_KEV || (fmt == ADVISORY_AUTO && kev_cols >= 3);
    if (ok && fmt == ADVISORY_KEV && kev_cols < 3)
        ok = err_set(err, ERR_INPUT, "%s: no cveID, vendorProject, product columns: not the KEV"
                     " catalogue", path);
    rows_init(out, is_kev);
    int *map = g_new0(int, header ? header->len + 1 : 1);
    for (guint i = 0; ok && i < header->len; i++)
        map[i] = is_kev ? kev_field(g_ptr_array_index(header, i))
                        : own_field(g_ptr_array_index(header, i));
    for (guint r = 1; ok && r < csv->len; r++) {
        GPtrArray *cells = g_ptr_array_index(csv, r);
        bool is_blank = true;
        for (guint i = 0; i < cells->len && is_blank; i++)
            is_blank = !((const char *)g_ptr_array_index(cells, i))[0];
        if (is_blank)
            continue;
        char **row = row_new(out, r + 1);
        for (guint i = 0; i < cells->len && i < header->len; i++)
            if (map[i] >= 0)
                row_set(row, map[i], g_ptr_array_index(cells, i));
        g_ptr_array_add(out->rows, row);
        if (!is_kev)
            ok = check_own(path, row, err);
        else if (!row[KEV_CVE][0] || !row[KEV_VENDOR][0])
            ok = err_set(err, ERR_INPUT, "%s:%u: no cveID or vendorProject", path, r + 1);
    }
    g_free(map);
    g_ptr_array_unref(csv);
    return ok;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static bool from_json(const char *path, const char *text, size_t len, Rows *out, Err *err)
{
    char why[WHY_MAX];
    JsonValue *doc = json_read(text, len, why, sizeof why);
    if (!doc)
        return err_set(err, ERR_INPUT, "%s: not JSON: %s", path, why);
    const JsonValue *list = doc;
    bool is_kev = false;
    if (doc->kind == JSON_OBJECT) {
        const JsonValue *vulns = json_member(doc, "vulnerabilities");
        is_kev = vulns != NULL;
        list = vulns ? vulns : json_member(doc, "advisories");
    }
    rows_init(out, is_kev);
    bool ok = list && list->kind == JSON_ARRAY;
    if (!ok)
        err_set(err, ERR_INPUT, "%s: expected an array of advisories (or the KEV catalogue)", path);
    for (guint i = 0; ok && i < list->items->len; i++) {
        const JsonValue *o = g_ptr_array_index(list->items, i);
        char **row = row_new(out, (int64_t)i + 1);
        g_ptr_array_add(out->rows, row);
        if (o->kind != JSON_OBJECT) {
            ok = err_set(err, ERR_INPUT, "%s: item %u is not an object", path, i + 1);
            break;
        }
        for (guint k = 0; k < o->keys->len; k++) {
            int f = is_kev ? kev_field(g_ptr_array_index(o->keys, k))
                           : own_field(g_ptr_array_index(o->keys, k));
            char *v = json_as_text(g_ptr_array_index(o->items, k));
            if (f >= 0 && v)
                row_set(row, f, v);
            g_free(v);
        }
        if (!is_kev)
            ok = check_own(path, row, err);
        else if (!row[KEV_CVE][0] || !row[KEV_VENDOR][0])
            ok = err_set(err, ERR_INPUT, "%s: item %u: no cveID or vendorProject", path, i + 1);
    }
    json_value_free(doc);
    return ok;
}

/* ---- storing ----------------------------------------------------------------------------- */

static bool store_rows(Store *s, const Rows *rows, const char *source, bool is_replace_all,
                       Err *err)
{
    sqlite3_stmt *del = NULL;
    sqlite3_stmt *put = NULL;
    bool ok = store_exec(s, "BEGIN IMMEDIATE", err);
    if (!ok)
        return false;
    if (rows->is_kev) {
        ok = store_exec(s, "DELETE FROM kev", err) &&
             store_prepare(s, "INSERT OR REPLACE INTO kev (cve, vendor, product, name, date_added,"
                              " action, due, ransomware) VALUES (?,?,?,?,?,?,?,?)", &put, err);
    } else {
        ok = store_prepare(s, is_replace_all ? "DELETE FROM advisories WHERE ?1 IS NOT NULL"
                                             : "DELETE FROM advisories WHERE source=?1",
                           &del, err);
        if (ok) {
            sqlite3_bind_text(del, 1, source, -1, SQLITE_STATIC);
            ok = sqlite3_step(del) == SQLITE_DONE || store_fail(s, err, "advisories");
        }
        ok = ok && store_prepare(s, "INSERT INTO advisories (advisory, cve, vendor, product,"
                                    " models, affected, cvss, title, fix, url, line, source)"
                                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", &put, err);
    }
    for (guint r = 0; ok && r < rows->rows->len; r++) {
        char **row = g_ptr_array_index(rows->rows, r);
        for (int f = 0; f < rows->n_fields; f++)
            sqlite3_bind_text(put, f + 1, row[f], -1, SQLITE_STATIC);
        if (!rows->is_kev) {
            if (row[OWN_CVSS][0])
                sqlite3_bind_double(put, OWN_CVSS + 1, g_ascii_strtod(row[OWN_CVSS], NULL));
            else
                sqlite3_bind_null(put, OWN_CVSS + 1);
            sqlite3_bind_int64(put, OWN_COUNT + 1, g_ascii_strtoll(row[OWN_COUNT], NULL, 10));
            sqlite3_bind_text(put, OWN_COUNT + 2, source, -1, SQLITE_STATIC);
        }
        ok = sqlite3_step(put) == SQLITE_DONE || store_fail(s, err, "advisories");
        sqlite3_reset(put);
    }
    sqlite3_finalize(del);
    sqlite3_finalize(put);
    ok = ok && store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

bool advisory_format_from_name(const char *name, AdvisoryFormat *out)
{
    static const struct {
        const char *name;
        AdvisoryFormat fmt;
    } names[] = { { "auto", ADVISORY_AUTO }, { "kev", ADVISORY_KEV }, { "csv", ADVISORY_CSV },
                  { "json", ADVISORY_JSON } };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(names[i].name, name) == 0) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

bool advisories_import(Store *s, const char *path, AdvisoryFormat fmt, bool is_replace_all,
                       AdvisoryStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    char *text = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, &len, &error)) {
        err_set(err, ERR_INPUT, "%s: %s", path, error->message);
        g_error_free(error);
        return false;
    }
    if (!g_utf8_validate(text, (gssize)len, NULL)) {
        g_free(text);
        return err_set(err, ERR_INPUT, "%s: not UTF-8 text", path);
    }
    const char *p = text;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || (unsigned char)*p == 0xef ||
           (unsigned char)*p == 0xbb || (unsigned char)*p == 0xbf)
        p++;
    bool is_json = fmt == ADVISORY_JSON || (fmt != ADVISORY_CSV && (*p == '[' || *p == '{'));
    Rows rows;
    memset(&rows, 0, sizeof rows);
    bool ok = is_json ? from_json(path, text, len, &rows, err)
                      : from_csv(path, text, len, fmt, &rows, err);
    g_free(text);
    if (ok && fmt == ADVISORY_KEV && !rows.is_kev)
        ok = err_set(err, ERR_INPUT, "%s: not the KEV catalogue", path);
    char *source = g_path_get_basename(path);
    ok = ok && store_rows(s, &rows, source, is_replace_all, err);
    g_free(source);
    stats->format = rows.is_kev ? ADVISORY_KEV : (is_json ? ADVISORY_JSON : ADVISORY_CSV);
    stats->rows = rows.rows ? rows.rows->len : 0;
    if (rows.rows)
        g_ptr_array_unref(rows.rows);
    return ok;
}

bool advisories_clear(Store *s, Err *err)
{
    return store_exec(s, "BEGIN IMMEDIATE; DELETE FROM advisories; DELETE FROM kev; COMMIT", err);
}

static const ColumnDesc columns[] = {
    { "advisory", "ADVISORY", CELL_TEXT, 15, false },
    { "cve", "CVE", CELL_TEXT, 15, false },
    { "vendor", "VENDOR", CELL_TEXT, 14, false },
    { "product", "PRODUCT", CELL_TEXT, 18, false },
    { "models", "MODELS", CELL_TEXT, 16, false },
    { "affected", "AFFECTED", CELL_TEXT, 10, false },
    { "cvss", "CVSS", CELL_TEXT, 4, true },
    { "kev", "KEV", CELL_TEXT, 10, false },
    { "title", "TITLE", CELL_TEXT, 30, false },
    { "fix", "FIX", CELL_TEXT, 30, false },
    { "source", "SOURCE", CELL_TEXT, 16, false },
};

const ColumnDesc *advisories_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(columns);
    return columns;
}

bool advisories_read(Store *s, StoreRowFn fn, void *user, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT a.advisory, a.cve, a.vendor, a.product, a.models, a.affected,"
            " CASE WHEN a.cvss IS NULL THEN NULL ELSE printf('%.1f', a.cvss) END, k.date_added,"
            " a.title, a.fix, a.source, a.line"
            " FROM advisories a LEFT JOIN kev k ON k.cve=a.cve AND a.cve<>''"
            " UNION ALL SELECT k.cve, k.cve, k.vendor, k.product, '', '', NULL, k.date_added,"
            " k.name, k.action, 'CISA KEV', 0 FROM kev k"
            " WHERE k.cve NOT IN (SELECT cve FROM advisories)"
            " ORDER BY 11, 12, 1, 2",
            -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "advisories");
    bool go_on = true;
    int rc;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[G_N_ELEMENTS(columns)];
        for (size_t i = 0; i < G_N_ELEMENTS(columns); i++)
            cells[i] = (const char *)sqlite3_column_text(st, (int)i);
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "advisories");
    sqlite3_finalize(st);
    return ok;
}
