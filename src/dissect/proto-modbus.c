/*
 * proto-modbus.c - Modbus/TCP (MBAP framing) requests, responses and
 * exceptions.
 *
 * Parses the MBAP header, the unit id and the function code of every PDU,
 * the address/quantity fields of the public data-access functions, the FC8
 * diagnostics sub-function (restart and listen-only are control), the FC43
 * MEI 14 Read Device Identification objects (vendor, product code and
 * revision become attributes of the server) and the Schneider UMAS
 * function carried in FC90.  Exception responses carry the exception code
 * as the op's status.  A function that is neither public nor user-defined
 * is an op "Reserved Function" (and a bad-function anomaly): servers
 * answer it with exception 01, and that answer alone identifies an MBAP
 * flow whose requests all carry such functions (fuzzers, scanners).
 * Modbus RTU over TCP (serial ADUs passed through by
 * gateways: unit, function, data, CRC-16, no MBAP) is recognised by a
 * valid CRC at a length the function's request or response shape allows,
 * which also tells request from response; its details start with "rtu".
 * Requests are told from responses by the message, not by who opened the
 * TCP connection (reverse connections: a gateway that dials out to its
 * master is the Modbus server): exceptions, request/response shapes and
 * transaction-id pairing say which port asks (adu_direction()).
 * Modbus ASCII over TCP (':', the ADU as hexadecimal characters, LRC,
 * CR LF, as serial-to-Ethernet gateways pass it through) is recognised by
 * that structure and a valid LRC; the decoded ADU is dissected like an RTU
 * one (the function's request/response shape tells the side) and its
 * details start with "ascii".  It stays protocol "modbus": same functions,
 * same rules.  Deliberately not parsed: register values, file record
 * sub-requests, UMAS payloads beyond the function byte.
 *
 * Reference: MODBUS Application Protocol Specification V1.1b3 (2012),
 * sections 4-7; MODBUS Messaging on TCP/IP Implementation Guide V1.0b
 * (2006), section 3.1.3 (MBAP header); MODBUS over Serial Line V1.02
 * (2006), 2.5.1 (RTU frame), 2.5.2 (ASCII frame), 6.2.1 (LRC) and 6.2.2
 * (CRC-16).  UMAS function codes as published
 * by Schneider-facing research (e.g. Wireshark's Modbus "Unity" field).
 *
 *  0               1               2               3
 *  +-------------------------------+-------------------------------+
 *  |        transaction id         |     protocol id (0x0000)      |
 *  +-------------------------------+---------------+---------------+
 *  |  length (unit id + PDU bytes) |    unit id    | function code |
 *  +-------------------------------+---------------+---------------+
 *  |  data ...                                                     |
 *
 *  RTU over TCP: | unit id | function code | data ... | CRC-16 (lo, hi) |
 *  ASCII:        | ':' | unit (2 hex) | function (2 hex) | data (2n hex) | LRC (2 hex) | CR LF |
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "dissect.h"
#include "otscope/textbuf.h"

enum {
    MBAP_HDR_LEN = 6,
    MBAP_LEN_MIN = 2,   /* unit id + function code */
    MBAP_LEN_MAX = 260, /* spec says 254; Schneider UMAS sends up to 255, so allow the ADU max */
    MODBUS_EXC_BIT = 0x80,
    MODBUS_EXC_ILLEGAL_FUNCTION = 1,
    MODBUS_FC_DIAG = 8,
    MODBUS_FC_MEI = 43,
    MODBUS_FC_UMAS = 90,
    MEI_READ_DEVICE_ID = 14,
    DEVID_MAX_OBJECTS = 16, /* cap: the spec's basic+regular objects fit well below */
    DEVID_VALUE_MAX = 96,
    UMAS_OK = 0xfe,
    UMAS_ERROR = 0xfd,
    RTU_MIN = 4,        /* unit + function + CRC */
    RTU_MAX = 256,      /* serial line ADU maximum (Modbus over serial line V1.02, 2.5.1) */
    RTU_UNIT_MAX = 247, /* 248-255 are reserved on a serial line */
    RTU_CRC_INIT = 0xffff,
    RTU_CRC_POLY_REFLECTED = 0xa001,
    RTU_MAX_CANDIDATES = 2,
    ASCII_START = ':',
    ASCII_MIN = 1 + 3 * 2 + 2, /* ':', unit + function + LRC in hex, CR LF */
    ASCII_MAX = 513, /* ':' + 2 * (unit, function, 252 data, LRC) + CR LF (serial line 2.5.2.1) */
    ASCII_ADU_MAX = (ASCII_MAX - 3) / 2,
};

typedef struct FuncTok {
    uint8_t code;
    const char *name;
    OpClass cls;
} FuncTok;

/* Public function codes, V1.1b3 section 5.1. */
static const FuncTok modbus_funcs[] = {
    {1, "Read Coils", OP_READ},
    {2, "Read Discrete Inputs", OP_READ},
    {3, "Read Holding Registers", OP_READ},
    {4, "Read Input Registers", OP_READ},
    {5, "Write Single Coil", OP_WRITE},
    {6, "Write Single Register", OP_WRITE},
    {7, "Read Exception Status", OP_DIAGNOSTIC},
    {8, "Diagnostics", OP_DIAGNOSTIC},
    {11, "Get Comm Event Counter", OP_DIAGNOSTIC},
    {12, "Get Comm Event Log", OP_DIAGNOSTIC},
    {15, "Write Multiple Coils", OP_WRITE},
    {16, "Write Multiple Registers", OP_WRITE},
    {17, "Report Server ID", OP_DISCOVERY},
    {20, "Read File Record", OP_READ},
    {21, "Write File Record", OP_WRITE},
    {22, "Mask Write Register", OP_WRITE},
    {23, "Read/Write Multiple Registers", OP_WRITE},
    {24, "Read FIFO Queue", OP_READ},
    {43, "Encapsulated Interface Transport", OP_OTHER},
    {90, "Schneider UMAS", OP_OTHER},
};

