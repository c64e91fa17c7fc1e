/*
 * asset.c - which addresses form one device.
 *
 * Input: every (MAC, IP) pair observed, summed over the captures of a DB.
 * Output: assets.  A device on the captured segment is its MAC, on every
 * VLAN it was seen on (a trunk-attached server, a router-on-a-stick, an L3
 * switch's interfaces all share one MAC; a SPAN of both a trunk and an
 * access port sees one frame tagged and untagged); its IPs are those it
 * claims in ARP or IPv6 Neighbor Discovery or carries alone.  An address
 * stays within its VLAN: one private range reused on two VLANs is two sets
 * of devices.  A MAC that carries
 * many IPs, or IPs from different networks, is a router: the IPs it
 * carries but does not claim are devices behind it and become IP-only
 * assets — never attributes of the router (a router fronting a whole IT
 * network would otherwise look like one host with 500 addresses).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "otscope/hash.h"
#include "otscope/model.h"

enum {
    /* Distinct IPv4 source addresses a MAC may carry without claiming
     * them before it is taken for a router. */
    ROUTER_MIN_FOREIGN_IPS = 3,
};

typedef struct MacInfo {
    MacAddr mac;
    GArray *obs_idx; /* indexes into the observation array */
    bool is_router;
    char evidence[ASSET_EVIDENCE_MAX];
    ResolvedAsset *asset;
} MacInfo;

static guint mac_hash(gconstpointer k)
{
    return (guint)ots_hash_bytes(k, sizeof(MacAddr));
}

static gboolean mac_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(MacAddr)) == 0;
}

/* An address within its VLAN: one private range reused on two VLANs is
 * two sets of devices. */
typedef struct IpVlan {
    IpAddr ip;
    uint16_t vlan;
    uint8_t pad_[2];
} IpVlan;

static IpVlan ipvlan_of(const IpAddr *ip, uint16_t vlan)
{
    IpVlan k;
    memset(&k, 0, sizeof k);
    k.ip = *ip;
    k.vlan = vlan;
    return k;
}

static guint ipvlan_hash(gconstpointer k)
{
    return (guint)ots_hash_bytes(k, sizeof(IpVlan));
}

static gboolean ipvlan_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(IpVlan)) == 0;
}

static void free_resolved(gpointer p)
{
    ResolvedAsset *a = p;
    g_array_free(a->ips, TRUE);
    g_array_free(a->vlans, TRUE);
    g_free(a);
}

static void free_macinfo(gpointer p)
{
    MacInfo *mi = p;
    g_array_free(mi->obs_idx, TRUE);
    g_free(mi);
}

static ResolvedAsset *asset_new(AssetKind kind)
{
    ResolvedAsset *a = g_new0(ResolvedAsset, 1);
    a->kind = kind;
    a->ips = g_array_new(FALSE, FALSE, sizeof(IpAddr));
    a->vlans = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    return a;
}

static void asset_count(ResolvedAsset *a, const Observation *o)
{
    if (o->packets == 0)
        return;
    if (a->packets == 0 || o->first_ns < a->first_ns)
        a->first_ns = o->first_ns;
    if (a->packets == 0 || o->last_ns > a->last_ns)
        a->last_ns = o->last_ns;
    a->packets += o->packets;
    a->bytes += o->bytes;
}

static bool is_link_local_v6(const IpAddr *ip)
{
    return !ipaddr_is_v4(ip) && ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80;
}

/* TTLs stacks start with: a packet that still carries one was not
 * forwarded by a router on the way (p0f's initial TTL idea). */
static bool is_initial_ttl(uint8_t ttl)
{
    return ttl == 32 || ttl == 60 || ttl == 64 || ttl == 128 || ttl == 255;
}

/* A MAC is a router when it sends from several addresses it does not
 * claim, or from IPv4 networks (/16) that no single host spans when one
 * of those unclaimed addresses arrives with a decremented TTL.  A
 * dual-homed host sends from two networks too, but with its own initial
 * TTL: it stays one asset with both addresses even when no ARP of it was
 * captured. */
