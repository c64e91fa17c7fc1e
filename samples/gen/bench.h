/*
 * bench.h - "otsgen bench": large synthetic OT captures for the benchmark.
 */
#ifndef OTS_GEN_BENCH_H
#define OTS_GEN_BENCH_H

/* Parse bench options from argv (argv[0] is "bench") and write the capture. Returns an exit code.
 */
int bench_main(int argc, char **argv);

#endif /* OTS_GEN_BENCH_H */
