/* code.c — `jirga code`: documents in, one JSON event record per line out. */
#include "cli.h"

#include "../base/base.h"
#include "../input/input.h"
#include "../out/out.h"
#include "batch.h"
#include "store_cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Documents are read in batches (batch.h); the outputs are written in input order. */
enum { BATCH_DOCS = 1024 };

/* Codes the batch; its output, in input order, is left in each job's buffer: JSON Lines,
 * or an export format. */
static void batch_run(batch *b, int threads, export_format format, const export_plover *plover, long long *rows)
{
    batch_code(b, threads);
    for (size_t i = 0; i < b->n; i++) {
        batch_job *j = &b->jobs[i];
        for (int e = 0; j->coded && e < j->coded->nevents; e++) {
            export_source src;
            export_event x;
            export_event_from_doc(j->coded, e, ++*rows, &src, &x);
            export_event_write(&j->out, format, &x, plover);
        }
    }
}

/* Writes n pieces whole, going on after a short write; returns 0 or the errno. */
static int write_pieces(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t done = writev(fd, iov, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        for (; n > 0 && (size_t)done >= iov->iov_len; iov++, n--)
            done -= (ssize_t)iov->iov_len;
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= (size_t)done;
        }
    }
    return 0;
}

/* Writes a coded batch's output in order and empties the batch. The jobs' buffers go to
 * the kernel as they are (writev), not copied into stdio's buffer first: the output is
 * several times the input, and the copy cost 600 instructions a sentence (2%). After a
 * failed write nothing more is written; *error keeps the first errno. */
static void batch_write(batch *b, int *error)
{
    enum { PIECES = 256 }; /* below every system's IOV_MAX */
    struct iovec iov[PIECES];
    int n = 0;
    for (size_t i = 0; i <= b->n && !*error; i++) {
        if (n == PIECES || (i == b->n && n)) {
            *error = write_pieces(STDOUT_FILENO, iov, n);
            n = 0;
        }
        if (i < b->n && b->jobs[i].out.len)
            iov[n++] = (struct iovec){b->jobs[i].out.data, b->jobs[i].out.len};
    }
    batch_clear(b);
}

/* Batches go round three stages, each in a thread of its own: the reader fills a free
 * batch with documents, the coder (this thread and the -j workers) codes a full one, the
 * writer (with -j 2 or more) writes a coded one and frees it. Each stage takes batches in
 * the order the one before gave them, so the output keeps the input's order. Messages
 * about skipped records go to standard error as they are read. */
enum { BATCHES = 3 };
typedef struct reader {
    const char **files;
    int nfiles;
    input_format format;
    const char *date;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *free_batches[BATCHES], *full_batches[BATCHES], *coded_batches[BATCHES]; /* in order */
    int nfree, nfull, ncoded;
    bool done;        /* the reader has passed its last batch */
    bool coding_done; /* the coder has passed its last batch */
    int status;
    long skipped;
    int write_error; /* the first errno of writing the output, 0 for none */
} reader;

static void skip(reader *rd, const char *message)
{
    fprintf(stderr, "jirga code: %s\n", message);
    pthread_mutex_lock(&rd->mu);
    rd->status = EXIT_SKIPPED;
    rd->skipped++;
    pthread_mutex_unlock(&rd->mu);
}

/* The first batch of a queue, taken out of it; NULL when it is empty (call under rd->mu). */
static batch *take_first(batch **queue, int *n)
{
    if (*n == 0)
        return NULL;
    batch *b = queue[0];
    memmove(queue, queue + 1, (size_t)(*n - 1) * sizeof *queue);
    (*n)--;
    return b;
}

/* Appends b to a queue and wakes the other stages. */
static void pass_to(reader *rd, batch **queue, int *n, batch *b)
{
    pthread_mutex_lock(&rd->mu);
    queue[(*n)++] = b;
    pthread_cond_broadcast(&rd->cv);
    pthread_mutex_unlock(&rd->mu);
}

/* The writer thread: coded batches out, in order, until the coder is done. */
static void *write_batches(void *arg)
{
    reader *rd = arg;
    for (;;) {
        pthread_mutex_lock(&rd->mu);
        while (rd->ncoded == 0 && !rd->coding_done)
            pthread_cond_wait(&rd->cv, &rd->mu);
        batch *b = take_first(rd->coded_batches, &rd->ncoded);
        pthread_mutex_unlock(&rd->mu);
        if (!b)
            return NULL;
        batch_write(b, &rd->write_error);
        pass_to(rd, rd->free_batches, &rd->nfree, b);
    }
}

