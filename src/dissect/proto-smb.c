/*
 * proto-smb.c - SMB1 and SMB2/3 over TCP 445 and NetBIOS session (139).
 *
 * Frames PDUs with the 4-byte NetBIOS session service header (direct TCP
 * on 445 uses the same header with type 0).  A NetBIOS session request
 * names the client (calling name).  Each SMB1 or SMB2 header (following
 * SMB2 compound chains) is one operation: command code and name, class,
 * response flag, NT status; the detail says "smb1" or "smb2", with the
 * dialect of an SMB2 negotiate response.  NTLMSSP tokens inside session
 * setups reveal identity: the AUTHENTICATE message the client's user,
 * domain, workstation and OS version, the CHALLENGE message the server's
 * NetBIOS name, domain and OS version.  SMB1 AndX chains, file names, tree
 * paths, SPNEGO/Kerberos and encrypted (0xfd) or compressed (0xfc) SMB3
 * messages are deliberately not opened.
 *
 * References: RFC 1002 section 4.3 (session service); [MS-CIFS] 2.2.3.1
 * (SMB header), 2.2.2.1 (commands); [MS-SMB2] 2.2.1.2 (sync header),
 * 2.2.4 (negotiate response); [MS-NLMP] 2.2.1.2 and 2.2.1.3 (CHALLENGE,
 * AUTHENTICATE), 2.2.2.1 (AV pairs), 2.2.2.10 (VERSION).
 *
 *   NetBIOS: | type (1) | flags (1, bit 0 = length bit 16) | length (2) |
 *   SMB1:    | ff 'S' 'M' 'B' | command | status (4) | flags | flags2 (2) | ... 32 bytes
 *   SMB2:    | fe 'S' 'M' 'B' | size 64 (2) | credit charge (2) | status (4) |
 *            | command (2) | credits (2) | flags (4) | next command (4) | ... 64 bytes
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"

enum {
    NBSS_HEADER_LEN = 4,
    NBSS_MESSAGE = 0x00,
    NBSS_REQUEST = 0x81,
    NBSS_POSITIVE = 0x82,
    NBSS_NEGATIVE = 0x83,
    NBSS_RETARGET = 0x84,
    NBSS_KEEPALIVE = 0x85,
    NBSS_NAME_ENCODED_LEN = 32,
    NBSS_CODE_REQUEST = 0x81,
    SMB1_HEADER_LEN = 32,
    SMB1_FLAGS_REPLY = 0x80,
    SMB2_HEADER_LEN = 64,
    SMB2_FLAGS_RESPONSE = 0x1,
    SMB2_NEGOTIATE = 0,
    SMB2_MAX_COMPOUND = 16,
    SMB_MIN_PDU = 4,
    NTLM_NEGOTIATE_UNICODE = 0x1,
    NTLM_NEGOTIATE_VERSION = 0x02000000,
    NTLM_CHALLENGE = 2,
    NTLM_AUTHENTICATE = 3,
    NTLM_AV_EOL = 0,
    NTLM_AV_NB_COMPUTER = 1,
    NTLM_AV_NB_DOMAIN = 2,
    NTLM_MAX_AV_PAIRS = 32,
    NTLM_SEARCH_MAX = 4096, /* bytes searched for the NTLMSSP signature */
    NTLM_MAX_SIGNATURE_TRIES = 64,
    SMB_NAME_MAX = FACT_VALUE_MAX,
};

static const char smb1_magic[4] = {'\xff', 'S', 'M', 'B'};
static const char smb2_magic[4] = {'\xfe', 'S', 'M', 'B'};
static const char smb3_transform_magic[4] = {'\xfd', 'S', 'M', 'B'};
static const char smb3_compressed_magic[4] = {'\xfc', 'S', 'M', 'B'};
static const char ntlmssp_signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', '\0'};

typedef struct SmbTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} SmbTok;

