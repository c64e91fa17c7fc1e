/*
 * export-csv.c - `otscope export --format csv`: every table of the DB as
 * one RFC 4180 file in a folder.
 *
 * Files: assets, asset_attributes (each identity attribute of an asset
 * with the protocol, counts and frames that revealed it), comms, ops,
 * findings (with evidence frames, capture and triage), protocols,
 * captures, audit.  Columns are the contract's, in order, then extras.
 * Fields are quoted only when they must be (comma, quote, CR, LF) with
 * quotes doubled, through libcsv; records end in CRLF.
 *
 * --excel: a UTF-8 byte order mark first (Excel otherwise reads the file
 * in the local code page), and a text cell that starts with = + - @ TAB
 * or CR gets a leading apostrophe, so a host name or banner taken off the
 * wire cannot become a formula (OWASP "CSV injection").  Numbers and times
 * are never guarded: they cannot start with those characters.
 */
#include "config.h"

#include "export.h"

#include <errno.h>
#include <string.h>

#include <csv.h>

typedef struct CsvTable {
    const char *file;
    bool is_extra;
    int table; /* StoreTable or ExportTable */
} CsvTable;

static const CsvTable csv_tables[] = {
    { "assets", false, TABLE_ASSETS },
    { "asset_attributes", true, XTABLE_ATTRIBUTES },
    { "comms", false, TABLE_COMMS },
    { "ops", false, TABLE_OPS },
    { "findings", true, XTABLE_FINDINGS },
    { "protocols", false, TABLE_PROTOCOLS },
    { "captures", false, TABLE_CAPTURES },
    { "audit", true, XTABLE_AUDIT },
};

typedef struct CsvCtx {
    FILE *fp;
    const ColumnDesc *cols;
    int n_cols;
    const ExportOptions *o;
} CsvCtx;

static bool needs_guard(const char *text)
{
    return text[0] && strchr("=+-@\t\r", text[0]);
}

static void put_field(CsvCtx *c, const char *text, bool is_text)
{
    if (!text || !text[0])
        return;
    char *guarded = NULL;
    if (c->o->excel && is_text && needs_guard(text))
        text = guarded = g_strconcat("'", text, NULL);
    if (strpbrk(text, ",\"\r\n"))
        csv_fwrite(c->fp, text, strlen(text));
    else
        fputs(text, c->fp);
    g_free(guarded);
}

static bool put_row(const char *const *cells, void *user)
{
    CsvCtx *c = user;
    for (int i = 0; i < c->n_cols; i++) {
        if (i)
            fputc(',', c->fp);
        put_field(c, export_cell(c->o->anon, c->cols, c->n_cols, cells, i),
                  c->cols[i].type == CELL_TEXT);
    }
    fputs("\r\n", c->fp);
    return !ferror(c->fp);
}

static bool write_table(Store *s, const CsvTable *t, const ExportOptions *o, const char *path,
                        Err *err)
{
    ExportFile f;
    if (!export_file_open(&f, path, err))
        return false;
    CsvCtx c = { f.fp, NULL, 0, o };
    c.cols = t->is_extra ? store_xtable_columns((ExportTable)t->table, &c.n_cols)
                         : store_table_columns((StoreTable)t->table, &c.n_cols);
    if (o->excel)
        fputs("\xEF\xBB\xBF", f.fp);
    for (int i = 0; i < c.n_cols; i++) {
        if (i)
            fputc(',', f.fp);
        put_field(&c, c.cols[i].name, false);
    }
    fputs("\r\n", f.fp);
    bool ok = t->is_extra
                  ? store_read_xtable(s, (ExportTable)t->table, o->show_secrets, put_row, &c, err)
                  : store_read_table(s, (StoreTable)t->table, put_row, &c, err);
    if (ok && ferror(f.fp))
        ok = err_set(err, ERR_INPUT, "%s: write error: %s", path, g_strerror(errno));
    return export_file_commit(&f, ok, err);
}

bool export_csv(Store *s, const ExportOptions *o, GPtrArray *written, Err *err)
{
    if (!o->out || !o->out[0])
        return err_set(err, ERR_USAGE, "csv export needs -o FOLDER");
    if (g_file_test(o->out, G_FILE_TEST_EXISTS) && !g_file_test(o->out, G_FILE_TEST_IS_DIR))
        return err_set(err, ERR_USAGE, "%s: not a folder (csv writes one file per table)", o->out);
    if (g_mkdir_with_parents(o->out, 0700) != 0)
        return err_set(err, ERR_INPUT, "%s: cannot create folder: %s", o->out, g_strerror(errno));
    for (size_t i = 0; i < G_N_ELEMENTS(csv_tables); i++) {
        char *name = g_strconcat(csv_tables[i].file, ".csv", NULL);
        char *path = g_build_filename(o->out, name, NULL);
        g_free(name);
        bool ok = write_table(s, &csv_tables[i], o, path, err);
        if (ok && written)
            g_ptr_array_add(written, path);
        else
            g_free(path);
        if (!ok)
            return false;
    }
    return true;
}
