/*
 * gen-enip.c - EtherNet/IP encapsulation and CIP builders; see gen-enip.h.
 *
 * Reference: ODVA, The CIP Networks Library Vol. 2 (EtherNet/IP adaptation),
 * chapter 2 (encapsulation) and Vol. 1 chapter 5 (Identity object);
 * Rockwell 1756-PM020 for the Logix Read Tag service.
 *
 *   encapsulation header (24 bytes, little-endian)
 *   | command 2 | length 2 | session handle 4 | status 4 | sender context 8 | options 4 |
 *   SendRRData data
 *   | interface handle 4 | timeout 2 | item count 2 | items: type 2, length 2, data ... |
 *   CIP request   | service | path size (words) | path ... | data ... |
 *   CIP response  | service|0x80 | 0 | general status | additional size (words) | data ... |
 *
 * The List Identity socket address is the one big-endian field (a BSD
 * sockaddr_in) in an otherwise little-endian protocol.
 */
#include "gen-enip.h"

#include <string.h>

enum {
    CPF_NULL_ADDRESS = 0x0000,
    CPF_UNCONNECTED_DATA = 0x00b2,
    CPF_CIP_IDENTITY = 0x000c,
    CIP_REPLY = 0x80,
    CIP_SEG_CLASS8 = 0x20,
    CIP_SEG_INSTANCE8 = 0x24,
    CIP_SEG_ANSI_SYMBOL = 0x91,
    SEND_RR_TIMEOUT_S = 10,
};

/* Header with a zero length; returns where the length sits for enip_end. */
static size_t enip_begin(Buf *b, uint16_t command, uint32_t session, uint64_t context)
{
    buf_le16(b, command);
    size_t len_at = b->len;
    buf_le16(b, 0);
    buf_le32(b, session);
    buf_le32(b, 0); /* status: success */
    buf_le64(b, context);
    buf_le32(b, 0); /* options */
    return len_at;
}

static void enip_end(Buf *b, size_t len_at)
{
    /* length counts the bytes after the 24-byte header */
    buf_patch_le16(b, len_at, (unsigned)(b->len - (len_at + 22)));
}

void enip_register_session_req(Buf *b, uint64_t context)
{
    size_t len_at = enip_begin(b, ENIP_CMD_REGISTER_SESSION, 0, context);
    buf_le16(b, 1); /* protocol version */
    buf_le16(b, 0); /* option flags */
    enip_end(b, len_at);
}

void enip_register_session_rsp(Buf *b, uint32_t session, uint64_t context)
{
    size_t len_at = enip_begin(b, ENIP_CMD_REGISTER_SESSION, session, context);
    buf_le16(b, 1);
    buf_le16(b, 0);
    enip_end(b, len_at);
}

void enip_list_identity_req(Buf *b, uint64_t context)
{
    size_t len_at = enip_begin(b, ENIP_CMD_LIST_IDENTITY, 0, context);
    enip_end(b, len_at);
}

/* Identity attributes 1-7 in their wire order. */
static void identity_attrs(Buf *b, const CipIdentity *id)
{
    size_t name_len = strlen(id->product_name);
    buf_le16(b, id->vendor_id);
    buf_le16(b, id->device_type);
    buf_le16(b, id->product_code);
    buf_u8(b, id->rev_major);
    buf_u8(b, id->rev_minor);
    buf_le16(b, id->status);
    buf_le32(b, id->serial);
    buf_u8(b, (unsigned)name_len); /* SHORT_STRING: one length byte */
    buf_bytes(b, id->product_name, name_len);
}