/* FC8 sub-functions (section 6.8.1); only the state-changing ones are
 * control (restart, listen-only), the counter resets are config. */
static const FuncTok modbus_diag_subs[] = {
    {0, "Return Query Data", OP_DIAGNOSTIC},
    {1, "Restart Communications Option", OP_CONTROL},
    {2, "Return Diagnostic Register", OP_DIAGNOSTIC},
    {3, "Change ASCII Input Delimiter", OP_CONFIG},
    {4, "Force Listen Only Mode", OP_CONTROL},
    {10, "Clear Counters and Diagnostic Register", OP_CONFIG},
    {11, "Return Bus Message Count", OP_DIAGNOSTIC},
    {12, "Return Bus Communication Error Count", OP_DIAGNOSTIC},
    {13, "Return Bus Exception Error Count", OP_DIAGNOSTIC},
    {14, "Return Server Message Count", OP_DIAGNOSTIC},
    {15, "Return Server No Response Count", OP_DIAGNOSTIC},
    {16, "Return Server NAK Count", OP_DIAGNOSTIC},
    {17, "Return Server Busy Count", OP_DIAGNOSTIC},
    {18, "Return Bus Character Overrun Count", OP_DIAGNOSTIC},
    {20, "Clear Overrun Counter and Flag", OP_CONFIG},
};

/* UMAS function byte (first byte after the session byte of an FC90 request). */
static const FuncTok umas_funcs[] = {
    {0x01, "INIT_COMM", OP_SESSION},
    {0x02, "READ_ID", OP_DISCOVERY},
    {0x03, "READ_PROJECT_INFO", OP_READ},
    {0x04, "READ_PLC_INFO", OP_READ},
    {0x06, "READ_CARD_INFO", OP_READ},
    {0x0a, "REPEAT", OP_OTHER},
    {0x10, "TAKE_PLC_RESERVATION", OP_SESSION},
    {0x11, "RELEASE_PLC_RESERVATION", OP_SESSION},
    {0x12, "KEEP_ALIVE", OP_SESSION},
    {0x20, "READ_MEMORY_BLOCK", OP_READ},
    {0x22, "READ_VARIABLES", OP_READ},
    {0x23, "WRITE_VARIABLES", OP_WRITE},
    {0x24, "READ_COILS_REGISTERS", OP_READ},
    {0x25, "WRITE_COILS_REGISTERS", OP_WRITE},
    {0x30, "INITIALIZE_UPLOAD", OP_PROGRAM},
    {0x31, "UPLOAD_BLOCK", OP_PROGRAM},
    {0x32, "END_STRATEGY_UPLOAD", OP_PROGRAM},
    {0x33, "INITIALIZE_DOWNLOAD", OP_PROGRAM},
    {0x34, "DOWNLOAD_BLOCK", OP_PROGRAM},
    {0x35, "END_DOWNLOAD", OP_PROGRAM},
    {0x39, "READ_ETH_MASTER_DATA", OP_READ},
    {0x40, "START_PLC", OP_CONTROL},
    {0x41, "STOP_PLC", OP_CONTROL},
    {0x50, "MONITOR_PLC", OP_READ},
    {0x58, "CHECK_PLC", OP_DIAGNOSTIC},
    {0x70, "READ_IO_OBJECT", OP_READ},
    {0x71, "WRITE_IO_OBJECT", OP_WRITE},
    {0x73, "GET_STATUS_MODULE", OP_DIAGNOSTIC},
};

/* Per flow: the UMAS function of the last FC90 request, because UMAS
 * responses do not repeat it. */
/* How a flow frames its ADUs, settled by the first one dissected. */
typedef enum Framing { FRAMING_UNSURE, FRAMING_MBAP, FRAMING_RTU, FRAMING_ASCII } Framing;

/* Which side asks, learned from the messages (adu_direction): the port
 * requests come from, and the previous PDU, whose answer shares its
 * transaction id and function. */
typedef struct ModbusState {
    uint8_t last_umas_func;
    bool has_umas_func;
    uint8_t framing; /* Framing */
    bool has_requester;
    uint16_t requester_port;
    uint16_t last_tid;
    uint16_t last_port; /* its sender's */
    uint8_t last_fc;
    uint8_t last_form; /* RtuForm: RTU_EITHER when left to the core's orientation */
    bool has_last;     /* an MBAP PDU */
} ModbusState;

static const FuncTok *tok_find(const FuncTok *tab, size_t n, uint8_t code)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].code == code)
            return &tab[i];
    return NULL;
}

#define TOK_FIND(tab, code) tok_find((tab), sizeof(tab) / sizeof((tab)[0]), (code))

/* User-defined ranges (section 5.1) are legitimate but unnamed. */
static bool fc_is_user_defined(uint8_t fc)
{
    return (fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110);
}

static DissectResult malformed(DissectCtx *ctx, Anomaly anom)
{
    dissect_anomaly(ctx, anom);
    return DISSECT_MALFORMED;
}

