/*
 * role.h - what a device is, from what it does on the network.
 *
 * The store gathers, per asset, a behaviour summary (which protocols it
 * serves and to how many peers, which it uses as a client and against how
 * many servers, which control/program/config operations it sent, the class
 * clues it gives of itself: an mDNS service, a UPnP device type, a web
 * server's name, a DHCP client's class); role_infer()
 * turns that into a role from DESIGN.md's list, the evidence a user can
 * read, and a Purdue level estimate.  Pure logic, so it is unit-tested
 * without a DB.
 */
#ifndef OTS_OTSCOPE_ROLE_H
#define OTS_OTSCOPE_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ROLE_EVIDENCE_MAX = 240, ROLE_LIST_MAX = 8, ROLE_CLUE_MAX = 160 };

/* One protocol with the number of distinct peers. */
typedef struct RoleUse {
    char protocol[24];
    uint32_t peers;
} RoleUse;

/* What a device says it is (data/device-classes.tsv): a role and why. */
typedef struct RoleClue {
    char role[24]; /* "" when none */
    char evidence[ROLE_CLUE_MAX];
} RoleClue;

typedef struct AssetBehaviour {
    bool is_router;       /* resolution found it forwarding for many IPs */
    bool sends_lldp_cdp;  /* advertises itself as a bridge/router (LLDP caps, CDP, STP) */
    bool is_public_ip;    /* an IP-only asset outside private ranges */
    RoleUse served[ROLE_LIST_MAX]; /* protocols it serves (comms dst), most peers first */
    size_t n_served;
    RoleUse used[ROLE_LIST_MAX]; /* protocols it uses as a client (comms src) */
    size_t n_used;
    uint64_t eng_ops;           /* program/control/config ops it sent as an OT client */
    char eng_example[96];       /* "s7comm PLC Stop to 10.10.1.20" */
    uint64_t ot_write_ops;      /* write ops it sent as an OT client */
    RoleClue clue;              /* the strongest class clue other than it-workstation */
    RoleClue weak_clue;         /* an it-workstation clue (a desktop DHCP client) */
} AssetBehaviour;

typedef struct RoleResult {
    const char *role;                  /* static string from DESIGN.md's list */
    char evidence[ROLE_EVIDENCE_MAX];
    int purdue_level;                  /* 0..5, or -1 for none */
} RoleResult;

/* True for the industrial protocols (the contract names). */
bool role_is_ot_protocol(const char *protocol);

void role_infer(const AssetBehaviour *b, RoleResult *out);

#endif /* OTS_OTSCOPE_ROLE_H */
