/*
 * datafile.c - where otscope's data files (data/ in the source tree) are.
 */
#include "config.h"

#include <glib.h>

#include "otscope/util.h"

char *ots_data_path(const char *relpath)
{
    const char *env = g_getenv("OTSCOPE_DATA_DIR");
    const char *roots[] = { env && env[0] ? env : NULL, OTS_DATA_DIR, OTS_SOURCE_DATA_DIR };
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        if (!roots[i])
            continue;
        char *path = g_build_filename(roots[i], relpath, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return path;
        g_free(path);
    }
    return NULL;
}
