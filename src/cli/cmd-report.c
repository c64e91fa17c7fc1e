/*
 * cmd-report.c - `otscope report -o FILE.html`: the self-contained field
 * report (export/report.c), optionally anonymized; recorded in the DB's
 * audit trail.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli.h"
#include "otscope/log.h"
#include "otscope/sha256.h"
#include "report.h"

static char *file_sha256(const char *path)
{
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return g_strdup("");
    Sha256 h;
    uint8_t digest[SHA256_DIGEST_LEN];
    char hex[SHA256_HEX_LEN];
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, digest);
    sha256_hex(digest, hex);
    g_free(data);
    return g_strdup(hex);
}

static int run_report(const CmdDesc *self, int argc, char **argv)
{
    gchar *db = NULL;
    gchar *out = NULL;
    gchar *lang = NULL;
    gchar *site = NULL;
    gchar *anon_key = NULL;
    gboolean anonymize = FALSE;
    gboolean quiet = FALSE;
    gint cluster_above = 0;
    gint max_assets = 0;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "", "DB" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "", "FILE" },
        { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, "", "LANG" },
        { "site", 0, 0, G_OPTION_ARG_STRING, &site, "", "LABEL" },
        { "anonymize", 0, 0, G_OPTION_ARG_NONE, &anonymize, "", NULL },
        { "anon-key", 0, 0, G_OPTION_ARG_STRING, &anon_key, "", "KEY" },
        { "cluster-above", 0, 0, G_OPTION_ARG_INT, &cluster_above, "", "N" },
        { "max-assets", 0, 0, G_OPTION_ARG_INT, &max_assets, "", "N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (argc > 1) {
        status = cli_usage_error(self, "unexpected argument '%s'", argv[1]);
    } else if (!out) {
        status = cli_usage_error(self, "-o FILE.html is required");
    } else if (cluster_above < 0 || max_assets < 0) {
        status = cli_usage_error(self, "--cluster-above and --max-assets take a positive number");
    }
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    Err err;
    err_clear(&err);
    char *db_path = cli_db_path(db);
    Store *s = NULL;
    Anon *anon = NULL;
    if (status == ERR_OK && !(s = cli_open_audited(db_path, &err)))
        status = cli_fail(&err);
    if (status == ERR_OK && (anonymize || anon_key)) {
        anon = anon_new(anon_key);
        if (!anon_learn_store(anon, s, &err))
            status = cli_fail(&err);
    }
    char sha[65] = "";
    if (status == ERR_OK && !store_file_sha256(s, sha, &err))
        status = cli_fail(&err);
    char *label = NULL;
    if (status == ERR_OK) {
        if (site && site[0]) {
            label = g_strdup(site);
        } else {
            label = g_path_get_basename(db_path);
            char *dot = strrchr(label, '.');
            if (dot && dot != label)
                *dot = '\0';
        }
        const char *shown_site = anon && !site ? anon_value(anon, STK_NAME, label) : label;
        const char *shown_db = anon ? anon_value(anon, STK_PATH, db_path) : db_path;
        ReportOptions o = { out, lang ? lang : "en", shown_site, shown_db, sha, anon,
                            max_assets, cluster_above };
        if (!report_write(s, &o, &err))
            status = cli_fail(&err);
    }
    if (status == ERR_OK) {
        char *out_sha = file_sha256(out);
        char *detail = g_strdup_printf("lang=%s%s; wrote %s (sha256 %s)", lang ? lang : "en",
                                       anon ? " anonymized" : "", out, out_sha);
        cli_audit(s, "report", sha, detail, NULL);
        log_info("wrote %s", out);
        g_free(detail);
        g_free(out_sha);
    }
    anon_free(anon);
    store_close(s);
    g_free(label);
    g_free(db_path);
    g_free(db);
    g_free(out);
    g_free(lang);
    g_free(site);
    g_free(anon_key);
    return status;
}

const CmdDesc cmd_report = {
    "report",
    "otscope report [--db DB] -o FILE.html [--lang en|ja] [--site LABEL] [--anonymize] "
    "[--anon-key KEY] [--cluster-above N] [--max-assets N] [-q]",
    "the field report: one self-contained offline HTML file",
    "  --db DB              database (default $OTSCOPE_DB or $XDG_DATA_HOME/otscope/otscope.db)\n"
    "  -o, --output FILE    the HTML file to write (created 0600)\n"
    "      --lang LANG      en (default) or ja; words come from data/report/LANG.tsv\n"
    "      --site LABEL     the site named in the title (default: the DB file name)\n"
    "      --anonymize      pseudonyms for addresses, names, users and paths (see export)\n"
    "      --anon-key KEY   the same pseudonyms as an export with this key\n"
    "      --cluster-above N  draw groups instead of devices on the map above N devices\n"
    "                       (default 150)\n"
    "      --max-assets N   rows in the asset inventory (default 2000, highest risk first)\n"
    "  -q, --quiet          no summary\n"
    "The file has no script and loads nothing: inline CSS and SVG, a Content-Security-\n"
    "Policy that forbids everything else, every value HTML-escaped; it prints on A4.\n",
    run_report,
};
