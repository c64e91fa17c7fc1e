/*
 * fact.h - what a dissector can say about a packet, and the contract names.
 *
 * Dissectors emit typed facts (Zeek/Suricata style); inventory and risk
 * logic live in model/ and rules/.  The operation classes, severities,
 * anomaly names and attribute names below are contract strings: the
 * X-macro lists are their one definition, and they generate both the enum
 * and the name table (util/names.c).
 */
#ifndef OTS_OTSCOPE_FACT_H
#define OTS_OTSCOPE_FACT_H

#include <stdbool.h>
#include <stdint.h>

#define OTS_OPCLASS_LIST(X)                                                                        \
    X(READ, "read")                                                                                \
    X(WRITE, "write")                                                                              \
    X(CONTROL, "control")                                                                          \
    X(PROGRAM, "program")                                                                          \
    X(CONFIG, "config")                                                                            \
    X(DIAGNOSTIC, "diagnostic")                                                                    \
    X(DISCOVERY, "discovery")                                                                      \
    X(SESSION, "session")                                                                          \
    X(OTHER, "other")

typedef enum OpClass {
#define X(id, str) OP_##id,
    OTS_OPCLASS_LIST(X)
#undef X
        OP_CLASS_COUNT
} OpClass;

#define OTS_SEVERITY_LIST(X)                                                                       \
    X(CRITICAL, "critical")                                                                        \
    X(HIGH, "high")                                                                                \
    X(MEDIUM, "medium")                                                                            \
    X(LOW, "low")                                                                                  \
    X(INFO, "info")

typedef enum Severity {
#define X(id, str) SEV_##id,
    OTS_SEVERITY_LIST(X)
#undef X
        SEV_COUNT
} Severity;

/* Protocol violations a dissector reports; they feed per-comm counters and
 * the malformed-ot rule.  Truncation by the capture is not an anomaly. */
#define OTS_ANOMALY_LIST(X)                                                                        \
    X(LEN_MISMATCH, "length-mismatch")                                                             \
    X(BAD_HEADER, "bad-header")                                                                    \
    X(BAD_FUNCTION, "bad-function")                                                                \
    X(BAD_COUNT, "bad-count")                                                                      \
    X(STREAM_DESYNC, "stream-desync")                                                              \
    X(STREAM_GAP, "stream-gap")                                                                    \
    X(PDU_TOO_LARGE, "pdu-too-large")                                                              \
    X(EXCEPTION, "exception-response")

typedef enum Anomaly {
#define X(id, str) ANOM_##id,
    OTS_ANOMALY_LIST(X)
#undef X
        ANOM_COUNT
} Anomaly;

/* Identity attributes of an endpoint (assets output, evidence). */
#define OTS_ATTR_LIST(X)                                                                           \
    X(VENDOR, "vendor")                                                                            \
    X(MODEL, "model")                                                                              \
    X(FIRMWARE, "firmware")                                                                        \
    X(SERIAL, "serial")                                                                            \
    X(HOSTNAME, "hostname")                                                                        \
    X(DEVICE_NAME, "device_name")                                                                  \
    X(ORDER_NUMBER, "order_number")                                                                \
    X(OS, "os")                                                                                    \
    X(DESCRIPTION, "description")                                                                  \
    X(SOFTWARE, "software")                                                                        \
    X(DOMAIN, "domain")                                                                            \
    X(USER, "user")                                                                                \
    X(SECRET, "secret")                                                                            \
    X(FINGERPRINT, "fingerprint")                                                                  \
    X(WEB_TITLE, "web_title")                                                                      \
    X(SERVICE, "service")         /* a DNS-SD service type it offers: "_ipp._tcp" */             \
    X(DEVICE_TYPE, "device_type") /* its UPnP device type */

typedef enum AttrKind {
#define X(id, str) ATTR_##id,
    OTS_ATTR_LIST(X)
#undef X
        ATTR_COUNT
} AttrKind;

typedef enum FactKind {
    FACT_OP,   /* a request (or its response) of an industrial/IT operation */
    FACT_ATTR, /* an identity attribute of one endpoint */
    FACT_ANOM, /* a protocol violation */
} FactKind;

/* Which endpoint of the packet a fact is about. */
typedef enum FactSide {
    SIDE_SRC, /* the packet's sender */
    SIDE_DST, /* the packet's receiver */
} FactSide;

enum {
    FACT_VALUE_MAX = 128,   /* bytes of an attribute value, NUL included */
    FACT_DETAIL_MAX = 64,   /* bytes of an op's detail (range, object), NUL included */
    FACT_CONF_LOW = 30,     /* confidence, 0..100 */
    FACT_CONF_MEDIUM = 60,
    FACT_CONF_HIGH = 90,
};

typedef struct FactOp {
    uint32_t code;       /* the protocol's own numeric code (contract: decimal) */
    const char *name;    /* static string from the dissector's table */
    OpClass cls;
    bool is_response;    /* a reply: counted as outcome, not as a new request */
    int32_t status;      /* response status / exception code, 0 = success */
    char detail[FACT_DETAIL_MAX];
} FactOp;

typedef struct FactAttr {
    AttrKind key;
    uint8_t confidence; /* FACT_CONF_* */
    char value[FACT_VALUE_MAX];
} FactAttr;

typedef struct Fact {
    FactKind kind;
    FactSide side;
    uint16_t proto; /* ProtoId of the dissector that said it */
    union {
        FactOp op;
        FactAttr attr;
        Anomaly anom;
    } u;
} Fact;

/* Contract names (static strings). */
const char *opclass_name(OpClass cls);
const char *severity_name(Severity sev);
const char *anomaly_name(Anomaly anom);
const char *attr_name(AttrKind key);
/* Reverse lookups; return false for an unknown name. */
bool severity_from_name(const char *name, Severity *out);
bool opclass_from_name(const char *name, OpClass *out);

#endif /* OTS_OTSCOPE_FACT_H */