static void judge_router(MacInfo *mi, const Observation *obs)
{
    unsigned n_foreign = 0;
    unsigned n_forwarded = 0; /* unclaimed and with a decremented TTL */
    uint32_t first_net = 0;
    bool has_net = false;
    bool spans_nets = false;
    char example[OTS_ADDR_STRLEN] = "";
    for (guint i = 0; i < mi->obs_idx->len; i++) {
        const Observation *o = &obs[g_array_index(mi->obs_idx, guint, i)];
        /* 0.0.0.0 is a DHCP client without an address, not a forwarded host */
        if (!o->has_ip || o->tx_packets == 0 || !ipaddr_is_v4(&o->ip) || ipaddr_is_zero(&o->ip))
            continue;
        uint32_t net = ipaddr_v4(&o->ip) >> 16;
        if (has_net && net != first_net)
            spans_nets = true;
        first_net = has_net ? first_net : net;
        has_net = true;
        if (o->arp_claims == 0) {
            n_foreign++;
            n_forwarded += !is_initial_ttl(o->min_ttl);
            ipaddr_str(&o->ip, example);
        }
    }
    if (n_foreign >= ROUTER_MIN_FOREIGN_IPS || (spans_nets && n_forwarded > 0)) {
        mi->is_router = true;
        snprintf(mi->evidence, sizeof mi->evidence,
                 "forwards traffic of %u IPv4 addresses it does not claim (e.g. %s)%s", n_foreign,
                 example, spans_nets ? " from several networks" : "");
    }
}

static GHashTable *group_by_mac(const Observation *obs, size_t n_obs)
{
    /* keys point into the MacInfo values */
    GHashTable *macs = g_hash_table_new_full(mac_hash, mac_equal, NULL, free_macinfo);
    for (size_t i = 0; i < n_obs; i++) {
        const Observation *o = &obs[i];
        if (!o->has_mac || macaddr_is_group(&o->mac) || macaddr_is_zero(&o->mac))
            continue;
        MacInfo *mi = g_hash_table_lookup(macs, &o->mac);
        if (!mi) {
            mi = g_new0(MacInfo, 1);
            mi->mac = o->mac;
            mi->obs_idx = g_array_new(FALSE, FALSE, sizeof(guint));
            g_hash_table_insert(macs, &mi->mac, mi);
        }
        guint idx = (guint)i;
        g_array_append_val(mi->obs_idx, idx);
    }
    return macs;
}

/* How strongly a MAC's observation ties it to its IP: claims beat
 * carrying, carrying beats being delivered to. */
static uint64_t tie_strength(const Observation *o)
{
    return o->arp_claims * 1000000000ull + o->tx_packets * 1000ull + (o->rx_packets ? 1 : 0);
}

typedef struct IpOwner {
    IpVlan key;  /* first: the table's key */
    MacInfo *mac; /* best MAC, NULL when none */
    uint64_t strength;
    bool has_tx; /* the IP sent something */
} IpOwner;

static void note_owner(GHashTable *owners, const Observation *o, MacInfo *mi)
{
    IpVlan key = ipvlan_of(&o->ip, o->vlan);
    IpOwner *ow = g_hash_table_lookup(owners, &key);
    if (!ow) {
        ow = g_new0(IpOwner, 1);
        ow->key = key;
        g_hash_table_insert(owners, &ow->key, ow);
    }
    ow->has_tx |= o->tx_packets > 0;
    uint64_t s = tie_strength(o);
    if (mi && s > ow->strength) {
        ow->strength = s;
        ow->mac = mi;
    }
}

/* A MAC asset's key has no VLAN: it must not change when the device is
 * later seen on one more VLAN. */
static void key_of_mac(ResolvedAsset *a)
{
    char buf[OTS_ADDR_STRLEN];
    macaddr_str(&a->mac, buf);
    snprintf(a->key, sizeof a->key, "mac:%s", buf);
}

static gint compare_vlans(gconstpointer a, gconstpointer b)
{
    return (gint) * (const uint16_t *)a - (gint) * (const uint16_t *)b;
}

/* The distinct VLANs of a MAC's observations, ascending; the first is
 * the asset's vlan. */
static void collect_vlans(ResolvedAsset *a, const MacInfo *mi, const Observation *obs)
{
    for (guint i = 0; i < mi->obs_idx->len; i++) {
        uint16_t vlan = obs[g_array_index(mi->obs_idx, guint, i)].vlan;
        bool is_new = true;
        for (guint j = 0; j < a->vlans->len && is_new; j++)
            is_new = g_array_index(a->vlans, uint16_t, j) != vlan;
        if (is_new)
            g_array_append_val(a->vlans, vlan);
    }
    g_array_sort(a->vlans, compare_vlans);
    a->vlan = a->vlans->len ? g_array_index(a->vlans, uint16_t, 0) : 0;
}