/* [MS-CIFS] 2.2.2.1, the commands still seen on the wire. */
static const SmbTok smb1_commands[] = {
    {0x00, "create directory", OP_WRITE},
    {0x01, "delete directory", OP_WRITE},
    {0x04, "close", OP_OTHER},
    {0x06, "delete", OP_WRITE},
    {0x07, "rename", OP_WRITE},
    {0x08, "query information", OP_READ},
    {0x0a, "read", OP_READ},
    {0x0b, "write", OP_WRITE},
    {0x24, "locking andx", OP_OTHER},
    {0x25, "trans", OP_OTHER},
    {0x26, "trans secondary", OP_OTHER},
    {0x2b, "echo", OP_DIAGNOSTIC},
    {0x2d, "open andx", OP_READ},
    {0x2e, "read andx", OP_READ},
    {0x2f, "write andx", OP_WRITE},
    {0x32, "trans2", OP_OTHER},
    {0x33, "trans2 secondary", OP_OTHER},
    {0x34, "find close2", OP_OTHER},
    {0x70, "tree connect", OP_SESSION},
    {0x71, "tree disconnect", OP_SESSION},
    {0x72, "negotiate", OP_SESSION},
    {0x73, "session setup andx", OP_SESSION},
    {0x74, "logoff andx", OP_SESSION},
    {0x75, "tree connect andx", OP_SESSION},
    {0xa0, "nt transact", OP_OTHER},
    {0xa1, "nt transact secondary", OP_OTHER},
    {0xa2, "nt create andx", OP_OTHER},
    {0xa4, "nt cancel", OP_OTHER},
};

/* [MS-SMB2] 2.2.1.2 Command. */
static const SmbTok smb2_commands[] = {
    {0, "negotiate", OP_SESSION},
    {1, "session setup", OP_SESSION},
    {2, "logoff", OP_SESSION},
    {3, "tree connect", OP_SESSION},
    {4, "tree disconnect", OP_SESSION},
    {5, "create", OP_OTHER},
    {6, "close", OP_OTHER},
    {7, "flush", OP_WRITE},
    {8, "read", OP_READ},
    {9, "write", OP_WRITE},
    {10, "lock", OP_OTHER},
    {11, "ioctl", OP_OTHER},
    {12, "cancel", OP_OTHER},
    {13, "echo", OP_DIAGNOSTIC},
    {14, "query directory", OP_READ},
    {15, "change notify", OP_OTHER},
    {16, "query info", OP_READ},
    {17, "set info", OP_WRITE},
    {18, "oplock break", OP_OTHER},
};

static const SmbTok smb_unknown = {0, "unknown", OP_OTHER};

static const SmbTok *find_tok(const SmbTok *tab, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return &smb_unknown;
}

/* ---- framing and probe ------------------------------------------------- */

static bool nbss_type_is_valid(int type)
{
    return type == NBSS_MESSAGE || (type >= NBSS_REQUEST && type <= NBSS_KEEPALIVE);
}

static size_t smb_pdu_len(Cursor *c)
{
    uint8_t type = cursor_u8(c);
    uint8_t flags = cursor_u8(c);
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return 0;
    /* only bit 0 of the flags exists: it extends the length to 17 bits */
    if (!nbss_type_is_valid(type) || (flags & 0xfe) != 0)
        return PDU_LEN_BAD;
    return NBSS_HEADER_LEN + ((size_t)(flags & 1) << 16) + len;
}

static bool starts_with_smb_magic(const Cursor *c)
{
    return cursor_starts_with(c, smb1_magic, 4) || cursor_starts_with(c, smb2_magic, 4) ||
           cursor_starts_with(c, smb3_transform_magic, 4) ||
           cursor_starts_with(c, smb3_compressed_magic, 4);
}

static DissectResult smb_probe(Cursor *c, const DissectCtx *ctx)
{
    if (ctx->pkt->transport != TP_TCP)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < NBSS_HEADER_LEN)
        return DISSECT_NEED_MORE;
    Cursor header = *c;
    size_t len = smb_pdu_len(&header);
    if (len == PDU_LEN_BAD)
        return DISSECT_NOT_MINE;
    uint8_t type = cursor_u8(c);
    cursor_skip(c, 3);
    if (type == NBSS_REQUEST) {
        /* called and calling names, first-level encoded (RFC 1002 4.3.2) */
        int name_len = cursor_peek(c, 0);
        if (name_len < 0)
            return DISSECT_NEED_MORE;
        return name_len == NBSS_NAME_ENCODED_LEN ? DISSECT_OK : DISSECT_NOT_MINE;
    }
    if (type != NBSS_MESSAGE)
        return len == NBSS_HEADER_LEN ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    if (len < NBSS_HEADER_LEN + SMB_MIN_PDU)
        return DISSECT_NOT_MINE;
    if (cursor_left(c) < 4)
        return DISSECT_NEED_MORE;
    return starts_with_smb_magic(c) ? DISSECT_OK : DISSECT_NOT_MINE;
}