static bool fc_is_plausible(uint8_t fc)
{
    uint8_t base = fc & (uint8_t)~MODBUS_EXC_BIT;
    return TOK_FIND(modbus_funcs, base) != NULL || fc_is_user_defined(base);
}

/* ---- MBAP framing -------------------------------------------------------- */

static DissectResult mbap_probe(const Cursor *c)
{
    int b2 = cursor_peek(c, 2);
    int b3 = cursor_peek(c, 3);
    if (b2 > 0 || b3 > 0)
        return DISSECT_NOT_MINE; /* protocol id must be 0 */
    if (cursor_left(c) < MBAP_HDR_LEN + 2)
        return DISSECT_NEED_MORE;
    uint16_t len = (uint16_t)((cursor_peek(c, 4) << 8) | cursor_peek(c, 5));
    if (len < MBAP_LEN_MIN || len > MBAP_LEN_MAX)
        return DISSECT_NOT_MINE;
    /* Framed: the PDU ends where the bytes end, or where the next MBAP
     * header starts (protocol id 0 again).  Other length-prefixed
     * protocols with two zero bytes up front (MELSOFT on 5001) fail here. */
    size_t end = (size_t)len + MBAP_HDR_LEN;
    if (cursor_left(c) >= end + MBAP_HDR_LEN) {
        int next_len = cursor_peek(c, end + 4) << 8 | cursor_peek(c, end + 5);
        if (cursor_peek(c, end + 2) != 0 || cursor_peek(c, end + 3) != 0 ||
            next_len < MBAP_LEN_MIN || next_len > MBAP_LEN_MAX)
            return DISSECT_NOT_MINE;
    }
    /* Exception 01 ILLEGAL FUNCTION (length 3: unit, function | 0x80,
     * code) is how a server answers any function it does not implement
     * (V1.1b3 section 7): it proves Modbus whatever the function was. */
    int fc_byte = cursor_peek(c, 7);
    if (len == 3 && fc_byte > MODBUS_EXC_BIT) {
        int exc = cursor_peek(c, 8);
        if (exc == MODBUS_EXC_ILLEGAL_FUNCTION)
            return DISSECT_OK;
        if (exc < 0)
            return DISSECT_NEED_MORE;
    }
    if (!fc_is_plausible((uint8_t)fc_byte)) {
        /* A well-framed MBAP PDU with a function no device implements is
         * what fuzzers and probes send to Modbus servers: let the next PDU
         * decide. */
        return end <= cursor_left(c) ? DISSECT_NEED_MORE : DISSECT_NOT_MINE;
    }
    /* An exception PDU is unit + fc + code; one trailing pad byte is seen
     * from some devices. */
    if ((cursor_peek(c, 7) & MODBUS_EXC_BIT) && (len < 3 || len > 4))
        return DISSECT_NOT_MINE;
    return DISSECT_OK;
}

static size_t mbap_pdu_len(const Cursor *c)
{
    Cursor h = *c;
    if (cursor_left(&h) < MBAP_HDR_LEN)
        return 0;
    cursor_skip(&h, 2);
    uint16_t proto_id = cursor_be16(&h);
    uint16_t len = cursor_be16(&h);
    if (proto_id != 0 || len < MBAP_LEN_MIN || len > MBAP_LEN_MAX)
        return PDU_LEN_BAD;
    return MBAP_HDR_LEN + (size_t)len;
}

/* ---- RTU framing (RTU ADUs sent as they are over TCP by serial gateways) -- */

/* Which side an RTU frame's length says it came from: for most functions
 * the request and response shapes differ, so the CRC that checks tells. */
typedef enum RtuForm {
    RTU_EITHER,
    RTU_REQUEST,
    RTU_RESPONSE,
} RtuForm;

typedef struct RtuCandidate {
    size_t len; /* 0: depends on a byte not yet in the window */
    RtuForm form;
} RtuCandidate;

/* CRC-16/MODBUS (init 0xffff, reflected 0x8005) of the first n bytes. */
static uint16_t rtu_crc(const Cursor *c, size_t n)
{
    Cursor p = *c;
    uint16_t crc = RTU_CRC_INIT;
    for (size_t i = 0; i < n; i++) {
        crc ^= cursor_u8(&p);
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ RTU_CRC_POLY_REFLECTED)
                            : (uint16_t)(crc >> 1);
    }
    return crc;
}

/* True when the n bytes at c end with the CRC of the bytes before it
 * (sent low byte first). */
static bool rtu_crc_ok(const Cursor *c, size_t n)
{
    if (n < RTU_MIN || n > RTU_MAX || n > cursor_left(c))
        return false;
    int lo = cursor_peek(c, n - 2);
    int hi = cursor_peek(c, n - 1);
    return rtu_crc(c, n - 2) == (uint16_t)(hi << 8 | lo);
}

/* base + the byte at off, or 0 when that byte is not in the window yet. */
static size_t len_plus_byte(const Cursor *c, size_t base, size_t off)
{
    int b = cursor_peek(c, off);
    return b < 0 ? 0 : base + (size_t)b;
}

/* FC43/14 response: 8 header bytes, then id, length, value per object. */
static size_t devid_rtu_len(const Cursor *c)
{
    int n_objects = cursor_peek(c, 7);
    if (n_objects < 0)
        return 0;
    size_t off = 8;
    for (int i = 0; i < n_objects && off <= RTU_MAX; i++) {
        int len = cursor_peek(c, off + 1);
        if (len < 0)
            return 0;
        off += 2 + (size_t)len;
    }
    return off + 2;
}

