/*
 * report.c - `otscope report`: the field report as one HTML file.
 *
 * Sections: summary for a plant manager (key figures, what was seen, what
 * to do first), risk overview (findings by severity, most exposed
 * devices), network map (report-map.c), asset inventory, OT operations,
 * findings with evidence and recommendations, captures with SHA-256 and
 * time range, and appendices with tool and data versions and the audit
 * trail.  Words come from data/report/<lang>.tsv (report-i18n.c); colours
 * of protocols and severities from data/report/colors.tsv; lanes of roles
 * from data/report/roles.tsv.
 *
 * Self-contained and inert: inline CSS and SVG only, no script, no
 * external URL (the ATT&CK ids are printed, not linked), a
 * Content-Security-Policy of default-src 'none' that admits the one
 * stylesheet by its SHA-256, and every value from the DB HTML-escaped.
 * It does not page: very large DBs get their tables capped with a note
 * pointing at `otscope export`, and a clustered map.
 */
#include "config.h"

#include "report.h"

#include <stdarg.h>
#include <string.h>

#include "export.h"
#include "otscope/sha256.h"
#include "otscope/util.h"

enum {
    DEFAULT_MAX_INVENTORY = 2000,
    DEFAULT_CLUSTER_ABOVE = 150,
    MAX_FINDINGS_SHOWN = 500,
    MAX_NOTABLE_OPS = 200,
    TOP_ACTIONS = 5,
    TOP_EXPOSED = 10,
};

/* ---- rows read from the store, anonymized as they will be shown ------------- */

typedef struct RowSet {
    const ColumnDesc *cols;
    int n_cols;
    GPtrArray *rows; /* gchar** */
    Anon *anon;
} RowSet;

static void rowset_init(RowSet *rs, const ColumnDesc *cols, int n_cols, Anon *anon)
{
    rs->cols = cols;
    rs->n_cols = n_cols;
    rs->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    rs->anon = anon;
}

static void rowset_clear(RowSet *rs)
{
    if (rs->rows)
        g_ptr_array_unref(rs->rows);
    rs->rows = NULL;
}

static bool rowset_add(const char *const *cells, void *user)
{
    RowSet *rs = user;
    gchar **row = g_new0(gchar *, rs->n_cols + 1);
    for (int i = 0; i < rs->n_cols; i++) {
        const char *v = export_cell(rs->anon, rs->cols, rs->n_cols, cells, i);
        row[i] = g_strdup(v ? v : "");
    }
    g_ptr_array_add(rs->rows, row);
    return true;
}

static int rs_col(const RowSet *rs, const char *name)
{
    for (int i = 0; i < rs->n_cols; i++) {
        if (strcmp(rs->cols[i].name, name) == 0)
            return i;
    }
    ots_die(__FILE__, __LINE__, "report: no column %s", name);
}

static const char *rs_get(const RowSet *rs, guint row, const char *name)
{
    gchar **r = g_ptr_array_index(rs->rows, row);
    return r[rs_col(rs, name)];
}

static int64_t rs_int(const RowSet *rs, guint row, const char *name)
{
    return g_ascii_strtoll(rs_get(rs, row, name), NULL, 10);
}

/* ---- the document ------------------------------------------------------------ */

typedef struct Report {
    const ReportOptions *o;
    Store *s;
    I18n *t;
    GString *html;
    GHashTable *colors; /* protocol or "sev:<severity>" -> "#rrggbb<TAB>family" */
    GHashTable *lanes;  /* role -> lane key */
    StoreSummary sum;
    RowSet assets;
    RowSet comms;
    RowSet findings;
    RowSet captures;
    RowSet protocols;
    RowSet audit;
    GPtrArray *map_assets; /* ReportAsset* */
    GPtrArray *map_comms;  /* ReportComm* */
    /* ops, summed as read */
    GHashTable *op_matrix;  /* protocol -> int64_t[OP_CLASS_COUNT] */
    RowSet notable_ops;     /* control, program, write, config */
    int64_t ot_ops;         /* requests of protocols of the "ot" family */
    int64_t controllers;
} Report;

static const char *tr(const Report *r, const char *key)
{
    return i18n_get(r->t, key);
}

static void put(Report *r, const char *markup)
{
    g_string_append(r->html, markup);
}

static void put_text(Report *r, const char *text)
{
    html_text(r->html, text);
}

static void put_tr(Report *r, const char *key)
{
    html_text(r->html, tr(r, key));
}

static void put_int(Report *r, int64_t v)
{
    g_string_append_printf(r->html, "%" G_GINT64_FORMAT, v);
}

/* "2024-03-05 08:00:02" from the contract's ISO form (seconds are enough
 * for people; the CSV keeps microseconds). */
static void put_time(Report *r, const char *iso)
{
    if (!iso || strlen(iso) < 19) {
        put_text(r, iso);
        return;
    }
    char buf[20];
    memcpy(buf, iso, 19);
    buf[10] = ' ';
    buf[19] = '\0';
    put_text(r, buf);
}

static void put_fmt(Report *r, const char *key, ...) G_GNUC_NULL_TERMINATED;

/* i18n_fmt with up to five name/value pairs, escaped. */
static void put_fmt(Report *r, const char *key, ...)
{
    const char *kv[10] = { NULL };
    va_list ap;
    va_start(ap, key);
    for (int i = 0; i < 10; i++) {
        kv[i] = va_arg(ap, const char *);
        if (!kv[i])
            break;
    }
    va_end(ap);
    char *s = i18n_fmt(r->t, key, kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], kv[6], kv[7], kv[8],
                       kv[9], NULL);
    put_text(r, s);
    g_free(s);
}

static char *num(int64_t v)
{
    return g_strdup_printf("%" G_GINT64_FORMAT, v);
}

static const char *color_family(Report *r, const char *proto)
{
    const char *v = proto ? g_hash_table_lookup(r->colors, proto) : NULL;
    const char *tab = v ? strchr(v, '\t') : NULL;
    return tab ? tab + 1 : "";
}

