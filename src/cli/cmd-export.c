/*
 * cmd-export.c - `otscope export`: the DB as files for elsewhere: CSV per
 * table, ECS NDJSON for a SIEM, a compact SQLite copy; optionally
 * anonymized.  Records itself in the DB's audit trail.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli.h"
#include "export.h"
#include "otscope/log.h"

enum {
    FMT_CSV = 1 << 0,
    FMT_NDJSON = 1 << 1,
    FMT_SQLITE = 1 << 2,
};

static bool parse_formats(const char *list, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = { { "csv", FMT_CSV }, { "ndjson", FMT_NDJSON }, { "sqlite", FMT_SQLITE } };
    *out = 0;
    char **items = g_strsplit(list, ",", -1);
    bool ok = items[0] != NULL;
    for (char **i = items; ok && *i; i++) {
        unsigned bit = 0;
        for (size_t n = 0; n < G_N_ELEMENTS(names); n++) {
            if (strcmp(g_strstrip(*i), names[n].name) == 0)
                bit = names[n].bit;
        }
        ok = bit != 0;
        *out |= bit;
    }
    g_strfreev(items);
    return ok;
}

/* The site label: --site, else the DB file's name without extension. */
static char *site_label(const char *given, const char *db_path)
{
    if (given && given[0])
        return g_strdup(given);
    char *base = g_path_get_basename(db_path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    return base;
}

typedef struct ExportArgs {
    gchar *db;
    gchar *format;
    gchar *out;
    gchar *site;
    gchar *observer;
    gchar *anon_key;
    gboolean excel;
    gboolean bulk;
    gboolean anonymize;
    gboolean show_secrets;
    gboolean quiet;
} ExportArgs;

static int run_formats(Store *s, unsigned fmts, ExportOptions *o, const ExportArgs *a,
                       GPtrArray *written, Err *err)
{
    bool several = (fmts & (fmts - 1)) != 0;
    bool ok = true;
    if (ok && (fmts & FMT_CSV))
        ok = export_csv(s, o, written, err);
    if (ok && (fmts & FMT_NDJSON)) {
        char *path = several ? g_build_filename(a->out, "otscope.ndjson", NULL) : NULL;
        ExportOptions n = *o;
        if (path)
            n.out = path;
        if (several && g_mkdir_with_parents(a->out, 0700) != 0)
            ok = err_set(err, ERR_INPUT, "%s: cannot create folder", a->out);
        ok = ok && export_ndjson(s, &n, written, err);
        g_free(path);
    }
    if (ok && (fmts & FMT_SQLITE)) {
        char *path = several ? g_build_filename(a->out, "otscope.db", NULL) : NULL;
        ExportOptions n = *o;
        if (path)
            n.out = path;
        if (several && g_mkdir_with_parents(a->out, 0700) != 0)
            ok = err_set(err, ERR_INPUT, "%s: cannot create folder", a->out);
        ok = ok && export_sqlite(s, &n, written, err);
        g_free(path);
    }
    return ok ? ERR_OK : cli_fail(err);
}

static int run_export(const CmdDesc *self, int argc, char **argv)
{
    ExportArgs a;
    memset(&a, 0, sizeof a);
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &a.db, "", "DB" },
        { "format", 'F', 0, G_OPTION_ARG_STRING, &a.format, "", "FMT" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a.out, "", "PATH" },
        { "excel", 0, 0, G_OPTION_ARG_NONE, &a.excel, "", NULL },
        { "bulk", 0, 0, G_OPTION_ARG_NONE, &a.bulk, "", NULL },
        { "site", 0, 0, G_OPTION_ARG_STRING, &a.site, "", "LABEL" },
        { "observer", 0, 0, G_OPTION_ARG_STRING, &a.observer, "", "NAME" },
        { "anonymize", 0, 0, G_OPTION_ARG_NONE, &a.anonymize, "", NULL },
        { "anon-key", 0, 0, G_OPTION_ARG_STRING, &a.anon_key, "", "KEY" },
        { "show-secrets", 0, 0, G_OPTION_ARG_NONE, &a.show_secrets, "", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    unsigned fmts = 0;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (argc > 1) {
        status = cli_usage_error(self, "unexpected argument '%s'", argv[1]);
    } else if (!a.format) {
        status = cli_usage_error(self, "say which: --format csv, ndjson or sqlite");
    } else if (!parse_formats(a.format, &fmts)) {
        status = cli_usage_error(self, "unknown format '%s' (csv, ndjson, sqlite)", a.format);
    } else if (!a.out && (fmts != FMT_NDJSON)) {
        status = cli_usage_error(self, "-o is required (a folder for csv, a file for sqlite)");
    } else if (a.show_secrets && (a.anonymize || a.anon_key)) {
        status = cli_usage_error(self, "--show-secrets and --anonymize contradict each other");
    }
    log_set_level(a.quiet ? LOG_QUIET : LOG_NORMAL);

    char *db_path = status == ERR_OK ? cli_db_path(a.db) : NULL;
    Store *s = NULL;
    Anon *anon = NULL;
    Err err;
    err_clear(&err);
    if (status == ERR_OK && !(s = cli_open_audited(db_path, &err)))
        status = cli_fail(&err);
    if (status == ERR_OK && (a.anonymize || a.anon_key)) {
        anon = anon_new(a.anon_key);
        if (!anon_learn_store(anon, s, &err))
            status = cli_fail(&err);
    }
    char sha[65] = "";
    if (status == ERR_OK && !store_file_sha256(s, sha, &err))
        status = cli_fail(&err);
    GPtrArray *written = g_ptr_array_new_with_free_func(g_free);
    char *site = status == ERR_OK ? site_label(a.site, db_path) : NULL;
    if (status == ERR_OK) {
        ExportOptions o = { a.out, a.excel, a.show_secrets, a.bulk,
                            anon ? anon_value(anon, STK_NAME, site) : site, a.observer, anon };
        status = run_formats(s, fmts, &o, &a, written, &err);
    }
    if (status == ERR_OK) {
        GString *detail = g_string_new(NULL);
        g_string_append_printf(detail, "format=%s%s%s; wrote", a.format,
                               anon ? " anonymized" : "", a.excel ? " excel" : "");
        for (guint i = 0; i < written->len; i++)
            g_string_append_printf(detail, " %s", (const char *)g_ptr_array_index(written, i));
        if (written->len == 0)
            g_string_append(detail, " stdout");
        cli_audit(s, "export", sha, detail->str, NULL);
        for (guint i = 0; i < written->len; i++)
            log_info("wrote %s", (const char *)g_ptr_array_index(written, i));
        g_string_free(detail, TRUE);
    }
    g_ptr_array_unref(written);
    anon_free(anon);
    store_close(s);
    g_free(site);
    g_free(db_path);
    g_free(a.db);
    g_free(a.format);
    g_free(a.out);
    g_free(a.site);
    g_free(a.observer);
    g_free(a.anon_key);
    return status;
}

const CmdDesc cmd_export = {
    "export",
    "otscope export [--db DB] --format csv|ndjson|sqlite[,...] [-o PATH] [--excel] [--site LABEL] "
    "[--bulk] [--anonymize] [--anon-key KEY] [--show-secrets] [-q]",
    "every table as CSV, ECS NDJSON for a SIEM, or a compact SQLite copy",
    "  --db DB            database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "  -F, --format FMT   csv (one file per table in the folder -o), ndjson (ECS, one\n"
    "                     document per line, to -o FILE or stdout), sqlite (VACUUM INTO\n"
    "                     -o FILE); several, comma-separated, all go into the folder -o\n"
    "  -o, --output PATH  folder (csv) or file (ndjson, sqlite); files are created 0600\n"
    "      --excel        csv: UTF-8 BOM, and cells starting with = + - @ TAB CR get a\n"
    "                     leading ' so they cannot run as formulas\n"
    "      --site LABEL   ndjson: labels.site of every line (default: the DB file name)\n"
    "      --bulk         ndjson: an Elasticsearch _bulk {\"create\":{}} line before each\n"
    "      --anonymize    consistent pseudonyms for addresses (prefix-preserving IPs,\n"
    "                     MACs keep their OUI), names, users and paths; secrets dropped\n"
    "      --anon-key KEY the same pseudonyms on every run with this key (implies\n"
    "                     --anonymize; default: a random key per run)\n"
    "      --show-secrets cleartext credentials unmasked (never with --anonymize)\n"
    "  -q, --quiet        no summary\n",
    run_export,
};
