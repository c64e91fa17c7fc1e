/*
 * cip-device.h - CIP device profile names (Vol. 1 chapter 6), for the
 * Identity object's device type.
 */
#ifndef OTS_DISSECT_CIP_DEVICE_H
#define OTS_DISSECT_CIP_DEVICE_H

#include <stdint.h>

/* "Programmable Logic Controller", or "Device" for an unlisted type. */
const char *cip_device_type_name(uint16_t type);

#endif /* OTS_DISSECT_CIP_DEVICE_H */
