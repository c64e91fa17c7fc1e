/*
 * registry.c - the table of protocol descriptors, built from protocols.def.
 *
 * The list is included twice (X-macros): once for the extern declarations,
 * once for the table, so adding a protocol is one new file plus one line.
 */
#include "config.h"

#include <string.h>

#include "dissect.h"

/* Weak references: the build compiles only the protocol files present
 * (meson warns about missing ones), and the registry test fails while any
 * entry is NULL, so a half-written tree still builds for its authors. */
#define PROTO(name) extern const ProtoDesc proto_##name __attribute__((weak));
#include "protocols.def"
#undef PROTO

static const ProtoDesc *const proto_table[PROTO_COUNT] = {
    [PROTO_NONE] = NULL,
    [PROTO_UNKNOWN] = NULL,
#define PROTO(name) [PROTO_ID_##name] = &proto_##name,
#include "protocols.def"
#undef PROTO
};

/* The name of a conversation no dissector recognised. */
static const char unknown_name[] = "unknown";

const ProtoDesc *proto_desc(ProtoId id)
{
    if ((unsigned)id >= PROTO_COUNT)
        return NULL;
    return proto_table[id];
}

const char *proto_name(ProtoId id)
{
    const ProtoDesc *desc = proto_desc(id);
    if (desc)
        return desc->name;
    return id == PROTO_NONE ? "" : unknown_name;
}

bool proto_from_name(const char *name, ProtoId *out)
{
    if (strcmp(name, unknown_name) == 0) {
        *out = PROTO_UNKNOWN;
        return true;
    }
    for (unsigned id = PROTO_UNKNOWN + 1; id < PROTO_COUNT; id++) {
        /* the first letter rules out most names without a call */
        if (proto_table[id] && proto_table[id]->name[0] == name[0] &&
            strcmp(proto_table[id]->name, name) == 0) {
            *out = (ProtoId)id;
            return true;
        }
    }
    return false;
}
