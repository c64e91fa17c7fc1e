/*
 * report-map.c - the network map of the report: one SVG, lanes for the
 * Purdue levels (with lanes for the internet, network infrastructure and
 * assets without a level), nodes for assets, edges for who talks to whom,
 * coloured by protocol (link-layer housekeeping such as ARP, family l2
 * in colors.tsv, is left out).
 *
 * A lane comes from the asset's purdue_level when the store set one, else
 * from an internet address, else from its role (data/report/roles.tsv),
 * else "unassigned".  Above cluster_above assets a node stands for a group
 * - the assets of one lane in one IPv4 /24 or IPv6 /64, or those known
 * only by MAC - and when even the groups are too many, for the assets of
 * one role in one lane; edges are summed between groups.  So a 10 k-asset
 * site draws a few hundred boxes, not a hairball.  Layout is a grid per
 * lane, sorted by label, deterministic.
 */
#include "config.h"

#include "report.h"

#include <math.h>
#include <string.h>

#include "otscope/packet.h"

enum {
    MAP_WIDTH = 1200,
    LANE_LABEL_W = 170,
    NODE_W = 152,
    NODE_H = 40,
    GAP_X = 14,
    GAP_Y = 18,
    LANE_PAD = 26,
    MAX_MAP_NODES = 150, /* more groups than this: group by role instead */
    MAX_MAP_EDGES = 1500,
    LABEL_CHARS = 19,
    LEGEND_H = 60,
};

typedef enum Lane {
    LANE_EXT,
    LANE_L45,
    LANE_L3,
    LANE_L2,
    LANE_L1,
    LANE_L0,
    LANE_INFRA,
    LANE_UNASSIGNED,
    LANE_COUNT
} Lane;

static const char *const lane_keys[LANE_COUNT] = {
    "ext", "l45", "l3", "l2", "l1", "l0", "infra", "unassigned",
};

/* Purdue lanes are always drawn (an empty level says something); the
 * others only when they hold something. */
static const bool lane_always[LANE_COUNT] = {
    [LANE_L45] = true, [LANE_L3] = true, [LANE_L2] = true, [LANE_L1] = true, [LANE_L0] = true,
};

typedef struct MapNode {
    Lane lane;
    char *key;   /* grouping key */
    char *label;
    char *sub;   /* second line: role, or "N assets" */
    int risk;    /* highest asset risk */
    int n_assets;
    int n_risky; /* assets of high or critical risk */
    int idx; /* position before sorting */
    int64_t packets;
    double x;
    double y;
} MapNode;

typedef struct MapEdge {
    int a;
    int b;
    int64_t packets;
    int n_comms;
    GHashTable *by_proto; /* protocol -> packets (gint64 boxed) */
} MapEdge;

static void node_free(gpointer p)
{
    MapNode *n = p;
    g_free(n->key);
    g_free(n->label);
    g_free(n->sub);
    g_free(n);
}

static void edge_free(gpointer p)
{
    MapEdge *e = p;
    g_hash_table_unref(e->by_proto);
    g_free(e);
}

static Lane lane_of(const ReportAsset *a, GHashTable *lanes)
{
    static const Lane by_level[] = { LANE_L0, LANE_L1, LANE_L2, LANE_L3, LANE_L45, LANE_L45 };
    if (a->purdue_level >= 0 && a->purdue_level < (int)G_N_ELEMENTS(by_level))
        return by_level[a->purdue_level];
    if (a->is_public)
        return LANE_EXT;
    const char *key = a->role ? g_hash_table_lookup(lanes, a->role) : NULL;
    for (int l = 0; key && l < LANE_COUNT; l++) {
        if (strncmp(key, lane_keys[l], strlen(lane_keys[l])) == 0 &&
            (key[strlen(lane_keys[l])] == '\0' || key[strlen(lane_keys[l])] == '\t'))
            return (Lane)l;
    }
    return LANE_UNASSIGNED;
}

/* "10.1.2.0/24", "2001:db8:1:2::/64" or "" (MAC only) for an asset. */
static char *subnet_of(const ReportAsset *a)
{
    if (!a->ips || !a->ips[0])
        return g_strdup("");
    char *first = g_strdup(a->ips);
    char *semi = strchr(first, ';');
    if (semi)
        *semi = '\0';
    IpAddr ip;
    char *out;
    if (!ipaddr_parse(first, &ip)) {
        out = g_strdup("");
    } else if (ipaddr_is_v4(&ip)) {
        out = g_strdup_printf("%u.%u.%u.0/24", ip.b[12], ip.b[13], ip.b[14]);
    } else {
        memset(ip.b + 8, 0, 8);
        char buf[OTS_ADDR_STRLEN];
        out = g_strdup_printf("%s/64", ipaddr_str(&ip, buf));
    }
    g_free(first);
    return out;
}

