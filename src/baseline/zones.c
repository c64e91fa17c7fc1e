/*
 * zones.c - the site's zone policy: a text file of zones with their
 * Purdue levels, the networks and VLANs in each, and the conduits allowed
 * between them, read into the DB (zones, zone_nets, zone_conduits).  The
 * zone-violation rule judges conversations against it; the asset_zones
 * view gives each asset its zone (the assets table's zone column).
 *
 * Format, one statement per line, '#' starts a comment:
 *   zone NAME [level L] [DESCRIPTION...]
 *   net CIDR [vlan N] ZONE         an address is a /32 (/128)
 *   vlan N ZONE                    every address on VLAN N
 *   conduit ZONE -> ZONE PROTO...  conversations opened from the first
 *   conduit ZONE <-> ZONE PROTO... zone to the second (<->: either way)
 * PROTO is a canonical protocol name ("modbus", "unknown"), TRANSPORT/PORT
 * ("tcp/1433") or "any".  Zone names are letters, digits, '-', '_' and
 * '.'; "unzoned" (addresses no line covers) may only appear in conduits.
 * Which line an address falls under: man otscope, ZONES.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "cidr.h"
#include "dissect.h"
#include "site-int.h"
#include "store-int.h"

static const char unzoned[] = "unzoned";

typedef struct Parse {
    const char *path;
    int line;
    Err *err;
    bool ok;
    GPtrArray *zones;    /* gchar** {name, level, description, line} */
    GPtrArray *nets;     /* gchar** {cidr, vlan or "", zone, line} */
    GPtrArray *conduits; /* gchar** {src, dst, "1"/"0", protocols, line} */
} Parse;

