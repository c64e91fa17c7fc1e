/*
 * devclass.h - device class clues: an identity attribute a device states
 * about itself (an mDNS service it announces, its UPnP device type, its
 * web server's name, its DHCP client's class) -> the role it suggests.
 *
 * The catalogue is data: data/device-classes.tsv, read once on first use
 * from $OTSCOPE_DATA_DIR, the installed data folder or the source tree, in
 * that order.  A missing file is not an error: lookups then find nothing.
 */
#ifndef OTS_OTSCOPE_DEVCLASS_H
#define OTS_OTSCOPE_DEVCLASS_H

typedef struct DevClassClue {
    const char *role; /* "printer", "iot", ... */
    const char *what; /* "IPP print service" */
} DevClassClue;

/* The first catalogue line for protocol and attribute whose match the
 * value holds at a word start (case-insensitive); NULL when none.  The
 * strings are borrowed for the life of the process.  Thread-safe. */
const DevClassClue *devclass_match(const char *protocol, const char *attribute, const char *value);

/* Overrides the catalogue file (tests); call before the first lookup. */
void devclass_set_path(const char *path);

#endif /* OTS_OTSCOPE_DEVCLASS_H */
