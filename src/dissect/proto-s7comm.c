/*
 * proto-s7comm.c - Siemens S7comm (protocol id 0x32), carried in COTP DT.
 *
 * Parses the S7 header (ROSCTR job / ack / ack-data / userdata), the job
 * function of requests and ack-data responses (read/write var, block
 * download and upload, PI service with its service name, PLC stop, setup
 * communication) and, for userdata, the function group and subfunction;
 * Read SZL requests show the SZL id and index, and SZL 0x0011 (module
 * identification) and 0x001c (component identification) responses become
 * order number, firmware, PLC name, module name and serial attributes of
 * the PLC (0x001c also the module type name and plant designation).
 * Block functions name the block type/number asked; the PLC password of
 * the security functions is de-obfuscated into a secret attribute of the
 * PLC.  Header error class/code (ack-data) and the userdata error code
 * are the response status.  Deliberately not parsed: variable item
 * addresses and values, block contents, alarm and cyclic data payloads,
 * userdata fragments (only a response that fits one PDU yields attributes).
 *
 * Reference: there is no public Siemens specification; the layout follows
 * the Wireshark S7comm dissector (packet-s7comm.c, 2014-2023) and
 * "Siemens S7 protocol" notes of the Snap7 project (2013-2019).
 *
 *  +------+--------+-------------+-----------+-----------+-----------+
 *  | 0x32 | ROSCTR | reserved(2) | PDU ref(2)| param len | data len  |
 *  +------+--------+-------------+-----------+-----------+-----------+
 *  | error class | error code |  (ROSCTR 2 and 3 only)
 *  +-------------+------------+
 *  | parameters (param len) | data (data len) |
 *
 *  userdata parameters: 00 01 12 | len | method | type<<4|group | subfunc |
 *                       seq | (response: dur, last du, error code(2))
 *
 * Op codes: the job function for ROSCTR 1/3; group * 256 + subfunction for
 * userdata (e.g. 1025 = CPU functions / Read SZL).
 */
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "otscope/textbuf.h"

enum {
    S7_PROTO_ID = 0x32,
    S7_HDR_LEN = 10,
    ROSCTR_JOB = 1,
    ROSCTR_ACK = 2,
    ROSCTR_ACK_DATA = 3,
    ROSCTR_USERDATA = 7,
    S7_FN_READ_VAR = 0x04,
    S7_FN_WRITE_VAR = 0x05,
    S7_FN_REQ_DOWNLOAD = 0x1a,
    S7_FN_DOWNLOAD_BLOCK = 0x1b,
    S7_FN_DOWNLOAD_ENDED = 0x1c,
    S7_FN_START_UPLOAD = 0x1d,
    S7_FN_PI_SERVICE = 0x28,
    S7_FN_PLC_STOP = 0x29,
    S7_FN_SETUP_COMM = 0xf0,
    S7_NAME_MAX = 40,
    UD_TYPE_REQUEST = 0x4,
    UD_TYPE_RESPONSE = 0x8,
    UD_GROUP_CPU = 0x4,
    UD_SUB_READ_SZL = 0x01,
    UD_GROUP_BLOCK = 0x3,
    UD_SUB_LIST_TYPE = 0x02,
    UD_SUB_BLOCK_INFO = 0x03,
    UD_GROUP_SECURITY = 0x5,
    UD_SUB_PASSWORD = 0x01,
    S7_PASSWORD_LEN = 8,
    S7_PASSWORD_KEY = 0x55,
    SZL_MODULE_ID = 0x0011,
    SZL_COMPONENT_ID = 0x001c,
    SZL_MAX_ENTRIES = 16, /* 0x0011 has 4, 0x001c about 10 */
    SZL_VALUE_MAX = 40,
};

typedef struct S7Tok {
    uint16_t code;
    const char *name;
    OpClass cls;
} S7Tok;

