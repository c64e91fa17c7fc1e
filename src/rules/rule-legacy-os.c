/*
 * rule-legacy-os.c - legacy-os: hosts that announce an operating system
 * past its vendor's end of support.
 *
 * Reads the "os" attributes of this capture (SMB/NTLM version fields give
 * "Windows NT major.minor build N"; other dissectors give names) and
 * matches them against the prefixes below: Windows NT 4 to 6.3 (NT 4,
 * 2000, XP, Server 2003, Vista, 7, Server 2008/R2, 8, 8.1, Server 2012/R2)
 * and the consumer 9x line.  Windows 10 and Server 2016+ share version
 * 10.0 and are deliberately not judged from the version alone.  One
 * finding per host.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "rules-int.h"

static const char *const legacy_os[] = {
    "windows nt 4", "windows nt 5.", "windows nt 6.0", "windows nt 6.1", "windows nt 6.2",
    "windows nt 6.3", "windows 2000", "windows xp",    "windows server 2003", "windows vista",
    "windows 7",    "windows server 2008", "windows 8", "windows 95", "windows 98",
    "windows me",
};

static bool is_legacy(const char *os)
{
    char *low = g_ascii_strdown(os, -1);
    bool hit = false;
    for (size_t i = 0; i < G_N_ELEMENTS(legacy_os) && !hit; i++)
        hit = g_str_has_prefix(low, legacy_os[i]) || strstr(low, legacy_os[i]) != NULL;
    g_free(low);
    return hit;
}

static void legacy_os_run(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT addr, '', protocol, count, first_ns, last_ns, first_pkt,"
                                  " last_pkt, value FROM attrs WHERE capture_id=?1 AND name='os'"
                                  " ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *os = rule_text(st, 8);
        if (!is_legacy(os))
            continue;
        Finding *f = rule_hit(ctx, hit.src, &hit);
        rule_title(f, os);
        rule_note(ctx, f, "%s announces %s over %s", hit.src, os, hit.protocol);
    }
}

const RuleDesc rule_legacy_os = { "legacy-os", legacy_os_run, 0 };
