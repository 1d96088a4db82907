/* ingest.c — `jirga ingest`: documents in, coded and kept in the event store (store.h).
 *
 * Documents are read in batches; N threads, each with its own coder over the one shared
 * dictionary, code a batch and capture each document; a writer thread then writes the
 * batch into the store as one transaction, in input order, while the next batch is
 * coded. A killed ingest leaves whole batches; running it again replaces what it finds,
 * so nothing is lost or doubled. */
#include "batch.h"
#include "store_cli.h"

#include "../base/base.h"
#include "../input/input.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_BATCH_DOCS = 1000 };

/* ---- The writer thread: one coded batch at a time, one transaction each --------------- */

typedef struct writer {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *pending; /* handed over and not yet written */
    bool stop;      /* no more batches */
    bool failed;    /* a batch could not be written; the error is printed */
    store *s;
    long documents, events; /* written */
} writer;

/* Writes batch b as one transaction and clears it. */
static void write_batch(writer *w, batch *b)
{
    jirga_error err = {0};
    int status = store_begin(w->s, &err);
    long events = 0;
    for (size_t i = 0; i < b->n && status == 0; i++) {
        status = store_put(w->s, b->jobs[i].coded, &err);
        events += b->jobs[i].coded->nevents;
    }
    if (status == 0)
        status = store_commit(w->s, &err);
    if (status == 0) {
        w->documents += (long)b->n;
        w->events += events;
    } else {
        fprintf(stderr, "jirga ingest: %s\n", err.message);
    }
    batch_clear(b);
    if (status != 0) {
        pthread_mutex_lock(&w->mu);
        w->failed = true;
        pthread_mutex_unlock(&w->mu);
    }
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->pending && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->pending)
            break;
        batch *b = w->pending;
        pthread_mutex_unlock(&w->mu);
        write_batch(w, b);
        pthread_mutex_lock(&w->mu);
        w->pending = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Waits until the writer has written what it was given; false when something failed. */
static bool writer_wait(writer *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    bool ok = !w->failed;
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* Hands a coded batch to the writer, once it is done with the one before. */
static bool writer_submit(writer *w, batch *b)
{
    if (!writer_wait(w)) {
        batch_clear(b);
        return false;
    }
    pthread_mutex_lock(&w->mu);
    w->pending = b;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return true;
}

static int ingest_usage(void)
{
    fprintf(stderr, "usage: jirga ingest [--db FILE|URL] [--dict DIR] [--date YYYY-MM-DD] [--input text|jsonl] [-j N]\n"
                    "                    [--batch N] [--resume] INPUT...\n"
                    "                    (INPUT: a file, - for standard input, or a folder: every file below it)\n");
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
    /* --resume looks documents up on a connection of its own: the writer's is busy */
    store *lookup = resume ? store_open(db, false, &err) : NULL;
    if (resume && !lookup) {
        fprintf(stderr, "jirga ingest: %s\n", err.message);
        store_close(s);
        jirga_dict_free(dict);
        free(files);
        return EXIT_USAGE;
    }
    int status = EXIT_OK;
    long skipped = 0, kept = 0;
    /* two batches: one is coded while the writer writes the other */
    batch batches[2] = {{.dict = dict, .opts = &copts, .capture = true}, {.dict = dict, .opts = &copts, .capture = true}};
    batch *b = &batches[0];
    writer w = {.s = s};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    bool started = pthread_create(&w.tid, NULL, writer_main, &w) == 0, failed = !started;
    if (!started)
        fprintf(stderr, "jirga ingest: cannot start the writer thread\n");
    input_walk *walk = input_walk_new(files, nfiles); /* directories: every file below */
    const char *path;
    while (!failed && (path = input_walk_next(walk, &err)) != NULL) {
        input_reader *r = err.code ? NULL : input_walk_open(walk, format, &err);
        if (!r) {
            fprintf(stderr, "jirga ingest: %s\n", err.message);
            status = EXIT_SKIPPED;
            skipped++;
            err = (jirga_error){0};
            continue;
        }
        jirga_doc doc;
        int got;
        while (!failed && (got = input_next(r, &doc, &err)) != 0) {
            if (got < 0) {
                fprintf(stderr, "jirga ingest: %s\n", err.message);
                status = EXIT_SKIPPED;
                skipped++;
                err = (jirga_error){0};
                continue;
            }
            if (lookup && store_has_document(lookup, doc.id ? doc.id : "")) {
                kept++;
                continue;
            }
            if (!doc.date)
                doc.date = date;
            batch_add(b, &doc);
            if ((long)b->n >= batch_docs || b->bytes >= BATCH_BYTES) {
                batch_code(b, threads);
                failed = !writer_submit(&w, b);
                b = b == &batches[0] ? &batches[1] : &batches[0];
            }
        }
        input_close(r);
    }
    input_walk_free(walk);
    if (!failed && b->n) {
        batch_code(b, threads);
        failed = !writer_submit(&w, b);
    } else {
        batch_clear(b); /* not the writer's: nothing, or what was read before a failure */
    }
    if (started) {
        failed = !writer_wait(&w) || failed;
        pthread_mutex_lock(&w.mu);
        w.stop = true;
        pthread_cond_broadcast(&w.cv);
        pthread_mutex_unlock(&w.mu);
        pthread_join(w.tid, NULL);
    }
    pthread_mutex_destroy(&w.mu);
    pthread_cond_destroy(&w.cv);
    batch_free(&batches[0]);
    batch_free(&batches[1]);
    store_close(lookup);
    store_counts c = {0};
    if (!failed && store_get_counts(s, &c, &err) == 0)
        fprintf(stderr,
                "jirga ingest: %ld document(s), %ld event(s) coded%s; %s holds %ld documents, %ld events, "
                "%ld one-a-day events\n",
                w.documents, w.events, kept ? " (documents already there kept)" : "", store_name(s), c.documents, c.events,
                c.daily_events);
    if (skipped)
        fprintf(stderr, "jirga ingest: %ld document(s) or file(s) skipped\n", skipped);
    store_close(s);
    jirga_dict_free(dict);
    free(files);
    return failed ? EXIT_SKIPPED : status;
}
