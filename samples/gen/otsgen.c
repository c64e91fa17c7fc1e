/*
 * otsgen.c - entry point of the otsgen capture generator.
 *
 * otsgen writes deterministic test captures for otscope: the bundled
 * "plant" sample (samples/plant.pcap, golden tests) and large synthetic
 * OT-heavy captures for the benchmark (tests/bench). It needs nothing but
 * libc. This file only parses the command name and dispatches; each
 * command lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "plant.h"
#include "site.h"

typedef struct GenCommand {
    const char *name;
    const char *usage;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} GenCommand;

static int cmd_plant(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const GenCommand gen_commands[] = {
    { "plant", "plant -o FILE.pcap", cmd_plant },
    { "bench", "bench [-n PACKETS] [-H HOSTS] [-s SEED] -o FILE.pcap", bench_main },
    { "site", "site [-b BEFORE.pcap] [-a AFTER.pcap]", site_main },
    { "help", "help", cmd_help },
};

static void usage(FILE *out)
{
    fprintf(out, "usage:\n");
    for (size_t i = 0; i < sizeof gen_commands / sizeof gen_commands[0]; i++)
        fprintf(out, "  otsgen %s\n", gen_commands[i].usage);
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return 0;
}

static int cmd_plant(int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "otsgen: plant: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (out == NULL) {
        fprintf(stderr, "otsgen: plant: -o FILE is required\n");
        return 2;
    }
    return plant_generate(out) ? 0 : 3;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof gen_commands / sizeof gen_commands[0]; i++) {
        if (strcmp(argv[1], gen_commands[i].name) == 0)
            return gen_commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "otsgen: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
