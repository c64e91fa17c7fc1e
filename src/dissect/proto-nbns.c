/*
 * proto-nbns.c - NetBIOS over TCP/IP: name service (UDP 137) and datagram
 * service (UDP 138) with the SMB browser announcements it carries.
 *
 * Name service: the DNS-like header, the first question's first-level
 * encoded name decoded to "NAME<xx>", the opcode as an operation (query,
 * registration, release, WACK, refresh) and the RCODE of responses.  A
 * registration request names its sender: a unique name with suffix 00/20
 * becomes the sender's host name, a group name with suffix 00 its
 * workgroup or domain.  Datagram service: the header is checked and the
 * message type reported; for a datagram that carries an SMB Trans to
 * \MAILSLOT\BROWSE, the browser command is put in the detail, and host and
 * local-master announcements give the sender's host name and OS version,
 * domain announcements its workgroup; an announcement makes its sender the
 * server of the conversation (it offers a service to whoever listens).  Both services label the
 * conversation nbns.  Scope ids are skipped, node status (NBSTAT) answers
 * and browser backup lists are not parsed.
 *
 * References: RFC 1002 sections 4.2.1 (name service header), 4.4.1
 * (datagram header), RFC 1001 section 14.1 (first-level encoding);
 * [MS-BRWS] 2.2 (browser messages); [MS-MAIL] 2.2 (mailslot over Trans);
 * [MS-CIFS] 2.2.4.33 (SMB_COM_TRANSACTION).
 *
 * Name service header (RFC 1002 4.2.1.1):
 *   +---------------+---+--------+----------+-------+
 *   | NAME_TRN_ID   | R | OPCODE | NM_FLAGS | RCODE |
 *   | QDCOUNT       | ANCOUNT    | NSCOUNT  | ARCOUNT
 *   +---------------+---+--------+----------+-------+
 *   | 0x20 + 32 chars 'A'..'P' (+ scope labels) 0x00 | TYPE | CLASS
 *
 * Datagram header (RFC 1002 4.4.1):
 *   +----------+-------+--------+-----------+-----------+
 *   | MSG_TYPE | FLAGS | DGM_ID | SOURCE_IP | SOURCE_PORT
 *   | DGM_LENGTH      | PACKET_OFFSET        |
 *   | SOURCE_NAME | DESTINATION_NAME | USER_DATA (SMB)  |
 *   +-----------------------------------------------------+
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    NBNS_HEADER_LEN = 12,
    NBNS_ENCODED_LEN = 32, /* 16 bytes, two 'A'..'P' characters each */
    NBNS_NAME_LEN = 16,    /* 15 characters + suffix byte */
    NBNS_MAX_COUNT = 16,   /* questions/records in one name service packet */
    NBNS_MAX_SCOPE_LABELS = 32,
    NBNS_R = 0x8000,
    NBNS_OP_REGISTRATION = 5,
    NBNS_OP_MULTIHOMED = 15,
    NBNS_GROUP = 0x8000, /* NB_FLAGS G bit */
    NBNS_SUFFIX_WORKSTATION = 0x00,
    NBNS_SUFFIX_SERVER = 0x20,
    NBDGM_PORT = 138,
    NBDGM_HEADER_LEN = 14, /* up to DGM_LENGTH/PACKET_OFFSET */
    NBDGM_DIRECT_UNIQUE = 0x10,
    NBDGM_BROADCAST = 0x12,
    NBDGM_TYPE_MIN = 0x10,
    NBDGM_TYPE_MAX = 0x16,
    SMB_HEADER_LEN = 32,
    SMB_COM_TRANSACTION = 0x25,
    SMB_TRANS_WORDS = 17, /* word count of a mailslot Trans request (14 + 3 setup) */
    BROWSE_HOST_ANNOUNCEMENT = 1,
    BROWSE_DOMAIN_ANNOUNCEMENT = 12,
    BROWSE_LOCAL_MASTER = 15,
    BROWSE_SERVER_NAME_LEN = 16,
    NBNS_TEXT_MAX = 24, /* "NAME<xx>" of a 15-character name */
};

