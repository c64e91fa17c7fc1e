/*
 * cmd-merge.c - `otscope merge A.db B.db ... -o SITE.db`: site DBs into
 * one, captures already present (same SHA-256) skipped, assets resolved
 * and findings judged again over the combined data.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli-audit.h"
#include "cli.h"
#include "otscope/log.h"

static int run_merge(const CmdDesc *self, int argc, char **argv)
{
    gchar *out = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "", "SITE.db" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    int status = ERR_OK;
    if (!cli_parse_options(self, entries, &argc, &argv, &status)) {
        /* the usage error is out, status set */
    } else if (!out) {
        status = cli_usage_error(self, "-o SITE.db is required");
    } else if (argc < 2) {
        status = cli_usage_error(self, "name at least one DB to merge");
    }
    log_set_level(quiet ? LOG_QUIET : LOG_NORMAL);
    Err err;
    err_clear(&err);
    Store *s = NULL;
    if (status == ERR_OK && !(s = store_open(out, STORE_READ_WRITE, &err)))
        status = cli_fail(&err);
    GString *shas = g_string_new(NULL);
    GString *detail = g_string_new("into ");
    g_string_append(detail, out);
    for (int i = 1; status == ERR_OK && i < argc; i++) {
        /* the input's fingerprint before anything reads it */
        Store *in = store_open(argv[i], STORE_READ, &err);
        char sha[65] = "";
        bool ok = in && store_file_sha256(in, sha, &err);
        store_close(in);
        MergeStats st;
        if (ok)
            ok = store_merge_from(s, argv[i], &st, &err);
        if (!ok) {
            status = cli_fail(&err);
            break;
        }
        g_string_append_printf(shas, "%s%s", shas->len ? ";" : "", sha);
        g_string_append_printf(detail, "; %s: %" G_GINT64_FORMAT " captures added, %"
                               G_GINT64_FORMAT " already present", argv[i], st.captures_added,
                               st.captures_skipped);
        log_info("%s: %" G_GINT64_FORMAT " captures added, %" G_GINT64_FORMAT
                 " already in %s, %" G_GINT64_FORMAT " findings copied%s",
                 argv[i], st.captures_added, st.captures_skipped, out, st.findings_copied,
                 st.rules_rerun ? ", rules run again over the merged data" : "");
    }
    if (status == ERR_OK)
        cli_audit(s, "merge", shas->str, detail->str, NULL);
    g_string_free(shas, TRUE);
    g_string_free(detail, TRUE);
    store_close(s);
    g_free(out);
    return status;
}

const CmdDesc cmd_merge = {
    "merge",
    "otscope merge A.db [B.db...] -o SITE.db [-q]",
    "combine site DBs into one (captures, assets, findings, triage, audit trail)",
    "  -o, --output SITE.db  the combined DB (created 0600, or added to when it exists)\n"
    "  -q, --quiet           no summary\n"
    "Captures already in SITE.db (same SHA-256) are skipped; assets are resolved again and\n"
    "the rules judge the added captures over the combined data.\n",
    run_merge,
};
