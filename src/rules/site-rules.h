/*
 * site-rules.h - what the rules that judge against site knowledge
 * (baseline, zones, ledger, advisories) share: which resolved assets sent
 * traffic in the capture being judged, with where (times, frames) - they
 * report per device, and only for the devices the capture saw - and how
 * to name the loaded baseline in evidence.
 */
#ifndef OTS_RULES_SITE_RULES_H
#define OTS_RULES_SITE_RULES_H

#include <glib.h>

#include "rules-int.h"

typedef struct AssetSeen {
    int64_t asset_id;
    int64_t first_ns;
    int64_t last_ns;
    uint64_t first_pkt;
    uint64_t last_pkt;
    uint64_t packets;
} AssetSeen;

/* asset_id (gint64 key) -> AssetSeen, for the assets that sent at least
 * one packet in ctx's capture; NULL on an SQL error (ctx->ok cleared).
 * Free with g_hash_table_unref. */
GHashTable *seen_assets(RuleCtx *ctx);
/* The Hit of an asset for rule_hit(): src is addr, no dst or protocol. */
void seen_asset_hit(const AssetSeen *seen, const char *addr, Hit *hit);

/* "the baseline of plant.db (2024-03-05T08:00:00Z..2024-03-05T08:10:00Z)",
 * or NULL when the DB has no baseline loaded; valid for the run. */
const char *site_baseline_label(RuleCtx *ctx);

/* Protocols nobody keeps an inventory of conversations for: address
 * resolution, link discovery, name and address services hosts use on
 * their own (arp, lldp, cdp, dhcp, mdns, llmnr, nbns, ssdp). */
bool site_is_housekeeping(const char *protocol);

#endif /* OTS_RULES_SITE_RULES_H */