/* Hands the batch being filled to the coder and waits for an empty one. */
static batch *pass_batch(reader *rd, batch *b, bool last)
{
    pthread_mutex_lock(&rd->mu);
    if (b && b->n)
        rd->full_batches[rd->nfull++] = b;
    else if (b)
        rd->free_batches[rd->nfree++] = b;
    batch *next = NULL;
    if (last) {
        rd->done = true;
    } else {
        pthread_cond_broadcast(&rd->cv);
        while (rd->nfree == 0)
            pthread_cond_wait(&rd->cv, &rd->mu);
        next = rd->free_batches[--rd->nfree];
    }
    pthread_cond_broadcast(&rd->cv);
    pthread_mutex_unlock(&rd->mu);
    return next;
}

static void *read_batches(void *arg)
{
    reader *rd = arg;
    batch *b = pass_batch(rd, NULL, false);
    input_walk *walk = input_walk_new(rd->files, rd->nfiles); /* directories: every file below */
    jirga_error err = {0};
    const char *path;
    while ((path = input_walk_next(walk, &err)) != NULL) {
        if (err.code) {
            skip(rd, err.message);
            err = (jirga_error){0};
            continue;
        }
        input_reader *r = input_walk_open(walk, rd->format, &err);
        if (!r) {
            skip(rd, err.message);
            err = (jirga_error){0};
            continue;
        }
        jirga_doc doc;
        int got;
        while ((got = input_next(r, &doc, &err)) != 0) {
            if (got < 0) {
                skip(rd, err.message);
                err = (jirga_error){0};
                continue;
            }
            if (!doc.date)
                doc.date = rd->date;
            batch_add(b, &doc);
            if (b->n >= BATCH_DOCS || b->bytes >= BATCH_BYTES)
                b = pass_batch(rd, b, false);
        }
        input_close(r);
    }
    input_walk_free(walk);
    pass_batch(rd, b, true);
    return NULL;
}

static int code_usage(void)
{
    fprintf(stderr, "usage: jirga code [--date YYYY-MM-DD] [--input text|jsonl] [--dict DIR] [--keep-negated] "
                    "[-j N]\n                  [--format jsonl|gdelt|plover|phoenix|csv] [--max-sentence BYTES] FILE|DIR...\n"
                    "                  (FILE - is standard input: jirga code --input jsonl - is a filter, docs/scale.md;\n"
                    "                   DIR is every file below it, in name order, each text file named by its path)\n"
                    "       peer dictionaries: --dict-format tabari|petrarch [--project FILE.project]\n"
                    "                  [--actors FILE[,FILE]]... [--agents FILE] [--verbs FILE] [--discards FILE] [--options FILE]\n");
    return EXIT_USAGE;
}

