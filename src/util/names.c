/*
 * names.c - the contract name tables generated from the X-macro lists in
 * fact.h and packet.h, and the small Tally arithmetic shared by layers.
 */
#include "config.h"

#include <string.h>

#include "otscope/fact.h"
#include "otscope/packet.h"
#include "otscope/verdict.h"

#define X(id, str) str,
static const char *const opclass_names[] = { OTS_OPCLASS_LIST(X) };
static const char *const severity_names[] = { OTS_SEVERITY_LIST(X) };
static const char *const anomaly_names[] = { OTS_ANOMALY_LIST(X) };
static const char *const attr_names[] = { OTS_ATTR_LIST(X) };
static const char *const transport_names[] = { OTS_TRANSPORT_LIST(X) };
static const char *const skip_names[] = { OTS_SKIP_LIST(X) };
#undef X

static const char *name_at(const char *const *names, unsigned count, unsigned i)
{
    return i < count ? names[i] : "?";
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *opclass_name(OpClass cls)
{
    return name_at(opclass_names, N_OF(opclass_names), (unsigned)cls);
}

const char *severity_name(Severity sev)
{
    return name_at(severity_names, N_OF(severity_names), (unsigned)sev);
}

const char *anomaly_name(Anomaly anom)
{
    return name_at(anomaly_names, N_OF(anomaly_names), (unsigned)anom);
}

const char *attr_name(AttrKind key)
{
    return name_at(attr_names, N_OF(attr_names), (unsigned)key);
}

const char *transport_name(Transport tp)
{
    return name_at(transport_names, N_OF(transport_names), (unsigned)tp);
}

const char *skip_reason_name(SkipReason why)
{
    return name_at(skip_names, N_OF(skip_names), (unsigned)why);
}

static bool index_of(const char *const *names, unsigned count, const char *name, unsigned *out)
{
    for (unsigned i = 0; i < count; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

bool severity_from_name(const char *name, Severity *out)
{
    unsigned i;
    if (!index_of(severity_names, N_OF(severity_names), name, &i))
        return false;
    *out = (Severity)i;
    return true;
}

bool opclass_from_name(const char *name, OpClass *out)
{
    unsigned i;
    if (!index_of(opclass_names, N_OF(opclass_names), name, &i))
        return false;
    *out = (OpClass)i;
    return true;
}

void tally_add_packet(Tally *t, uint64_t wire_bytes, int64_t ts_ns, uint64_t pkt_no)
{
    if (t->packets == 0 || ts_ns < t->first_ns)
        t->first_ns = ts_ns;
    if (t->packets == 0 || ts_ns > t->last_ns)
        t->last_ns = ts_ns;
    if (t->packets == 0)
        t->first_pkt_no = pkt_no;
    t->last_pkt_no = pkt_no;
    t->packets++;
    t->bytes += wire_bytes;
}

void tally_merge(Tally *into, const Tally *from)
{
    if (from->packets == 0)
        return;
    if (into->packets == 0) {
        *into = *from;
        return;
    }
    if (from->first_ns < into->first_ns)
        into->first_ns = from->first_ns;
    if (from->last_ns > into->last_ns)
        into->last_ns = from->last_ns;
    if (from->first_pkt_no < into->first_pkt_no)
        into->first_pkt_no = from->first_pkt_no;
    if (from->last_pkt_no > into->last_pkt_no)
        into->last_pkt_no = from->last_pkt_no;
    into->packets += from->packets;
    into->bytes += from->bytes;
}
