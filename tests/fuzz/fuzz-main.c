/*
 * fuzz-main.c - replay driver for builds without libFuzzer (gcc, or clang
 * without -Dfuzzing=true): runs the target over stored inputs, so that the
 * corpora and every crash input ever saved are replayed by the test suite,
 * under ASan/UBSan when the build has them.
 *
 * usage: fuzz-<name> PATH...   (a PATH is a corpus directory or one file)
 *
 * Each input is read into its own exactly-sized heap buffer, as libFuzzer
 * does, and handed to LLVMFuzzerTestOneInput once.  Output is TAP: one
 * `ok N - PATH: M inputs` line per PATH; a directory that is missing or
 * holds no input is `not ok`.  A crashing input kills the process (the
 * sanitizer report names the stack); its name is on stderr just before.
 * Files starting with '.' and subdirectories are skipped.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int n_test;
static int n_fail;

/* Reads a whole file into a new buffer of exactly its size (caller frees). */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf || fread(buf, 1, n, f) != n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Runs one file; false when it cannot be read. */
static bool run_file(const char *path)
{
    size_t len = 0;
    uint8_t *buf = read_file(path, &len);
    if (!buf) {
        fprintf(stderr, "fuzz-main: %s: %s\n", path, strerror(errno));
        return false;
    }
    fprintf(stderr, "# %s (%zu bytes)\n", path, len);
    fflush(stderr);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return true;
}

static int is_input(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("not ok %d - %s: %s\n", ++n_test, path, strerror(errno));
        n_fail++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        bool ok = run_file(path);
        printf("%s %d - %s: %d inputs\n", ok ? "ok" : "not ok", ++n_test, path, ok ? 1 : 0);
        n_fail += !ok;
        return;
    }
    struct dirent **names;
    int n = scandir(path, &names, is_input, alphasort);
    if (n < 0) {
        printf("not ok %d - %s: %s\n", ++n_test, path, strerror(errno));
        n_fail++;
        return;
    }
    int n_run = 0;
    int n_bad = 0;
    for (int i = 0; i < n; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        free(names[i]);
        if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (run_file(file))
            n_run++;
        else
            n_bad++;
    }
    free(names);
    bool ok = n_run > 0 && n_bad == 0;
    printf("%s %d - %s: %d inputs%s\n", ok ? "ok" : "not ok", ++n_test, path, n_run,
           n_run == 0 ? " (empty corpus)"
           : n_bad    ? " (unreadable files)"
                      : "");
    n_fail += !ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        run_path(argv[i]);
        fflush(stdout);
    }
    printf("1..%d\n", n_test);
    return n_fail ? 1 : 0;
}
