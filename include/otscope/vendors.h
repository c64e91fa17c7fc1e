/*
 * vendors.h - vendor-id catalogues (CIP/ODVA, BACnet/ASHRAE, PROFINET/PNO,
 * IANA enterprise numbers): numeric ids a protocol puts on the wire ->
 * vendor names.
 *
 * The catalogues are data, not code: data/vendors/<registry>.tsv, each read
 * once on first use from $OTSCOPE_DATA_DIR/vendors, the installed data
 * folder or the source tree, the first that has it.  Missing files are not an error: lookups
 * then find nothing and callers fall back to the bare id.
 */
#ifndef OTS_OTSCOPE_VENDORS_H
#define OTS_OTSCOPE_VENDORS_H

#include <stddef.h>
#include <stdint.h>

typedef enum VendorRegistry {
    VENDORS_CIP,      /* ODVA vendor ids: EtherNet/IP, CIP, DeviceNet */
    VENDORS_BACNET,   /* ASHRAE BACnet vendor identifiers */
    VENDORS_PROFINET, /* PNO manufacturer ids: PROFINET DCP, PROFIBUS */
    VENDORS_PEN,      /* IANA private enterprise numbers: SNMP sysObjectID */
    VENDORS_COUNT
} VendorRegistry;

enum { VENDOR_TEXT_MAX = 128 }; /* vendor_id_text() output, NUL included */

/* The registered name of id, or NULL when the catalogue does not know it.
 * Borrowed, valid for the life of the process.  Thread-safe. */
const char *vendor_id_name(VendorRegistry reg, uint32_t id);

/* Writes the text an identity attribute carries into buf (bufsz bytes,
 * truncated): "Rockwell Automation/Allen-Bradley (1)" when the name is
 * known, "vendor-id 1234" otherwise.  Returns buf. */
char *vendor_id_text(VendorRegistry reg, uint32_t id, char *buf, size_t bufsz);

/* The file reg's catalogue was read from ("" when it was not found). */
const char *vendor_id_source(VendorRegistry reg);

/* Overrides the folder holding <registry>.tsv (tests); call before the
 * first lookup. */
void vendor_id_set_dir(const char *dir);

#endif /* OTS_OTSCOPE_VENDORS_H */
