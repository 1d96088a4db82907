/*
 * fuzz.h — what the libFuzzer targets in tests/fuzz/ share: where the repository is (for
 * the project dictionary), a private temporary directory, and writing an input to a file.
 * Built by `make fuzz-build` with clang and -fsanitize=fuzzer,address,undefined.
 */
#ifndef JIRGA_FUZZ_H
#define JIRGA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jirga.h"

#ifndef JIRGA_ROOT
#define JIRGA_ROOT "."
#endif

/* The repository: $JIRGA_ROOT, else the directory the fuzzer was built from. */
static inline const char *fuzz_root(void)
{
    const char *r = getenv("JIRGA_ROOT");
    return r && *r ? r : JIRGA_ROOT;
}

/* The project's dictionaries (dictionaries/en below fuzz_root()); stops the target with a
 * message when they do not load. */
static inline jirga_dict *fuzz_project_dict(const char *target)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/dictionaries/en", fuzz_root());
    jirga_error err;
    jirga_dict *d = jirga_dict_load(dir, NULL, &err);
    if (!d) {
        fprintf(stderr, "%s: %s\n", target, err.message);
        abort();
    }
    return d;
}

/* Stops the fuzzer with a message when an invariant of the library does not hold: a
 * crash that libFuzzer saves, like a sanitizer report. */
#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

/* A fresh directory under $TMPDIR (or /tmp), removed at exit by the caller's choice;
 * returns a static buffer. */
static inline const char *fuzz_tmpdir(void)
{
    static char dir[512];
    if (dir[0])
        return dir;
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/jirga-fuzz-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    return dir;
}

static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    if (size && fwrite(data, 1, size, f) != size) {
        perror(path);
        abort();
    }
    fclose(f);
}

#endif
