/*
 * gen-enip.h - EtherNet/IP encapsulation and CIP message builders.
 *
 * Each function appends one complete encapsulation packet (24-byte header
 * plus command data) to a Buf. CIP requests travel unconnected inside
 * SendRRData with the usual two-item CPF (Null address + Unconnected data).
 * Connected messaging (SendUnitData, Forward_Open), Unconnected Send routing
 * and implicit I/O are left to later recipes.
 */
#ifndef OTS_GEN_ENIP_H
#define OTS_GEN_ENIP_H

#include <stddef.h>
#include <stdint.h>

#include "gen-buf.h"

enum {
    ENIP_PORT = 44818,
    ENIP_CMD_LIST_IDENTITY = 0x0063,
    ENIP_CMD_REGISTER_SESSION = 0x0065,
    ENIP_CMD_SEND_RR_DATA = 0x006f,
    CIP_SVC_GET_ATTRIBUTE_ALL = 0x01,
    CIP_SVC_READ_TAG = 0x4c,
    CIP_CLASS_IDENTITY = 0x01,
    CIP_TYPE_REAL = 0x00ca,
};

/* The Identity object attributes 1-7 (and state), as List Identity and Get_Attribute_All carry
 * them. */
typedef struct CipIdentity {
    uint16_t vendor_id;
    uint16_t device_type;
    uint16_t product_code;
    uint8_t rev_major;
    uint8_t rev_minor;
    uint16_t status;
    uint32_t serial;
    const char *product_name;
    uint8_t state;
} CipIdentity;

void enip_register_session_req(Buf *b, uint64_t context);
void enip_register_session_rsp(Buf *b, uint32_t session, uint64_t context);

/* List Identity request: a bare header, normally broadcast over UDP. */
void enip_list_identity_req(Buf *b, uint64_t context);

/* List Identity reply with one CIP Identity item for a device at ip:port. */
void enip_list_identity_rsp(Buf *b, uint64_t context, const CipIdentity *id, uint32_t ip,
                            uint16_t port);

/* SendRRData request/response: Get_Attribute_All on class/instance. */
void enip_get_attr_all_req(Buf *b, uint32_t session, uint64_t context, uint8_t cip_class,
                           uint8_t instance);
void enip_identity_rsp(Buf *b, uint32_t session, uint64_t context, const CipIdentity *id);

/* SendRRData request/response: Logix Read Tag of one element of a symbolic tag. */
void enip_read_tag_req(Buf *b, uint32_t session, uint64_t context, const char *tag);
void enip_read_tag_real_rsp(Buf *b, uint32_t session, uint64_t context, uint32_t real_bits);

#endif /* OTS_GEN_ENIP_H */