static bool is_ot_protocol(Report *r, const char *proto)
{
    return strcmp(color_family(r, proto), "ot") == 0;
}

/* ---- reading -------------------------------------------------------------------- */

static bool on_op(const char *const *cells, void *user)
{
    Report *r = user;
    /* ops columns: protocol, src, dst, function_code, function, class, count, ... */
    const char *proto = cells[0] ? cells[0] : "";
    const char *cls_name = cells[5] ? cells[5] : "";
    int64_t count = cells[6] ? g_ascii_strtoll(cells[6], NULL, 10) : 0;
    OpClass cls = OP_OTHER;
    opclass_from_name(cls_name, &cls);
    int64_t *row = g_hash_table_lookup(r->op_matrix, proto);
    if (!row) {
        row = g_new0(int64_t, OP_CLASS_COUNT);
        g_hash_table_insert(r->op_matrix, g_strdup(proto), row);
    }
    row[cls] += count;
    if (is_ot_protocol(r, proto))
        r->ot_ops += count;
    if (count > 0 && (cls == OP_CONTROL || cls == OP_PROGRAM || cls == OP_WRITE || cls == OP_CONFIG))
        rowset_add(cells, &r->notable_ops);
    return true;
}

static bool is_public_ip_list(const char *ips)
{
    if (!ips || !ips[0])
        return false;
    char **list = g_strsplit(ips, ";", -1);
    bool pub = false;
    for (char **p = list; *p; p++) {
        IpAddr ip;
        if (ipaddr_parse(*p, &ip) && !ipaddr_is_private(&ip) && !ipaddr_is_multicast(&ip) &&
            !ipaddr_is_zero(&ip) && !ipaddr_is_broadcast_v4(&ip))
            pub = true;
    }
    g_strfreev(list);
    return pub;
}

static void report_asset_free(gpointer p)
{
    ReportAsset *a = p;
    g_free(a->id);
    g_free(a->label);
    g_free(a->mac);
    g_free(a->ips);
    g_free(a->vendor);
    g_free(a->hostnames);
    g_free(a->role);
    g_free(a->os);
    g_free(a->model);
    g_free(a->firmware);
    g_free(a->protocols);
    g_free(a->first_seen);
    g_free(a->last_seen);
    g_free(a);
}

static void report_comm_free(gpointer p)
{
    ReportComm *c = p;
    g_free(c->src);
    g_free(c->dst);
    g_free(c->protocol);
    g_free(c);
}

static char *first_of(const char *list)
{
    const char *semi = strchr(list, ';');
    return semi ? g_strndup(list, (gsize)(semi - list)) : g_strdup(list);
}

static void build_map_data(Report *r)
{
    r->map_assets = g_ptr_array_new_with_free_func(report_asset_free);
    for (guint i = 0; i < r->assets.rows->len; i++) {
        ReportAsset *a = g_new0(ReportAsset, 1);
        const RowSet *rs = &r->assets;
        a->id = g_strdup(rs_get(rs, i, "asset_id"));
        a->mac = g_strdup(rs_get(rs, i, "mac"));
        a->ips = g_strdup(rs_get(rs, i, "ips"));
        a->vendor = g_strdup(rs_get(rs, i, "vendor"));
        a->hostnames = g_strdup(rs_get(rs, i, "hostnames"));
        a->role = g_strdup(rs_get(rs, i, "role"));
        a->os = g_strdup(rs_get(rs, i, "os"));
        a->model = g_strdup(rs_get(rs, i, "model"));
        a->firmware = g_strdup(rs_get(rs, i, "firmware"));
        a->protocols = g_strdup(rs_get(rs, i, "protocols"));
        a->first_seen = g_strdup(rs_get(rs, i, "first_seen"));
        a->last_seen = g_strdup(rs_get(rs, i, "last_seen"));
        const char *level = rs_get(rs, i, "purdue_level");
        a->purdue_level = level[0] ? (int)g_ascii_strtoll(level, NULL, 10) : -1;
        a->risk = (int)rs_int(rs, i, "risk_score");
        a->packets = rs_int(rs, i, "packets");
        a->is_public = is_public_ip_list(a->ips);
        a->label = a->hostnames[0] ? first_of(a->hostnames)
                                   : (a->ips[0] ? first_of(a->ips) : g_strdup(a->mac));
        const char *lane = a->role ? g_hash_table_lookup(r->lanes, a->role) : NULL;
        if (a->purdue_level == 1 || (a->purdue_level < 0 && lane && strcmp(lane, "l1") == 0))
            r->controllers++;
        g_ptr_array_add(r->map_assets, a);
    }
    r->map_comms = g_ptr_array_new_with_free_func(report_comm_free);
    for (guint i = 0; i < r->comms.rows->len; i++) {
        ReportComm *c = g_new0(ReportComm, 1);
        c->src = g_strdup(rs_get(&r->comms, i, "src"));
        c->dst = g_strdup(rs_get(&r->comms, i, "dst"));
        c->protocol = g_strdup(rs_get(&r->comms, i, "protocol"));
        c->packets = rs_int(&r->comms, i, "packets");
        g_ptr_array_add(r->map_comms, c);
    }
}

