/*
 * peak.c: the FP32 fused multiply-add peak of this CPU, the ceiling Kiln's kernels are measured
 * against (`./kiln kernels`, `./kiln bench`). Kiln compiles and runs it at run time:
 *
 *     gcc -O2 -o peak peak.c -lpthread && ./peak THREADS [auto|512|256|128]
 *
 * No -m flag is needed: each loop is compiled for its own instruction set (target attributes), and
 * the widest one the CPU supports is chosen at run time, so the same binary runs on AVX2-only
 * machines (where AVX-512 instructions would kill it with SIGILL) and on AVX-512 ones.
 *
 * Each thread runs 12 independent FMA chains held in registers. An FMA has a latency of about 4
 * cycles and current cores issue 2 per cycle, so at least 8 chains are needed to keep both units
 * busy; 12 leaves a margin and still fits the 16 AVX2 registers.
 *
 * Output, one line: isa=<name> bits=<width> threads=<n> median=<GFLOP/s> min=<..> max=<..>
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHAINS 12
#define REPEATS 7

static volatile float sink; /* keeps the compiler from dropping the chains */

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* The three loops are the same code at three widths; a macro keeps them identical. The factors
 * are chosen so the sums stay normal floats for any run length (no denormal slow path). */
#define FMA_LOOP(NAME, TARGET, VEC, SET1, FMA, FIRST)                                          \
    __attribute__((target(TARGET))) static void NAME(long iterations) {                         \
        VEC a = SET1(0.999f), b = SET1(1e-3f);                                                  \
        /* Distinct starts: identical chains would be merged into one by the compiler. */       \
        VEC c0 = SET1(0.0f), c1 = SET1(0.1f), c2 = SET1(0.2f), c3 = SET1(0.3f), c4 = SET1(0.4f), \
            c5 = SET1(0.5f), c6 = SET1(0.6f), c7 = SET1(0.7f), c8 = SET1(0.8f), c9 = SET1(0.9f),  \
            c10 = SET1(1.0f), c11 = SET1(1.1f);                                                 \
        for (long i = 0; i < iterations; i++) {                                                 \
            c0 = FMA(a, b, c0); c1 = FMA(a, b, c1); c2 = FMA(a, b, c2); c3 = FMA(a, b, c3);     \
            c4 = FMA(a, b, c4); c5 = FMA(a, b, c5); c6 = FMA(a, b, c6); c7 = FMA(a, b, c7);     \
            c8 = FMA(a, b, c8); c9 = FMA(a, b, c9); c10 = FMA(a, b, c10); c11 = FMA(a, b, c11); \
        }                                                                                       \
        sink = FIRST(c0) + FIRST(c1) + FIRST(c2) + FIRST(c3) + FIRST(c4) + FIRST(c5)            \
             + FIRST(c6) + FIRST(c7) + FIRST(c8) + FIRST(c9) + FIRST(c10) + FIRST(c11);         \
    }

#define FIRST512(v) _mm512_cvtss_f32(v)
#define FIRST256(v) _mm256_cvtss_f32(v)
#define FIRST128(v) _mm_cvtss_f32(v)
FMA_LOOP(fma512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, FIRST512)
FMA_LOOP(fma256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, FIRST256)
FMA_LOOP(fma128, "fma", __m128, _mm_set1_ps, _mm_fmadd_ps, FIRST128)

struct width {
    const char *isa;
    int bits;
    void (*loop)(long);
};

static const struct width WIDTHS[] = {
    {"avx512f", 512, fma512},
    {"avx2+fma", 256, fma256},
    {"fma (128-bit)", 128, fma128},
};

static int supported(const struct width *w) {
    __builtin_cpu_init();
    switch (w->bits) {
    case 512: return __builtin_cpu_supports("avx512f");
    case 256: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default: return __builtin_cpu_supports("fma");
    }
}

static const struct width *chosen;
static long iterations;

static void *run(void *unused) {
    (void) unused;
    chosen->loop(iterations);
    return NULL;
}

/* Wall time of `threads` threads each running the loop once. */
static double timed_run(int threads) {
    pthread_t ids[256];
    double start = seconds_now();
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&ids[t], NULL, run, NULL) != 0) {
            fprintf(stderr, "peak: cannot start thread %d\n", t + 1);
            exit(2);
        }
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    return seconds_now() - start;
}

static int by_value(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    const char *asked = argc > 2 ? argv[2] : "auto";
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "peak: THREADS must be 1 to 256, got %s\nusage: peak THREADS [auto|512|256|128]\n", argv[1]);
        return 2;
    }
    for (size_t i = 0; i < sizeof WIDTHS / sizeof WIDTHS[0] && chosen == NULL; i++) {
        int wanted = strcmp(asked, "auto") == 0 || atoi(asked) == WIDTHS[i].bits;
        if (wanted && supported(&WIDTHS[i])) chosen = &WIDTHS[i];
        else if (wanted && strcmp(asked, "auto") != 0) {
            fprintf(stderr, "peak: this CPU has no %s instructions for %d-bit FMAs\n", WIDTHS[i].isa, WIDTHS[i].bits);
            return 3;
        }
    }
    if (chosen == NULL) {
        fprintf(stderr, "peak: %s\n", strcmp(asked, "auto") == 0
                ? "this CPU has no FMA instructions (needs at least x86-64 with FMA3)"
                : "WIDTH must be auto, 512, 256 or 128");
        return 3;
    }
    /* Calibrate on one thread so that each timed run takes about 0.2 s. */
    iterations = 1000000;
    double t = timed_run(1);
    while (t < 0.05) {
        iterations *= 4;
        t = timed_run(1);
    }
    iterations = (long) (iterations * 0.2 / t) + 1;
    timed_run(threads); /* warm-up: clocks up, threads placed */
    double gflops[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double flops = 2.0 * CHAINS * (chosen->bits / 32) * (double) iterations * threads;
        gflops[r] = flops / timed_run(threads) / 1e9;
    }
    qsort(gflops, REPEATS, sizeof gflops[0], by_value);
    printf("isa=%s bits=%d threads=%d median=%.1f min=%.1f max=%.1f\n", chosen->isa, chosen->bits, threads,
           gflops[REPEATS / 2], gflops[0], gflops[REPEATS - 1]);
    return 0;
}