static const S7Tok s7_job_funcs[] = {
    {0x00, "CPU Services", OP_OTHER},     {0x04, "Read Var", OP_READ},
    {0x05, "Write Var", OP_WRITE},        {0x1a, "Request Download", OP_PROGRAM},
    {0x1b, "Download Block", OP_PROGRAM}, {0x1c, "Download Ended", OP_PROGRAM},
    {0x1d, "Start Upload", OP_PROGRAM},   {0x1e, "Upload", OP_PROGRAM},
    {0x1f, "End Upload", OP_PROGRAM},     {0x28, "PI-Service", OP_CONTROL},
    {0x29, "PLC Stop", OP_CONTROL},       {0xf0, "Setup Communication", OP_SESSION},
};

/* PI services by name; anything else stays "other". */
static const struct {
    const char *service;
    OpClass cls;
} s7_pi_services[] = {
    {"P_PROGRAM", OP_CONTROL}, /* start / warm restart of the program */
    {"_INSE", OP_PROGRAM},     /* activate (insert) downloaded blocks */
    {"_DELE", OP_PROGRAM},     /* delete blocks */
    {"_MODU", OP_PROGRAM},     /* copy RAM to ROM */
    {"_GARB", OP_PROGRAM},     /* compress memory */
    {"_N_", OP_CONTROL},       /* Sinumerik NC program services (prefix) */
};

/* Userdata: group * 256 + subfunction. */
static const S7Tok s7_userdata_funcs[] = {
    {0x0101, "Request Diag Data", OP_DIAGNOSTIC},
    {0x0102, "VarTab", OP_READ},
    {0x010c, "Erase", OP_PROGRAM},
    {0x010e, "Read Diag Data", OP_DIAGNOSTIC},
    {0x010f, "Remove Diag Data", OP_DIAGNOSTIC},
    {0x0110, "Forces", OP_WRITE},
    {0x0113, "Request Diag Data 2", OP_DIAGNOSTIC},
    {0x0201, "Cyclic Memory", OP_READ},
    {0x0204, "Cyclic Unsubscribe", OP_READ},
    {0x0205, "Cyclic Memory 2", OP_READ},
    {0x0301, "List Blocks", OP_READ},
    {0x0302, "List Blocks of Type", OP_READ},
    {0x0303, "Get Block Info", OP_READ},
    {0x0401, "Read SZL", OP_DIAGNOSTIC},
    {0x0402, "Message Service", OP_CONFIG},
    {0x0403, "Diagnostic Message", OP_DIAGNOSTIC},
    {0x0405, "ALARM_8 Indication", OP_OTHER},
    {0x0406, "NOTIFY Indication", OP_OTHER},
    {0x0407, "ALARM_8 Lock", OP_CONFIG},
    {0x0408, "ALARM_8 Unlock", OP_CONFIG},
    {0x040b, "ALARM Ack", OP_OTHER},
    {0x040c, "ALARM Ack Indication", OP_OTHER},
    {0x040d, "ALARM Lock Indication", OP_OTHER},
    {0x040e, "ALARM Unlock Indication", OP_OTHER},
    {0x0411, "ALARM_SQ Indication", OP_OTHER},
    {0x0412, "ALARM_S Indication", OP_OTHER},
    {0x0413, "ALARM Query", OP_READ},
    {0x0416, "NOTIFY_8 Indication", OP_OTHER},
    {0x0501, "PLC Password", OP_SESSION},
    {0x0502, "Clean Session Setup", OP_SESSION},
    {0x0701, "Read Clock", OP_READ},
    {0x0702, "Set Clock", OP_CONFIG},
    {0x0703, "Read Clock (following)", OP_READ},
    {0x0704, "Set Clock 2", OP_CONFIG},
};

static const S7Tok *s7_find(const S7Tok *tab, size_t n, uint16_t code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return NULL;
}

#define S7_FIND(tab, code) s7_find((tab), sizeof(tab) / sizeof((tab)[0]), (code))

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static OpClass pi_class(const char *service)
{
    for (size_t i = 0; i < sizeof(s7_pi_services) / sizeof(s7_pi_services[0]); i++)
        if (strncmp(service, s7_pi_services[i].service, strlen(s7_pi_services[i].service)) == 0)
            return s7_pi_services[i].cls;
    return OP_OTHER;
}

