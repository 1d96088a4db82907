/* batch.c — documents coded in batches by N threads, results in input order. */
#include "batch.h"


#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Output buffers kept for the next batch: each at most OUT_KEPT_MAX (a long document's
 * events are not kept for a short one), all of a batch together at most OUT_KEPT_BUDGET,
 * so that keeping them bounds memory however the documents fall. */
enum { OUT_KEPT_MAX = 256 << 10, OUT_KEPT_BUDGET = 16 << 20 };

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

void batch_add(batch *b, const jirga_doc *doc)
{
    GROW(b->jobs, b->cap, b->n + 1);
    batch_job *j = &b->jobs[b->n++];
    /* The output buffer of an earlier batch is used again: it has the size an article's
     * events need, and growing a new one costs a few reallocs per document. */
    sbuf out = {0};
    if (b->n <= b->kept)
        out = j->out;
    else
        b->kept = b->n;
    memset(j, 0, sizeof *j);
    j->out = out;
    j->doc = *doc;
    j->doc.id = dup_or_null(doc->id);
    j->doc.date = dup_or_null(doc->date);
    j->doc.title = dup_or_null(doc->title);
    j->doc.url = dup_or_null(doc->url);
    j->doc.text = xstrndup(doc->text ? doc->text : "", doc->text_len);
    b->bytes += doc->text_len;
}

static void *batch_worker(void *arg)
{
    batch *b = arg;
    int slot = atomic_fetch_add(&b->next_coder, 1);
    if (!b->coders[slot])
        b->coders[slot] = jirga_coder_new(b->dict, b->opts);
    jirga_coder *coder = b->coders[slot];
    if (!b->capture && !b->caches[slot])
        b->caches[slot] = out_cache_new();
    out_cache *cache = b->caches[slot]; /* NULL when capturing */
    size_t i;
    while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
        batch_job *j = &b->jobs[i];
        const jirga_event *events;
        int n = jirga_code(coder, &j->doc, &events);
        if (b->capture) {
            j->coded = export_doc_capture(&j->doc, coder, events, n);
            continue;
        }
        out_jsonl_events(cache, &j->out, &j->doc, events, n);
    }
    return NULL;
}

void batch_code(batch *b, int threads)
{
    atomic_store(&b->next, 0);
    atomic_store(&b->next_coder, 0);
    pthread_t tids[64];
    int started = 0;
    for (int t = 1; t < threads && t < 64 && (size_t)t < b->n; t++)
        if (pthread_create(&tids[started], NULL, batch_worker, b) == 0)
            started++;
    batch_worker(b); /* this thread works too; with -j 1 it is the only one */
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
}

void batch_clear(batch *b)
{
    size_t kept = 0;
    for (size_t i = 0; i < b->n; i++) {
        batch_job *j = &b->jobs[i];
        export_doc_free(j->coded);
        if (j->out.cap > OUT_KEPT_MAX || kept + j->out.cap > OUT_KEPT_BUDGET)
            sbuf_free(&j->out);
        kept += j->out.cap;
        sbuf_reset(&j->out);
        free((char *)j->doc.id);
        free((char *)j->doc.date);
        free((char *)j->doc.title);
        free((char *)j->doc.url);
        free((char *)j->doc.text);
    }
    b->n = 0;
    b->bytes = 0;
}

void batch_free(batch *b)
{
    batch_clear(b);
    for (size_t i = 0; i < b->kept; i++)
        sbuf_free(&b->jobs[i].out);
    b->kept = 0;
    for (int t = 0; t < 64; t++) {
        jirga_coder_free(b->coders[t]);
        b->coders[t] = NULL;
        out_cache_free(b->caches[t]);
        b->caches[t] = NULL;
    }
    free(b->jobs);
    b->jobs = NULL;
    b->cap = 0;
}
