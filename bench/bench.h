/* Shared by the two benchmarks: latency recording and the report line. */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline long long bench_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int bench_compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Prints one result line: name, threads, calls, p50 and p99 in microseconds, calls per second. */
static inline void bench_report(const char *name, int threads, long long *latencies, long count, long long elapsed_ns) {
    qsort(latencies, (size_t)count, sizeof *latencies, bench_compare);
    double p50 = latencies[count / 2] / 1000.0;
    double p99 = latencies[(long)(count * 0.99)] / 1000.0;
    printf("%s threads=%d calls=%ld p50_us=%.1f p99_us=%.1f calls_per_s=%.0f\n", name, threads, count, p50, p99, count / (elapsed_ns / 1e9));
    fflush(stdout);
}

#endif
