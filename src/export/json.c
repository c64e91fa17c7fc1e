/*
 * json.c - ordered JSON documents for NDJSON (contract in json.h).
 *
 * A line has a few dozen fields, so children are kept in arrays and found
 * by a linear scan; nothing here is worth a hash table.
 */
#include "config.h"

#include "json.h"

#include <stdlib.h>
#include <string.h>

typedef enum JsonType { J_OBJ, J_STR, J_INT, J_BOOL, J_ARR } JsonType;

typedef struct JsonNode {
    char *name;
    JsonType type;
    char *str;          /* J_STR */
    int64_t num;        /* J_INT, J_BOOL */
    GPtrArray *kids;    /* J_OBJ: JsonNode*; J_ARR: char* */
} JsonNode;

struct JsonDoc {
    JsonNode *root;
};

static void node_free(gpointer p)
{
    JsonNode *n = p;
    g_free(n->name);
    g_free(n->str);
    if (n->kids)
        g_ptr_array_unref(n->kids);
    g_free(n);
}

static JsonNode *node_new(const char *name, JsonType type)
{
    JsonNode *n = g_new0(JsonNode, 1);
    n->name = g_strdup(name);
    n->type = type;
    if (type == J_OBJ)
        n->kids = g_ptr_array_new_with_free_func(node_free);
    else if (type == J_ARR)
        n->kids = g_ptr_array_new_with_free_func(g_free);
    return n;
}

JsonDoc *json_doc_new(void)
{
    JsonDoc *d = g_new0(JsonDoc, 1);
    d->root = node_new("", J_OBJ);
    return d;
}

void json_doc_free(JsonDoc *d)
{
    if (!d)
        return;
    node_free(d->root);
    g_free(d);
}

void json_doc_clear(JsonDoc *d)
{
    g_ptr_array_set_size(d->root->kids, 0);
}

/* The node at path, created (as type) with its parent objects when
 * missing; an existing leaf of another type is reset. */
static JsonNode *node_at(JsonDoc *d, const char *path, JsonType type)
{
    JsonNode *cur = d->root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        JsonType want = dot ? J_OBJ : type;
        JsonNode *next = NULL;
        for (guint i = 0; i < cur->kids->len; i++) {
            JsonNode *k = g_ptr_array_index(cur->kids, i);
            if (strlen(k->name) == len && memcmp(k->name, p, len) == 0) {
                next = k;
                break;
            }
        }
        if (next && next->type != want) {
            g_ptr_array_remove(cur->kids, next);
            next = NULL;
        }
        if (!next) {
            char *name = g_strndup(p, len);
            next = node_new(name, want);
            g_free(name);
            g_ptr_array_add(cur->kids, next);
        }
        if (!dot)
            return next;
        cur = next;
        p = dot + 1;
    }
}

void json_set_str(JsonDoc *d, const char *path, const char *value)
{
    if (!value || !value[0])
        return;
    JsonNode *n = node_at(d, path, J_STR);
    g_free(n->str);
    n->str = g_strdup(value);
}

void json_set_int(JsonDoc *d, const char *path, int64_t value)
{
    node_at(d, path, J_INT)->num = value;
}

void json_set_int_text(JsonDoc *d, const char *path, const char *text)
{
    if (!text || !text[0])
        return;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end)
        return;
    json_set_int(d, path, v);
}

void json_set_bool(JsonDoc *d, const char *path, bool value)
{
    node_at(d, path, J_BOOL)->num = value;
}

void json_add_str(JsonDoc *d, const char *path, const char *value)
{
    if (!value || !value[0])
        return;
    g_ptr_array_add(node_at(d, path, J_ARR)->kids, g_strdup(value));
}

void json_set_str_list(JsonDoc *d, const char *path, const char *list, char sep)
{
    if (!list || !list[0])
        return;
    char delim[2] = { sep, '\0' };
    char **items = g_strsplit(list, delim, -1);
    for (char **i = items; *i; i++)
        json_add_str(d, path, *i);
    g_strfreev(items);
}

void json_escape(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
    g_string_append_c(out, '"');
}

static void node_write(const JsonNode *n, GString *out)
{
    switch (n->type) {
    case J_STR:
        json_escape(out, n->str);
        break;
    case J_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, n->num);
        break;
    case J_BOOL:
        g_string_append(out, n->num ? "true" : "false");
        break;
    case J_ARR:
        g_string_append_c(out, '[');
        for (guint i = 0; i < n->kids->len; i++) {
            if (i)
                g_string_append_c(out, ',');
            json_escape(out, g_ptr_array_index(n->kids, i));
        }
        g_string_append_c(out, ']');
        break;
    case J_OBJ:
        g_string_append_c(out, '{');
        for (guint i = 0; i < n->kids->len; i++) {
            const JsonNode *k = g_ptr_array_index(n->kids, i);
            if (i)
                g_string_append_c(out, ',');
            json_escape(out, k->name);
            g_string_append_c(out, ':');
            node_write(k, out);
        }
        g_string_append_c(out, '}');
        break;
    }
}

void json_doc_write(const JsonDoc *d, GString *out)
{
    node_write(d->root, out);
    g_string_append_c(out, '\n');
}