static const char smb1_magic[4] = {'\xff', 'S', 'M', 'B'};
static const char browse_mailslot[] = "\\MAILSLOT\\BROWSE";

typedef struct NbTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} NbTok;

/* RFC 1002 4.2.1.1 OPCODE; 9 is the refresh value most stacks send. */
static const NbTok nbns_opcodes[] = {
    {0, "query", OP_DISCOVERY},
    {5, "registration", OP_CONFIG},
    {6, "release", OP_CONFIG},
    {7, "wack", OP_OTHER},
    {8, "refresh", OP_CONFIG},
    {9, "refresh", OP_CONFIG},
    {15, "multi-homed registration", OP_CONFIG},
};

/* RFC 1002 4.4.1 MSG_TYPE. */
static const NbTok nbdgm_types[] = {
    {0x10, "direct unique datagram", OP_OTHER},
    {0x11, "direct group datagram", OP_OTHER},
    {0x12, "broadcast datagram", OP_OTHER},
    {0x13, "datagram error", OP_OTHER},
    {0x14, "datagram query request", OP_DISCOVERY},
    {0x15, "datagram positive query response", OP_DISCOVERY},
    {0x16, "datagram negative query response", OP_DISCOVERY},
};

/* [MS-BRWS] 2.2 browser commands. */
static const NbTok browse_commands[] = {
    {1, "host announcement", OP_DISCOVERY},
    {2, "announcement request", OP_DISCOVERY},
    {8, "election request", OP_OTHER},
    {9, "get backup list request", OP_DISCOVERY},
    {10, "get backup list response", OP_DISCOVERY},
    {11, "become backup", OP_OTHER},
    {12, "domain announcement", OP_DISCOVERY},
    {13, "master announcement", OP_DISCOVERY},
    {14, "reset state", OP_CONTROL},
    {15, "local master announcement", OP_DISCOVERY},
};

static const NbTok *find_tok(const NbTok *tab, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return NULL;
}

/* A decoded NetBIOS name: 15 characters, trailing spaces cut, and the suffix. */
typedef struct NbName {
    char text[NBNS_NAME_LEN];
    uint8_t suffix;
} NbName;

/* True when the next bytes start a first-level encoded name: length 0x20
 * and 32 characters 'A'..'P'.  Does not consume. */
static bool looks_encoded(const Cursor *c)
{
    if (cursor_peek(c, 0) != NBNS_ENCODED_LEN)
        return false;
    for (size_t i = 1; i <= NBNS_ENCODED_LEN; i++) {
        int ch = cursor_peek(c, i);
        if (ch < 'A' || ch > 'P')
            return false;
    }
    return true;
}

/* Reads an encoded name with its scope labels (RFC 1001 14.1).  Fails the
 * cursor on a name that is not first-level encoded. */
static void read_nb_name(Cursor *c, NbName *out)
{
    memset(out, 0, sizeof *out);
    if (cursor_left(c) > NBNS_ENCODED_LEN && !looks_encoded(c)) {
        cursor_set_bad(c);
        return;
    }
    cursor_u8(c);
    uint8_t raw[NBNS_NAME_LEN];
    for (size_t i = 0; i < NBNS_NAME_LEN; i++) {
        uint8_t hi = cursor_u8(c);
        uint8_t lo = cursor_u8(c);
        raw[i] = (uint8_t)((((unsigned)hi - 'A') & 0xf) << 4 | (((unsigned)lo - 'A') & 0xf));
    }
    for (int i = 0; i < NBNS_MAX_SCOPE_LABELS; i++) {
        uint8_t len = cursor_u8(c);
        if (len == 0 || !cursor_ok(c))
            break;
        if (len > 63 || !cursor_skip(c, len)) {
            cursor_set_bad(c); /* compression pointers have no place in a question */
            break;
        }
    }
    if (!cursor_ok(c))
        return;
    Cursor name = cursor_make(raw, NBNS_NAME_LEN - 1, false);
    cursor_str(&name, NBNS_NAME_LEN - 1, out->text, sizeof out->text);
    for (size_t n = strlen(out->text); n > 0 && out->text[n - 1] == ' '; n--)
        out->text[n - 1] = '\0';
    out->suffix = raw[NBNS_NAME_LEN - 1];
}