static bool fail(Parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(Parse *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    err_set(p->err, ERR_INPUT, "%s:%d: %s", p->path, p->line, msg);
    g_free(msg);
    p->ok = false;
    return false;
}

static bool is_name(const char *s)
{
    if (!s[0])
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

static bool parse_vlan(Parse *p, const char *text, char **out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < 0 || v > 4095)
        return fail(p, "'%s' is not a VLAN id (0-4095)", text);
    *out = g_strdup_printf("%ld", v);
    return true;
}

static gchar **row(int n, ...)
{
    gchar **r = g_new0(gchar *, n + 1);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        r[i] = va_arg(ap, char *);
    va_end(ap);
    return r;
}

static bool is_protocol(const char *t)
{
    ProtoId id;
    if (g_ascii_strcasecmp(t, "any") == 0 || strcmp(t, proto_name(PROTO_UNKNOWN)) == 0 ||
        proto_from_name(t, &id))
        return true;
    const char *slash = strchr(t, '/');
    if (!slash || (strncmp(t, "tcp/", 4) != 0 && strncmp(t, "udp/", 4) != 0))
        return false;
    char *end;
    long port = strtol(slash + 1, &end, 10);
    return end != slash + 1 && !*end && port > 0 && port < 65536;
}

static void statement(Parse *p, gchar **w, int n)
{
    char *line = g_strdup_printf("%d", p->line);
    if (strcmp(w[0], "zone") == 0) {
        if (n < 2 || !is_name(w[1]) || strcmp(w[1], unzoned) == 0) {
            fail(p, "zone needs a name (letters, digits, '-', '_', '.'; not 'unzoned'): %s",
                 n > 1 ? w[1] : "");
        } else {
            int i = 2;
            char *level = g_strdup("");
            if (n > 3 && strcmp(w[2], "level") == 0) {
                char *end;
                double l = g_ascii_strtod(w[3], &end);
                if (*end || end == w[3] || l < 0 || l > 5)
                    fail(p, "level '%s' is not a Purdue level (0-5, 3.5)", w[3]);
                g_free(level);
                level = g_strdup(w[3]);
                i = 4;
            }
            char *desc = i < n ? g_strjoinv(" ", w + i) : g_strdup("");
            g_strdelimit(desc, "\"", ' ');
            g_strstrip(desc);
            g_ptr_array_add(p->zones, row(4, g_strdup(w[1]), level, desc, g_strdup(line)));
        }
    } else if (strcmp(w[0], "net") == 0) {
        Cidr c;
        char *vlan = g_strdup("");
        if (n != 3 && !(n == 5 && strcmp(w[2], "vlan") == 0)) {
            fail(p, "%s: net CIDR [vlan N] ZONE", "expected");
        } else if (!cidr_parse(w[1], &c)) {
            fail(p, "'%s' is not an address or network (10.0.0.0/8, fd00::/8)", w[1]);
        } else if (n == 5) {
            g_free(vlan);
            vlan = NULL;
            parse_vlan(p, w[3], &vlan);
        }
        if (p->ok)
            g_ptr_array_add(p->nets, row(4, g_strdup(w[1]), vlan, g_strdup(w[n - 1]),
                                         g_strdup(line)));
        else
            g_free(vlan);
    } else if (strcmp(w[0], "vlan") == 0) {
        char *vlan = NULL;
        if (n != 3)
            fail(p, "%s: vlan N ZONE", "expected");
        else if (parse_vlan(p, w[1], &vlan))
            g_ptr_array_add(p->nets, row(4, g_strdup(""), vlan, g_strdup(w[2]), g_strdup(line)));
    } else if (strcmp(w[0], "conduit") == 0) {
        bool is_both = n > 2 && strcmp(w[2], "<->") == 0;
        if (n < 5 || (!is_both && strcmp(w[2], "->") != 0)) {
            fail(p, "%s: conduit ZONE -> ZONE PROTOCOL... (or <->)", "expected");
        } else {
            for (int i = 4; i < n && p->ok; i++)
                if (!is_protocol(w[i]))
                    fail(p, "'%s' is not a protocol name, tcp/PORT, udp/PORT or any", w[i]);
            if (p->ok) {
                char *protos = g_strjoinv(";", w + 4);
                g_ptr_array_add(p->conduits, row(5, g_strdup(w[1]), g_strdup(w[3]),
                                                 g_strdup(is_both ? "1" : "0"), protos,
                                                 g_strdup(line)));
            }
        }
    } else {
        fail(p, "unknown statement '%s' (zone, net, vlan, conduit)", w[0]);
    }
    g_free(line);
}

static bool has_zone(const Parse *p, const char *name)
{
    for (guint i = 0; i < p->zones->len; i++)
        if (strcmp(((gchar **)g_ptr_array_index(p->zones, i))[0], name) == 0)
            return true;
    return false;
}

/* Zones named by nets and conduits must be declared (conduits may also
 * name "unzoned"); a zone declared twice is a mistake. */
static void cross_check(Parse *p)
{
    for (guint i = 0; p->ok && i < p->zones->len; i++) {
        gchar **z = g_ptr_array_index(p->zones, i);
        for (guint j = 0; j < i; j++)
            if (strcmp(((gchar **)g_ptr_array_index(p->zones, j))[0], z[0]) == 0) {
                p->line = atoi(z[3]);
                fail(p, "zone '%s' is declared twice", z[0]);
            }
    }
    for (guint i = 0; p->ok && i < p->nets->len; i++) {
        gchar **n = g_ptr_array_index(p->nets, i);
        if (!has_zone(p, n[2])) {
            p->line = atoi(n[3]);
            fail(p, "no 'zone %s' line", n[2]);
        }
    }
    for (guint i = 0; p->ok && i < p->conduits->len; i++) {
        gchar **c = g_ptr_array_index(p->conduits, i);
        for (int k = 0; k < 2 && p->ok; k++) {
            if (strcmp(c[k], unzoned) != 0 && !has_zone(p, c[k])) {
                p->line = atoi(c[4]);
                fail(p, "no 'zone %s' line", c[k]);
            }
        }
    }
}

static bool parse_file(Parse *p)
{
    char *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(p->path, &text, NULL, &error)) {
        err_set(p->err, ERR_INPUT, "%s: %s", p->path, error->message);
        g_error_free(error);
        return false;
    }
    if (!g_utf8_validate(text, -1, NULL)) {
        g_free(text);
        return err_set(p->err, ERR_INPUT, "%s: not UTF-8 text", p->path);
    }
    gchar **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    for (int i = 0; p->ok && lines[i]; i++) {
        p->line = i + 1;
        char *hash = strchr(lines[i], '#');
        if (hash)
            *hash = '\0';
        g_strdelimit(lines[i], "\t\r", ' ');
        gchar **raw = g_strsplit(lines[i], " ", -1);
        GPtrArray *words = g_ptr_array_new();
        for (gchar **w = raw; *w; w++)
            if ((*w)[0])
                g_ptr_array_add(words, *w);
        int n = (int)words->len;
        g_ptr_array_add(words, NULL);
        if (n > 0)
            statement(p, (gchar **)words->pdata, n);
        g_ptr_array_free(words, TRUE);
        g_strfreev(raw);
    }
    g_strfreev(lines);
    if (p->ok)
        cross_check(p);
    if (p->ok && p->zones->len == 0)
        return err_set(p->err, ERR_INPUT, "%s: no zone lines", p->path);
    return p->ok;
}

static bool put(Store *s, const char *sql, gchar **values, int n, const bool *is_int, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "zones");
    for (int i = 0; i < n; i++) {
        if (is_int[i] && values[i][0])
            sqlite3_bind_int64(st, i + 1, g_ascii_strtoll(values[i], NULL, 10));
        else if (is_int[i])
            sqlite3_bind_null(st, i + 1);
        else
            sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_TRANSIENT);
    }
    bool ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "zones");
    sqlite3_finalize(st);
    return ok;
}