typedef enum Grouping { GROUP_ASSET, GROUP_SUBNET, GROUP_ROLE } Grouping;

static char *group_key(const ReportAsset *a, Lane lane, Grouping g)
{
    switch (g) {
    case GROUP_ASSET:
        return g_strdup_printf("%d|%s", (int)lane, a->id);
    case GROUP_SUBNET: {
        char *sub = subnet_of(a);
        char *k = g_strdup_printf("%d|%s", (int)lane, sub);
        g_free(sub);
        return k;
    }
    case GROUP_ROLE:
        return g_strdup_printf("%d|%s", (int)lane, a->role ? a->role : "");
    }
    return g_strdup("");
}

static char *short_label(const char *s)
{
    if (!s)
        return g_strdup("");
    if (g_utf8_strlen(s, -1) <= LABEL_CHARS)
        return g_strdup(s);
    char *head = g_utf8_substring(s, 0, LABEL_CHARS - 1);
    char *out = g_strconcat(head, "\xE2\x80\xA6", NULL); /* ellipsis */
    g_free(head);
    return out;
}

static int risk_class(int risk)
{
    /* risk.c: 40 per critical finding, 20 per high, ... on 0..100 */
    if (risk >= 60)
        return 4;
    if (risk >= 35)
        return 3;
    if (risk >= 15)
        return 2;
    if (risk > 0)
        return 1;
    return 0;
}

/* Nodes for the assets under grouping g; asset_node[i] = node index. */
static GPtrArray *make_nodes(const I18n *t, const GPtrArray *assets, GHashTable *lanes, Grouping g,
                             int *asset_node)
{
    GPtrArray *nodes = g_ptr_array_new_with_free_func(node_free);
    GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < assets->len; i++) {
        const ReportAsset *a = g_ptr_array_index(assets, i);
        Lane lane = lane_of(a, lanes);
        char *key = group_key(a, lane, g);
        gpointer idx;
        MapNode *n;
        if (g_hash_table_lookup_extended(by_key, key, NULL, &idx)) {
            n = g_ptr_array_index(nodes, GPOINTER_TO_INT(idx));
            asset_node[i] = GPOINTER_TO_INT(idx);
            g_free(key);
        } else {
            n = g_new0(MapNode, 1);
            n->lane = lane;
            n->key = key;
            asset_node[i] = (int)nodes->len;
            g_hash_table_insert(by_key, n->key, GINT_TO_POINTER(nodes->len));
            g_ptr_array_add(nodes, n);
            if (g == GROUP_ASSET) {
                n->label = short_label(a->label);
                n->sub = g_strdup(a->role ? a->role : "");
            } else if (g == GROUP_SUBNET) {
                char *sub = subnet_of(a);
                n->label = g_strdup(sub[0] ? sub : i18n_get(t, "map.mac_only"));
                g_free(sub);
            } else {
                n->label = g_strdup(a->role && a->role[0] ? a->role : i18n_get(t, "map.no_role"));
            }
        }
        n->n_assets++;
        if (risk_class(a->risk) >= 3)
            n->n_risky++;
        n->packets += a->packets;
        if (a->risk > n->risk)
            n->risk = a->risk;
    }
    g_hash_table_unref(by_key);
    if (g != GROUP_ASSET) {
        for (guint i = 0; i < nodes->len; i++) {
            MapNode *n = g_ptr_array_index(nodes, i);
            char count[24];
            char risky[24];
            g_snprintf(count, sizeof count, "%d", n->n_assets);
            g_snprintf(risky, sizeof risky, "%d", n->n_risky);
            n->sub = n->n_risky ? i18n_fmt(t, "map.n_assets_risky", "n", count, "risky", risky, NULL)
                                : i18n_fmt(t, "map.n_assets", "n", count, NULL);
        }
    }
    return nodes;
}


static const char *palette_color(GHashTable *palette, const char *proto)
{
    const char *v = proto ? g_hash_table_lookup(palette, proto) : NULL;
    static const char other[] = "#9aa0a6";
    if (!v || v[0] != '#' || strlen(v) < 7)
        return other;
    return v; /* "#rrggbb<TAB>family": the first 7 characters are the colour */
}

static int cmp_node(gconstpointer a, gconstpointer b)
{
    const MapNode *x = *(MapNode *const *)a;
    const MapNode *y = *(MapNode *const *)b;
    if (x->lane != y->lane)
        return (int)x->lane - (int)y->lane;
    return g_strcmp0(x->key, y->key);
}