static void format_nb_name(char *dst, size_t dstsz, const NbName *name)
{
    snprintf(dst, dstsz, "%s<%02x>", name->text, (unsigned)name->suffix);
}

static bool is_datagram_service(const DissectCtx *ctx)
{
    return ctx->pkt->sport == NBDGM_PORT || ctx->pkt->dport == NBDGM_PORT;
}

/* ---- name service ------------------------------------------------------ */

typedef struct NbnsHeader {
    uint16_t flags;
    uint16_t qdcount;
    uint16_t ancount;
    uint16_t nscount;
    uint16_t arcount;
} NbnsHeader;

static unsigned nbns_opcode(const NbnsHeader *h)
{
    return (h->flags >> 11) & 0xf;
}

static void read_ns_header(Cursor *c, NbnsHeader *h)
{
    cursor_skip(c, 2); /* NAME_TRN_ID */
    h->flags = cursor_be16(c);
    h->qdcount = cursor_be16(c);
    h->ancount = cursor_be16(c);
    h->nscount = cursor_be16(c);
    h->arcount = cursor_be16(c);
}

static bool ns_header_is_sane(const NbnsHeader *h)
{
    if (find_tok(nbns_opcodes, sizeof nbns_opcodes / sizeof *nbns_opcodes, nbns_opcode(h)) == NULL)
        return false;
    unsigned total = (unsigned)h->qdcount + h->ancount + h->nscount + h->arcount;
    return total > 0 && h->qdcount <= 1 && total <= NBNS_MAX_COUNT;
}

static DissectResult ns_probe(Cursor *c)
{
    if (cursor_left(c) < NBNS_HEADER_LEN + 1 + NBNS_ENCODED_LEN)
        return DISSECT_NEED_MORE;
    NbnsHeader h;
    read_ns_header(c, &h);
    if (!ns_header_is_sane(&h) || !looks_encoded(c))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

/* Skips one resource record; *nb_flags gets the NB_FLAGS of an NB record. */
static void skip_ns_record(Cursor *c, uint16_t *nb_flags)
{
    if (cursor_peek(c, 0) >= 0xc0) {
        cursor_skip(c, 2); /* label pointer back to the question name */
    } else {
        NbName ignored;
        read_nb_name(c, &ignored);
    }
    cursor_skip(c, 8); /* type class ttl */
    uint16_t rdlength = cursor_be16(c);
    Cursor rdata;
    cursor_take(c, rdlength, &rdata);
    if (rdlength >= 2)
        *nb_flags = cursor_be16(&rdata);
}

static void emit_registered_name(DissectCtx *ctx, const NbName *name, uint16_t nb_flags)
{
    bool is_group = (nb_flags & NBNS_GROUP) != 0;
    if (!name->text[0] || name->text[0] == '*')
        return;
    if (!is_group &&
        (name->suffix == NBNS_SUFFIX_WORKSTATION || name->suffix == NBNS_SUFFIX_SERVER))
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, name->text, FACT_CONF_HIGH);
    else if (is_group && name->suffix == NBNS_SUFFIX_WORKSTATION)
        dissect_attr(ctx, SIDE_SRC, ATTR_DOMAIN, name->text, FACT_CONF_HIGH);
}

static DissectResult ns_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    NbnsHeader h;
    read_ns_header(c, &h);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (!ns_header_is_sane(&h)) {
        dissect_anomaly(ctx, ANOM_BAD_HEADER);
        return DISSECT_MALFORMED;
    }
    NbName name;
    memset(&name, 0, sizeof name);
    if (h.qdcount == 1) {
        read_nb_name(c, &name);
        cursor_skip(c, 4);
    } else if (h.ancount > 0) {
        /* responses name the answered name in their first record */
        Cursor first = *c;
        read_nb_name(&first, &name);
    }
    uint16_t nb_flags = 0;
    unsigned records = (unsigned)h.ancount + h.nscount + h.arcount;
    for (unsigned i = 0; i < records; i++)
        skip_ns_record(c, &nb_flags);
    if (!cursor_ok(c))
        return is_clipped ? DISSECT_SHORT : dissect_fail(ctx, c, ANOM_LEN_MISMATCH);

    const NbTok *t =
        find_tok(nbns_opcodes, sizeof nbns_opcodes / sizeof *nbns_opcodes, nbns_opcode(&h));
    bool is_response = (h.flags & NBNS_R) != 0;
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    char detail[FACT_DETAIL_MAX];
    format_nb_name(detail, sizeof detail, &name);
    dissect_op(ctx, t->code, t->name, t->cls, is_response, is_response ? (h.flags & 0xf) : 0,
               detail);
    bool is_registration = t->code == NBNS_OP_REGISTRATION || t->code == NBNS_OP_MULTIHOMED;
    if (!is_response && is_registration)
        emit_registered_name(ctx, &name, nb_flags);
    return DISSECT_OK;
}