/* ---- strings ----------------------------------------------------------- */

/* UTF-16LE (or OEM) bytes to printable ASCII; non-ASCII becomes '.'. */
static void read_wire_string(Cursor *c, size_t len, bool is_unicode, char *dst, size_t dstsz)
{
    if (!is_unicode) {
        cursor_str(c, len, dst, dstsz);
        return;
    }
    size_t out = 0;
    for (size_t i = 0; i + 2 <= len; i += 2) {
        uint16_t ch = cursor_le16(c);
        if (!cursor_ok(c))
            break;
        if (out + 1 < dstsz)
            dst[out++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
    }
    dst[out] = '\0';
}

/* ---- NTLMSSP ----------------------------------------------------------- */

typedef struct NtlmInfo {
    int type;
    char user[SMB_NAME_MAX];
    char domain[SMB_NAME_MAX];
    char host[SMB_NAME_MAX];
    char os[SMB_NAME_MAX];
} NtlmInfo;

/* A security buffer (len, maxlen, offset from the message start). */
static void read_field(Cursor *fields, const Cursor *msg, bool is_unicode, char *dst, size_t dstsz)
{
    uint16_t len = cursor_le16(fields);
    cursor_skip(fields, 2);
    uint32_t offset = cursor_le32(fields);
    Cursor at = *msg;
    Cursor value;
    dst[0] = '\0';
    if (!cursor_ok(fields) || len == 0 || !cursor_skip(&at, offset) ||
        !cursor_take(&at, len, &value))
        return;
    read_wire_string(&value, len, is_unicode, dst, dstsz);
}

static void read_version(Cursor *c, char *dst, size_t dstsz)
{
    uint8_t major = cursor_u8(c);
    uint8_t minor = cursor_u8(c);
    uint16_t build = cursor_le16(c);
    if (cursor_ok(c) && major != 0)
        snprintf(dst, dstsz, "Windows NT %u.%u build %u", (unsigned)major, (unsigned)minor,
                 (unsigned)build);
}

/* CHALLENGE target info: the server's NetBIOS computer and domain names. */
static void read_av_pairs(Cursor *av, NtlmInfo *info)
{
    for (int i = 0; i < NTLM_MAX_AV_PAIRS && cursor_left(av) >= 4; i++) {
        uint16_t id = cursor_le16(av);
        uint16_t len = cursor_le16(av);
        Cursor value;
        if (id == NTLM_AV_EOL || !cursor_take(av, len, &value))
            return;
        if (id == NTLM_AV_NB_COMPUTER)
            read_wire_string(&value, len, true, info->host, sizeof info->host);
        else if (id == NTLM_AV_NB_DOMAIN)
            read_wire_string(&value, len, true, info->domain, sizeof info->domain);
    }
}

static void read_ntlmssp(Cursor *c, NtlmInfo *info)
{
    const Cursor msg = *c;
    cursor_skip(c, sizeof ntlmssp_signature);
    info->type = (int)cursor_le32(c);
    if (info->type == NTLM_CHALLENGE) {
        cursor_skip(c, 8); /* target name: the AV pairs say more */
        uint32_t flags = cursor_le32(c);
        cursor_skip(c, 16); /* server challenge, reserved */
        Cursor target_info = *c;
        uint16_t len = cursor_le16(&target_info);
        cursor_skip(&target_info, 2);
        uint32_t offset = cursor_le32(&target_info);
        Cursor at = msg;
        Cursor av;
        if (cursor_skip(&at, offset) && cursor_take(&at, len, &av))
            read_av_pairs(&av, info);
        cursor_skip(c, 8);
        if (flags & NTLM_NEGOTIATE_VERSION)
            read_version(c, info->os, sizeof info->os);
    } else if (info->type == NTLM_AUTHENTICATE) {
        Cursor fields = *c;
        cursor_skip(&fields, 16); /* LM and NT challenge responses */
        Cursor flags_at = *c;
        cursor_skip(&flags_at, 48);
        uint32_t flags = cursor_le32(&flags_at);
        bool is_unicode = (flags & NTLM_NEGOTIATE_UNICODE) != 0;
        read_field(&fields, &msg, is_unicode, info->domain, sizeof info->domain);
        read_field(&fields, &msg, is_unicode, info->user, sizeof info->user);
        read_field(&fields, &msg, is_unicode, info->host, sizeof info->host);
        if (flags & NTLM_NEGOTIATE_VERSION)
            read_version(&flags_at, info->os, sizeof info->os);
    }
}

/* Finds "NTLMSSP\0" in a session setup's security blob (inside SPNEGO). */
static bool find_ntlmssp(Cursor *c)
{
    for (int i = 0; i < NTLM_MAX_SIGNATURE_TRIES; i++) {
        long at = cursor_find(c, 'N', NTLM_SEARCH_MAX);
        if (at < 0)
            return false;
        cursor_skip(c, (size_t)at);
        if (cursor_starts_with(c, ntlmssp_signature, sizeof ntlmssp_signature))
            return true;
        cursor_skip(c, 1);
    }
    return false;
}

static void emit_ntlm_identity(DissectCtx *ctx, Cursor *blob)
{
    NtlmInfo info;
    memset(&info, 0, sizeof info);
    if (!find_ntlmssp(blob))
        return;
    read_ntlmssp(blob, &info);
    if (info.type != NTLM_CHALLENGE && info.type != NTLM_AUTHENTICATE)
        return;
    if (info.user[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_USER, info.user, FACT_CONF_HIGH);
    if (info.domain[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_DOMAIN, info.domain, FACT_CONF_HIGH);
    if (info.host[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, info.host, FACT_CONF_HIGH);
    if (info.os[0])
        dissect_attr(ctx, SIDE_SRC, ATTR_OS, info.os, FACT_CONF_HIGH);
}

/* ---- SMB1 and SMB2 ----------------------------------------------------- */

static DissectResult smb1_dissect(Cursor *c, DissectCtx *ctx)
{
    cursor_skip(c, 4);
    uint8_t command = cursor_u8(c);
    uint32_t status = cursor_le32(c);
    uint8_t flags = cursor_u8(c);
    cursor_skip(c, SMB1_HEADER_LEN - 10);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    bool is_response = (flags & SMB1_FLAGS_REPLY) != 0;
    const SmbTok *t =
        find_tok(smb1_commands, sizeof smb1_commands / sizeof *smb1_commands, command);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, command, t->name, t->cls, is_response, is_response ? (int32_t)status : 0,
               "smb1");
    if (t->code == 0x73)
        emit_ntlm_identity(ctx, c);
    return DISSECT_OK;
}

static void format_dialect(char *dst, size_t dstsz, uint16_t dialect)
{
    /* 0x0202 -> 2.0.2, 0x0210 -> 2.1, 0x0300 -> 3.0, 0x0302 -> 3.0.2, 0x0311 -> 3.1.1 */
    unsigned major = dialect >> 8;
    unsigned minor = (dialect >> 4) & 0xf;
    unsigned patch = dialect & 0xf;
    if (patch)
        snprintf(dst, dstsz, "smb2 dialect=%u.%u.%u", major, minor, patch);
    else
        snprintf(dst, dstsz, "smb2 dialect=%u.%u", major, minor);
}

/* One SMB2 header and body; *next gets NextCommand (0 at the end of a chain). */
static void smb2_one(Cursor *c, DissectCtx *ctx, uint32_t *next)
{
    const Cursor header = *c;
    cursor_skip(c, 4);
    uint16_t structure_size = cursor_le16(c);
    cursor_skip(c, 2);
    uint32_t status = cursor_le32(c);
    uint16_t command = cursor_le16(c);
    cursor_skip(c, 2);
    uint32_t flags = cursor_le32(c);
    *next = cursor_le32(c);
    cursor_skip(c, SMB2_HEADER_LEN - 24);
    if (!cursor_ok(c))
        return;
    if (structure_size != SMB2_HEADER_LEN) {
        cursor_set_bad(c);
        return;
    }
    bool is_response = (flags & SMB2_FLAGS_RESPONSE) != 0;
    char detail[FACT_DETAIL_MAX] = "smb2";
    if (command == SMB2_NEGOTIATE && is_response) {
        Cursor body = *c;
        cursor_skip(&body, 4); /* StructureSize, SecurityMode */
        uint16_t dialect = cursor_le16(&body);
        if (cursor_ok(&body))
            format_dialect(detail, sizeof detail, dialect);
    }
    const SmbTok *t =
        find_tok(smb2_commands, sizeof smb2_commands / sizeof *smb2_commands, command);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, command, t->name, t->cls, is_response, is_response ? (int32_t)status : 0,
               detail);
    if (t->code == 1 && t != &smb_unknown) {
        Cursor body = *c;
        if (*next != 0) {
            Cursor chained = header;
            cursor_take(&chained, *next, &body);
            cursor_skip(&body, SMB2_HEADER_LEN);
        }
        emit_ntlm_identity(ctx, &body);
    }
}

static DissectResult smb2_dissect(Cursor *c, DissectCtx *ctx)
{
    for (int i = 0; i < SMB2_MAX_COMPOUND; i++) {
        Cursor this_header = *c;
        uint32_t next = 0;
        if (!cursor_starts_with(c, smb2_magic, 4)) {
            cursor_set_bad(c);
            break;
        }
        smb2_one(c, ctx, &next);
        if (!cursor_ok(c) || next == 0)
            break;
        /* NextCommand counts from this header; it must move forward */
        if (next < SMB2_HEADER_LEN || !cursor_skip(&this_header, next)) {
            cursor_set_bad(c);
            break;
        }
        *c = this_header;
    }
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    return DISSECT_OK;
}

/* ---- NetBIOS session --------------------------------------------------- */

static void decode_nb_name(Cursor *c, char *dst, size_t dstsz)
{
    char raw[16];
    cursor_u8(c);
    for (size_t i = 0; i < sizeof raw; i++) {
        unsigned hi = (unsigned)cursor_u8(c) - 'A';
        unsigned lo = (unsigned)cursor_u8(c) - 'A';
        raw[i] = (char)(((hi & 0xf) << 4) | (lo & 0xf));
    }
    cursor_u8(c); /* scope terminator */
    Cursor name = cursor_make(raw, 15, false);
    cursor_str(&name, 15, dst, dstsz);
    for (size_t n = strlen(dst); n > 0 && dst[n - 1] == ' '; n--)
        dst[n - 1] = '\0';
}

static DissectResult session_request(Cursor *c, DissectCtx *ctx)
{
    char called[24];
    char calling[24];
    decode_nb_name(c, called, sizeof called);
    decode_nb_name(c, calling, sizeof calling);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    ctx->dir_hint = DIR_REQUEST;
    dissect_op(ctx, NBSS_CODE_REQUEST, "netbios session request", OP_SESSION, false, 0, called);
    if (calling[0] && calling[0] != '*')
        dissect_attr(ctx, SIDE_SRC, ATTR_HOSTNAME, calling, FACT_CONF_HIGH);
    return DISSECT_OK;
}

static DissectResult smb_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t type = cursor_u8(c);
    uint8_t flags = cursor_u8(c);
    uint16_t len = cursor_be16(c);
    Cursor body;
    cursor_take(c, ((size_t)(flags & 1) << 16) + len, &body);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    if (type == NBSS_REQUEST)
        return session_request(&body, ctx);
    if (type != NBSS_MESSAGE)
        return DISSECT_OK; /* session responses and keepalives carry nothing */
    if (cursor_starts_with(&body, smb1_magic, 4))
        return smb1_dissect(&body, ctx);
    if (cursor_starts_with(&body, smb2_magic, 4))
        return smb2_dissect(&body, ctx);
    if (starts_with_smb_magic(&body))
        return DISSECT_OK; /* encrypted or compressed SMB3: nothing to read */
    if (cursor_left(&body) < 4 && cursor_is_clipped(&body))
        return DISSECT_SHORT;
    dissect_anomaly(ctx, ANOM_BAD_HEADER);
    return DISSECT_MALFORMED;
}

const ProtoDesc proto_smb = {
    .name = "smb",
    .transports = PT_TCP,
    .ports = {445, 139},
    .probe = smb_probe,
    .pdu_len = smb_pdu_len,
    .dissect = smb_dissect,
};
