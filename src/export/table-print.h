/*
 * table-print.h - one store table to stdout as an aligned table, CSV
 * (RFC 4180, CRLF, UTF-8, header row) or JSON (an array of objects).
 */
#ifndef OTS_EXPORT_TABLE_PRINT_H
#define OTS_EXPORT_TABLE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "otscope/store.h"

typedef enum TableFormat {
    FORMAT_TABLE,
    FORMAT_CSV,
    FORMAT_JSON,
} TableFormat;

bool table_format_from_name(const char *name, TableFormat *out);

/* Prints table t of the store to out in the given format. */
bool table_print(Store *s, StoreTable t, TableFormat fmt, FILE *out, Err *err);

/* Rows from elsewhere (a filtered query): read calls fn once per row with
 * cells in the order of cols, as store_read_table does. */
typedef bool (*TableReadFn)(void *source, StoreRowFn fn, void *user, Err *err);
bool table_print_rows(const ColumnDesc *cols, int n_cols, TableReadFn read, void *source,
                      TableFormat fmt, FILE *out, Err *err);

#endif /* OTS_EXPORT_TABLE_PRINT_H */