static bool read_all(Report *r, Err *err)
{
    Anon *anon = r->o->anon;
    int n;
    const ColumnDesc *c;
    c = store_table_columns(TABLE_ASSETS, &n);
    rowset_init(&r->assets, c, n, anon);
    c = store_table_columns(TABLE_COMMS, &n);
    rowset_init(&r->comms, c, n, anon);
    c = store_table_columns(TABLE_CAPTURES, &n);
    rowset_init(&r->captures, c, n, anon);
    c = store_table_columns(TABLE_PROTOCOLS, &n);
    rowset_init(&r->protocols, c, n, anon);
    c = store_table_columns(TABLE_OPS, &n);
    rowset_init(&r->notable_ops, c, n, anon);
    c = store_xtable_columns(XTABLE_FINDINGS, &n);
    rowset_init(&r->findings, c, n, anon);
    c = store_xtable_columns(XTABLE_AUDIT, &n);
    rowset_init(&r->audit, c, n, anon);
    r->op_matrix = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    bool ok = store_summary(r->s, &r->sum, err) &&
              store_read_table(r->s, TABLE_ASSETS, rowset_add, &r->assets, err) &&
              store_read_table(r->s, TABLE_COMMS, rowset_add, &r->comms, err) &&
              store_read_table(r->s, TABLE_CAPTURES, rowset_add, &r->captures, err) &&
              store_read_table(r->s, TABLE_PROTOCOLS, rowset_add, &r->protocols, err) &&
              store_read_table(r->s, TABLE_OPS, on_op, r, err) &&
              store_read_xtable(r->s, XTABLE_FINDINGS, false, rowset_add, &r->findings, err) &&
              store_read_xtable(r->s, XTABLE_AUDIT, false, rowset_add, &r->audit, err);
    if (ok)
        build_map_data(r);
    return ok;
}

/* ---- style -------------------------------------------------------------------- */

static const char base_css[] =
    ":root{--ink:#1d2433;--muted:#5b6474;--line:#d9dee7;--bg:#f6f7f9;--card:#fff;"
    "--accent:#0b5cad}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',"
    "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif;color:var(--ink);"
    "background:var(--bg)}"
    "header.top{background:#12263f;color:#fff;padding:28px 40px 20px}"
    "header.top h1{margin:0 0 4px;font-size:26px}header.top p{margin:2px 0;color:#c9d4e5}"
    "nav{background:#0e1e33;padding:8px 40px;position:sticky;top:0;z-index:2}"
    "nav a{color:#c9d4e5;text-decoration:none;margin-right:18px;font-size:14px}"
    "nav a:hover{color:#fff}"
    "main{max-width:1280px;margin:0 auto;padding:10px 40px 60px}"
    "section{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:18px 24px;margin:22px 0}"
    "h2{margin:0 0 12px;font-size:21px;border-bottom:2px solid var(--accent);padding-bottom:6px}"
    "h3{font-size:16px;margin:18px 0 8px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}"
    ".card{flex:1 1 150px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;"
    "background:#fbfcfe}"
    ".card .n{font-size:28px;font-weight:700}.card .l{color:var(--muted);font-size:13px}"
    ".card.alert{border-color:#d33;background:#fff5f5}"
    "table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}"
    "th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f6;font-weight:600;position:sticky;top:38px}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.mono,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "font-size:12px;word-break:break-all}"
    ".wrap{overflow-x:auto}"
    ".note{color:var(--muted);font-size:13px}"
    ".badge{display:inline-block;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:700;"
    "color:#fff;text-transform:uppercase;letter-spacing:.03em}"
    "article.finding{border:1px solid var(--line);border-left-width:6px;border-radius:8px;"
    "padding:10px 16px;margin:12px 0;break-inside:avoid}"
    "article.finding h3{margin:4px 0 8px}"
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0;font-size:14px}"
    "dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}"
    ".evidence{white-space:pre-wrap;background:#f3f5f8;border-radius:6px;padding:8px 10px;"
    "font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}"
    "ol.actions li{margin:6px 0}"
    "svg.map{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}"
    "svg.chart{width:100%;max-width:640px;height:auto}"
    ".lane0{fill:#f7f9fc}.lane1{fill:#eef2f8}"
    ".lanename{font:600 14px sans-serif;fill:#1d2433}.lanesub{font:12px sans-serif;fill:#5b6474}"
    ".edges path{fill:none;stroke-opacity:.75}"
    ".node rect{stroke:#51607a;stroke-width:1}"
    ".nlabel{font:600 12px sans-serif;fill:#111}.nsub{font:11px sans-serif;fill:#3c4658}"
    ".legend{font:12px sans-serif;fill:#1d2433}"
    ".r0 rect,rect.r0{fill:#ffffff}.r1 rect,rect.r1{fill:#e3f1ff}.r2 rect,rect.r2{fill:#fff3c4}"
    ".r3 rect,rect.r3{fill:#ffd3a8}.r4 rect,rect.r4{fill:#ffb3b3}"
    ".swatch{stroke:#51607a}"
    ".clabel,.cvalue{font:13px sans-serif;fill:#1d2433}"
    "footer{color:var(--muted);font-size:12px;text-align:center;padding:20px}"
    "@media print{"
    "body{background:#fff;font-size:11px}nav{display:none}header.top{background:#fff;color:#000;"
    "padding:0 0 8px;border-bottom:2px solid #000}header.top p{color:#333}"
    "main{max-width:none;padding:0}section{border:none;padding:0;margin:14px 0}"
    "section.major{break-before:page}th{position:static}"
    "tr,article.finding,svg{break-inside:avoid}a{color:#000}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".wrap{overflow:visible}}"
    "@page{size:A4;margin:14mm}";

/* Base CSS plus one rule per severity, its colour from colors.tsv. */
static char *make_css(const Report *r)
{
    GString *css = g_string_new(base_css);
    for (int s = 0; s < SEV_COUNT; s++) {
        const char *name = severity_name((Severity)s);
        char key[32];
        g_snprintf(key, sizeof key, "sev:%s", name);
        const char *v = g_hash_table_lookup(r->colors, key);
        char color[8] = "#777777";
        if (v && v[0] == '#' && strlen(v) >= 7)
            g_strlcpy(color, v, sizeof color);
        g_string_append_printf(css,
                               ".sev-%s{background:%s;fill:%s}"
                               "article.finding.sev-%s{background:#fff;border-left-color:%s}",
                               name, color, color, name, color);
    }
    return g_string_free(css, FALSE);
}