/* "<key><v>" and "<key><s>" details, without printf's format parsing
 * (every S7 PDU has one). */
static void detail_uint(char *detail, size_t dsz, const char *key, unsigned v)
{
    TextBuf b = textbuf(detail, dsz);
    textbuf_str(&b, key);
    textbuf_uint(&b, v);
}

static void detail_str(char *detail, size_t dsz, const char *key, const char *s)
{
    TextBuf b = textbuf(detail, dsz);
    textbuf_str(&b, key);
    textbuf_str(&b, s);
}

/* Job parameters after the function byte -> detail (and the PI class). */
static void job_detail(Cursor *par, uint8_t fn, char *detail, size_t dsz, OpClass *cls)
{
    char name[S7_NAME_MAX];
    switch (fn) {
    case S7_FN_READ_VAR:
    case S7_FN_WRITE_VAR:
        detail_uint(detail, dsz, "items=", cursor_u8(par));
        break;
    case S7_FN_REQ_DOWNLOAD:
    case S7_FN_DOWNLOAD_BLOCK:
    case S7_FN_DOWNLOAD_ENDED:
    case S7_FN_START_UPLOAD: {
        cursor_skip(par, 7); /* status, error/unknown(2), upload id(4) */
        uint8_t len = cursor_u8(par);
        cursor_str(par, len, name, sizeof name);
        detail_str(detail, dsz, "block=", name);
        break;
    }
    case S7_FN_PI_SERVICE: {
        cursor_skip(par, 7); /* unknown, always 00 00 00 00 00 00 fd */
        uint16_t block_len = cursor_be16(par);
        cursor_skip(par, block_len);
        uint8_t len = cursor_u8(par);
        cursor_str(par, len, name, sizeof name);
        *cls = pi_class(name);
        detail_str(detail, dsz, "service=", name);
        break;
    }
    case S7_FN_PLC_STOP: {
        cursor_skip(par, 5);
        uint8_t len = cursor_u8(par);
        cursor_str(par, len, name, sizeof name);
        detail_str(detail, dsz, "service=", name);
        break;
    }
    case S7_FN_SETUP_COMM:
        cursor_skip(par, 5); /* reserved, max AmQ calling, max AmQ called */
        detail_uint(detail, dsz, "pdu=", cursor_be16(par));
        break;
    default:
        detail[0] = '\0';
        break;
    }
}

static DissectResult s7_job_or_ack(DissectCtx *ctx, Cursor *par, uint8_t rosctr, int32_t status)
{
    bool is_response = rosctr == ROSCTR_ACK_DATA;
    uint8_t fn = cursor_u8(par);
    if (!cursor_ok(par)) {
        if (is_response && cursor_len(par) == 0)
            return DISSECT_OK; /* an ack-data without parameters names no function */
        return dissect_fail(ctx, par, ANOM_LEN_MISMATCH);
    }
    const S7Tok *tok = S7_FIND(s7_job_funcs, fn);
    if (!tok)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    OpClass cls = tok->cls;
    char detail[FACT_DETAIL_MAX];
    detail[0] = '\0';
    if (!is_response)
        job_detail(par, fn, detail, sizeof detail, &cls);
    else if (fn == S7_FN_READ_VAR || fn == S7_FN_WRITE_VAR)
        detail_uint(detail, sizeof detail, "items=", cursor_u8(par));
    if (!cursor_ok(par))
        return dissect_fail(ctx, par, ANOM_LEN_MISMATCH);
    ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    dissect_op(ctx, fn, tok->name, cls, is_response, status, detail);
    return DISSECT_OK;
}

typedef struct SzlAttr {
    AttrKind key;
    uint8_t confidence;
    char value[SZL_VALUE_MAX + 8]; /* room for a "plant " prefix */
} SzlAttr;