static int cmp_edge(gconstpointer a, gconstpointer b)
{
    const MapEdge *x = *(MapEdge *const *)a;
    const MapEdge *y = *(MapEdge *const *)b;
    if (x->packets != y->packets)
        return x->packets < y->packets ? 1 : -1;
    if (x->a != y->a)
        return x->a - y->a;
    return x->b - y->b;
}

/* The protocol of an edge with the most packets (ties: name order). */
static const char *edge_protocol(const MapEdge *e)
{
    const char *best = NULL;
    int64_t best_n = -1;
    GHashTableIter it;
    gpointer k;
    gpointer v;
    g_hash_table_iter_init(&it, e->by_proto);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        int64_t n = *(int64_t *)v;
        if (n > best_n || (n == best_n && g_strcmp0(k, best) < 0)) {
            best = k;
            best_n = n;
        }
    }
    return best;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static GPtrArray *make_edges(const GPtrArray *assets, const GPtrArray *comms,
                             const int *asset_node, GHashTable *palette)
{
    GHashTable *addr_asset = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (guint i = 0; i < assets->len; i++) {
        const ReportAsset *a = g_ptr_array_index(assets, i);
        if (a->mac && a->mac[0])
            g_hash_table_insert(addr_asset, a->mac, GINT_TO_POINTER(i + 1));
        if (a->ips && a->ips[0]) {
            char **list = g_strsplit(a->ips, ";", -1);
            for (char **p = list; *p; p++) {
                if (**p)
                    g_hash_table_insert(addr_asset, *p, GINT_TO_POINTER(i + 1));
            }
            g_ptr_array_add(lists, list);
        }
    }
    GHashTable *by_pair = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    GPtrArray *edges = g_ptr_array_new_with_free_func(edge_free);
    for (guint i = 0; i < comms->len; i++) {
        const ReportComm *c = g_ptr_array_index(comms, i);
        const char *color = c->protocol ? g_hash_table_lookup(palette, c->protocol) : NULL;
        const char *family = color ? strchr(color, '\t') : NULL;
        if (family && strcmp(family + 1, "l2") == 0)
            continue; /* every device ARPs: these links would hide the rest */
        int sa = GPOINTER_TO_INT(g_hash_table_lookup(addr_asset, c->src)) - 1;
        int da = GPOINTER_TO_INT(g_hash_table_lookup(addr_asset, c->dst)) - 1;
        if (sa < 0 || da < 0)
            continue; /* broadcast, multicast: no asset at that end */
        int a = asset_node[sa];
        int b = asset_node[da];
        if (a == b)
            continue;
        if (a > b) {
            int tmp = a;
            a = b;
            b = tmp;
        }
        int64_t key = (int64_t)a << 32 | (uint32_t)b;
        MapEdge *e = g_hash_table_lookup(by_pair, &key);
        if (!e) {
            e = g_new0(MapEdge, 1);
            e->a = a;
            e->b = b;
            e->by_proto = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
            g_hash_table_insert(by_pair, g_memdup2(&key, sizeof key), e);
            g_ptr_array_add(edges, e);
        }
        e->packets += c->packets;
        e->n_comms++;
        int64_t *n = g_hash_table_lookup(e->by_proto, c->protocol);
        if (!n) {
            n = g_new0(int64_t, 1);
            g_hash_table_insert(e->by_proto, c->protocol, n);
        }
        *n += c->packets;
    }
    g_hash_table_unref(by_pair);
    g_hash_table_unref(addr_asset);
    g_ptr_array_unref(lists);
    g_ptr_array_sort(edges, cmp_edge);
    return edges;
}

static void svg_text(GString *out, double x, double y, const char *cls, const char *text)
{
    g_string_append_printf(out, "<text x=\"%.0f\" y=\"%.0f\" class=\"%s\">", x, y, cls);
    html_text(out, text);
    g_string_append(out, "</text>");
}