/* ---- sections ------------------------------------------------------------------ */

static void section_open(Report *r, const char *id, const char *title_key, bool is_major)
{
    g_string_append_printf(r->html, "<section id=\"%s\"%s><h2>", id,
                           is_major ? " class=\"major\"" : "");
    put_tr(r, title_key);
    put(r, "</h2>");
}

static void card(Report *r, int64_t n, const char *label_key, bool is_alert)
{
    put(r, is_alert ? "<div class=\"card alert\"><div class=\"n\">" : "<div class=\"card\"><div class=\"n\">");
    put_int(r, n);
    put(r, "</div><div class=\"l\">");
    put_tr(r, label_key);
    put(r, "</div></div>");
}

static void put_badge(Report *r, const char *sev)
{
    Severity s;
    const char *name = severity_from_name(sev, &s) ? severity_name(s) : severity_name(SEV_INFO);
    g_string_append_printf(r->html, "<span class=\"badge sev-%s\">", name);
    char key[32];
    g_snprintf(key, sizeof key, "severity.%s", name);
    put_tr(r, key);
    put(r, "</span>");
}

/* Findings in display order: severity, then id. */
static int cmp_finding_rows(gconstpointer a, gconstpointer b, gpointer user)
{
    const RowSet *rs = user;
    int sev_col = rs_col(rs, "severity");
    const char *const *x = *(const char *const *const *)a;
    const char *const *y = *(const char *const *const *)b;
    Severity sx = SEV_INFO;
    Severity sy = SEV_INFO;
    severity_from_name(x[sev_col], &sx);
    severity_from_name(y[sev_col], &sy);
    if (sx != sy)
        return (int)sx - (int)sy;
    return (int)(g_ascii_strtoll(x[0], NULL, 10) - g_ascii_strtoll(y[0], NULL, 10));
}

static void section_summary(Report *r)
{
    section_open(r, "summary", "summary.title", false);
    if (r->o->anon) {
        put(r, "<p class=\"note\">");
        put_tr(r, "summary.anonymized");
        put(r, "</p>");
    }
    put(r, "<div class=\"cards\">");
    card(r, r->sum.assets, "card.assets", false);
    card(r, r->controllers, "card.controllers", false);
    card(r, r->sum.comms, "card.comms", false);
    card(r, r->ot_ops, "card.ot_ops", false);
    card(r, r->sum.findings, "card.findings", false);
    card(r, r->sum.by_severity[SEV_CRITICAL] + r->sum.by_severity[SEV_HIGH], "card.urgent",
         r->sum.by_severity[SEV_CRITICAL] + r->sum.by_severity[SEV_HIGH] > 0);
    put(r, "</div><p>");
    char from[OTS_TIME_STRLEN] = "";
    char to[OTS_TIME_STRLEN] = "";
    if (r->sum.first_ns)
        time_iso(r->sum.first_ns, from);
    if (r->sum.last_ns)
        time_iso(r->sum.last_ns, to);
    from[MIN(strlen(from), 19)] = '\0';
    to[MIN(strlen(to), 19)] = '\0';
    if (from[0])
        from[10] = ' ';
    if (to[0])
        to[10] = ' ';
    char *assets = num(r->sum.assets);
    char *comms = num(r->sum.comms);
    char *protos = num(r->protocols.rows->len);
    char *ctl = num(r->controllers);
    char *caps = num(r->sum.captures);
    put_fmt(r, "summary.seen", "from", from, "to", to, "assets", assets, "comms", comms,
            "protocols", protos, NULL);
    put(r, " ");
    put_fmt(r, "summary.controllers", "controllers", ctl, "captures", caps, NULL);
    put(r, "</p><p>");
    if (r->sum.findings == 0) {
        put_tr(r, "summary.no_findings");
    } else {
        char *n[SEV_COUNT];
        for (int s = 0; s < SEV_COUNT; s++)
            n[s] = num(r->sum.by_severity[s]);
        char *total = num(r->sum.findings);
        put_fmt(r, "summary.findings", "findings", total, "critical", n[SEV_CRITICAL], "high",
                n[SEV_HIGH], "medium", n[SEV_MEDIUM], "low", n[SEV_LOW], NULL);
        for (int s = 0; s < SEV_COUNT; s++)
            g_free(n[s]);
        g_free(total);
    }
    put(r, "</p>");
    g_free(assets);
    g_free(comms);
    g_free(protos);
    g_free(ctl);
    g_free(caps);
    if (r->findings.rows->len) {
        put(r, "<h3>");
        put_tr(r, "summary.first_actions");
        put(r, "</h3><ol class=\"actions\">");
        /* one action per rule: the same advice five times helps nobody */
        GHashTable *rules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        guint shown = 0;
        for (guint i = 0; i < r->findings.rows->len && shown < TOP_ACTIONS; i++) {
            const char *rule = rs_get(&r->findings, i, "rule");
            if (g_hash_table_contains(rules, rule))
                continue;
            g_hash_table_add(rules, g_strdup(rule));
            shown++;
            put(r, "<li>");
            put_badge(r, rs_get(&r->findings, i, "severity"));
            put(r, " <strong>");
            put_text(r, rs_get(&r->findings, i, "title"));
            put(r, "</strong> \xE2\x80\x94 ");
            put_text(r, rs_get(&r->findings, i, "recommendation"));
            g_string_append_printf(r->html, " <a href=\"#finding-%s\">",
                                   rs_get(&r->findings, i, "finding_id"));
            put_fmt(r, "summary.see_finding", "id", rs_get(&r->findings, i, "finding_id"), NULL);
            put(r, "</a></li>");
        }
        g_hash_table_unref(rules);
        put(r, "</ol>");
    }
    put(r, "</section>");
}