void enip_list_identity_rsp(Buf *b, uint64_t context, const CipIdentity *id, uint32_t ip,
                            uint16_t port)
{
    size_t len_at = enip_begin(b, ENIP_CMD_LIST_IDENTITY, 0, context);
    buf_le16(b, 1); /* item count */
    buf_le16(b, CPF_CIP_IDENTITY);
    size_t item_len_at = b->len;
    buf_le16(b, 0);
    buf_le16(b, 1); /* encapsulation protocol version */
    buf_be16(b, 2); /* sin_family AF_INET, big-endian like the rest of sockaddr_in */
    buf_be16(b, port);
    buf_be32(b, ip);
    buf_zero(b, 8);
    identity_attrs(b, id);
    buf_u8(b, id->state);
    buf_patch_le16(b, item_len_at, (unsigned)(b->len - item_len_at - 2));
    enip_end(b, len_at);
}

/* SendRRData head up to the Unconnected Data item; returns where its length sits. */
static size_t send_rr_items(Buf *b)
{
    buf_le32(b, 0); /* interface handle: CIP */
    buf_le16(b, SEND_RR_TIMEOUT_S);
    buf_le16(b, 2);
    buf_le16(b, CPF_NULL_ADDRESS);
    buf_le16(b, 0);
    buf_le16(b, CPF_UNCONNECTED_DATA);
    size_t item_len_at = b->len;
    buf_le16(b, 0);
    return item_len_at;
}

static void send_rr_end(Buf *b, size_t item_len_at, size_t enip_len_at)
{
    buf_patch_le16(b, item_len_at, (unsigned)(b->len - item_len_at - 2));
    enip_end(b, enip_len_at);
}

static void cip_reply_head(Buf *b, uint8_t service)
{
    buf_u8(b, service | CIP_REPLY);
    buf_u8(b, 0);
    buf_u8(b, 0); /* general status: success */
    buf_u8(b, 0); /* no additional status */
}

void enip_get_attr_all_req(Buf *b, uint32_t session, uint64_t context, uint8_t cip_class,
                           uint8_t instance)
{
    size_t len_at = enip_begin(b, ENIP_CMD_SEND_RR_DATA, session, context);
    size_t item_at = send_rr_items(b);
    buf_u8(b, CIP_SVC_GET_ATTRIBUTE_ALL);
    buf_u8(b, 2); /* path: two words */
    buf_u8(b, CIP_SEG_CLASS8);
    buf_u8(b, cip_class);
    buf_u8(b, CIP_SEG_INSTANCE8);
    buf_u8(b, instance);
    send_rr_end(b, item_at, len_at);
}

void enip_identity_rsp(Buf *b, uint32_t session, uint64_t context, const CipIdentity *id)
{
    size_t len_at = enip_begin(b, ENIP_CMD_SEND_RR_DATA, session, context);
    size_t item_at = send_rr_items(b);
    cip_reply_head(b, CIP_SVC_GET_ATTRIBUTE_ALL);
    identity_attrs(b, id);
    send_rr_end(b, item_at, len_at);
}

void enip_read_tag_req(Buf *b, uint32_t session, uint64_t context, const char *tag)
{
    size_t tag_len = strlen(tag);
    size_t seg_len = 2 + tag_len + (tag_len & 1); /* symbol segments pad to a word */
    size_t len_at = enip_begin(b, ENIP_CMD_SEND_RR_DATA, session, context);
    size_t item_at = send_rr_items(b);
    buf_u8(b, CIP_SVC_READ_TAG);
    buf_u8(b, (unsigned)(seg_len / 2));
    buf_u8(b, CIP_SEG_ANSI_SYMBOL);
    buf_u8(b, (unsigned)tag_len);
    buf_bytes(b, tag, tag_len);
    if (tag_len & 1)
        buf_u8(b, 0);
    buf_le16(b, 1); /* element count */
    send_rr_end(b, item_at, len_at);
}

void enip_read_tag_real_rsp(Buf *b, uint32_t session, uint64_t context, uint32_t real_bits)
{
    size_t len_at = enip_begin(b, ENIP_CMD_SEND_RR_DATA, session, context);
    size_t item_at = send_rr_items(b);
    cip_reply_head(b, CIP_SVC_READ_TAG);
    buf_le16(b, CIP_TYPE_REAL);
    buf_le32(b, real_bits);
    send_rr_end(b, item_at, len_at);
}
