/*
 * fuzz.h - the libFuzzer entry points our targets define.
 *
 * Each target (fuzz-proto.c, fuzz-decode.c) defines both; the same object
 * links either with libFuzzer (-Dfuzzing=true, clang) or with the replay
 * driver fuzz-main.c (any compiler), which calls them the way libFuzzer
 * does: the initializer once, then the target once per input, each input in
 * its own exactly-sized heap buffer.
 */
#ifndef OTS_FUZZ_FUZZ_H
#define OTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input.  Never keeps a pointer into data.  Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One-time setup; argc/argv are libFuzzer's (may be ignored).  Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif /* OTS_FUZZ_FUZZ_H */