static int cmp_asset_risk(gconstpointer a, gconstpointer b)
{
    const ReportAsset *x = *(ReportAsset *const *)a;
    const ReportAsset *y = *(ReportAsset *const *)b;
    if (x->risk != y->risk)
        return y->risk - x->risk;
    if (x->packets != y->packets)
        return x->packets < y->packets ? 1 : -1;
    return (int)(g_ascii_strtoll(x->id, NULL, 10) - g_ascii_strtoll(y->id, NULL, 10));
}

static void section_risk(Report *r, GPtrArray *by_risk)
{
    section_open(r, "risk", "risk.title", true);
    const char *labels[SEV_COUNT];
    const char *classes[SEV_COUNT];
    char *class_buf[SEV_COUNT];
    char *label_buf[SEV_COUNT];
    for (int s = 0; s < SEV_COUNT; s++) {
        char key[32];
        g_snprintf(key, sizeof key, "severity.%s", severity_name((Severity)s));
        label_buf[s] = g_strdup(tr(r, key));
        class_buf[s] = g_strconcat("sev-", severity_name((Severity)s), NULL);
        labels[s] = label_buf[s];
        classes[s] = class_buf[s];
    }
    report_bars(r->html, tr(r, "risk.chart"), labels, r->sum.by_severity, classes, SEV_COUNT);
    for (int s = 0; s < SEV_COUNT; s++) {
        g_free(label_buf[s]);
        g_free(class_buf[s]);
    }
    put(r, "<h3>");
    put_tr(r, "risk.exposed");
    put(r, "</h3>");
    if (by_risk->len == 0 || ((ReportAsset *)g_ptr_array_index(by_risk, 0))->risk == 0) {
        put(r, "<p class=\"note\">");
        put_tr(r, "risk.none_exposed");
        put(r, "</p></section>");
        return;
    }
    put(r, "<div class=\"wrap\"><table><thead><tr><th>");
    put_tr(r, "col.device");
    put(r, "</th><th>");
    put_tr(r, "col.role");
    put(r, "</th><th>");
    put_tr(r, "col.vendor");
    put(r, "</th><th class=\"num\">");
    put_tr(r, "col.risk");
    put(r, "</th></tr></thead><tbody>");
    for (guint i = 0; i < by_risk->len && i < TOP_EXPOSED; i++) {
        const ReportAsset *a = g_ptr_array_index(by_risk, i);
        if (a->risk == 0)
            break;
        put(r, "<tr><td>");
        put_text(r, a->label);
        put(r, "</td><td>");
        put_text(r, a->role);
        put(r, "</td><td>");
        put_text(r, a->vendor);
        put(r, "</td><td class=\"num\">");
        put_int(r, a->risk);
        put(r, "</td></tr>");
    }
    put(r, "</tbody></table></div></section>");
}

static void section_map(Report *r)
{
    section_open(r, "map", "map.section", true);
    put(r, "<p class=\"note\">");
    put_tr(r, "map.explain");
    put(r, "</p>");
    int cluster = r->o->cluster_above > 0 ? r->o->cluster_above : DEFAULT_CLUSTER_ABOVE;
    report_map(r->html, r->t, r->map_assets, r->map_comms, r->colors, r->lanes, cluster);
    put(r, "</section>");
}

static void th(Report *r, const char *key, bool is_num)
{
    put(r, is_num ? "<th class=\"num\">" : "<th>");
    put_tr(r, key);
    put(r, "</th>");
}

static void td(Report *r, const char *text, const char *cls)
{
    if (cls)
        g_string_append_printf(r->html, "<td class=\"%s\">", cls);
    else
        put(r, "<td>");
    put_text(r, text);
    put(r, "</td>");
}

static void td_time(Report *r, const char *iso)
{
    put(r, "<td class=\"mono\">");
    put_time(r, iso);
    put(r, "</td>");
}

/* "a;b;c" as "a, b, c" */
static void td_list(Report *r, const char *list, const char *cls)
{
    char **items = g_strsplit(list ? list : "", ";", -1);
    char *joined = g_strjoinv(", ", items);
    td(r, joined, cls);
    g_free(joined);
    g_strfreev(items);
}

static void section_inventory(Report *r, GPtrArray *by_risk)
{
    section_open(r, "assets", "assets.title", true);
    int cap = r->o->max_inventory > 0 ? r->o->max_inventory : DEFAULT_MAX_INVENTORY;
    put(r, "<div class=\"wrap\"><table class=\"inventory\"><thead><tr>");
    th(r, "col.id", true);
    th(r, "col.device", false);
    th(r, "col.ips", false);
    th(r, "col.mac", false);
    th(r, "col.vendor", false);
    th(r, "col.role", false);
    th(r, "col.level", true);
    th(r, "col.model", false);
    th(r, "col.firmware", false);
    th(r, "col.os", false);
    th(r, "col.protocols", false);
    th(r, "col.risk", true);
    th(r, "col.first_seen", false);
    th(r, "col.last_seen", false);
    put(r, "</tr></thead><tbody>");
    for (guint i = 0; i < by_risk->len && (int)i < cap; i++) {
        const ReportAsset *a = g_ptr_array_index(by_risk, i);
        put(r, "<tr>");
        td(r, a->id, "num");
        td(r, a->hostnames[0] ? a->hostnames : "", NULL);
        td_list(r, a->ips, "mono");
        td(r, a->mac, "mono");
        td(r, a->vendor, NULL);
        td(r, a->role, NULL);
        if (a->purdue_level >= 0) {
            put(r, "<td class=\"num\">");
            put_int(r, a->purdue_level);
            put(r, "</td>");
        } else {
            td(r, "", NULL);
        }
        td_list(r, a->model, NULL);
        td_list(r, a->firmware, NULL);
        td_list(r, a->os, NULL);
        td_list(r, a->protocols, NULL);
        put(r, "<td class=\"num\">");
        put_int(r, a->risk);
        put(r, "</td>");
        td_time(r, a->first_seen);
        td_time(r, a->last_seen);
        put(r, "</tr>");
    }
    put(r, "</tbody></table></div>");
    if ((int)by_risk->len > cap) {
        char *shown = num(cap);
        char *total = num(by_risk->len);
        put(r, "<p class=\"note\">");
        put_fmt(r, "assets.capped", "shown", shown, "total", total, NULL);
        put(r, "</p>");
        g_free(shown);
        g_free(total);
    }
    put(r, "</section>");
}