/* SZL 0x0011: index(2) MlfB(20) BGTyp(2) Ausbg(2) Ausbe(2) per entry. */
static bool szl_module_entry(Cursor *ent, SzlAttr *out)
{
    uint16_t index = cursor_be16(ent);
    char mlfb[21];
    cursor_str(ent, 20, mlfb, sizeof mlfb);
    cursor_skip(ent, 2);
    uint16_t ausbg = cursor_be16(ent);
    uint16_t ausbe = cursor_be16(ent);
    if (!cursor_ok(ent))
        return false;
    if (index == 0x0001 && mlfb[0] && mlfb[0] != ' ') {
        size_t n = strlen(mlfb);
        while (n > 0 && mlfb[n - 1] == ' ')
            mlfb[--n] = '\0'; /* MlfB is blank-padded */
        out->key = ATTR_ORDER_NUMBER;
        out->confidence = FACT_CONF_HIGH;
        snprintf(out->value, sizeof out->value, "%s", mlfb);
        return true;
    }
    if (index == 0x0007 && (ausbg >> 8) == 'V') {
        out->key = ATTR_FIRMWARE;
        out->confidence = FACT_CONF_HIGH;
        snprintf(out->value, sizeof out->value, "V%u.%u.%u", ausbg & 0xff, ausbe >> 8,
                 ausbe & 0xff);
        return true;
    }
    return false;
}

/* SZL 0x001c: index(2) then a NUL-padded name. */
static bool szl_component_entry(Cursor *ent, SzlAttr *out)
{
    uint16_t index = cursor_be16(ent);
    char name[SZL_VALUE_MAX];
    cursor_str(ent, cursor_left(ent), name, sizeof name);
    if (!cursor_ok(ent) || !name[0])
        return false;
    out->confidence = FACT_CONF_HIGH;
    switch (index) {
    case 0x0001: /* name of the automation system (the PLC's name) */
        out->key = ATTR_DEVICE_NAME;
        break;
    case 0x0002: /* name of the module: user-assignable, defaults to the type */
        out->key = ATTR_MODEL;
        out->confidence = FACT_CONF_MEDIUM;
        break;
    case 0x0003: /* plant designation */
        out->key = ATTR_DESCRIPTION;
        snprintf(out->value, sizeof out->value, "plant %s", name);
        return true;
    case 0x0005: /* serial number of the module */
        out->key = ATTR_SERIAL;
        break;
    case 0x0007: /* module type name */
        out->key = ATTR_MODEL;
        break;
    default:
        return false;
    }
    snprintf(out->value, sizeof out->value, "%s", name);
    return true;
}

/* SZL response data after return code/transport size/length: the id, the
 * index, entry length and count, then the entries. */
static bool szl_identity(DissectCtx *ctx, Cursor *data, uint16_t szl_id)
{
    uint16_t entry_len = cursor_be16(data);
    uint16_t count = cursor_be16(data);
    if (!cursor_ok(data))
        return false;
    if (entry_len < 2 || (size_t)entry_len * count > cursor_left(data)) {
        cursor_set_bad(data);
        return false;
    }
    SzlAttr attrs[SZL_MAX_ENTRIES];
    size_t n_attrs = 0;
    for (size_t i = 0; i < count && i < SZL_MAX_ENTRIES; i++) {
        Cursor ent;
        if (!cursor_take(data, entry_len, &ent))
            return false;
        bool got = szl_id == SZL_MODULE_ID ? szl_module_entry(&ent, &attrs[n_attrs])
                                           : szl_component_entry(&ent, &attrs[n_attrs]);
        if (got)
            n_attrs++;
    }
    for (size_t i = 0; i < n_attrs; i++)
        dissect_attr(ctx, SIDE_SRC, attrs[i].key, attrs[i].value, attrs[i].confidence);
    return true;
}

