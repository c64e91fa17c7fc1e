/*
 * cip-device.h - CIP device profile names (Vol. 1 chapter 6), for the
 * Identity object's device type.  The catalogue is data:
 * data/cip-device-types.tsv, read once on first use from
 * $OTSCOPE_DATA_DIR, the installed data folder or the source tree.
 */
#ifndef OTS_DISSECT_CIP_DEVICE_H
#define OTS_DISSECT_CIP_DEVICE_H

#include <stdint.h>

/* "Programmable Logic Controller", or "Device" for a type the catalogue
 * does not list (or when it was not found).  Borrowed, valid for the life
 * of the process.  Thread-safe. */
const char *cip_device_type_name(uint16_t type);

/* Overrides the catalogue file (tests); call before the first lookup. */
void cip_device_set_path(const char *path);

/* Where the catalogue was read from ("" when it was not found). */
const char *cip_device_source(void);

#endif /* OTS_DISSECT_CIP_DEVICE_H */