/* The frame lengths the function's request and response shapes allow
 * (Modbus Application Protocol V1.1b3, section 6).  Returns how many were
 * written; 0 when the function has no fixed shape (UMAS, user-defined). */
static size_t rtu_candidates(const Cursor *c, uint8_t fc, RtuCandidate *out)
{
    if (fc & MODBUS_EXC_BIT) {
        out[0] = (RtuCandidate){5, RTU_RESPONSE};
        return 1;
    }
    switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 12:
    case 17:
        out[0] = (RtuCandidate){fc <= 4 ? 8 : 4, RTU_REQUEST};
        out[1] = (RtuCandidate){len_plus_byte(c, 5, 2), RTU_RESPONSE};
        return 2;
    case 5:
    case 6:
    case 8:
        out[0] = (RtuCandidate){8, RTU_EITHER};
        return 1;
    case 7:
        out[0] = (RtuCandidate){4, RTU_REQUEST};
        out[1] = (RtuCandidate){5, RTU_RESPONSE};
        return 2;
    case 11:
        out[0] = (RtuCandidate){4, RTU_REQUEST};
        out[1] = (RtuCandidate){8, RTU_RESPONSE};
        return 2;
    case 15:
    case 16:
        out[0] = (RtuCandidate){len_plus_byte(c, 9, 6), RTU_REQUEST};
        out[1] = (RtuCandidate){8, RTU_RESPONSE};
        return 2;
    case 20:
    case 21:
        out[0] = (RtuCandidate){len_plus_byte(c, 5, 2), RTU_EITHER};
        return 1;
    case 22:
        out[0] = (RtuCandidate){10, RTU_EITHER};
        return 1;
    case 23:
        out[0] = (RtuCandidate){len_plus_byte(c, 13, 10), RTU_REQUEST};
        out[1] = (RtuCandidate){len_plus_byte(c, 5, 2), RTU_RESPONSE};
        return 2;
    case 24: {
        int hi = cursor_peek(c, 2);
        int lo = cursor_peek(c, 3);
        out[0] = (RtuCandidate){6, RTU_REQUEST};
        out[1] = (RtuCandidate){(hi < 0 || lo < 0) ? 0 : 6 + (size_t)(hi << 8 | lo), RTU_RESPONSE};
        return 2;
    }
    case MODBUS_FC_MEI:
        out[0] = (RtuCandidate){7, RTU_REQUEST};
        out[1] = (RtuCandidate){devid_rtu_len(c), RTU_RESPONSE};
        return 2;
    default:
        return 0;
    }
}

/* Length of the RTU frame at the start of c, 0 when more bytes are needed
 * to tell, PDU_LEN_BAD when the bytes are not one.  A frame is accepted
 * only with a valid CRC at a length its function allows; functions with
 * no fixed shape take the shortest length whose CRC checks. */
static size_t rtu_frame_len(const Cursor *c, RtuForm *form)
{
    int unit = cursor_peek(c, 0);
    int fc = cursor_peek(c, 1);
    if (unit < 0 || fc < 0)
        return 0;
    if (unit > RTU_UNIT_MAX || fc == 0 || !fc_is_plausible((uint8_t)fc))
        return PDU_LEN_BAD;
    RtuCandidate cands[RTU_MAX_CANDIDATES];
    size_t n = rtu_candidates(c, (uint8_t)fc, cands);
    size_t left = cursor_left(c);
    bool is_pending = false;
    for (size_t i = 0; i < n; i++) {
        if (cands[i].len == 0 || (cands[i].len > left && cands[i].len <= RTU_MAX)) {
            is_pending = true;
        } else if (rtu_crc_ok(c, cands[i].len)) {
            *form = cands[i].form;
            return cands[i].len;
        }
    }
    if (n == 0) {
        size_t max = left < RTU_MAX ? left : RTU_MAX;
        for (size_t len = RTU_MIN; len <= max; len++) {
            if (rtu_crc_ok(c, len)) {
                *form = RTU_EITHER;
                return len;
            }
        }
        is_pending = left < RTU_MAX;
    }
    return is_pending ? 0 : PDU_LEN_BAD;
}

/* ---- ASCII framing (serial ASCII frames passed through over TCP) ---------- */

/* The value of a hexadecimal digit, -1 for any other byte.  The spec
 * says upper case; gateways forward what the serial device sent, so
 * lower case is accepted too. */
static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* The byte written as two hex digits at off (both known to be digits). */
static uint8_t hex_byte_at(const Cursor *c, size_t off)
{
    return (uint8_t)(hex_digit(cursor_peek(c, off)) << 4 | hex_digit(cursor_peek(c, off + 1)));
}

/* True when the bytes of the n_digits hex digits after the ':' sum to 0
 * mod 256: the last byte is the LRC, the two's complement of the others
 * (serial line 6.2.1). */
static bool ascii_lrc_ok(const Cursor *c, size_t n_digits)
{
    uint8_t sum = 0;
    for (size_t off = 1; off < 1 + n_digits; off += 2)
        sum = (uint8_t)(sum + hex_byte_at(c, off));
    return sum == 0;
}

/* Length of the ASCII frame at the start of c (':' to LF), 0 when more
 * bytes are needed, PDU_LEN_BAD when the bytes are not one: a byte that
 * is not a hex digit before CR LF, an odd digit count, too few digits for
 * unit + function + LRC, or an LRC that does not check. */
