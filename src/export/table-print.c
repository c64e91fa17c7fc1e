/*
 * table-print.c - CLI output of the store's tables.
 *
 * CSV quotes a field only when it must (comma, quote, CR or LF) and
 * doubles quotes, per RFC 4180, through libcsv's csv_fwrite.  JSON keeps
 * integer columns as numbers and SQL NULL as null.  The aligned table is
 * for people: it buffers the rows to size the columns.
 */
#include "config.h"

#include "table-print.h"

#include <string.h>

#include <csv.h>
#include <glib.h>

bool table_format_from_name(const char *name, TableFormat *out)
{
    static const struct {
        const char *name;
        TableFormat fmt;
    } names[] = { { "table", FORMAT_TABLE }, { "csv", FORMAT_CSV }, { "json", FORMAT_JSON } };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i].name, name) == 0) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

typedef struct PrintCtx {
    FILE *out;
    const ColumnDesc *cols;
    int n_cols;
    uint64_t n_rows;
    GPtrArray *rows; /* table format: gchar** per row */
} PrintCtx;

static void csv_field(FILE *out, const char *text)
{
    if (!text)
        return;
    if (strpbrk(text, ",\"\r\n"))
        csv_fwrite(out, text, strlen(text));
    else
        fputs(text, out);
}

static bool csv_row(const char *const *cells, void *user)
{
    PrintCtx *pc = user;
    for (int i = 0; i < pc->n_cols; i++) {
        if (i)
            fputc(',', pc->out);
        csv_field(pc->out, cells[i]);
    }
    fputs("\r\n", pc->out);
    return true;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static bool json_row(const char *const *cells, void *user)
{
    PrintCtx *pc = user;
    fputs(pc->n_rows ? ",\n  {" : "\n  {", pc->out);
    for (int i = 0; i < pc->n_cols; i++) {
        if (i)
            fputs(", ", pc->out);
        json_string(pc->out, pc->cols[i].name);
        fputs(": ", pc->out);
        if (!cells[i])
            fputs("null", pc->out);
        else if (pc->cols[i].type == CELL_INT)
            fputs(cells[i], pc->out);
        else
            json_string(pc->out, cells[i]);
    }
    fputc('}', pc->out);
    pc->n_rows++;
    return true;
}

static bool keep_row(const char *const *cells, void *user)
{
    PrintCtx *pc = user;
    gchar **row = g_new0(gchar *, pc->n_cols + 1);
    for (int i = 0; i < pc->n_cols; i++)
        row[i] = g_strdup(cells[i] ? cells[i] : "");
    g_ptr_array_add(pc->rows, row);
    return true;
}

static void print_aligned(PrintCtx *pc)
{
    int widths[64];
    for (int i = 0; i < pc->n_cols; i++)
        widths[i] = (int)strlen(pc->cols[i].title);
    for (guint r = 0; r < pc->rows->len; r++) {
        gchar **row = g_ptr_array_index(pc->rows, r);
        for (int i = 0; i < pc->n_cols; i++) {
            int w = (int)g_utf8_strlen(row[i], -1);
            if (w > widths[i])
                widths[i] = w;
        }
    }
    for (int i = 0; i < pc->n_cols; i++)
        fprintf(pc->out, "%s%-*s", i ? "  " : "", i == pc->n_cols - 1 ? 0 : widths[i],
                pc->cols[i].title);
    fputc('\n', pc->out);
    for (guint r = 0; r < pc->rows->len; r++) {
        gchar **row = g_ptr_array_index(pc->rows, r);
        for (int i = 0; i < pc->n_cols; i++) {
            int pad = widths[i] - (int)g_utf8_strlen(row[i], -1);
            if (i)
                fputs("  ", pc->out);
            if (pc->cols[i].is_right)
                fprintf(pc->out, "%*s%s", pad, "", row[i]);
            else if (i == pc->n_cols - 1)
                fputs(row[i], pc->out);
            else
                fprintf(pc->out, "%s%*s", row[i], pad, "");
        }
        fputc('\n', pc->out);
    }
}

typedef struct TableSource {
    Store *s;
    StoreTable t;
} TableSource;

static bool read_store_table(void *source, StoreRowFn fn, void *user, Err *err)
{
    const TableSource *ts = source;
    return store_read_table(ts->s, ts->t, fn, user, err);
}

bool table_print(Store *s, StoreTable t, TableFormat fmt, FILE *out, Err *err)
{
    int n_cols;
    const ColumnDesc *cols = store_table_columns(t, &n_cols);
    TableSource ts = { s, t };
    return table_print_rows(cols, n_cols, read_store_table, &ts, fmt, out, err);
}

bool table_print_rows(const ColumnDesc *cols, int n_cols, TableReadFn read, void *source,
                      TableFormat fmt, FILE *out, Err *err)
{
    PrintCtx pc = { out, cols, n_cols, 0, NULL };
    bool ok = true;
    switch (fmt) {
    case FORMAT_CSV:
        for (int i = 0; i < pc.n_cols; i++) {
            if (i)
                fputc(',', out);
            csv_field(out, pc.cols[i].name);
        }
        fputs("\r\n", out);
        ok = read(source, csv_row, &pc, err);
        break;
    case FORMAT_JSON:
        fputc('[', out);
        ok = read(source, json_row, &pc, err);
        fputs(pc.n_rows ? "\n]\n" : "]\n", out);
        break;
    case FORMAT_TABLE:
        pc.rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        ok = read(source, keep_row, &pc, err);
        if (ok)
            print_aligned(&pc);
        g_ptr_array_unref(pc.rows);
        break;
    }
    return ok;
}
