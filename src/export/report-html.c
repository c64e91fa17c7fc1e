/*
 * report-html.c - HTML escaping for the report.  Every string that is not
 * a literal of the report's own markup goes through html_text: values
 * from the DB came off the wire and may hold markup.
 */
#include "config.h"

#include "report.h"

#include <stdarg.h>

void html_text(GString *out, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        case '\'':
            g_string_append(out, "&#39;");
            break;
        default:
            /* control characters have no place in a document */
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
                g_string_append_c(out, ' ');
            else
                g_string_append_c(out, *p);
        }
    }
}

void html_textf(GString *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    html_text(out, s);
    g_free(s);
}