/* Read SZL data: return code, transport size, length, SZL id, index. */
static DissectResult s7_read_szl(DissectCtx *ctx, Cursor *data, bool is_response, bool is_last,
                                 char *detail, size_t dsz, OpClass *cls)
{
    uint8_t ret = cursor_u8(data);
    cursor_u8(data);
    uint16_t len = cursor_be16(data);
    Cursor body;
    cursor_take(data, len, &body);
    uint16_t szl_id = cursor_be16(&body);
    uint16_t index = cursor_be16(&body);
    if (!cursor_ok(data) || !cursor_ok(&body)) {
        if (cursor_ok(data) && ret != 0xff)
            return DISSECT_OK; /* an error return (or a follow-up request) carries no SZL */
        if (is_response && !is_last)
            return DISSECT_OK; /* first fragment: the id may still be there */
        return dissect_fail(ctx, cursor_ok(data) ? &body : data, ANOM_LEN_MISMATCH);
    }
    snprintf(detail, dsz, "szl=0x%04x index=0x%04x", szl_id, index);
    uint16_t list = szl_id & 0x00ff;
    if (list == SZL_MODULE_ID || list == SZL_COMPONENT_ID) {
        *cls = OP_DISCOVERY; /* identity lists */
        if (is_response && is_last && ret == 0xff && !szl_identity(ctx, &body, list))
            return dissect_fail(ctx, &body, ANOM_BAD_COUNT);
    }
    return DISSECT_OK;
}

/* Block type letters of the block functions ("0A" = DB). */
static const char *block_type_name(int letter)
{
    switch (letter) {
    case '8':
        return "OB";
    case 'A':
        return "DB";
    case 'B':
        return "SDB";
    case 'C':
        return "FC";
    case 'D':
        return "SFC";
    case 'E':
        return "FB";
    case 'F':
        return "SFB";
    default:
        return "block";
    }
}

/* The payload of userdata data: return code, transport size, length. */
static bool ud_payload(Cursor *data, Cursor *payload)
{
    cursor_skip(data, 2);
    uint16_t len = cursor_be16(data);
    return cursor_ok(data) && cursor_take(data, len, payload);
}

/* Block functions: List Blocks of Type names the type ("08" = OB), Get
 * Block Info the block ("0A" "00001" "A" = DB1 in the active file
 * system). */
static void block_detail(Cursor *data, uint8_t sub, char *detail, size_t dsz)
{
    Cursor p;
    if (!ud_payload(data, &p))
        return;
    cursor_u8(&p);
    int type = cursor_u8(&p);
    if (sub == UD_SUB_LIST_TYPE && cursor_ok(&p)) {
        snprintf(detail, dsz, "type=%s", block_type_name(type));
    } else if (sub == UD_SUB_BLOCK_INFO) {
        char digits[6];
        cursor_str(&p, 5, digits, sizeof digits);
        unsigned number = 0;
        for (const char *d = digits; *d >= '0' && *d <= '9'; d++)
            number = number * 10 + (unsigned)(*d - '0');
        if (cursor_ok(&p))
            snprintf(detail, dsz, "block=%s%u", block_type_name(type), number);
    }
}

/* PLC password (legitimation): 8 bytes, each XORed with 0x55 and, from the
 * third on, with the wire byte two places before: obfuscation, not
 * encryption (as the Wireshark S7comm dissector decodes it).  The clear
 * password becomes a secret attribute of the PLC it unlocks. */
static bool password_secret(Cursor *data, char *secret, size_t secretsz)
{
    Cursor p;
    uint8_t wire[S7_PASSWORD_LEN];
    if (!ud_payload(data, &p) || !cursor_copy(&p, wire, sizeof wire))
        return false;
    char clear[S7_PASSWORD_LEN + 1];
    for (size_t i = 0; i < S7_PASSWORD_LEN; i++) {
        uint8_t b = (uint8_t)(wire[i] ^ S7_PASSWORD_KEY);
        if (i >= 2)
            b ^= wire[i - 2];
        clear[i] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
    }
    size_t n = S7_PASSWORD_LEN;
    while (n > 0 && clear[n - 1] == ' ')
        n--; /* padded with blanks */
    clear[n] = '\0';
    snprintf(secret, secretsz, "s7-password:%s", clear);
    return true;
}

