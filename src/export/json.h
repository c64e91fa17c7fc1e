/*
 * json.h - a small ordered JSON document for one NDJSON line: fields are
 * set by dotted path ("source.ip") and come out as nested objects in the
 * order they were first set, so output is deterministic.
 */
#ifndef OTS_EXPORT_JSON_H
#define OTS_EXPORT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef struct JsonDoc JsonDoc;

JsonDoc *json_doc_new(void);
void json_doc_free(JsonDoc *d);
/* Empties the document for the next line. */
void json_doc_clear(JsonDoc *d);

/* Setters: path is dotted; a NULL or empty string value sets nothing.
 * Setting a path again replaces its value. */
void json_set_str(JsonDoc *d, const char *path, const char *value);
void json_set_int(JsonDoc *d, const char *path, int64_t value);
/* An integer from decimal text (NULL, "" or non-numeric: nothing). */
void json_set_int_text(JsonDoc *d, const char *path, const char *text);
void json_set_bool(JsonDoc *d, const char *path, bool value);
/* An array of strings from a sep-joined list (empty items dropped). */
void json_set_str_list(JsonDoc *d, const char *path, const char *list, char sep);
/* Appends one string to an array at path (created when missing). */
void json_add_str(JsonDoc *d, const char *path, const char *value);

/* Appends the document as one line of compact JSON, newline included. */
void json_doc_write(const JsonDoc *d, GString *out);

/* Appends s as a JSON string literal (quotes included). */
void json_escape(GString *out, const char *s);

#endif /* OTS_EXPORT_JSON_H */
