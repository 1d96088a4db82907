/* ingest.c — `jirga ingest`: documents in, coded and kept in the event store (store.h).
 *
 * Documents are read in batches; N threads, each with its own coder over the one shared
 * dictionary, code a batch and capture each document; the main thread then writes the
 * batch into the store as one transaction, in input order. A killed ingest leaves whole
 * batches; running it again replaces what it finds, so nothing is lost or doubled. */
#include "store_cli.h"

#include "../base/base.h"
#include "../input/input.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_BATCH_DOCS = 1000, BATCH_BYTES = 32 << 20 };

typedef struct job {
    jirga_doc doc; /* strings owned by the job */
    export_doc *coded;
} job;

typedef struct batch {
    job *jobs;
    size_t n, cap, bytes;
    atomic_size_t next;
    const jirga_dict *dict;
    const jirga_coder_options *opts;
} batch;

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void batch_add(batch *b, const jirga_doc *doc)
{
    GROW(b->jobs, b->cap, b->n + 1);
    job *j = &b->jobs[b->n++];
    memset(j, 0, sizeof *j);
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
    jirga_coder *coder = jirga_coder_new(b->dict, b->opts);
    size_t i;
    while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
        job *j = &b->jobs[i];
        const jirga_event *events;
        int n = jirga_code(coder, &j->doc, &events);
        j->coded = export_doc_capture(&j->doc, coder, events, n);
    }
    jirga_coder_free(coder);
    return NULL;
}

typedef struct totals {
    long documents, events;
} totals;

/* Codes the batch with `threads` threads and writes it into the store as one
 * transaction. Returns 0, or -1 after printing the store's error. */
static int batch_flush(batch *b, int threads, store *s, totals *t)
{
    if (b->n == 0)
        return 0;
    atomic_store(&b->next, 0);
    pthread_t tids[64];
    int started = 0;
    for (int k = 1; k < threads && k < 64 && (size_t)k < b->n; k++)
        if (pthread_create(&tids[started], NULL, batch_worker, b) == 0)
            started++;
    batch_worker(b);
    for (int k = 0; k < started; k++)
        pthread_join(tids[k], NULL);
    jirga_error err = {0};
    int status = store_begin(s, &err);
    for (size_t i = 0; i < b->n && status == 0; i++) {
        status = store_put(s, b->jobs[i].coded, &err);
        t->events += b->jobs[i].coded->nevents;
    }
    if (status == 0)
        status = store_commit(s, &err);
    if (status == 0)
        t->documents += (long)b->n;
    else
        fprintf(stderr, "jirga ingest: %s\n", err.message);
    for (size_t i = 0; i < b->n; i++) {
        job *j = &b->jobs[i];
        export_doc_free(j->coded);
        free((char *)j->doc.id);
        free((char *)j->doc.date);
        free((char *)j->doc.title);
        free((char *)j->doc.url);
        free((char *)j->doc.text);
    }
    b->n = 0;
    b->bytes = 0;
    return status;
}

static int ingest_usage(void)
{
    fprintf(stderr, "usage: jirga ingest [--db FILE] [--dict DIR] [--date YYYY-MM-DD] [--input text|jsonl] [-j N]\n"
                    "                    [--batch N] [--resume] INPUT...\n");
    return EXIT_USAGE;
}

int cmd_ingest(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *db = CLI_DEFAULT_DB, *date = NULL;
    input_format format = INPUT_AUTO;
    jirga_coder_options copts = {0};
    const char **files = xcalloc((size_t)argc, sizeof *files);
    int nfiles = 0, threads = 1;
    long batch_docs = DEFAULT_BATCH_DOCS;
    bool resume = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_dict_option(argc, argv, &i, &choice) || cli_db_option(argc, argv, &i, &db))
            continue;
        if (strcmp(a, "--date") == 0 && i + 1 < argc) {
            date = argv[++i];
            int y, m, d;
            char extra;
            if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) {
                fprintf(stderr, "jirga ingest: --date wants YYYY-MM-DD, not '%s'\n", date);
                free(files);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--input") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "jsonl") == 0)
                format = INPUT_JSONL;
            else if (strcmp(f, "text") == 0)
                format = INPUT_TEXT;
            else {
                fprintf(stderr, "jirga ingest: --input is text or jsonl, not '%s'\n", f);
                free(files);
                return EXIT_USAGE;
            }
        } else if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 64) {
                fprintf(stderr, "jirga ingest: -j wants a number of threads from 1 to 64\n");
                free(files);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--batch") == 0 && i + 1 < argc) {
            batch_docs = atol(argv[++i]);
            if (batch_docs < 1) {
                fprintf(stderr, "jirga ingest: --batch wants a number of documents per transaction\n");
                free(files);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--resume") == 0) {
            resume = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jirga ingest: unknown option '%s'\n", a);
            free(files);
            return ingest_usage();
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0) {
        free(files);
        return ingest_usage();
    }
    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict) {
        free(files);
        return EXIT_USAGE;
    }
    jirga_error err = {0};
    store *s = store_open(db, true, &err);
    if (!s) {
        fprintf(stderr, "jirga ingest: %s\n", err.message);
        jirga_dict_free(dict);
        free(files);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    long skipped = 0, kept = 0;
    totals t = {0};
    batch b = {.dict = dict, .opts = &copts};
    bool failed = false;
    for (int f = 0; f < nfiles && !failed; f++) {
        input_reader *r = input_open(files[f], format, &err);
        if (!r) {
            fprintf(stderr, "jirga ingest: %s\n", err.message);
            status = EXIT_SKIPPED;
            skipped++;
            continue;
        }
        jirga_doc doc;
        int got;
        while (!failed && (got = input_next(r, &doc, &err)) != 0) {
            if (got < 0) {
                fprintf(stderr, "jirga ingest: %s\n", err.message);
                status = EXIT_SKIPPED;
                skipped++;
                continue;
            }
            if (resume && store_has_document(s, doc.id ? doc.id : "")) {
                kept++;
                continue;
            }
            if (!doc.date)
                doc.date = date;
            batch_add(&b, &doc);
            if ((long)b.n >= batch_docs || b.bytes >= BATCH_BYTES)
                failed = batch_flush(&b, threads, s, &t) != 0;
        }
        input_close(r);
    }
    if (!failed) /* a failed flush emptied its batch, and reading stopped there */
        failed = batch_flush(&b, threads, s, &t) != 0;
    free(b.jobs);
    store_counts c = {0};
    if (!failed && store_get_counts(s, &c, &err) == 0)
        fprintf(stderr,
                "jirga ingest: %ld document(s), %ld event(s) coded%s; %s holds %ld documents, %ld events, "
                "%ld one-a-day events\n",
                t.documents, t.events, kept ? " (documents already there kept)" : "", db, c.documents, c.events,
                c.daily_events);
    if (skipped)
        fprintf(stderr, "jirga ingest: %ld document(s) or file(s) skipped\n", skipped);
    store_close(s);
    jirga_dict_free(dict);
    free(files);
    return failed ? EXIT_SKIPPED : status;
}