static size_t ascii_frame_len(const Cursor *c)
{
    int start = cursor_peek(c, 0);
    if (start < 0)
        return 0;
    if (start != ASCII_START)
        return PDU_LEN_BAD;
    size_t left = cursor_left(c);
    for (size_t i = 1; i < left && i < ASCII_MAX; i++) {
        int ch = cursor_peek(c, i);
        if (hex_digit(ch) >= 0)
            continue;
        if (ch != '\r')
            return PDU_LEN_BAD;
        int lf = cursor_peek(c, i + 1);
        if (lf < 0)
            return 0;
        size_t n_digits = i - 1;
        if (lf != '\n' || n_digits % 2 != 0 || n_digits + 3 < ASCII_MIN ||
            !ascii_lrc_ok(c, n_digits))
            return PDU_LEN_BAD;
        return i + 2;
    }
    return left < ASCII_MAX ? 0 : PDU_LEN_BAD;
}

/* The ADU (unit, function, data; without the LRC) of a checked frame of
 * frame_len bytes, decoded into buf.  Returns its length. */
static size_t ascii_decode(const Cursor *c, size_t frame_len, uint8_t *buf, size_t bufsz)
{
    size_t n_bytes = (frame_len - 3) / 2 - 1;
    for (size_t i = 0; i < n_bytes && i < bufsz; i++)
        buf[i] = hex_byte_at(c, 1 + 2 * i);
    return n_bytes < bufsz ? n_bytes : bufsz;
}

/* Which side sent a decoded ASCII ADU: the RTU shapes of its function
 * with the 2-byte CRC in place of the 1-byte LRC.  RTU_EITHER when no
 * shape or more than the first fits. */
static RtuForm ascii_form(const Cursor *adu)
{
    int fc = cursor_peek(adu, 1);
    if (fc < 0)
        return RTU_EITHER;
    RtuCandidate cands[RTU_MAX_CANDIDATES];
    size_t n = rtu_candidates(adu, (uint8_t)fc, cands);
    for (size_t i = 0; i < n; i++)
        if (cands[i].len == cursor_left(adu) + 2)
            return cands[i].form;
    return RTU_EITHER;
}

static bool is_frame_len(size_t n)
{
    return n != 0 && n != PDU_LEN_BAD;
}

/* ---- descriptor callbacks ----------------------------------------------- */

/* MBAP first (the common case); ASCII and RTU only when their LRC or CRC
 * proves them. */
static DissectResult modbus_probe(Cursor *c, const DissectCtx *ctx)
{
    (void)ctx;
    DissectResult mbap = mbap_probe(c);
    if (mbap == DISSECT_OK)
        return DISSECT_OK;
    size_t ascii = ascii_frame_len(c);
    if (is_frame_len(ascii))
        return DISSECT_OK;
    RtuForm form;
    size_t rtu = rtu_frame_len(c, &form);
    if (is_frame_len(rtu))
        return DISSECT_OK;
    if (rtu == 0 || ascii == 0 || mbap == DISSECT_NEED_MORE)
        return DISSECT_NEED_MORE;
    return DISSECT_NOT_MINE;
}

/* An MBAP PDU that is complete in the window with a plausible function. */
static bool mbap_is_whole(const Cursor *c, size_t mbap)
{
    int fc = cursor_peek(c, 7);
    return is_frame_len(mbap) && mbap <= cursor_left(c) && fc >= 0 &&
           fc_is_plausible((uint8_t)fc);
}

/* A flow carries one framing, but pdu_len() sees no flow state: an RTU
 * frame is cut where its CRC checks; otherwise MBAP.  While an RTU frame
 * may still be arriving, a complete plausible MBAP PDU wins, anything
 * else waits. */
static size_t modbus_pdu_len(Cursor *c)
{
    size_t ascii = ascii_frame_len(c);
    if (is_frame_len(ascii))
        return ascii;
    RtuForm form;
    size_t rtu = rtu_frame_len(c, &form);
    if (is_frame_len(rtu))
        return rtu;
    size_t mbap = mbap_pdu_len(c);
    if (rtu == 0 || ascii == 0)
        return mbap_is_whole(c, mbap) ? mbap : 0;
    return mbap;
}

/* Request detail for the data-access functions: start/quantity fields.
 * Runs for every request, hence the appenders instead of snprintf. */
static void detail_request(Cursor *body, const char *unit, uint8_t fc, char *out, size_t outsz)
{
    TextBuf b = textbuf(out, outsz);
    textbuf_str(&b, unit);
    switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 15:
    case 16: {
        uint16_t start = cursor_be16(body);
        uint16_t qty = cursor_be16(body);
        textbuf_field(&b, "start", start);
        textbuf_field(&b, "qty", qty);
        break;
    }
    case 5:
    case 6: {
        uint16_t addr = cursor_be16(body);
        uint16_t value = cursor_be16(body);
        textbuf_field(&b, "addr", addr);
        textbuf_str(&b, " value=0x");
        textbuf_hex(&b, value, 4);
        break;
    }
    case 22: {
        uint16_t addr = cursor_be16(body);
        textbuf_field(&b, "addr", addr);
        break;
    }
    case 23: {
        uint16_t rd_start = cursor_be16(body);
        uint16_t rd_qty = cursor_be16(body);
        uint16_t wr_start = cursor_be16(body);
        uint16_t wr_qty = cursor_be16(body);
        textbuf_field(&b, "read", rd_start);
        textbuf_char(&b, '+');
        textbuf_uint(&b, rd_qty);
        textbuf_field(&b, "write", wr_start);
        textbuf_char(&b, '+');
        textbuf_uint(&b, wr_qty);
        break;
    }
    default:
        break;
    }
}

