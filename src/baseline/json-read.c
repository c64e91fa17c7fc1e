/*
 * json-read.c - the JSON reader of json-read.h (RFC 8259: objects,
 * arrays, strings with escapes and surrogate pairs, numbers, literals).
 * Input is untrusted: every read is bounded by the length, nesting by
 * JSON_DEPTH_MAX.
 */
#include "config.h"

#include "json-read.h"

#include <stdio.h>
#include <string.h>

enum { JSON_DEPTH_MAX = 64 };

typedef struct Reader {
    const char *p;
    const char *end;
    const char *start;
    const char *error;
} Reader;

static JsonValue *value(Reader *r, int depth);

static void skip_ws(Reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static JsonValue *fail(Reader *r, const char *what)
{
    if (!r->error)
        r->error = what;
    return NULL;
}

static JsonValue *new_value(JsonKind kind)
{
    JsonValue *v = g_new0(JsonValue, 1);
    v->kind = kind;
    return v;
}

static int hex4(Reader *r)
{
    if (r->end - r->p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->p[i];
        if (!g_ascii_isxdigit(c))
            return -1;
        v = v * 16 + g_ascii_xdigit_value(c);
    }
    r->p += 4;
    return v;
}

static char *string(Reader *r)
{
    r->p++; /* the opening quote */
    GString *s = g_string_new(NULL);
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p++;
        if (c < 0x20) {
            fail(r, "control character in a string");
            break;
        }
        if (c != '\\') {
            g_string_append_c(s, (char)c);
            continue;
        }
        if (r->p >= r->end)
            break;
        char e = *r->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            g_string_append_c(s, out[simple - "\"\\/bfnrt"]);
        } else if (e == 'u') {
            int cp = hex4(r);
            if (cp >= 0xd800 && cp <= 0xdbff && r->end - r->p >= 6 && r->p[0] == '\\' &&
                r->p[1] == 'u') {
                r->p += 2;
                int lo = hex4(r);
                cp = lo >= 0xdc00 && lo <= 0xdfff ? 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
                                                  : -1;
            }
            if (cp < 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
                fail(r, "bad \\u escape");
                break;
            }
            g_string_append_unichar(s, (gunichar)cp);
        } else {
            fail(r, "bad escape");
            break;
        }
    }
    if (r->p >= r->end && !r->error)
        fail(r, "unterminated string");
    if (r->error) {
        g_string_free(s, TRUE);
        return NULL;
    }
    r->p++; /* the closing quote */
    if (!g_utf8_validate(s->str, (gssize)s->len, NULL)) {
        g_string_free(s, TRUE);
        fail(r, "string is not UTF-8");
        return NULL;
    }
    return g_string_free(s, FALSE);
}

static JsonValue *container(Reader *r, int depth, bool is_object)
{
    if (depth >= JSON_DEPTH_MAX)
        return fail(r, "nested too deeply");
    r->p++;
    JsonValue *v = new_value(is_object ? JSON_OBJECT : JSON_ARRAY);
    v->items = g_ptr_array_new_with_free_func((GDestroyNotify)json_value_free);
    if (is_object)
        v->keys = g_ptr_array_new_with_free_func(g_free);
    skip_ws(r);
    char close = is_object ? '}' : ']';
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return v;
    }
    while (!r->error) {
        skip_ws(r);
        if (is_object) {
            if (r->p >= r->end || *r->p != '"') {
                fail(r, "expected a member name");
                break;
            }
            char *key = string(r);
            if (!key)
                break;
            g_ptr_array_add(v->keys, key);
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                fail(r, "expected ':'");
                break;
            }
            r->p++;
        }
        JsonValue *item = value(r, depth + 1);
        if (!item) {
            if (is_object) /* keep keys and items parallel */
                g_ptr_array_remove_index(v->keys, v->keys->len - 1);
            break;
        }
        g_ptr_array_add(v->items, item);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return v;
        }
        fail(r, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    json_value_free(v);
    return NULL;
}

static JsonValue *number(Reader *r)
{
    const char *s = r->p;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    while (r->p < r->end && (g_ascii_isdigit(*r->p) || strchr(".eE+-", *r->p)))
        r->p++;
    char *text = g_strndup(s, (gsize)(r->p - s));
    char *end;
    double d = g_ascii_strtod(text, &end);
    if (end == text || *end) {
        g_free(text);
        return fail(r, "bad number");
    }
    JsonValue *v = new_value(JSON_NUMBER);
    v->number = d;
    v->text = text;
    return v;
}

static JsonValue *literal(Reader *r, const char *word, JsonKind kind, bool is_true)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unexpected character");
    r->p += n;
    JsonValue *v = new_value(kind);
    v->is_true = is_true;
    return v;
}

static JsonValue *value(Reader *r, int depth)
{
    skip_ws(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end");
    switch (*r->p) {
    case '{':
        return container(r, depth, true);
    case '[':
        return container(r, depth, false);
    case '"': {
        char *s = string(r);
        if (!s)
            return NULL;
        JsonValue *v = new_value(JSON_STRING);
        v->text = s;
        return v;
    }
    case 't':
        return literal(r, "true", JSON_BOOL, true);
    case 'f':
        return literal(r, "false", JSON_BOOL, false);
    case 'n':
        return literal(r, "null", JSON_NULL, false);
    default:
        if (*r->p == '-' || g_ascii_isdigit(*r->p))
            return number(r);
        return fail(r, "unexpected character");
    }
}

JsonValue *json_read(const char *text, size_t len, char *why, size_t why_len)
{
    Reader r = { text, text + len, text, NULL };
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        r.p += 3;
    JsonValue *v = value(&r, 0);
    skip_ws(&r);
    if (v && r.p != r.end) {
        json_value_free(v);
        v = fail(&r, "text after the value");
    }
    if (!v && why)
        snprintf(why, why_len, "%s at byte %zu", r.error ? r.error : "bad JSON",
                 (size_t)(r.p - r.start));
    return v;
}

void json_value_free(JsonValue *v)
{
    if (!v)
        return;
    g_free(v->text);
    if (v->items)
        g_ptr_array_unref(v->items);
    if (v->keys)
        g_ptr_array_unref(v->keys);
    g_free(v);
}

const JsonValue *json_member(const JsonValue *obj, const char *key)
{
    if (!obj || obj->kind != JSON_OBJECT)
        return NULL;
    for (guint i = 0; i < obj->keys->len; i++)
        if (strcmp(g_ptr_array_index(obj->keys, i), key) == 0)
            return g_ptr_array_index(obj->items, i);
    return NULL;
}

char *json_as_text(const JsonValue *v)
{
    if (!v)
        return NULL;
    switch (v->kind) {
    case JSON_STRING:
    case JSON_NUMBER:
        return g_strdup(v->text);
    case JSON_BOOL:
        return g_strdup(v->is_true ? "true" : "false");
    default:
        return NULL;
    }
}
