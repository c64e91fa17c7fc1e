/*
 * export.h - the DB as files that leave the machine: every table as CSV,
 * ECS NDJSON for a SIEM, a compact SQLite copy; and the helpers the
 * exporters and the report share.
 *
 * Every writer reads the store only; none writes it (the CLI records the
 * audit entry).  Files are created 0600, written to a temporary name and
 * renamed into place, so a failed export leaves no half file behind.
 */
#ifndef OTS_EXPORT_EXPORT_H
#define OTS_EXPORT_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include "anon.h"
#include "otscope/store-export.h"

typedef struct ExportOptions {
    const char *out;       /* csv: a folder; ndjson: a file or "-"; sqlite: a file */
    bool excel;            /* csv: UTF-8 BOM and formula-injection guard */
    bool show_secrets;     /* unmasked secrets (never with anon) */
    bool bulk;             /* ndjson: an Elasticsearch _bulk action line before each document */
    const char *site;      /* ndjson: labels.site on every line */
    const char *observer;  /* ndjson: observer.hostname (NULL: this machine) */
    Anon *anon;            /* NULL: values as stored */
} ExportOptions;

/* Each returns false with err (ERR_USAGE for a bad destination, ERR_DB,
 * ERR_INPUT for an unwritable file); written (may be NULL) receives the
 * paths of the files made, as new strings. */
bool export_csv(Store *s, const ExportOptions *o, GPtrArray *written, Err *err);
bool export_ndjson(Store *s, const ExportOptions *o, GPtrArray *written, Err *err);
bool export_sqlite(Store *s, const ExportOptions *o, GPtrArray *written, Err *err);

/* ---- shared by the exporters and the report (export-common.c) ----------- */

/* What a column of the exported tables holds, for anonymization: a
 * StoreTextKind, or -1 for contract words, numbers and times. */
int export_column_kind(const char *column, bool *is_list);

/* The StoreTextKind of an identity attribute's value by the attribute's
 * name (hostname -> STK_NAME, user -> STK_USER, ...; STK_TEXT otherwise). */
int export_attr_kind(const char *attr);

/* Cell i of a row of cols, anonymized when anon is set (an attribute
 * value by the attribute's name in the same row).  The result is the cell
 * itself or owned by anon. */
const char *export_cell(Anon *anon, const ColumnDesc *cols, int n_cols, const char *const *cells,
                        int i);

/* An output file made 0600 under a temporary name; export_file_commit
 * renames it into place (or removes it when ok is false) and closes. */
typedef struct ExportFile {
    FILE *fp;
    char *path;
    char *tmp_path;
} ExportFile;
bool export_file_open(ExportFile *f, const char *path, Err *err);
bool export_file_commit(ExportFile *f, bool ok, Err *err);

/* "00-1A-2B-3C-4D-5E" from "00:1a:2b:3c:4d:5e" (ECS form); buf of 18. */
const char *export_mac_ecs(const char *mac, char buf[18]);

#endif /* OTS_EXPORT_EXPORT_H */