static int cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_notable(gconstpointer a, gconstpointer b)
{
    /* ops columns: protocol 0, src 1, dst 2, code 3, function 4, class 5, count 6 */
    const char *const *x = *(const char *const *const *)a;
    const char *const *y = *(const char *const *const *)b;
    OpClass cx = OP_OTHER;
    OpClass cy = OP_OTHER;
    opclass_from_name(x[5], &cx);
    opclass_from_name(y[5], &cy);
    /* program and control before write and config */
    static const int rank[OP_CLASS_COUNT] = { [OP_PROGRAM] = 0, [OP_CONTROL] = 1,
                                              [OP_WRITE] = 2, [OP_CONFIG] = 3 };
    if (rank[cx] != rank[cy])
        return rank[cx] - rank[cy];
    int64_t nx = g_ascii_strtoll(x[6], NULL, 10);
    int64_t ny = g_ascii_strtoll(y[6], NULL, 10);
    if (nx != ny)
        return nx < ny ? 1 : -1;
    for (int i = 0; i < 5; i++) {
        int c = g_strcmp0(x[i], y[i]);
        if (c)
            return c;
    }
    return 0;
}

static void section_ops(Report *r)
{
    section_open(r, "ops", "ops.title", true);
    GPtrArray *protos = g_ptr_array_new();
    GHashTableIter it;
    gpointer pkey;
    g_hash_table_iter_init(&it, r->op_matrix);
    while (g_hash_table_iter_next(&it, &pkey, NULL))
        g_ptr_array_add(protos, pkey);
    g_ptr_array_sort(protos, cmp_str_ptr);
    if (protos->len == 0) {
        put(r, "<p class=\"note\">");
        put_tr(r, "ops.none");
        put(r, "</p>");
    } else {
        put(r, "<p class=\"note\">");
        put_tr(r, "ops.explain");
        put(r, "</p><div class=\"wrap\"><table><thead><tr>");
        th(r, "col.protocol", false);
        for (int c = 0; c < OP_CLASS_COUNT; c++) {
            char key[32];
            g_snprintf(key, sizeof key, "class.%s", opclass_name((OpClass)c));
            th(r, key, true);
        }
        put(r, "</tr></thead><tbody>");
        /* OT protocols first: they are what the section is about */
        for (int pass = 0; pass < 2; pass++) {
            for (guint i = 0; i < protos->len; i++) {
                const char *p = g_ptr_array_index(protos, i);
                if (is_ot_protocol(r, p) != (pass == 0))
                    continue;
                const int64_t *row = g_hash_table_lookup(r->op_matrix, p);
                put(r, pass == 0 ? "<tr><td><strong>" : "<tr><td>");
                put_text(r, p);
                put(r, pass == 0 ? "</strong></td>" : "</td>");
                for (int c = 0; c < OP_CLASS_COUNT; c++) {
                    put(r, "<td class=\"num\">");
                    if (row[c])
                        put_int(r, row[c]);
                    put(r, "</td>");
                }
                put(r, "</tr>");
            }
        }
        put(r, "</tbody></table></div>");
    }
    g_ptr_array_unref(protos);
    put(r, "<h3>");
    put_tr(r, "ops.notable");
    put(r, "</h3>");
    GPtrArray *rows = r->notable_ops.rows;
    if (rows->len == 0) {
        put(r, "<p class=\"note\">");
        put_tr(r, "ops.no_notable");
        put(r, "</p></section>");
        return;
    }
    g_ptr_array_sort(rows, cmp_notable);
    put(r, "<div class=\"wrap\"><table><thead><tr>");
    th(r, "col.class", false);
    th(r, "col.protocol", false);
    th(r, "col.function", false);
    th(r, "col.src", false);
    th(r, "col.dst", false);
    th(r, "col.count", true);
    th(r, "col.first_seen", false);
    th(r, "col.last_seen", false);
    th(r, "col.detail", false);
    put(r, "</tr></thead><tbody>");
    for (guint i = 0; i < rows->len && i < MAX_NOTABLE_OPS; i++) {
        const RowSet *rs = &r->notable_ops;
        char key[32];
        g_snprintf(key, sizeof key, "class.%s", rs_get(rs, i, "class"));
        put(r, "<tr>");
        td(r, tr(r, key), NULL);
        td(r, rs_get(rs, i, "protocol"), NULL);
        td(r, rs_get(rs, i, "function"), NULL);
        td(r, rs_get(rs, i, "src"), "mono");
        td(r, rs_get(rs, i, "dst"), "mono");
        td(r, rs_get(rs, i, "count"), "num");
        td_time(r, rs_get(rs, i, "first_seen"));
        td_time(r, rs_get(rs, i, "last_seen"));
        td(r, rs_get(rs, i, "detail"), "mono");
        put(r, "</tr>");
    }
    put(r, "</tbody></table></div>");
    if (rows->len > MAX_NOTABLE_OPS) {
        char *shown = num(MAX_NOTABLE_OPS);
        char *total = num(rows->len);
        put(r, "<p class=\"note\">");
        put_fmt(r, "ops.capped", "shown", shown, "total", total, NULL);
        put(r, "</p>");
        g_free(shown);
        g_free(total);
    }
    put(r, "</section>");
}

static void kv(Report *r, const char *key, const char *value, bool is_mono)
{
    if (!value || !value[0])
        return;
    put(r, "<dt>");
    put_tr(r, key);
    put(r, is_mono ? "</dt><dd class=\"mono\">" : "</dt><dd>");
    put_text(r, value);
    put(r, "</dd>");
}

