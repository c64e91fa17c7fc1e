/*
 * cip-device.c - names of CIP device profiles (the Identity object's device
 * type), shared by the ENIP (List Identity) and CIP (Get_Attribute_All)
 * dissectors.
 *
 * The names are data: data/cip-device-types.tsv ("type<TAB>name", decimal
 * or 0x-hex type, '#' comments naming the source), read once on the first
 * lookup (otscope/datafile.h) into a hash table; the first line for a type
 * wins.  Lookups happen once per identity reply, never per packet.
 */
#include "config.h"

#include "cip-device.h"

#include <string.h>

#include <glib.h>

#include "otscope/datafile.h"

#define CIP_DEVICE_FILE "cip-device-types.tsv"

enum { CIP_DEVICE_NAME_MAX = 80 }; /* longer names are cut: the detail is capped anyway */

typedef struct CipDeviceDb {
    GHashTable *by_type; /* GUINT_TO_POINTER(type + 1) -> chunk string */
    GStringChunk *names;
} CipDeviceDb;

/* Blank, comment and unparsable lines are skipped: a typo in a
 * hand-edited catalogue costs one entry, not all. */
static void parse_line(void *table, char *line)
{
    CipDeviceDb *d = table;
    g_strstrip(line);
    if (line[0] == '\0' || line[0] == '#')
        return;
    char *tab = strchr(line, '\t');
    if (!tab)
        return;
    *tab = '\0';
    char *end;
    guint64 type = g_ascii_strtoull(line, &end, 0);
    char *name = g_strstrip(tab + 1);
    if (end == line || *end != '\0' || type > G_MAXUINT16 || name[0] == '\0')
        return;
    if (strlen(name) > CIP_DEVICE_NAME_MAX)
        name[CIP_DEVICE_NAME_MAX] = '\0';
    gpointer key = GUINT_TO_POINTER((guint)type + 1);
    if (!g_hash_table_contains(d->by_type, key))
        g_hash_table_insert(d->by_type, key, g_string_chunk_insert_const(d->names, name));
}

static void *create(void)
{
    CipDeviceDb *d = g_new0(CipDeviceDb, 1);
    d->by_type = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->names = g_string_chunk_new(2048);
    return d;
}

static DataCatalogue catalogue = {
    .file = CIP_DEVICE_FILE, .create = create, .parse_line = parse_line};

const char *cip_device_type_name(uint16_t type)
{
    const CipDeviceDb *d = data_catalogue_get(&catalogue);
    const char *name = g_hash_table_lookup(d->by_type, GUINT_TO_POINTER((guint)type + 1));
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