/* Read Device Identification response objects -> attributes of the server.
 * Values are collected first and emitted only once every object parsed. */
static bool devid_response(DissectCtx *ctx, Cursor *body)
{
    cursor_skip(body, 3); /* read device id code, conformity level, more follows */
    cursor_u8(body);      /* next object id */
    uint8_t n_objects = cursor_u8(body);
    if (!cursor_ok(body))
        return false;
    if ((size_t)n_objects * 2 > cursor_left(body)) {
        cursor_set_bad(body);
        return false;
    }
    struct {
        uint8_t id;
        char value[DEVID_VALUE_MAX];
    } objs[DEVID_MAX_OBJECTS];
    size_t n_kept = 0;
    for (size_t i = 0; i < n_objects && cursor_ok(body); i++) {
        uint8_t id = cursor_u8(body);
        uint8_t len = cursor_u8(body);
        char value[DEVID_VALUE_MAX];
        cursor_str(body, len, value, sizeof value);
        if (cursor_ok(body) && n_kept < DEVID_MAX_OBJECTS && id <= 2) {
            objs[n_kept].id = id;
            memcpy(objs[n_kept].value, value, sizeof value);
            n_kept++;
        }
    }
    if (!cursor_ok(body))
        return false;
    static const AttrKind keys[] = {ATTR_VENDOR, ATTR_MODEL, ATTR_FIRMWARE};
    for (size_t i = 0; i < n_kept; i++)
        if (objs[i].value[0])
            dissect_attr(ctx, SIDE_SRC, keys[objs[i].id], objs[i].value, FACT_CONF_HIGH);
    return true;
}

