/*
 * ledger-match.h - the plant's asset ledger (the ledger table) against
 * the assets otscope resolved: which row is which device, which devices
 * are on no row, which rows no device answers, and where a matched pair
 * disagrees.  Read-only SQL over one connection; used by the ledger
 * rules and by `otscope ledger`.
 *
 * A row finds its device by MAC, else by IP, else by name; a device
 * answers one row at most.  Devices that can be on a ledger are those on
 * a captured segment (MAC assets) and plant addresses behind a router
 * (private IPs); internet peers are not.  Compared when both sides say
 * something: vendor, model, firmware, name, and the MAC or IP that did
 * not make the match (another MAC on a listed IP is replaced hardware).
 */
#ifndef OTS_RULES_LEDGER_MATCH_H
#define OTS_RULES_LEDGER_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "otscope/err.h"

typedef struct LedgerEntry {
    int64_t ledger_id;
    int64_t line; /* in the imported file (header = line 1) */
    const char *ip;
    const char *mac;
    const char *name;
    const char *vendor;
    const char *model;
    const char *firmware;
    const char *location;
} LedgerEntry;

typedef struct SeenAsset {
    int64_t asset_id;
    const char *asset_key;
    const char *mac;       /* "" for devices behind a router */
    const char *ips;       /* ';'-joined, as all lists below */
    const char *names;     /* hostnames and device names */
    const char *vendors;   /* the MAC registry's and the protocols' */
    const char *models;    /* models and order numbers */
    const char *firmwares;
} SeenAsset;

typedef enum LedgerVerdict {
    LEDGER_MATCHED,  /* field: how ("mac", "ip", "name") */
    LEDGER_UNLISTED, /* a device on no row (entry NULL) */
    LEDGER_MISSING,  /* a row no device answers (asset NULL) */
    LEDGER_MISMATCH, /* field, seen, listed say what differs */
} LedgerVerdict;

typedef struct LedgerEvent {
    LedgerVerdict verdict;
    const LedgerEntry *entry;
    const SeenAsset *asset;
    const char *field;
    const char *seen;
    const char *listed;
} LedgerEvent;

typedef void (*LedgerEventFn)(const LedgerEvent *ev, void *user);

/* Calls fn for every event, in ledger order then asset order.  False +
 * err (ERR_DB) on an SQL error. */
bool ledger_reconcile(sqlite3 *db, LedgerEventFn fn, void *user, Err *err);

#endif /* OTS_RULES_LEDGER_MATCH_H */