static DissectResult s7_userdata(DissectCtx *ctx, Cursor *par, Cursor *data)
{
    cursor_skip(par, 3); /* parameter head 00 01 12 */
    uint8_t plen = cursor_u8(par);
    cursor_u8(par); /* method: 0x11 request, 0x12 response */
    uint8_t type_group = cursor_u8(par);
    uint8_t sub = cursor_u8(par);
    cursor_u8(par); /* sequence number */
    uint8_t type = type_group >> 4;
    uint8_t group = type_group & 0x0f;
    bool is_response = type == UD_TYPE_RESPONSE;
    bool is_last = true;
    uint16_t err = 0;
    if (plen >= 8) {
        cursor_u8(par); /* data unit reference */
        is_last = cursor_u8(par) == 0;
        err = cursor_be16(par);
    }
    if (!cursor_ok(par))
        return dissect_fail(ctx, par, ANOM_LEN_MISMATCH);
    uint16_t code = (uint16_t)(group << 8 | sub);
    const S7Tok *tok = S7_FIND(s7_userdata_funcs, code);
    const char *name = tok ? tok->name : "Userdata";
    OpClass cls = tok ? tok->cls : OP_OTHER;
    char detail[FACT_DETAIL_MAX];
    TextBuf b = textbuf(detail, sizeof detail);
    textbuf_str(&b, "group=");
    textbuf_uint(&b, group);
    textbuf_field(&b, "sub", sub);
    char secret[FACT_VALUE_MAX];
    secret[0] = '\0';
    if (group == UD_GROUP_CPU && sub == UD_SUB_READ_SZL) {
        DissectResult res =
            s7_read_szl(ctx, data, is_response, is_last, detail, sizeof detail, &cls);
        if (res != DISSECT_OK)
            return res;
    } else if (group == UD_GROUP_BLOCK && type == UD_TYPE_REQUEST) {
        block_detail(data, sub, detail, sizeof detail);
    } else if (group == UD_GROUP_SECURITY && sub == UD_SUB_PASSWORD && type == UD_TYPE_REQUEST) {
        if (!password_secret(data, secret, sizeof secret))
            secret[0] = '\0';
    }
    if (type == UD_TYPE_REQUEST)
        ctx->dir_hint = DIR_REQUEST;
    else if (is_response)
        ctx->dir_hint = DIR_RESPONSE;
    dissect_op(ctx, code, name, cls, is_response, err, detail);
    if (secret[0])
        dissect_attr(ctx, SIDE_DST, ATTR_SECRET, secret, FACT_CONF_HIGH);
    return DISSECT_OK;
}

static DissectResult s7comm_dissect(Cursor *c, DissectCtx *ctx)
{
    uint8_t proto_id = cursor_u8(c);
    uint8_t rosctr = cursor_u8(c);
    cursor_skip(c, 4); /* reserved, PDU reference */
    uint16_t par_len = cursor_be16(c);
    uint16_t data_len = cursor_be16(c);
    int32_t status = 0;
    if (rosctr == ROSCTR_ACK || rosctr == ROSCTR_ACK_DATA) {
        uint8_t err_class = cursor_u8(c);
        uint8_t err_code = cursor_u8(c);
        status = err_class << 8 | err_code;
    }
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (proto_id != S7_PROTO_ID)
        return malformed(ctx, ANOM_BAD_HEADER);
    Cursor par;
    Cursor data;
    cursor_take(c, par_len, &par);
    cursor_take(c, data_len, &data);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_LEN_MISMATCH);
    switch (rosctr) {
    case ROSCTR_JOB:
    case ROSCTR_ACK_DATA:
        return s7_job_or_ack(ctx, &par, rosctr, status);
    case ROSCTR_ACK:
        ctx->dir_hint = DIR_RESPONSE; /* no parameters: the function is unknown here */
        return DISSECT_OK;
    case ROSCTR_USERDATA:
        return s7_userdata(ctx, &par, &data);
    default:
        return malformed(ctx, ANOM_BAD_HEADER);
    }
}

const ProtoDesc proto_s7comm = {
    .name = "s7comm",
    .transports = PT_TCP,
    .ports = {102},
    .dissect = s7comm_dissect,
    .flags = PROTO_CARRIED,
};
