/*
 * dhcpfp.h - DHCP option-55 fingerprints (the Parameter Request List a
 * client sends) -> the operating system or device family whose DHCP client
 * sends that list.
 *
 * The catalogue is data: data/dhcp-fingerprints.tsv, read once on first
 * use from $OTSCOPE_DATA_DIR, the installed data folder or the source
 * tree, in that order.  A missing file is not an error: lookups then find
 * nothing.
 */
#ifndef OTS_OTSCOPE_DHCPFP_H
#define OTS_OTSCOPE_DHCPFP_H

/* prl is the list as decimal codes joined by ',' in the client's order
 * ("1,15,3,6,44,46,47,31,33,249,43").  Returns the OS or device family
 * ("Windows XP"), or NULL when the catalogue does not know the list.
 * Borrowed, valid for the life of the process.  Thread-safe. */
const char *dhcpfp_os(const char *prl);

/* The device class of that list's line ("workstation", "printer",
 * "phone" ...), or NULL.  Borrowed, valid for the life of the process. */
const char *dhcpfp_class(const char *prl);

/* Where the catalogue was read from ("" when it was not found). */
const char *dhcpfp_source(void);

/* Overrides the catalogue file (tests); call before the first lookup. */
void dhcpfp_set_path(const char *path);

#endif /* OTS_OTSCOPE_DHCPFP_H */