/* FC43: only MEI 14 (device identification) is named; it is discovery. */
static DissectResult modbus_mei(DissectCtx *ctx, Cursor *body, const char *unit, bool is_response)
{
    const FuncTok *fc = TOK_FIND(modbus_funcs, MODBUS_FC_MEI);
    uint8_t mei = cursor_u8(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    char detail[FACT_DETAIL_MAX];
    if (mei != MEI_READ_DEVICE_ID) {
        snprintf(detail, sizeof detail, "%s mei=%u", unit, mei);
        dissect_op(ctx, MODBUS_FC_MEI, fc->name, OP_OTHER, is_response, 0, detail);
        return DISSECT_OK;
    }
    if (is_response) {
        if (!devid_response(ctx, body))
            return dissect_fail(ctx, body, ANOM_BAD_COUNT);
        snprintf(detail, sizeof detail, "%s mei=14", unit);
    } else {
        uint8_t read_code = cursor_u8(body);
        uint8_t object_id = cursor_u8(body);
        if (!cursor_ok(body))
            return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
        snprintf(detail, sizeof detail, "%s mei=14 code=%u object=%u", unit, read_code,
                 object_id);
    }
    dissect_op(ctx, MODBUS_FC_MEI, "Read Device Identification", OP_DISCOVERY, is_response, 0,
               detail);
    return DISSECT_OK;
}

/* "<unit> umas=0x%02x <name>" */
static void umas_detail(char *detail, size_t dsz, const char *unit, uint8_t code, const char *name)
{
    TextBuf b = textbuf(detail, dsz);
    textbuf_str(&b, unit);
    textbuf_str(&b, " umas=0x");
    textbuf_hex(&b, code, 2);
    textbuf_char(&b, ' ');
    textbuf_str(&b, name);
}

/* FC90: session byte, then the UMAS function (request) or the status
 * 0xfe/0xfd (response). */
static DissectResult modbus_umas(DissectCtx *ctx, Cursor *body, const char *unit, bool is_response)
{
    ModbusState *st = ctx->state;
    const FuncTok *fc = TOK_FIND(modbus_funcs, MODBUS_FC_UMAS);
    cursor_u8(body); /* session key */
    uint8_t code = cursor_u8(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    char detail[FACT_DETAIL_MAX];
    if (!is_response) {
        const FuncTok *umas = TOK_FIND(umas_funcs, code);
        umas_detail(detail, sizeof detail, unit, code, umas ? umas->name : "unknown");
        if (st) {
            st->last_umas_func = code;
            st->has_umas_func = true;
        }
        dissect_op(ctx, MODBUS_FC_UMAS, fc->name, umas ? umas->cls : OP_OTHER, false, 0, detail);
        return DISSECT_OK;
    }
    const FuncTok *umas =
        (st && st->has_umas_func) ? TOK_FIND(umas_funcs, st->last_umas_func) : NULL;
    int32_t status = code == UMAS_OK ? 0 : code;
    if (umas)
        umas_detail(detail, sizeof detail, unit, umas->code, umas->name);
    dissect_op(ctx, MODBUS_FC_UMAS, fc->name, umas ? umas->cls : OP_OTHER, true, status,
               umas ? detail : unit);
    return DISSECT_OK;
}

/* FC8: the sub-function names the op when it changes the device's state
 * (restart, listen-only); every sub-function is named in the detail. */
static DissectResult modbus_diag(DissectCtx *ctx, Cursor *body, const char *unit, bool is_response)
{
    uint16_t sub = cursor_be16(body);
    if (!cursor_ok(body))
        return dissect_fail(ctx, body, ANOM_LEN_MISMATCH);
    const FuncTok *st = sub <= 0xff ? TOK_FIND(modbus_diag_subs, (uint8_t)sub) : NULL;
    const char *name = "Diagnostics";
    OpClass cls = OP_DIAGNOSTIC;
    if (st && st->cls == OP_CONTROL) {
        name = st->name; /* restart/listen-only: show them as what they are */
        cls = OP_CONTROL;
    } else if (st) {
        cls = st->cls;
    }
    char detail[FACT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s sub=%u %s", unit, sub, st ? st->name : "reserved");
    dissect_op(ctx, MODBUS_FC_DIAG, name, cls, is_response, 0, detail);
    return DISSECT_OK;
}

/* Which side sent an MBAP ADU by its length: the function's request or
 * response shape (the RTU table less the CRC) when only one of them fits. */
static RtuForm mbap_shape(const Cursor *adu, uint8_t fc)
{
    RtuCandidate cands[RTU_MAX_CANDIDATES];
    size_t n = rtu_candidates(adu, fc, cands);
    RtuForm form = RTU_EITHER;
    size_t n_fits = 0;
    for (size_t i = 0; i < n; i++) {
        if (cands[i].len == cursor_left(adu) + 2) {
            form = cands[i].form;
            n_fits++;
        }
    }
    return n_fits == 1 ? form : RTU_EITHER;
}

/* Which side sent an ADU.  Modbus has no request flag, and the side that
 * opened the TCP connection is not always the client: RTU gateways and
 * cellular modems that dial out to their master open it as the Modbus
 * server (a "reverse connection").  So the message decides: an exception
 * is a response; an MBAP PDU from the other port with the transaction id
 * and function of the previous PDU, itself no response, answers it; a
 * length only the function's request (or response) shape has decides
 * (RTU and ASCII frames arrive with that form); before any of these, the
 * side that spoke first on a connection whose opening was seen asks.
 * Each of these tells which port asks; a PDU with none of them follows
 * that port, and the core's orientation (the TCP client asks; the lower
 * port serves on a capture that starts mid-connection) only until one
 * was seen.
 * tid is -1 outside MBAP. */
static RtuForm adu_direction(DissectCtx *ctx, const Cursor *adu, RtuForm form, int32_t tid)
{
    ModbusState *st = ctx->state;
    const Packet *pkt = ctx->pkt;
    int fc_byte = cursor_peek(adu, 1);
    if (fc_byte < 0)
        return form;
    uint8_t fc = (uint8_t)fc_byte & (uint8_t)~MODBUS_EXC_BIT;
    if (fc == 0)
        return form; /* malformed: no evidence */
    bool has_ports = st && pkt->sport != pkt->dport;
    if (fc_byte & MODBUS_EXC_BIT)
        form = RTU_RESPONSE;
    else if (tid >= 0 && has_ports && st->has_last && st->last_form != RTU_RESPONSE &&
             st->last_port == pkt->dport && st->last_tid == (uint16_t)tid && st->last_fc == fc)
        form = RTU_RESPONSE; /* before the shape: some servers echo a request as its answer */
    else if (form == RTU_EITHER && tid >= 0)
        form = mbap_shape(adu, fc);
    /* Nothing told yet (an echo-shaped first request: FC 5/6, FC 8 echo):
     * a Modbus server never speaks first, so the side that did on a
     * connection whose opening was seen asks, even when it took the SYN
     * (a reverse connection). */
    if (form == RTU_EITHER && st && !st->has_requester && ctx->sender_spoke_first)
        form = RTU_REQUEST;
    if (!has_ports)
        return form;
    if (form != RTU_EITHER) {
        st->requester_port = form == RTU_REQUEST ? pkt->sport : pkt->dport;
        st->has_requester = true;
    } else if (st->has_requester) {
        form = pkt->sport == st->requester_port ? RTU_REQUEST : RTU_RESPONSE;
    }
    st->has_last = tid >= 0;
    st->last_tid = (uint16_t)tid;
    st->last_port = pkt->sport;
    st->last_fc = fc;
    st->last_form = (uint8_t)form;
    return form;
}

/* Unit id + function + data, the same in MBAP, RTU and ASCII framing.
 * framing_tag starts the detail ("", "rtu ", "ascii ").  form says which
 * side sent an RTU or ASCII frame when its length told (RTU_EITHER for
 * MBAP); tid is the MBAP transaction id, -1 for RTU and ASCII.
 * adu_direction() settles the side. */
static DissectResult modbus_adu(DissectCtx *ctx, Cursor *adu, const char *framing_tag, RtuForm form,
                                int32_t tid)
{
    form = adu_direction(ctx, adu, form, tid);
    uint8_t unit_id = cursor_u8(adu);
    uint8_t fc_byte = cursor_u8(adu);
    if (!cursor_ok(adu))
        return dissect_fail(ctx, adu, ANOM_LEN_MISMATCH);

    bool is_exception = (fc_byte & MODBUS_EXC_BIT) != 0;
    uint8_t fc = fc_byte & (uint8_t)~MODBUS_EXC_BIT;
    bool is_response = is_exception || !ctx->is_from_client;
    if (form != RTU_EITHER) {
        is_response = form == RTU_RESPONSE;
        ctx->dir_hint = is_response ? DIR_RESPONSE : DIR_REQUEST;
    }
    if (fc == 0)
        return malformed(ctx, ANOM_BAD_FUNCTION);
    /* A function neither public nor user-defined (V1.1b3 section 5.1) is
     * still a request the server must answer (exception 01): it is an op,
     * so probing and fuzzing show by function, and a bad-function anomaly. */
    const FuncTok *tok = TOK_FIND(modbus_funcs, fc);
    bool is_reserved = !tok && !fc_is_user_defined(fc);
    if (is_reserved && !is_exception)
        dissect_anomaly(ctx, ANOM_BAD_FUNCTION);
    const char *name = tok ? tok->name : is_reserved ? "Reserved Function" : "User-Defined Function";
    OpClass cls = tok ? tok->cls : OP_OTHER;
    char unit[16];
    TextBuf ub = textbuf(unit, sizeof unit);
    textbuf_str(&ub, framing_tag);
    textbuf_str(&ub, "unit=");
    textbuf_uint(&ub, unit_id);
    char detail[FACT_DETAIL_MAX];

    if (is_exception) {
        uint8_t exc = cursor_u8(adu);
        if (!cursor_ok(adu))
            return dissect_fail(ctx, adu, ANOM_LEN_MISMATCH);
        ctx->dir_hint = DIR_RESPONSE;
        dissect_op(ctx, fc, name, cls, true, exc, unit);
        dissect_anomaly(ctx, ANOM_EXCEPTION); /* feeds exception-flood counting */
        return DISSECT_OK;
    }
    if (fc == MODBUS_FC_DIAG)
        return modbus_diag(ctx, adu, unit, is_response);
    if (fc == MODBUS_FC_MEI)
        return modbus_mei(ctx, adu, unit, is_response);
    if (fc == MODBUS_FC_UMAS)
        return modbus_umas(ctx, adu, unit, is_response);
    if (!is_response)
        detail_request(adu, unit, fc, detail, sizeof detail);
    if (!cursor_ok(adu))
        return dissect_fail(ctx, adu, ANOM_LEN_MISMATCH);
    dissect_op(ctx, fc, name, cls, is_response, 0, is_response ? unit : detail);
    return DISSECT_OK;
}

static DissectResult mbap_dissect(Cursor *c, DissectCtx *ctx)
{
    uint16_t tid = cursor_be16(c);
    uint16_t proto_id = cursor_be16(c);
    uint16_t len = cursor_be16(c);
    if (!cursor_ok(c))
        return dissect_fail(ctx, c, ANOM_BAD_HEADER);
    if (proto_id != 0)
        return malformed(ctx, ANOM_BAD_HEADER);
    if (len < MBAP_LEN_MIN || len > MBAP_LEN_MAX)
        return malformed(ctx, ANOM_LEN_MISMATCH);
    Cursor adu;
    if (!cursor_take(c, len, &adu))
        return dissect_fail(ctx, &adu, ANOM_LEN_MISMATCH);
    return modbus_adu(ctx, &adu, "", RTU_EITHER, tid);
}

/* Once a flow has shown its framing, the other one is not tried again:
 * every RTU check computes CRCs, and an MBAP stream is by far the common
 * case (the check cost 9 % of a whole analyze on the benchmark). */
static size_t modbus_pdu_len_in(Cursor *c, const void *state)
{
    const ModbusState *st = state;
    if (st && st->framing == FRAMING_MBAP)
        return mbap_pdu_len(c);
    if (st && st->framing == FRAMING_ASCII)
        return ascii_frame_len(c);
    return modbus_pdu_len(c);
}

/* An ASCII frame: decoded into a local buffer, then the same ADU parser. */
static DissectResult ascii_dissect(Cursor *c, DissectCtx *ctx, size_t frame_len)
{
    uint8_t buf[ASCII_ADU_MAX];
    size_t n = ascii_decode(c, frame_len, buf, sizeof buf);
    cursor_skip(c, frame_len);
    Cursor adu = cursor_make(buf, n, false);
    return modbus_adu(ctx, &adu, "ascii ", ascii_form(&adu), -1);
}

static DissectResult modbus_dissect(Cursor *c, DissectCtx *ctx)
{
    ModbusState *st = ctx->state;
    Framing framing = st ? (Framing)st->framing : FRAMING_UNSURE;
    if (framing != FRAMING_MBAP && framing != FRAMING_RTU) {
        size_t ascii = ascii_frame_len(c);
        if (is_frame_len(ascii)) {
            DissectResult r = ascii_dissect(c, ctx, ascii);
            if (st && r == DISSECT_OK)
                st->framing = FRAMING_ASCII;
            return r;
        }
        /* The capture cut an ASCII frame before its CR LF. */
        if (ascii == 0 && cursor_is_clipped(c))
            return DISSECT_SHORT;
    }
    RtuForm form;
    size_t rtu = framing == FRAMING_MBAP ? PDU_LEN_BAD : rtu_frame_len(c, &form);
    if (is_frame_len(rtu)) {
        Cursor adu;
        cursor_take(c, rtu - 2, &adu); /* the CRC was checked by rtu_frame_len() */
        DissectResult r = modbus_adu(ctx, &adu, "rtu ", form, -1);
        if (st && r == DISSECT_OK)
            st->framing = FRAMING_RTU;
        return r;
    }
    /* A clipped window may hold the start of an RTU frame that is not an
     * MBAP header either: the capture cut it, nothing to report. */
    if (rtu == 0 && cursor_is_clipped(c) && mbap_probe(c) == DISSECT_NOT_MINE)
        return DISSECT_SHORT;
    DissectResult r = mbap_dissect(c, ctx);
    if (st && r == DISSECT_OK && framing == FRAMING_UNSURE)
        st->framing = FRAMING_MBAP;
    return r;
}

const ProtoDesc proto_modbus = {
    .name = "modbus",
    .transports = PT_TCP,
    .ports = {502},
    .probe = modbus_probe,
    .pdu_len = modbus_pdu_len,
    .pdu_len_in = modbus_pdu_len_in,
    .dissect = modbus_dissect,
    .state_size = sizeof(ModbusState),
};
