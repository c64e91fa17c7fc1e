/*
 * rule-legacy-os.c - legacy-os: hosts that announce an operating system
 * past its vendor's end of support.
 *
 * Reads the "os" attributes of this capture (SMB/NTLM version fields give
 * "Windows NT major.minor build N"; other dissectors give names) and
 * matches them against the prefixes below: Windows NT 4 to 6.3 (NT 4,
 * 2000, XP, Server 2003, Vista, 7, Server 2008/R2, 8, 8.1, Server 2012/R2)
 * and the consumer 9x line.  Windows 10 and Server 2016+ share version
 * 10.0 and are deliberately not judged from the version alone.  An OS
 * guessed from a TCP SYN fingerprint (below high confidence) counts only
 * for stacks nothing modern resembles (XP, NT 5.x kernels), at low
 * severity.  One finding per host.
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

/* What a TCP SYN fingerprint (p0f) may be trusted with: only the old
 * stacks nothing modern resembles.  "Windows 7 or 8" and "NT kernel 6.x"
 * are what Windows 10 and 11 look like to p0f's signatures. */
static const char *const legacy_stacks[] = { "windows xp", "windows nt kernel 5" };

static bool matches(const char *os, const char *const *list, size_t n)
{
    char *low = g_ascii_strdown(os, -1);
    bool hit = false;
    for (size_t i = 0; i < n && !hit; i++)
        hit = strstr(low, list[i]) != NULL;
    g_free(low);
    return hit;
}

static void legacy_os_run(RuleCtx *ctx)
{
    sqlite3_stmt *st = rule_query(ctx,
                                  "SELECT addr, '', protocol, count, first_ns, last_ns, first_pkt,"
                                  " last_pkt, value, confidence FROM attrs WHERE capture_id=?1"
                                  " AND name='os' ORDER BY first_pkt");
    while (rule_step(ctx, st)) {
        Hit hit;
        rule_hit_columns(st, 0, &hit);
        const char *os = rule_text(st, 8);
        bool is_told = rule_int(st, 9) >= FACT_CONF_HIGH; /* the host said so (SMB, SNMP, ...) */
        if (is_told ? !matches(os, legacy_os, G_N_ELEMENTS(legacy_os))
                    : !matches(os, legacy_stacks, G_N_ELEMENTS(legacy_stacks)))
            continue;
        Finding *f = rule_hit(ctx, hit.src, &hit);
        rule_title(f, os);
        if (is_told) {
            rule_note(ctx, f, "%s announces %s over %s", hit.src, os, hit.protocol);
            rule_raise(f, ctx->meta->severity);
        } else {
            rule_note(ctx, f, "%s looks like %s by its TCP SYN (a fingerprint guess)", hit.src, os);
            if (f->count == hit.count) /* only guesses so far */
                rule_lower(f, SEV_LOW);
        }
    }
}

const RuleDesc rule_legacy_os = { "legacy-os", legacy_os_run, 0 };