int cmd_code(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *date = NULL;
    input_format format = INPUT_AUTO;
    jirga_coder_options copts = {0};
    export_format out_format = EXPORT_JSONL;
    const char *files[argc > 0 ? argc : 1]; /* every file named, however many */
    int nfiles = 0, threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(a, "--date") == 0 && i + 1 < argc) {
            date = argv[++i];
            int y, m, d;
            char extra;
            if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) {
                fprintf(stderr, "jirga code: --date wants YYYY-MM-DD, not '%s'\n", date);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--input") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "jsonl") == 0)
                format = INPUT_JSONL;
            else if (strcmp(f, "text") == 0)
                format = INPUT_TEXT;
            else {
                fprintf(stderr, "jirga code: --input is text or jsonl, not '%s'\n", f);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            if (!export_format_parse(argv[++i], &out_format) || out_format == EXPORT_TABLE) {
                fprintf(stderr, "jirga code: --format is jsonl, gdelt, plover, phoenix or csv, not '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 64) {
                fprintf(stderr, "jirga code: -j wants a number of threads from 1 to 64\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--max-sentence") == 0 && i + 1 < argc) {
            long max = atol(argv[++i]); /* longer sentences are cut (docs/limits.md) */
            if (max < 64 || max > 1 << 24) {
                fprintf(stderr, "jirga code: --max-sentence wants a number of bytes from 64 to 16777216\n");
                return EXIT_USAGE;
            }
            copts.max_sentence_bytes = (size_t)max;
        } else if (strcmp(a, "--sentences-only") == 0) {
            copts.sentences_only = true; /* no document pass: to measure what it costs */
        } else if (strcmp(a, "--keep-negated") == 0) {
            copts.keep_negated = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jirga code: unknown option '%s'\n", a);
            return code_usage();
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0)
        return code_usage();
    export_plover *plover = NULL;
    if (out_format == EXPORT_PLOVER && !(plover = cli_plover_load(&choice)))
        return EXIT_USAGE;
    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict) {
        export_plover_free(plover);
        return EXIT_USAGE;
    }
    batch batches[BATCHES];
    for (int i = 0; i < BATCHES; i++)
        batches[i] = (batch){.dict = dict, .opts = &copts, .capture = out_format != EXPORT_JSONL};
    long long rows = 0; /* events written so far: the ids of the export formats */
    if (out_format == EXPORT_CSV) {
        sbuf header = {0};
        export_header(&header, out_format);
        fwrite(header.data, 1, header.len, stdout);
        sbuf_free(&header);
    }
    if (fflush(stdout) != 0) { /* the batches are written past stdio, after it */
        perror("jirga code: writing output");
        jirga_dict_free(dict);
        export_plover_free(plover);
        return EXIT_SKIPPED;
    }
    /* Reading and parsing the input, and writing the output (a copy into the kernel's
     * page cache, a tenth of the coding time), overlap coding: -j N needs it to scale.
     * With -j 1 this thread writes itself: one core is what -j 1 asks for. */
    reader rd = {.files = files, .nfiles = nfiles, .format = format, .date = date, .status = EXIT_OK};
    pthread_mutex_init(&rd.mu, NULL);
    pthread_cond_init(&rd.cv, NULL);
    for (int i = 0; i < BATCHES; i++)
        rd.free_batches[rd.nfree++] = &batches[i];
    pthread_t reader_thread, writer_thread;
    int err = pthread_create(&reader_thread, NULL, read_batches, &rd);
    bool threaded = err == 0;
    if (!threaded) { /* reading inline would fill every batch and wait for a coder that never comes */
        fprintf(stderr, "jirga code: cannot start a thread to read the input (%s): nothing was coded\n",
                strerror(err));
        rd.status = EXIT_SKIPPED;
        rd.done = true;
    }
    bool writer = threaded && threads > 1 && pthread_create(&writer_thread, NULL, write_batches, &rd) == 0;
    for (;;) {
        pthread_mutex_lock(&rd.mu);
        while (rd.nfull == 0 && !rd.done)
            pthread_cond_wait(&rd.cv, &rd.mu);
        batch *b = take_first(rd.full_batches, &rd.nfull);
        pthread_mutex_unlock(&rd.mu);
        if (!b)
            break;
        batch_run(b, threads, out_format, plover, &rows);
        if (!writer) { /* no writer thread: this one writes */
            batch_write(b, &rd.write_error);
            pass_to(&rd, rd.free_batches, &rd.nfree, b);
            continue;
        }
        pass_to(&rd, rd.coded_batches, &rd.ncoded, b);
    }
    pthread_mutex_lock(&rd.mu);
    rd.coding_done = true;
    pthread_cond_broadcast(&rd.cv);
    pthread_mutex_unlock(&rd.mu);
    if (writer)
        pthread_join(writer_thread, NULL);
    if (threaded)
        pthread_join(reader_thread, NULL);
    pthread_mutex_destroy(&rd.mu);
    pthread_cond_destroy(&rd.cv);
    for (int i = 0; i < BATCHES; i++)
        batch_free(&batches[i]);
    int status = rd.status;
    long skipped = rd.skipped;
    if (skipped)
        fprintf(stderr, "jirga code: %ld document(s) or file(s) skipped\n", skipped);
    jirga_dict_free(dict);
    export_plover_free(plover);
    if (rd.write_error) {
        fprintf(stderr, "jirga code: writing output: %s\n", strerror(rd.write_error));
        return EXIT_SKIPPED;
    }
    return status;
}
