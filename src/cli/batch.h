/*
 * batch.h — what `jirga code` and `jirga ingest` share: documents read into a batch,
 * coded by N threads (each with its own coder over the one shared dictionary), the
 * results kept in input order, so -j N gives exactly what -j 1 gives.
 */
#ifndef JIRGA_CLI_BATCH_H
#define JIRGA_CLI_BATCH_H

#include "../base/base.h"
#include "../out/out.h"
#include "store_cli.h"

#include <stdatomic.h>
#include <stdbool.h>

enum { BATCH_BYTES = 32 << 20 }; /* text held in one batch at most */

typedef struct batch_job {
    jirga_doc doc;     /* strings owned by the job */
    sbuf out;          /* JSON Lines of its events (batch.capture false) */
    export_doc *coded; /* its events captured for the exports and the store (capture true) */
} batch_job;

typedef struct batch {
    batch_job *jobs;
    size_t n, cap, bytes;
    size_t kept; /* jobs[0..kept) hold an output buffer kept from an earlier batch */
    atomic_size_t next;
    const jirga_dict *dict;           /* borrowed */
    const jirga_coder_options *opts;  /* borrowed */
    bool capture;
    jirga_coder *coders[64];          /* one per thread, kept from batch to batch (warm caches) */
    out_cache *caches[64];            /* the JSON Lines writer's, beside each coder; the dictionary
                                         outlives them (out.h) */
    atomic_int next_coder;
} batch;

/* Copies doc into the batch. */
void batch_add(batch *b, const jirga_doc *doc);
/* Codes every job with `threads` threads (1 to 64). */
void batch_code(batch *b, int threads);
/* Frees the jobs' documents and results; the batch can be filled again. */
void batch_clear(batch *b);
/* batch_clear, the job array and the coders. */
void batch_free(batch *b);

#endif
