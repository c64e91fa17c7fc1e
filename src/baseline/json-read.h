/*
 * json-read.h - a small JSON reader for the advisory files: the whole
 * document into a tree, with a nesting limit.  Enough for data files of
 * a few megabytes (the CISA KEV JSON is about 1 MB); not a streaming
 * parser.
 */
#ifndef OTS_BASELINE_JSON_READ_H
#define OTS_BASELINE_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

typedef enum JsonKind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonKind;

typedef struct JsonValue {
    JsonKind kind;
    bool is_true;
    double number;
    char *text;      /* JSON_STRING (UTF-8), JSON_NUMBER (as written) */
    GPtrArray *items; /* JSON_ARRAY: JsonValue*; JSON_OBJECT: the values */
    GPtrArray *keys;  /* JSON_OBJECT: char*, parallel to items */
} JsonValue;

/* Parses text; NULL with why (message and byte offset) on bad JSON. */
JsonValue *json_read(const char *text, size_t len, char *why, size_t why_len);
void json_value_free(JsonValue *v);
/* The member key of an object, or NULL. */
const JsonValue *json_member(const JsonValue *obj, const char *key);
/* A string, number or boolean as text (a new string); NULL otherwise. */
char *json_as_text(const JsonValue *v);

#endif /* OTS_BASELINE_JSON_READ_H */