/* ---- datagram service and the browser ---------------------------------- */

static DissectResult dgm_probe(Cursor *c)
{
    int type = cursor_peek(c, 0);
    if (type < 0)
        return DISSECT_NEED_MORE;
    if (type < NBDGM_TYPE_MIN || type > NBDGM_TYPE_MAX)
        return DISSECT_NOT_MINE;
    if (type > NBDGM_BROADCAST)
        return cursor_left(c) >= 10 + 1 + NBNS_ENCODED_LEN ? DISSECT_OK : DISSECT_NEED_MORE;
    if (cursor_left(c) < NBDGM_HEADER_LEN + 1 + NBNS_ENCODED_LEN)
        return DISSECT_NEED_MORE;
    cursor_skip(c, 10);
    uint16_t dgm_length = cursor_be16(c);
    cursor_skip(c, 2);
    /* DGM_LENGTH counts the names and the user data */
    if (dgm_length > cursor_left(c) && !cursor_is_clipped(c))
        return DISSECT_NOT_MINE;
    return looks_encoded(c) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* What a browser message says about its sender. */
typedef struct BrowseInfo {
    const NbTok *cmd;
    char server[BROWSE_SERVER_NAME_LEN + 1];
    uint8_t os_major;
    uint8_t os_minor;
    bool has_server;
} BrowseInfo;

/* Browser payload ([MS-BRWS] 2.2.1 HostAnnouncement layout, shared by
 * domain and local master announcements). */
static void read_browse(Cursor *data, BrowseInfo *info)
{
    uint8_t command = cursor_u8(data);
    if (!cursor_ok(data))
        return;
    info->cmd =
        find_tok(browse_commands, sizeof browse_commands / sizeof *browse_commands, command);
    bool is_announcement = command == BROWSE_HOST_ANNOUNCEMENT ||
                           command == BROWSE_DOMAIN_ANNOUNCEMENT || command == BROWSE_LOCAL_MASTER;
    if (!is_announcement)
        return;
    cursor_skip(data, 5); /* update count, periodicity */
    cursor_str(data, BROWSE_SERVER_NAME_LEN, info->server, sizeof info->server);
    info->os_major = cursor_u8(data);
    info->os_minor = cursor_u8(data);
    info->has_server = cursor_ok(data) && info->server[0];
}

/* SMB Trans to \MAILSLOT\BROWSE ([MS-MAIL] 2.2.1): finds the browser data
 * through the Trans data offset, which counts from the SMB header. */
static void read_smb_mailslot(Cursor *smb, BrowseInfo *info)
{
    Cursor from_header = *smb;
    if (!cursor_starts_with(smb, smb1_magic, sizeof smb1_magic))
        return;
    cursor_skip(smb, sizeof smb1_magic);
    uint8_t command = cursor_u8(smb);
    cursor_skip(smb, SMB_HEADER_LEN - sizeof smb1_magic - 1);
    uint8_t word_count = cursor_u8(smb);
    cursor_skip(smb, 22); /* total and max counts, setup max, flags, timeout, parameters */
    uint16_t data_count = cursor_le16(smb);
    uint16_t data_offset = cursor_le16(smb);
    cursor_skip(smb, 10); /* setup count, reserved, 3 setup words, byte count */
    if (!cursor_ok(smb) || command != SMB_COM_TRANSACTION || word_count != SMB_TRANS_WORDS ||
        !cursor_starts_with(smb, browse_mailslot, sizeof browse_mailslot - 1))
        return;
    Cursor browse;
    if (!cursor_skip(&from_header, data_offset) || !cursor_take(&from_header, data_count, &browse))
        return;
    read_browse(&browse, info);
}

static DissectResult dgm_dissect(Cursor *c, DissectCtx *ctx)
{
    bool is_clipped = cursor_is_clipped(c);
    uint8_t type = cursor_u8(c);
    cursor_skip(c, 9); /* flags, id, source ip, source port */
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    const NbTok *t = find_tok(nbdgm_types, sizeof nbdgm_types / sizeof *nbdgm_types, type);
    if (t == NULL) {
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
        return DISSECT_MALFORMED;
    }
    BrowseInfo browse;
    memset(&browse, 0, sizeof browse);
    NbName source;
    memset(&source, 0, sizeof source);
    bool carries_smb = false;
    if (type <= NBDGM_BROADCAST) {
        uint16_t dgm_length = cursor_be16(c);
        cursor_skip(c, 2); /* PACKET_OFFSET */
        Cursor body;
        cursor_take(c, dgm_length, &body);
        NbName destination;
        read_nb_name(&body, &source);
        read_nb_name(&body, &destination);
        if (!cursor_ok(&body)) {
            *c = body;
        } else {
            carries_smb = cursor_starts_with(&body, smb1_magic, sizeof smb1_magic);
            read_smb_mailslot(&body, &browse);
        }
    }
    if (!cursor_ok(c))
        return is_clipped ? DISSECT_SHORT : dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    /* an announcement cut by the capture would lose its name: say nothing */
    if (is_clipped && browse.cmd == NULL && type <= NBDGM_BROADCAST)
        return DISSECT_SHORT;

    char detail[FACT_DETAIL_MAX] = "";
    OpClass cls = t->cls;
    if (browse.cmd != NULL) {
        cls = browse.cmd->cls;
        if (browse.has_server && browse.cmd->code != BROWSE_DOMAIN_ANNOUNCEMENT)
            snprintf(detail, sizeof detail, "browser %s os=%u.%u", browse.cmd->name,
                     (unsigned)browse.os_major, (unsigned)browse.os_minor);
        else
            snprintf(detail, sizeof detail, "browser %s", browse.cmd->name);
    } else if (type <= NBDGM_BROADCAST) {
        format_nb_name(detail, sizeof detail, &source);
    }
    dissect_op(ctx, t->code, t->name, cls, type == 0x15 || type == 0x16, 0, detail);
    /* Datagrams carrying SMB (mailslots, the browser) are SMB traffic to
     * the user, as in Wireshark's protocol hierarchy. */
    if (carries_smb)
        dissect_label(ctx, PROTO_ID(smb));
    if (browse.has_server) {
        /* An announcement offers the sender's service to whoever listens:
         * the sender serves, even when the capture hides that the
         * destination is a broadcast (no MACs, a directed broadcast). */
        ctx->dir_hint = DIR_RESPONSE;
        AttrKind key = browse.cmd->code == BROWSE_DOMAIN_ANNOUNCEMENT ? ATTR_DOMAIN : ATTR_HOSTNAME;
        dissect_attr(ctx, SIDE_SRC, key, browse.server, FACT_CONF_HIGH);
    }
    return DISSECT_OK;
}

/* ---- descriptor -------------------------------------------------------- */

/* The two services share a port range, not a format: the port picks one. */
static DissectResult nbns_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_UDP)
        return DISSECT_NOT_MINE;
    return is_datagram_service(ctx) ? dgm_probe(c) : ns_probe(c);
}

static DissectResult nbns_dissect(Cursor *c, DissectCtx *ctx)
{
    return is_datagram_service(ctx) ? dgm_dissect(c, ctx) : ns_dissect(c, ctx);
}

const ProtoDesc proto_nbns = {
    .name = "nbns",
    .transports = PT_UDP,
    .ports = {137, 138},
    .probe = nbns_probe,
    .dissect = nbns_dissect,
};
