/*
 * cip-device.c - names of CIP device profiles (the Identity object's device
 * type), shared by the ENIP (List Identity) and CIP (Get_Attribute_All)
 * dissectors.
 *
 * The names are data: data/cip-device-types.tsv ("type<TAB>name", decimal
 * or 0x-hex type, '#' comments naming the source), an id-name catalogue
 * (otscope/datafile.h) read once on the first lookup.  Lookups happen once
 * per identity reply, never per packet.
 */
#include "config.h"

#include "cip-device.h"

#include "otscope/datafile.h"

static DataCatalogue catalogue = ID_NAME_CATALOGUE("cip-device-types.tsv");

const char *cip_device_type_name(uint16_t type)
{
    const char *name = id_name_lookup(&catalogue, type);
    return name ? name : "Device";
}

void cip_device_set_path(const char *path)
{
    data_catalogue_set_path(&catalogue, path);
}

const char *cip_device_source(void)
{
    return data_catalogue_source(&catalogue);
}
