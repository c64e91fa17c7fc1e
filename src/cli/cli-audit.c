/*
 * cli-audit.c - the audit entry every file-writing command leaves in the
 * DB (contract in cli-audit.h).  Analyze records itself with one call,
 * cli_audit_analyze(store), at its end.
 */
#include "config.h"

#include "cli-audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "otscope/log.h"

Store *cli_open_audited(const char *path, Err *err)
{
    char *dir = g_path_get_dirname(path);
    bool writable = access(path, W_OK) == 0 && access(dir, W_OK) == 0;
    g_free(dir);
    if (writable) {
        Store *s = store_open(path, STORE_READ_WRITE, err);
        if (s || err->code != ERR_DB)
            return s;
        err_clear(err);
    }
    /* cli_audit says so when it cannot write the entry */
    return store_open(path, STORE_READ, err);
}

char *cli_cmdline(void)
{
    gchar *raw = NULL;
    gsize len = 0;
    if (!g_file_get_contents("/proc/self/cmdline", &raw, &len, NULL) || len == 0) {
        g_free(raw);
        return g_strdup("otscope");
    }
    GString *out = g_string_new(NULL);
    for (gsize i = 0; i < len;) {
        const char *arg = raw + i;
        size_t n = strnlen(arg, len - i);
        if (out->len)
            g_string_append_c(out, ' ');
        if (n == 0 || strpbrk(arg, " \t\n'\"\\$`")) {
            char *q = g_shell_quote(arg);
            g_string_append(out, q);
            g_free(q);
        } else {
            g_string_append(out, arg);
        }
        i += n + 1;
    }
    g_free(raw);
    return g_string_free(out, FALSE);
}

char *cli_audit_now(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *text = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    return text;
}

void cli_audit(Store *s, const char *command, const char *input_sha256, const char *detail,
               const char *since)
{
    char *cmdline = cli_cmdline();
    AuditEntry e = { command, cmdline, input_sha256, detail, since };
    Err err;
    err_clear(&err);
    if (!store_audit_add(s, &e, &err))
        log_warn("audit trail: %s", err.msg);
    g_free(cmdline);
}

/* When this process started, from /proc (boot time + start ticks), in the
 * format of captures.started_at; NULL when /proc cannot tell. */
static char *process_start_utc(void)
{
    gchar *stat = NULL;
    gchar *proc_stat = NULL;
    char *out = NULL;
    if (g_file_get_contents("/proc/self/stat", &stat, NULL, NULL) &&
        g_file_get_contents("/proc/stat", &proc_stat, NULL, NULL)) {
        /* field 22 (starttime) counts from after the ")" that ends comm */
        const char *p = strrchr(stat, ')');
        long long ticks = -1;
        for (int field = 2; p && *p; p++) {
            if (*p == ' ' && ++field == 22) {
                ticks = strtoll(p + 1, NULL, 10);
                break;
            }
        }
        const char *bt = strstr(proc_stat, "\nbtime ");
        long hz = sysconf(_SC_CLK_TCK);
        if (ticks >= 0 && bt && hz > 0) {
            GDateTime *t = g_date_time_new_from_unix_utc(strtoll(bt + 7, NULL, 10) + ticks / hz);
            if (t) {
                out = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
                g_date_time_unref(t);
            }
        }
    }
    g_free(stat);
    g_free(proc_stat);
    return out;
}

void cli_audit_analyze(Store *s)
{
    char *since = process_start_utc();
    cli_audit(s, "analyze", NULL, NULL, since ? since : "9999");
    g_free(since);
}
