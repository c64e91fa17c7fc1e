/*
 * csv-save.c - the `e` key: the current view, with its scope, filter and
 * sort, as CSV.
 *
 * Same dialect as the CLI tables (RFC 4180 through libcsv, CRLF, UTF-8,
 * header row of the contract's column names, ISO-8601 UTC times).  The
 * file is created 0600 like the DB: it holds the same plant data.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <glib.h>

#include "console.h"

typedef struct SaveCtx {
    FILE *out;
    int n_cols;
    int64_t n_rows;
} SaveCtx;

void csv_write_field(FILE *out, const char *text)
{
    if (!text)
        return;
    if (strpbrk(text, ",\"\r\n"))
        csv_fwrite(out, text, strlen(text));
    else
        fputs(text, out);
}

static bool save_row(const char *const *cells, void *user)
{
    SaveCtx *sc = user;
    for (int i = 0; i < sc->n_cols; i++) {
        if (i)
            fputc(',', sc->out);
        csv_write_field(sc->out, cells[i]);
    }
    fputs("\r\n", sc->out);
    sc->n_rows++;
    return true;
}

static FILE *create_private(const char *path, Err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        err_set(err, ERR_INPUT, "%s: %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}

static bool save_table(View *v, FILE *f, int64_t *n_rows, Err *err)
{
    const PageQuery *q = tableview_query(v->table);
    Pager *p = store_pager_new(v->con->store, q, err);
    if (!p)
        return false;
    SaveCtx sc = { f, store_page_n_columns(q->source), 0 };
    for (int i = 0; i < sc.n_cols; i++) {
        if (i)
            fputc(',', f);
        csv_write_field(f, store_page_column(q->source, i)->name);
    }
    fputs("\r\n", f);
    bool ok = store_pager_each(p, save_row, &sc, err);
    store_pager_free(p);
    *n_rows = sc.n_rows;
    return ok;
}

bool csv_save_view(View *v, const char *path, int64_t *n_rows, Err *err)
{
    *n_rows = 0;
    FILE *f = create_private(path, err);
    if (!f)
        return false;
    bool ok;
    if (v->table && !view_owns_body(v))
        ok = save_table(v, f, n_rows, err);
    else if (v->desc->export_csv)
        ok = v->desc->export_csv(v, f, n_rows, err);
    else
        ok = err_set(err, ERR_USAGE, "%s: nothing to export", v->desc->name);
    if (fclose(f) != 0 && ok)
        ok = err_set(err, ERR_INPUT, "%s: %s", path, g_strerror(errno));
    return ok;
}