static void key_of_ip(ResolvedAsset *a, const IpAddr *ip, uint16_t vlan)
{
    char buf[OTS_ADDR_STRLEN];
    ipaddr_str(ip, buf);
    if (vlan)
        snprintf(a->key, sizeof a->key, "ip:%s@%u", buf, vlan);
    else
        snprintf(a->key, sizeof a->key, "ip:%s", buf);
}

static gint compare_keys(gconstpointer a, gconstpointer b)
{
    const ResolvedAsset *x = *(ResolvedAsset *const *)a;
    const ResolvedAsset *y = *(ResolvedAsset *const *)b;
    return strcmp(x->key, y->key);
}

GPtrArray *asset_resolve(const Observation *obs, size_t n_obs)
{
    GPtrArray *assets = g_ptr_array_new_with_free_func(free_resolved);
    GHashTable *macs = group_by_mac(obs, n_obs);
    GHashTable *owners = g_hash_table_new_full(ipvlan_hash, ipvlan_equal, NULL, g_free);

    GHashTableIter it;
    gpointer k;
    gpointer v;
    g_hash_table_iter_init(&it, macs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        MacInfo *mi = v;
        judge_router(mi, obs);
        ResolvedAsset *a = asset_new(ASSET_MAC);
        a->mac = mi->mac;
        collect_vlans(a, mi, obs);
        a->is_router = mi->is_router;
        g_strlcpy(a->router_evidence, mi->evidence, sizeof a->router_evidence);
        key_of_mac(a);
        mi->asset = a;
        g_ptr_array_add(assets, a);
    }

    /* Every IP finds its best MAC (or none, in raw-IP captures). */
    for (size_t i = 0; i < n_obs; i++) {
        const Observation *o = &obs[i];
        if (!o->has_ip || ipaddr_is_zero(&o->ip) || ipaddr_is_multicast(&o->ip) ||
            ipaddr_is_broadcast_v4(&o->ip))
            continue;
        MacInfo *mi = o->has_mac ? g_hash_table_lookup(macs, &o->mac) : NULL;
        note_owner(owners, o, mi);
    }

    GHashTable *ip_assets = g_hash_table_new_full(ipvlan_hash, ipvlan_equal, g_free, NULL);
    g_hash_table_iter_init(&it, owners);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        IpOwner *ow = v;
        bool claimed = ow->mac && ow->strength >= 1000000000ull;
        bool behind_router = ow->mac && ow->mac->is_router && !claimed;
        if (ow->mac && !behind_router) {
            g_array_append_val(ow->mac->asset->ips, ow->key.ip);
            continue;
        }
        /* Behind a router, or no link layer at all: an IP-only asset, but
         * only for an address that spoke (a scan target that never
         * answered is not a device). */
        if (!ow->has_tx || (behind_router && is_link_local_v6(&ow->key.ip)))
            continue;
        ResolvedAsset *a = asset_new(ASSET_IP);
        key_of_ip(a, &ow->key.ip, ow->key.vlan);
        a->vlan = ow->key.vlan;
        g_array_append_val(a->vlans, ow->key.vlan);
        g_array_append_val(a->ips, ow->key.ip);
        g_hash_table_insert(ip_assets, g_memdup2(&ow->key, sizeof ow->key), a);
        g_ptr_array_add(assets, a);
    }

    /* Traffic: a MAC asset counts every frame of its MAC; an IP-only asset
     * every packet of its IP. */
    for (size_t i = 0; i < n_obs; i++) {
        const Observation *o = &obs[i];
        MacInfo *mi = o->has_mac ? g_hash_table_lookup(macs, &o->mac) : NULL;
        if (mi)
            asset_count(mi->asset, o);
        if (o->has_ip) {
            IpVlan key = ipvlan_of(&o->ip, o->vlan);
            ResolvedAsset *a = g_hash_table_lookup(ip_assets, &key);
            if (a)
                asset_count(a, o);
        }
    }
    g_hash_table_destroy(ip_assets);
    g_hash_table_destroy(owners);
    g_hash_table_destroy(macs);
    g_ptr_array_sort(assets, compare_keys);
    return assets;
}
