/*
 * report.h - `otscope report`: one self-contained HTML file for the
 * customer (inline CSS and SVG, no script, no external URL, a
 * Content-Security-Policy that allows nothing but its own stylesheet).
 *
 * The report-*.c files share the types below; only report_write() is
 * called from outside export/.
 */
#ifndef OTS_EXPORT_REPORT_H
#define OTS_EXPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "anon.h"
#include "otscope/store-export.h"

typedef struct ReportOptions {
    const char *out;          /* the .html file */
    const char *lang;         /* "en", "ja", ... : data/report/<lang>.tsv */
    const char *site;         /* label shown in the title */
    const char *db_label;     /* the DB as shown (path, or a pseudonym) */
    const char *input_sha256; /* of the DB file, shown with the versions */
    Anon *anon;
    int max_inventory;        /* asset rows in the inventory table (0: default) */
    int cluster_above;        /* the map draws groups above this many assets (0: default) */
} ReportOptions;

/* Writes the report; false + err (ERR_INPUT for a missing language file or
 * an unwritable output, ERR_DB). */
bool report_write(Store *s, const ReportOptions *o, Err *err);

/* ---- shared by report*.c -------------------------------------------------- */

/* Strings of one language (report-i18n.c). */
typedef struct I18n I18n;
/* Loads <lang>.tsv (key TAB text) from $OTSCOPE_DATA_DIR/report, the
 * installed data folder or the source tree; English fills any key the
 * language lacks. */
I18n *i18n_load(const char *lang, Err *err);
void i18n_free(I18n *t);
/* The text for key (the key itself when no file has it). */
const char *i18n_get(const I18n *t, const char *key);
/* The text with {name} placeholders replaced: pairs of name, value,
 * NULL-terminated.  A new string. */
char *i18n_fmt(const I18n *t, const char *key, ...) G_GNUC_NULL_TERMINATED;
/* A data/report/<name> table of two or more TAB-separated columns:
 * key -> the rest of the line; NULL + err when missing. */
GHashTable *report_data_table(const char *name, Err *err);

/* HTML text (report-html.c): appends s with & < > " ' escaped. */
void html_text(GString *out, const char *s);
/* Appends printf-formatted text, escaped. */
void html_textf(GString *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

typedef struct ReportAsset {
    char *id;
    char *label;       /* host name, else IP, else MAC (as shown) */
    char *mac;
    char *ips;
    char *vendor;
    char *hostnames;
    char *role;
    char *os;
    char *model;
    char *firmware;
    char *protocols;
    char *first_seen;
    char *last_seen;
    int purdue_level;  /* -1: not set */
    int risk;
    int64_t packets;
    bool is_public;    /* an internet address */
} ReportAsset;

typedef struct ReportComm {
    char *src;
    char *dst;
    char *protocol;
    int64_t packets;
} ReportComm;

/* The network map as an SVG element (report-map.c): lanes by Purdue
 * level (or role, or unassigned), edges coloured by protocol, groups
 * instead of assets above cluster_above assets. */
void report_map(GString *out, const I18n *t, const GPtrArray *assets, const GPtrArray *comms,
                GHashTable *palette, GHashTable *lanes, int cluster_above);

/* A horizontal bar chart as SVG: n bars of label, value, CSS class. */
void report_bars(GString *out, const char *title, const char *const *labels,
                 const int64_t *values, const char *const *classes, int n);

#endif /* OTS_EXPORT_REPORT_H */
