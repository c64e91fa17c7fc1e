/*
 * test-cip-device.c - the CIP device profile names come from
 * data/cip-device-types.tsv, not from C: with no argument the source
 * tree's catalogue is read and checked; with --custom a catalogue written
 * here replaces it, so a name only that file holds must come back and the
 * data file's own names must not.  Output is TAP.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cip-device.h"

static int n_test;
static int n_fail;

static void expect(uint16_t type, const char *want)
{
    const char *got = cip_device_type_name(type);
    bool is_ok = strcmp(got, want) == 0;
    printf("%s %d - type 0x%04x: \"%s\"", is_ok ? "ok" : "not ok", ++n_test, type, got);
    if (!is_ok)
        printf(" (want \"%s\")", want);
    printf("\n");
    n_fail += !is_ok;
}

int main(int argc, char **argv)
{
    char *path = NULL;
    if (argc > 1 && strcmp(argv[1], "--custom") == 0) {
        GError *error = NULL;
        int fd = g_file_open_tmp("cip-device-XXXXXX.tsv", &path, &error);
        if (fd < 0) {
            printf("1..0 # SKIP no temporary file: %s\n", error->message);
            return 0;
        }
        close(fd);
        const char *text = "# test catalogue\n0x0e\tTest Controller\n"
                           "not a line\n0x0e\tsecond line loses\n200\tDecimal Type\n";
        g_file_set_contents(path, text, -1, NULL);
        cip_device_set_path(path);
        expect(0x0e, "Test Controller");
        expect(200, "Decimal Type");
        expect(0x0c, "Device"); /* in the real catalogue, not in this one */
    } else {
        expect(0x0e, "Programmable Logic Controller");
        expect(0x0c, "Communications Adapter");
        expect(0x2c, "Managed Ethernet Switch");
        expect(0xc8, "Embedded Component");
        expect(0x7777, "Device");
    }
    const char *source = cip_device_source();
    bool has_source = source[0] != '\0';
    printf("%s %d - catalogue read from %s\n", has_source ? "ok" : "not ok", ++n_test,
           has_source ? source : "nowhere");
    n_fail += !has_source;
    if (path) {
        g_unlink(path);
        g_free(path);
    }
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