static bool put_net(Store *s, gchar **n, Err *err)
{
    Cidr c;
    uint32_t lo = 0;
    uint32_t hi = 0;
    bool has_cidr = n[0][0] && cidr_parse(n[0], &c);
    bool is_v4 = has_cidr && cidr_v4_range(&c, &lo, &hi);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO zone_nets (cidr, vlan, zone, prefix_len, v4_lo,"
                                  " v4_hi, line) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "zones");
    sqlite3_bind_text(st, 1, n[0], -1, SQLITE_TRANSIENT);
    if (n[1] && n[1][0])
        sqlite3_bind_int64(st, 2, g_ascii_strtoll(n[1], NULL, 10));
    sqlite3_bind_text(st, 3, n[2], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, has_cidr ? c.prefix : 0);
    if (is_v4) {
        sqlite3_bind_int64(st, 5, lo);
        sqlite3_bind_int64(st, 6, hi);
    }
    sqlite3_bind_int64(st, 7, g_ascii_strtoll(n[3], NULL, 10));
    bool ok = sqlite3_step(st) == SQLITE_DONE || store_fail(s, err, "zones");
    sqlite3_finalize(st);
    return ok;
}

bool zones_load(Store *s, const char *path, ZonesStats *stats, Err *err)
{
    memset(stats, 0, sizeof *stats);
    Parse p = { path, 0, err, true, g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev),
                g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev),
                g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev) };
    bool ok = parse_file(&p) &&
              store_exec(s, "BEGIN IMMEDIATE; DELETE FROM zone_conduits; DELETE FROM zone_nets;"
                            " DELETE FROM zones;", err);
    static const bool zone_ints[] = { false, false, false };
    static const bool conduit_ints[] = { false, false, true, false, true };
    for (guint i = 0; ok && i < p.zones->len; i++)
        ok = put(s, "INSERT INTO zones VALUES (?, ?, ?)", g_ptr_array_index(p.zones, i), 3,
                 zone_ints, err);
    for (guint i = 0; ok && i < p.nets->len; i++)
        ok = put_net(s, g_ptr_array_index(p.nets, i), err);
    for (guint i = 0; ok && i < p.conduits->len; i++)
        ok = put(s, "INSERT INTO zone_conduits (src_zone, dst_zone, is_both, protocols, line)"
                    " VALUES (?, ?, ?, ?, ?)",
                 g_ptr_array_index(p.conduits, i), 5, conduit_ints, err);
    if (ok) {
        char *abs = g_canonicalize_filename(path, NULL);
        gchar *v[] = { abs };
        static const bool one_text[] = { false };
        ok = put(s, "INSERT OR REPLACE INTO meta VALUES ('zones_file', ?)", v, 1, one_text, err);
        g_free(abs);
    }
    /* the console's matrix of zones */
    ok = ok && store_comm_matrix_refresh(s, err) && store_exec(s, "COMMIT", err);
    if (!ok && p.ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    stats->zones = p.zones->len;
    stats->nets = p.nets->len;
    stats->conduits = p.conduits->len;
    g_ptr_array_unref(p.zones);
    g_ptr_array_unref(p.nets);
    g_ptr_array_unref(p.conduits);
    return ok;
}

bool zones_clear(Store *s, Err *err)
{
    bool ok = store_exec(s, "BEGIN IMMEDIATE; DELETE FROM zone_conduits; DELETE FROM zone_nets;"
                            " DELETE FROM zones; DELETE FROM meta WHERE key='zones_file'",
                         err) &&
              store_comm_matrix_refresh(s, err) && store_exec(s, "COMMIT", err);
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

static const ColumnDesc columns[] = {
    { "kind", "KIND", CELL_TEXT, 7, false },
    { "zone", "ZONE", CELL_TEXT, 14, false },
    { "level", "LVL", CELL_TEXT, 3, false },
    { "what", "WHAT", CELL_TEXT, 40, false },
    { "line", "LINE", CELL_INT, 4, true },
};

const ColumnDesc *zones_columns(int *n_columns)
{
    *n_columns = G_N_ELEMENTS(columns);
    return columns;
}

bool zones_read(Store *s, StoreRowFn fn, void *user, Err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT 'zone', zone, level, description, NULL, 0 AS o, zone AS k FROM zones"
            " UNION ALL SELECT CASE WHEN n.cidr='' THEN 'vlan' ELSE 'net' END, n.zone, z.level,"
            "  trim(n.cidr || CASE WHEN n.vlan IS NULL THEN '' ELSE ' vlan ' || n.vlan END), n.line,"
            "  1, n.zone FROM zone_nets n JOIN zones z USING (zone)"
            " UNION ALL SELECT 'conduit', src_zone || CASE is_both WHEN 1 THEN ' <-> ' ELSE ' -> '"
            "  END || dst_zone, '', replace(protocols, ';', ' '), line, 2, src_zone"
            " FROM zone_conduits"
            " UNION ALL SELECT 'asset', z.zone, z.level,"
            "  coalesce((SELECT group_concat(ip, ';') FROM asset_ips i WHERE i.asset_id=z.asset_id),"
            "  '') || CASE WHEN a.mac<>'' THEN ' ' || a.mac ELSE '' END, NULL, 3, z.zone"
            " FROM asset_zones z JOIN assets a USING (asset_id)"
            " ORDER BY 6, 7, 5, 4",
            -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "zones");
    bool go_on = true;
    int rc;
    while (go_on && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[5];
        for (int i = 0; i < 5; i++)
            cells[i] = (const char *)sqlite3_column_text(st, i);
        go_on = fn(cells, user);
    }
    bool ok = !go_on || rc == SQLITE_DONE || store_fail(s, err, "zones");
    sqlite3_finalize(st);
    return ok;
}