static void section_findings(Report *r)
{
    section_open(r, "findings", "findings.title", true);
    const RowSet *rs = &r->findings;
    if (rs->rows->len == 0) {
        put(r, "<p class=\"note\">");
        put_tr(r, "findings.none");
        put(r, "</p></section>");
        return;
    }
    for (guint i = 0; i < rs->rows->len && i < MAX_FINDINGS_SHOWN; i++) {
        Severity sev = SEV_INFO;
        severity_from_name(rs_get(rs, i, "severity"), &sev);
        g_string_append_printf(r->html, "<article class=\"finding sev-%s\" id=\"finding-%s\"><h3>",
                               severity_name(sev), rs_get(rs, i, "finding_id"));
        put_badge(r, rs_get(rs, i, "severity"));
        put(r, " #");
        put_text(r, rs_get(rs, i, "finding_id"));
        put(r, " ");
        put_text(r, rs_get(rs, i, "title"));
        put(r, "</h3><dl class=\"kv\">");
        const char *src = rs_get(rs, i, "src");
        const char *dst = rs_get(rs, i, "dst");
        char *who = dst[0] ? g_strconcat(src, " \xE2\x86\x92 ", dst, NULL) : g_strdup(src);
        kv(r, "finding.where", who, true);
        g_free(who);
        kv(r, "finding.rule", rs_get(rs, i, "rule"), true);
        kv(r, "col.protocol", rs_get(rs, i, "protocol"), false);
        kv(r, "col.count", rs_get(rs, i, "count"), false);
        char *when = g_strdup_printf("%s \xE2\x80\x93 %s", rs_get(rs, i, "first_seen"),
                                     rs_get(rs, i, "last_seen"));
        kv(r, "finding.when", when, true);
        g_free(when);
        const char *first_pkt = rs_get(rs, i, "first_pkt");
        if (first_pkt[0]) {
            char *frames = g_strdup_printf("%s: %s\xE2\x80\x93%s", rs_get(rs, i, "capture"),
                                           first_pkt, rs_get(rs, i, "last_pkt"));
            kv(r, "finding.frames", frames, true);
            g_free(frames);
        }
        kv(r, "finding.attack", rs_get(rs, i, "attack_id"), true);
        const char *state = rs_get(rs, i, "triage_state");
        if (state[0]) {
            char *triage = rs_get(rs, i, "triage_note")[0]
                               ? g_strconcat(state, ": ", rs_get(rs, i, "triage_note"), NULL)
                               : g_strdup(state);
            kv(r, "finding.triage", triage, false);
            g_free(triage);
        }
        put(r, "</dl><h4>");
        put_tr(r, "finding.evidence");
        put(r, "</h4><div class=\"evidence\">");
        put_text(r, rs_get(rs, i, "evidence"));
        put(r, "</div>");
        if (rs_get(rs, i, "why")[0]) {
            put(r, "<h4>");
            put_tr(r, "finding.why");
            put(r, "</h4><p>");
            put_text(r, rs_get(rs, i, "why"));
            put(r, "</p>");
        }
        put(r, "<h4>");
        put_tr(r, "finding.recommendation");
        put(r, "</h4><p>");
        put_text(r, rs_get(rs, i, "recommendation"));
        put(r, "</p></article>");
    }
    if (rs->rows->len > MAX_FINDINGS_SHOWN) {
        char *shown = num(MAX_FINDINGS_SHOWN);
        char *total = num(rs->rows->len);
        put(r, "<p class=\"note\">");
        put_fmt(r, "findings.capped", "shown", shown, "total", total, NULL);
        put(r, "</p>");
        g_free(shown);
        g_free(total);
    }
    put(r, "</section>");
}

static void section_captures(Report *r)
{
    section_open(r, "captures", "captures.title", true);
    const RowSet *rs = &r->captures;
    put(r, "<div class=\"wrap\"><table><thead><tr>");
    th(r, "col.id", true);
    th(r, "col.file", false);
    th(r, "col.status", false);
    th(r, "col.packets", true);
    th(r, "col.bytes", true);
    th(r, "col.first_seen", false);
    th(r, "col.last_seen", false);
    th(r, "col.sha256", false);
    put(r, "</tr></thead><tbody>");
    for (guint i = 0; i < rs->rows->len; i++) {
        put(r, "<tr>");
        td(r, rs_get(rs, i, "capture_id"), "num");
        td(r, rs_get(rs, i, "path"), "mono");
        td(r, rs_get(rs, i, "status"), NULL);
        td(r, rs_get(rs, i, "packets"), "num");
        td(r, rs_get(rs, i, "bytes"), "num");
        td_time(r, rs_get(rs, i, "first_seen"));
        td_time(r, rs_get(rs, i, "last_seen"));
        td(r, rs_get(rs, i, "sha256"), "mono");
        put(r, "</tr>");
    }
    put(r, "</tbody></table></div></section>");
}

