/*
 * export-common.c - what the CSV and NDJSON exporters and the report share:
 * which columns carry identifiers, safe output files, ECS MAC form.
 */
#include "config.h"

#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Columns of the exported tables that can name a device, a person or a
 * site; the rest are contract words, numbers and times. */
static const struct {
    const char *column;
    int kind;
    bool is_list;
} column_kinds[] = {
    { "mac", STK_ADDR, false },
    { "ips", STK_ADDR, true },
    { "src", STK_ADDR, false },
    { "dst", STK_ADDR, false },
    { "addr", STK_ADDR, false },
    { "hostnames", STK_NAME, true },
    { "role_evidence", STK_TEXT, false },
    { "os", STK_TEXT, true },
    { "model", STK_TEXT, true },
    { "firmware", STK_TEXT, true },
    { "title", STK_TEXT, false },
    { "evidence", STK_TEXT, false },
    { "why", STK_TEXT, false },
    { "recommendation", STK_TEXT, false },
    { "detail", STK_TEXT, false },
    { "error", STK_TEXT, false },
    { "triage_note", STK_TEXT, false },
    { "path", STK_PATH, false },
    { "capture", STK_PATH, false },
    { "captures", STK_PATH, true },
    { "user", STK_USER, false },
    { "cmdline", STK_CMDLINE, false },
};

int export_column_kind(const char *column, bool *is_list)
{
    for (size_t i = 0; i < G_N_ELEMENTS(column_kinds); i++) {
        if (strcmp(column_kinds[i].column, column) == 0) {
            *is_list = column_kinds[i].is_list;
            return column_kinds[i].kind;
        }
    }
    *is_list = false;
    return -1;
}

int export_attr_kind(const char *attr)
{
    static const struct {
        AttrKind attr;
        StoreTextKind kind;
    } kinds[] = {
        { ATTR_HOSTNAME, STK_NAME }, { ATTR_DEVICE_NAME, STK_NAME }, { ATTR_DOMAIN, STK_NAME },
        { ATTR_USER, STK_USER },     { ATTR_SERIAL, STK_SERIAL },    { ATTR_SECRET, STK_SECRET },
    };
    for (size_t i = 0; attr && i < G_N_ELEMENTS(kinds); i++) {
        if (strcmp(attr, attr_name(kinds[i].attr)) == 0)
            return kinds[i].kind;
    }
    return STK_TEXT;
}

const char *export_cell(Anon *anon, const ColumnDesc *cols, int n_cols, const char *const *cells,
                        int i)
{
    const char *v = cells[i];
    if (!anon || !v || !v[0])
        return v;
    const char *name = cols[i].name;
    if (strcmp(name, "value") == 0) {
        /* attributes: the kind follows the attribute's name column */
        for (int j = 0; j < n_cols; j++) {
            if (strcmp(cols[j].name, "name") == 0)
                return anon_value(anon, (StoreTextKind)export_attr_kind(cells[j]), v);
        }
        return anon_value(anon, STK_TEXT, v);
    }
    bool is_list;
    int kind = export_column_kind(name, &is_list);
    if (kind < 0)
        return v;
    return is_list ? anon_list(anon, (StoreTextKind)kind, v)
                   : anon_value(anon, (StoreTextKind)kind, v);
}

bool export_file_open(ExportFile *f, const char *path, Err *err)
{
    memset(f, 0, sizeof *f);
    f->path = g_strdup(path);
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    f->tmp_path = g_strdup_printf("%s/.%s.%d.tmp", dir, base, (int)getpid());
    g_free(dir);
    g_free(base);
    int fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0)
        f->fp = fdopen(fd, "w");
    if (!f->fp) {
        err_set(err, ERR_INPUT, "%s: cannot write: %s", path, g_strerror(errno));
        if (fd >= 0)
            close(fd);
        g_free(f->path);
        g_free(f->tmp_path);
        memset(f, 0, sizeof *f);
        return false;
    }
    return true;
}

bool export_file_commit(ExportFile *f, bool ok, Err *err)
{
    if (!f->fp)
        return ok;
    bool write_ok = !ferror(f->fp);
    if (fclose(f->fp) != 0)
        write_ok = false;
    if (ok && !write_ok)
        ok = err_set(err, ERR_INPUT, "%s: write error: %s", f->path, g_strerror(errno));
    if (ok && rename(f->tmp_path, f->path) != 0)
        ok = err_set(err, ERR_INPUT, "%s: %s", f->path, g_strerror(errno));
    if (!ok)
        unlink(f->tmp_path);
    g_free(f->path);
    g_free(f->tmp_path);
    memset(f, 0, sizeof *f);
    return ok;
}

const char *export_mac_ecs(const char *mac, char buf[18])
{
    size_t n = strlen(mac);
    if (n != 17)
        return mac;
    for (size_t i = 0; i < n; i++)
        buf[i] = mac[i] == ':' ? '-' : g_ascii_toupper(mac[i]);
    buf[n] = '\0';
    return buf;
}

/* `otscope export --format sqlite`: the store makes the copy; the policy
 * (which pseudonyms) comes from here. */
bool export_sqlite(Store *s, const ExportOptions *o, GPtrArray *written, Err *err)
{
    if (!o->out || !o->out[0] || strcmp(o->out, "-") == 0)
        return err_set(err, ERR_USAGE, "sqlite export needs -o FILE");
    if (!store_export_copy(s, o->out, o->anon ? anon_store_map : NULL, o->anon, err))
        return false;
    if (written)
        g_ptr_array_add(written, g_strdup(o->out));
    return true;
}
