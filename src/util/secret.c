/*
 * secret.c - the one way a secret is shown masked: its first and last
 * character and its length, so that an operator can tell two credentials
 * apart (and recognise a default like "public") without reading them.
 *
 * Secrets are stored as "kind:secret" attribute values (the dissectors
 * write them that way); the kind is no secret and stays readable, and
 * http-basic keeps its user name too ("http-basic:user:password").  The
 * store registers secret_mask() as the SQL function ots_mask_secret() so
 * every query that prints an attribute masks the same way.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "otscope/util.h"

/* Below this many characters first+last would show most of the secret. */
enum { SECRET_MIN_SHOWN = 4 };

static void mask_part(GString *out, const char *secret)
{
    /* network bytes may be invalid UTF-8: count characters only when valid */
    bool is_utf8 = g_utf8_validate(secret, -1, NULL);
    glong n = is_utf8 ? g_utf8_strlen(secret, -1) : (glong)strlen(secret);
    if (n < SECRET_MIN_SHOWN) {
        g_string_append_printf(out, "**** (%ld chars)", n);
        return;
    }
    const char *last = is_utf8 ? g_utf8_prev_char(secret + strlen(secret)) : secret + n - 1;
    const char *second = is_utf8 ? g_utf8_find_next_char(secret, NULL) : secret + 1;
    g_string_append_len(out, secret, second - secret);
    g_string_append(out, "****");
    g_string_append(out, last);
    g_string_append_printf(out, " (%ld chars)", n);
}

char *secret_mask(const char *value)
{
    GString *out = g_string_new(NULL);
    const char *secret = value;
    const char *colon = strchr(value, ':');
    if (colon) {
        const char *end = colon + 1;
        /* http-basic:user:password keeps the user: it is no secret */
        const char *second = strchr(end, ':');
        if (g_str_has_prefix(value, "http-basic:") && second)
            end = second + 1;
        g_string_append_len(out, value, end - value);
        secret = end;
    }
    mask_part(out, secret);
    return g_string_free(out, FALSE);
}
