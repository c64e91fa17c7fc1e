/*
 * vendors.c - vendor-id catalogues read from data/vendors/<registry>.tsv.
 *
 * Each file is an id-name catalogue (otscope/datafile.h): "id<TAB>name"
 * per line, decimal or 0x-hex id, '#' comment lines naming the list's
 * source, read once on the first lookup.  Data lives in files, not C
 * arrays (issue 3), so a newer ODVA/ASHRAE/PNO list is picked up without
 * a rebuild.
 */
#include "config.h"

#include "otscope/vendors.h"

#include <stdio.h>

#include <glib.h>

#include "otscope/datafile.h"

static DataCatalogue catalogues[VENDORS_COUNT] = {
    [VENDORS_CIP] = ID_NAME_CATALOGUE("vendors/cip.tsv"),
    [VENDORS_BACNET] = ID_NAME_CATALOGUE("vendors/bacnet.tsv"),
    [VENDORS_PROFINET] = ID_NAME_CATALOGUE("vendors/profinet.tsv"),
    [VENDORS_PEN] = ID_NAME_CATALOGUE("vendors/pen.tsv"),
};

void vendor_id_set_dir(const char *dir)
{
    for (int reg = 0; reg < VENDORS_COUNT; reg++) {
        char *base = g_path_get_basename(catalogues[reg].file);
        char *path = g_build_filename(dir, base, NULL);
        data_catalogue_set_path(&catalogues[reg], path);
        g_free(path);
        g_free(base);
    }
}

const char *vendor_id_name(VendorRegistry reg, uint32_t id)
{
    return (unsigned)reg < VENDORS_COUNT ? id_name_lookup(&catalogues[reg], id) : NULL;
}

char *vendor_id_text(VendorRegistry reg, uint32_t id, char *buf, size_t bufsz)
{
    const char *name = vendor_id_name(reg, id);
    if (name)
        snprintf(buf, bufsz, "%s (%u)", name, id);
    else
        snprintf(buf, bufsz, "vendor-id %u", id);
    return buf;
}

const char *vendor_id_source(VendorRegistry reg)
{
    return (unsigned)reg < VENDORS_COUNT ? data_catalogue_source(&catalogues[reg]) : "";
}