static void section_about(Report *r, const char *generated)
{
    section_open(r, "about", "about.title", true);
    put(r, "<dl class=\"kv\">");
    char *tool = g_strconcat("otscope ", OTS_VERSION, NULL);
    kv(r, "about.tool", tool, false);
    g_free(tool);
    char *schema = num(r->sum.schema_version);
    kv(r, "about.schema", schema, false);
    g_free(schema);
    kv(r, "about.db", r->o->db_label, true);
    kv(r, "about.db_sha256", r->o->input_sha256, true);
    const char *oui = oui_source();
    kv(r, "about.oui", oui[0] ? oui : tr(r, "about.oui_missing"), false);
    kv(r, "about.generated", generated, true);
    kv(r, "about.language", r->o->lang, false);
    kv(r, "about.anonymized", tr(r, r->o->anon ? "about.yes" : "about.no"), false);
    put(r, "</dl><p class=\"note\">");
    put_tr(r, "about.method");
    put(r, "</p></section>");

    section_open(r, "audit", "audit.title", false);
    const RowSet *rs = &r->audit;
    if (rs->rows->len == 0) {
        put(r, "<p class=\"note\">");
        put_tr(r, "audit.none");
        put(r, "</p></section>");
        return;
    }
    put(r, "<div class=\"wrap\"><table><thead><tr>");
    th(r, "col.time", false);
    th(r, "col.user", false);
    th(r, "col.command", false);
    th(r, "col.cmdline", false);
    th(r, "col.input_sha256", false);
    th(r, "col.detail", false);
    put(r, "</tr></thead><tbody>");
    for (guint i = 0; i < rs->rows->len; i++) {
        put(r, "<tr>");
        td(r, rs_get(rs, i, "at"), "mono");
        td(r, rs_get(rs, i, "user"), NULL);
        td(r, rs_get(rs, i, "command"), NULL);
        td(r, rs_get(rs, i, "cmdline"), "mono");
        td(r, rs_get(rs, i, "input_sha256"), "mono");
        td(r, rs_get(rs, i, "detail"), "mono");
        put(r, "</tr>");
    }
    put(r, "</tbody></table></div></section>");
}

static void nav(Report *r)
{
    static const struct {
        const char *id;
        const char *key;
    } items[] = {
        { "summary", "summary.title" },   { "risk", "risk.title" },
        { "map", "map.section" },         { "assets", "assets.title" },
        { "ops", "ops.title" },           { "findings", "findings.title" },
        { "captures", "captures.title" }, { "about", "about.title" },
        { "audit", "audit.title" },
    };
    put(r, "<nav>");
    for (size_t i = 0; i < G_N_ELEMENTS(items); i++) {
        g_string_append_printf(r->html, "<a href=\"#%s\">", items[i].id);
        put_tr(r, items[i].key);
        put(r, "</a>");
    }
    put(r, "</nav>");
}

static void document(Report *r, const char *css)
{
    /* the stylesheet is admitted by its hash; nothing else may load or run */
    Sha256 h;
    uint8_t digest[SHA256_DIGEST_LEN];
    sha256_init(&h);
    sha256_update(&h, css, strlen(css));
    sha256_final(&h, digest);
    gchar *b64 = g_base64_encode(digest, sizeof digest);
    GDateTime *now = g_date_time_new_now_utc();
    char *generated = g_date_time_format(now, "%Y-%m-%d %H:%M:%S UTC");
    g_date_time_unref(now);

    put(r, "<!DOCTYPE html>\n<html lang=\"");
    put_text(r, r->o->lang);
    put(r, "\"><head><meta charset=\"utf-8\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'sha256-");
    put(r, b64);
    put(r, "'; img-src data:; base-uri 'none'; form-action 'none'\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"referrer\" content=\"no-referrer\">"
           "<meta name=\"generator\" content=\"otscope " OTS_VERSION "\"><title>");
    put_tr(r, "title");
    put(r, " \xE2\x80\x94 ");
    put_text(r, r->o->site);
    put(r, "</title><style>");
    put(r, css);
    put(r, "</style></head><body><header class=\"top\"><h1>");
    put_tr(r, "title");
    put(r, "</h1><p>");
    put_fmt(r, "subtitle", "site", r->o->site, "time", generated, "version", OTS_VERSION, NULL);
    put(r, "</p></header>");
    nav(r);
    put(r, "<main>");
    GPtrArray *by_risk = g_ptr_array_copy(r->map_assets, NULL, NULL);
    g_ptr_array_set_free_func(by_risk, NULL); /* a view: map_assets owns them */
    g_ptr_array_sort(by_risk, cmp_asset_risk);
    g_ptr_array_sort_with_data(r->findings.rows, cmp_finding_rows, &r->findings);
    section_summary(r);
    section_risk(r, by_risk);
    section_map(r);
    section_inventory(r, by_risk);
    section_ops(r);
    section_findings(r);
    section_captures(r);
    section_about(r, generated);
    put(r, "</main><footer>");
    put_fmt(r, "footer", "version", OTS_VERSION, NULL);
    put(r, "</footer></body></html>\n");
    g_ptr_array_unref(by_risk);
    g_free(generated);
    g_free(b64);
}

bool report_write(Store *s, const ReportOptions *o, Err *err)
{
    Report r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.s = s;
    bool ok = (r.t = i18n_load(o->lang, err)) != NULL &&
              (r.colors = report_data_table("colors.tsv", err)) != NULL &&
              (r.lanes = report_data_table("roles.tsv", err)) != NULL && read_all(&r, err);
    ExportFile f;
    memset(&f, 0, sizeof f);
    if (ok) {
        r.html = g_string_sized_new(1 << 20);
        char *css = make_css(&r);
        document(&r, css);
        g_free(css);
        ok = export_file_open(&f, o->out, err);
        if (ok && fwrite(r.html->str, 1, r.html->len, f.fp) != r.html->len)
            ok = err_set(err, ERR_INPUT, "%s: write error", o->out);
        ok = export_file_commit(&f, ok, err);
    }
    if (r.html)
        g_string_free(r.html, TRUE);
    rowset_clear(&r.assets);
    rowset_clear(&r.comms);
    rowset_clear(&r.findings);
    rowset_clear(&r.captures);
    rowset_clear(&r.protocols);
    rowset_clear(&r.audit);
    rowset_clear(&r.notable_ops);
    if (r.map_assets)
        g_ptr_array_unref(r.map_assets);
    if (r.map_comms)
        g_ptr_array_unref(r.map_comms);
    if (r.op_matrix)
        g_hash_table_unref(r.op_matrix);
    if (r.colors)
        g_hash_table_unref(r.colors);
    if (r.lanes)
        g_hash_table_unref(r.lanes);
    i18n_free(r.t);
    return ok;
}
