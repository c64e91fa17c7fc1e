/*
 * test-vendors.c - the vendor-id catalogues come from data/vendors/, not
 * from C: with no argument the source tree's files are read and checked;
 * with --custom a folder written here replaces them, so a name only that
 * folder holds must come back, a second line for an id must lose, a
 * registry whose file the folder lacks must find nothing, and an id too
 * long for the name cut must be cut.  Output is TAP.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "otscope/datafile.h"
#include "otscope/vendors.h"

static int n_test;
static int n_fail;

static void check(bool is_ok, const char *what, const char *got)
{
    printf("%s %d - %s: \"%s\"\n", is_ok ? "ok" : "not ok", ++n_test, what, got ? got : "(null)");
    n_fail += !is_ok;
}

static void expect(VendorRegistry reg, uint32_t id, const char *want)
{
    char what[64];
    snprintf(what, sizeof what, "registry %d id %u", (int)reg, id);
    char buf[VENDOR_TEXT_MAX];
    const char *got = vendor_id_text(reg, id, buf, sizeof buf);
    check(strcmp(got, want) == 0, what, got);
}

static char *write_custom(void)
{
    char *dir = g_dir_make_tmp("vendors-XXXXXX", NULL);
    if (!dir)
        return NULL;
    GString *text = g_string_new("# test list\n0x10\tSixteen Inc.\nnot a line\n"
                                 "16\tsecond line loses\n4294967295\ttoo large\n7\t");
    for (int i = 0; i < ID_NAME_MAX + 10; i++)
        g_string_append_c(text, 'x');
    g_string_append_c(text, '\n');
    char *path = g_build_filename(dir, "cip.tsv", NULL);
    g_file_set_contents(path, text->str, -1, NULL);
    g_free(path);
    g_string_free(text, TRUE);
    return dir;
}

int main(int argc, char **argv)
{
    char *dir = NULL;
    if (argc > 1 && strcmp(argv[1], "--custom") == 0) {
        if (!(dir = write_custom())) {
            printf("1..0 # SKIP no temporary folder\n");
            return 0;
        }
        vendor_id_set_dir(dir);
        expect(VENDORS_CIP, 16, "Sixteen Inc. (16)");
        expect(VENDORS_CIP, 1, "vendor-id 1"); /* in the real list, not in this one */
        expect(VENDORS_CIP, 4294967295u, "vendor-id 4294967295");
        const char *cut = vendor_id_name(VENDORS_CIP, 7);
        check(cut && strlen(cut) == ID_NAME_MAX, "long name cut", cut);
        expect(VENDORS_BACNET, 0, "vendor-id 0"); /* the folder has no bacnet.tsv */
        check(vendor_id_source(VENDORS_BACNET)[0] == '\0', "no bacnet source",
              vendor_id_source(VENDORS_BACNET));
    } else {
        expect(VENDORS_CIP, 1, "Rockwell Automation/Allen-Bradley (1)");
        expect(VENDORS_BACNET, 2, "The Trane Company (2)");
        expect(VENDORS_PROFINET, 1, "Acromag (1)");
        expect(VENDORS_PEN, 9, "ciscoSystems (9)");
        expect(VENDORS_PEN, 4000000000u, "vendor-id 4000000000");
        check(vendor_id_name(VENDORS_COUNT, 1) == NULL, "no such registry", NULL);
    }
    const char *source = vendor_id_source(VENDORS_CIP);
    check(source[0] != '\0', "cip list read from", source);
    if (dir) {
        char *path = g_build_filename(dir, "cip.tsv", NULL);
        g_unlink(path);
        g_free(path);
        g_rmdir(dir);
        g_free(dir);
    }
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