void report_map(GString *out, const I18n *t, const GPtrArray *assets, const GPtrArray *comms,
                GHashTable *palette, GHashTable *lanes, int cluster_above)
{
    int *asset_node = g_new0(int, assets->len ? assets->len : 1);
    Grouping g = (int)assets->len > cluster_above ? GROUP_SUBNET : GROUP_ASSET;
    GPtrArray *nodes = make_nodes(t, assets, lanes, g, asset_node);
    if (g == GROUP_SUBNET && nodes->len > MAX_MAP_NODES) {
        g_ptr_array_unref(nodes);
        g = GROUP_ROLE;
        nodes = make_nodes(t, assets, lanes, g, asset_node);
    }
    /* sort nodes, keeping asset_node pointing at the right ones */
    for (guint i = 0; i < nodes->len; i++)
        ((MapNode *)g_ptr_array_index(nodes, i))->idx = (int)i;
    g_ptr_array_sort(nodes, cmp_node);
    int *order = g_new0(int, nodes->len ? nodes->len : 1);
    for (guint i = 0; i < nodes->len; i++)
        order[((MapNode *)g_ptr_array_index(nodes, i))->idx] = (int)i;
    for (guint i = 0; i < assets->len; i++)
        asset_node[i] = order[asset_node[i]];
    g_free(order);

    /* layout: lanes top to bottom, nodes in rows */
    int per_row = (MAP_WIDTH - LANE_LABEL_W - GAP_X) / (NODE_W + GAP_X);
    int lane_y[LANE_COUNT + 1];
    int lane_n[LANE_COUNT] = { 0 };
    for (guint i = 0; i < nodes->len; i++)
        lane_n[((MapNode *)g_ptr_array_index(nodes, i))->lane]++;
    int y = 0;
    for (int l = 0; l < LANE_COUNT; l++) {
        lane_y[l] = y;
        if (lane_n[l] == 0 && !lane_always[l])
            continue;
        int rows = lane_n[l] ? (lane_n[l] + per_row - 1) / per_row : 1;
        y += LANE_PAD + rows * (NODE_H + GAP_Y);
    }
    lane_y[LANE_COUNT] = y;
    int height = y + LEGEND_H;
    int slot[LANE_COUNT] = { 0 };
    for (guint i = 0; i < nodes->len; i++) {
        MapNode *n = g_ptr_array_index(nodes, i);
        int k = slot[n->lane]++;
        n->x = LANE_LABEL_W + GAP_X + (k % per_row) * (NODE_W + GAP_X);
        n->y = lane_y[n->lane] + LANE_PAD + (k / per_row) * (NODE_H + GAP_Y);
    }

    GPtrArray *edges = make_edges(assets, comms, asset_node, palette);
    g_string_append_printf(out,
                           "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
                           " role=\"img\" aria-labelledby=\"map-title\"><title id=\"map-title\">",
                           MAP_WIDTH, height);
    html_text(out, i18n_get(t, "map.title"));
    g_string_append(out, "</title>");
    for (int l = 0; l < LANE_COUNT; l++) {
        if (lane_n[l] == 0 && !lane_always[l])
            continue;
        int next = lane_y[LANE_COUNT];
        for (int m = l + 1; m < LANE_COUNT; m++) {
            if (lane_n[m] || lane_always[m]) {
                next = lane_y[m];
                break;
            }
        }
        g_string_append_printf(out, "<rect class=\"lane lane%d\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
                               l % 2, lane_y[l], MAP_WIDTH, next - lane_y[l]);
        char key[32];
        g_snprintf(key, sizeof key, "lane.%s", lane_keys[l]);
        svg_text(out, 10, lane_y[l] + 22, "lanename", i18n_get(t, key));
        g_snprintf(key, sizeof key, "lane.%s.sub", lane_keys[l]);
        svg_text(out, 10, lane_y[l] + 40, "lanesub", i18n_get(t, key));
    }
    /* edges under the nodes */
    GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint n_edges = MIN(edges->len, (guint)MAX_MAP_EDGES);
    g_string_append(out, "<g class=\"edges\">");
    for (guint i = 0; i < n_edges; i++) {
        const MapEdge *e = g_ptr_array_index(edges, i);
        const MapNode *a = g_ptr_array_index(nodes, e->a);
        const MapNode *b = g_ptr_array_index(nodes, e->b);
        double x1 = a->x + NODE_W / 2.0;
        double y1 = a->y + NODE_H / 2.0;
        double x2 = b->x + NODE_W / 2.0;
        double y2 = b->y + NODE_H / 2.0;
        /* bend each edge a little so edges along one row stay apart */
        double mx = (x1 + x2) / 2;
        double my = (y1 + y2) / 2;
        double dx = x2 - x1;
        double dy = y2 - y1;
        double len = sqrt(dx * dx + dy * dy);
        double bend = len > 0 ? 0.12 * len : 0;
        double cx = len > 0 ? mx - dy / len * bend : mx;
        double cy = len > 0 ? my + dx / len * bend : my;
        const char *proto = edge_protocol(e);
        if (proto)
            g_hash_table_add(used, g_strdup(proto));
        double w = 1.0 + fmin(4.0, log10((double)e->packets + 1.0));
        g_string_append_printf(out,
                               "<path d=\"M%.0f %.0fQ%.0f %.0f %.0f %.0f\" stroke=\"%.7s\""
                               " stroke-width=\"%.1f\"><title>",
                               x1, y1, cx, cy, x2, y2, palette_color(palette, proto), w);
        char packets[24];
        char count[24];
        g_snprintf(packets, sizeof packets, "%" G_GINT64_FORMAT, e->packets);
        g_snprintf(count, sizeof count, "%d", e->n_comms);
        char *tip = i18n_fmt(t, "map.edge_tip", "a", a->label, "b", b->label, "protocol",
                             proto ? proto : "", "comms", count, "packets", packets, NULL);
        html_text(out, tip);
        g_free(tip);
        g_string_append(out, "</title></path>");
    }
    g_string_append(out, "</g><g class=\"nodes\">");
    for (guint i = 0; i < nodes->len; i++) {
        const MapNode *n = g_ptr_array_index(nodes, i);
        g_string_append_printf(out,
                               "<g class=\"node r%d\"><title>", risk_class(n->risk));
        html_text(out, n->label);
        g_string_append(out, " \xE2\x80\x94 ");
        html_text(out, n->sub);
        g_string_append_printf(out,
                               "</title><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\""
                               " rx=\"6\"/>",
                               n->x, n->y, NODE_W, NODE_H);
        svg_text(out, n->x + 8, n->y + 17, "nlabel", n->label);
        svg_text(out, n->x + 8, n->y + 32, "nsub", n->sub);
        g_string_append(out, "</g>");
    }
    g_string_append(out, "</g>");
    /* legend: protocols drawn, then risk colours */
    int lx = 10;
    int ly = lane_y[LANE_COUNT] + 22;
    GPtrArray *protos = g_ptr_array_new();
    GHashTableIter it;
    gpointer pkey;
    g_hash_table_iter_init(&it, used);
    while (g_hash_table_iter_next(&it, &pkey, NULL))
        g_ptr_array_add(protos, pkey);
    g_ptr_array_sort(protos, cmp_str);
    svg_text(out, lx, ly, "legend", i18n_get(t, "map.legend.protocols"));
    lx += 120;
    for (guint i = 0; i < protos->len && lx < MAP_WIDTH - 90; i++) {
        const char *p = g_ptr_array_index(protos, i);
        g_string_append_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%.7s\"/>",
                               lx, ly - 6, palette_color(palette, p));
        svg_text(out, lx + 18, ly, "legend", p ? p : "");
        lx += 26 + 8 * (int)strlen(p ? p : "");
    }
    lx = 10;
    ly += 24;
    svg_text(out, lx, ly, "legend", i18n_get(t, "map.legend.risk"));
    lx += 120;
    for (int r = 0; r <= 4; r++) {
        char key[24];
        g_snprintf(key, sizeof key, "map.risk%d", r);
        g_string_append_printf(out, "<rect class=\"swatch r%d\" x=\"%d\" y=\"%d\" width=\"14\" height=\"12\"/>",
                               r, lx, ly - 10);
        svg_text(out, lx + 18, ly, "legend", i18n_get(t, key));
        lx += 150;
    }
    g_string_append(out, "</svg>");
    if (edges->len > n_edges || g != GROUP_ASSET) {
        char shown[24];
        char total[24];
        char n_assets[24];
        char n_nodes[24];
        g_snprintf(shown, sizeof shown, "%u", n_edges);
        g_snprintf(total, sizeof total, "%u", edges->len);
        g_snprintf(n_assets, sizeof n_assets, "%u", assets->len);
        g_snprintf(n_nodes, sizeof n_nodes, "%u", nodes->len);
        g_string_append(out, "<p class=\"note\">");
        if (g != GROUP_ASSET) {
            char *msg = i18n_fmt(t, g == GROUP_SUBNET ? "map.clustered_subnet" : "map.clustered_role",
                                 "assets", n_assets, "nodes", n_nodes, NULL);
            html_text(out, msg);
            g_free(msg);
            g_string_append_c(out, ' ');
        }
        if (edges->len > n_edges) {
            char *msg = i18n_fmt(t, "map.edges_capped", "shown", shown, "total", total, NULL);
            html_text(out, msg);
            g_free(msg);
        }
        g_string_append(out, "</p>");
    }
    g_ptr_array_unref(protos);
    g_hash_table_unref(used);
    g_ptr_array_unref(edges);
    g_ptr_array_unref(nodes);
    g_free(asset_node);
}
