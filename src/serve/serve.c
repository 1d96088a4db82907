/*
 * serve.c — the HTTP API of `jirga serve` over libmicrohttpd (see serve.h; the endpoints
 * are documented in docs/serve.md).
 *
 * serve_handle answers one request (method, path, query arguments, Content-Type, body)
 * with a status and a body, without the connection: route picks one handler, which
 * answers JSON. The libmicrohttpd callback (on_request) gathers the body and calls it;
 * tests/fuzz/fuzz_http.c calls it directly through serve_handle_url. Every failure is
 * answered {"error": "...", "status": N}; nothing a client sends can stop the server.
 */
#include "serve.h"

#include "../base/base.h"
#include "../export/export.h"
#include "../out/out.h"
#include "../store/store.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    HTTP_TOO_LARGE = 413, /* MHD_HTTP_CONTENT_TOO_LARGE, named differently across versions */
    DEFAULT_EVENT_LIMIT = 1000,
    MAX_EVENT_LIMIT = 100000,
    DEFAULT_EDGE_LIMIT = 300,
    MAX_EDGE_LIMIT = 5000, /* the nodes of the kept edges are found in quadratic time */
    STOP_WAIT_MS = 30000,
};

struct serve_server {
    serve_options opts;
    struct MHD_Daemon *daemon;
    unsigned port;
    store *writer, *reader; /* each used under its mutex */
    pthread_mutex_t writer_mu, reader_mu;
    pthread_mutex_t coders_mu; /* the pool of idle coders */
    jirga_coder **coders;
    size_t ncoders, coders_cap;
    atomic_int in_flight;    /* requests begun and not yet answered and sent */
    atomic_bool stopping;    /* serve_stop has begun: answers say Connection: close */
    atomic_ulong requests;
};

/* One HTTP request on a connection: the body gathered so far. */
typedef struct pending {
    sbuf body;
    size_t body_bytes; /* received, counted past the limit too */
    bool too_large;
    bool answered; /* refused on its headers: later calls only drain the body */
} pending;

static void logf_(serve_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(serve_server *s, const char *fmt, ...)
{
    if (!s->opts.log)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->opts.log(s->opts.log_ctx, line);
}

/* ---- Coders: one per request at a time, reused ------------------------------------------- */

static jirga_coder *coder_take(serve_server *s)
{
    jirga_coder *c = NULL;
    pthread_mutex_lock(&s->coders_mu);
    if (s->ncoders)
        c = s->coders[--s->ncoders];
    pthread_mutex_unlock(&s->coders_mu);
    return c ? c : jirga_coder_new(s->opts.dict, NULL);
}

static void coder_give(serve_server *s, jirga_coder *c)
{
    pthread_mutex_lock(&s->coders_mu);
    GROW(s->coders, s->coders_cap, s->ncoders + 1);
    s->coders[s->ncoders++] = c;
    pthread_mutex_unlock(&s->coders_mu);
}

/* ---- Answers ------------------------------------------------------------------------------ */

static const char JSON_TYPE[] = "application/json; charset=utf-8";

/* Fills out with body (consumed) as JSON and the status; returns the status. */
static unsigned answer_json(serve_answer *out, unsigned status, sbuf *body)
{
    sbuf_addc(body, '\n');
    *out = (serve_answer){.status = status, .content_type = JSON_TYPE, .body = body->data, .body_len = body->len};
    body->data = NULL;
    body->len = body->cap = 0;
    return status;
}

/* Fills out with {"error": message, "status": N} and the Allow header of a 405. */
static unsigned fail(serve_answer *out, unsigned status, const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static unsigned fail(serve_answer *out, unsigned status, const char *allow, const char *fmt, ...)
{
    char message[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    sbuf b = {0};
    sbuf_adds(&b, "{\"error\":");
    out_json_string(&b, message, strlen(message));
    sbuf_printf(&b, ",\"status\":%u}", status);
    answer_json(out, status, &b);
    out->allow = allow;
    return status;
}

void serve_answer_free(serve_answer *a)
{
    if (!a)
        return;
    if (!a->file)
        free(a->body);
    memset(a, 0, sizeof *a);
}

/* ---- Reading requests ---------------------------------------------------------------------- */

static const char *query_arg(const serve_request *rq, const char *name)
{
    const char *v = rq->arg ? rq->arg(rq->arg_ctx, name) : NULL;
    return v && *v ? v : NULL;
}

/* YYYY-MM-DD (documents), or with month_ok also YYYY and YYYY-MM (filters). */
static bool valid_date(const char *s, bool month_ok)
{
    size_t n = strlen(s);
    if (n != 10 && !(month_ok && (n == 4 || n == 7)))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A document of a request: its strings owned here. */
typedef struct req_doc {
    char *id, *date, *title, *url, *text;
    size_t text_len;
    bool first_line_is_title;
} req_doc;

static void req_doc_free(req_doc *d)
{
    free(d->id);
    free(d->date);
    free(d->title);
    free(d->url);
    free(d->text);
    memset(d, 0, sizeof *d);
}

static jirga_doc req_doc_view(const req_doc *d)
{
    return (jirga_doc){.id = d->id, .date = d->date, .title = d->title, .url = d->url, .text = d->text,
                       .text_len = d->text_len, .first_line_is_title = d->first_line_is_title};
}

/* Reads one document object {"text", "date"?, "id"?, "title"?, "url"?}. Returns false
 * with why filled. */
static bool doc_from_json(json_t *o, req_doc *d, char *why, size_t cap)
{
    if (!json_is_object(o)) {
        snprintf(why, cap, "a document is a JSON object with \"text\" (and \"date\", \"id\", \"title\", \"url\")");
        return false;
    }
    json_t *text = json_object_get(o, "text");
    if (!json_is_string(text)) {
        snprintf(why, cap, "the document has no \"text\" string");
        return false;
    }
    static const char *const fields[] = {"id", "date", "title", "url"};
    char **slots[] = {&d->id, &d->date, &d->title, &d->url};
    for (int i = 0; i < 4; i++) {
        json_t *v = json_object_get(o, fields[i]);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            snprintf(why, cap, "\"%s\" must be a string", fields[i]);
            return false;
        }
        *slots[i] = xstrndup(json_string_value(v), json_string_length(v));
    }
    if (d->date && !valid_date(d->date, false)) {
        snprintf(why, cap, "\"date\" must be YYYY-MM-DD, not '%.40s'", d->date);
        return false;
    }
    d->text = xstrndup(json_string_value(text), json_string_length(text));
    d->text_len = json_string_length(text);
    return true;
}

/* The documents of a POST body: a JSON object, a JSON array of objects, or (text/plain)
 * the text itself with ?date=, ?id= and the first line as the headline, as `jirga code`
 * reads a plain text file. Returns the number of documents, or -1 with why filled. */
static int read_docs(const serve_request *rq, req_doc **docs, char *why, size_t cap)
{
    const char *type = rq->content_type;
    *docs = NULL;
    if (type && strncasecmp(type, "text/plain", 10) == 0) {
        const char *date = query_arg(rq, "date"), *id = query_arg(rq, "id");
        if (date && !valid_date(date, false)) {
            snprintf(why, cap, "?date= must be YYYY-MM-DD, not '%.40s'", date);
            return -1;
        }
        req_doc *d = xcalloc(1, sizeof *d);
        d->text = xstrndup(rq->body ? rq->body : "", rq->body_len);
        d->text_len = rq->body_len;
        d->date = date ? xstrdup(date) : NULL;
        d->id = id ? xstrdup(id) : NULL;
        d->first_line_is_title = true;
        *docs = d;
        return 1;
    }
    if (!type || strncasecmp(type, "application/json", 16) != 0) {
        snprintf(why, cap, "Content-Type must be application/json or text/plain, not '%.60s'",
                 type ? type : "(none)");
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, &jerr);
    if (!root) {
        snprintf(why, cap, "malformed JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        return -1;
    }
    size_t n = json_is_array(root) ? json_array_size(root) : 1;
    if (n == 0) {
        json_decref(root);
        snprintf(why, cap, "the array holds no document");
        return -1;
    }
    req_doc *all = xcalloc(n, sizeof *all);
    for (size_t i = 0; i < n; i++) {
        char inner[400];
        if (!doc_from_json(json_is_array(root) ? json_array_get(root, i) : root, &all[i], inner, sizeof inner)) {
            if (json_is_array(root))
                snprintf(why, cap, "document %zu of the array: %s", i + 1, inner);
            else
                snprintf(why, cap, "%s", inner);
            for (size_t k = 0; k <= i; k++)
                req_doc_free(&all[k]);
            free(all);
            json_decref(root);
            return -1;
        }
    }
    json_decref(root);
    *docs = all;
    return (int)n;
}

static void free_docs(req_doc *docs, int n)
{
    for (int i = 0; i < n; i++)
        req_doc_free(&docs[i]);
    free(docs);
}

/* Appends the event record without its line break. */
static void event_json(sbuf *b, const jirga_doc *doc, const jirga_event *e)
{
    out_jsonl_event(b, doc, e);
    if (b->len && b->data[b->len - 1] == '\n')
        b->data[--b->len] = 0;
}

/* ---- POST /v1/code -------------------------------------------------------------------------- */

/* Codes one document into b: {"doc", "date", "sentences": [...], "events": [...]}. */
static void code_one(jirga_coder *coder, const req_doc *d, sbuf *b)
{
    jirga_doc doc = req_doc_view(d);
    const jirga_event *events;
    int n = jirga_code(coder, &doc, &events);
    sbuf_adds(b, "{\"doc\":");
    out_json_string(b, d->id ? d->id : "", d->id ? strlen(d->id) : 0);
    sbuf_adds(b, ",\"date\":");
    if (d->date)
        out_json_string(b, d->date, strlen(d->date));
    else
        sbuf_adds(b, "null");
    sbuf_adds(b, ",\"sentences\":[");
    int ns = jirga_sentence_count(coder);
    for (int i = 1; i <= ns; i++) {
        size_t len;
        const char *t = jirga_sentence_text(coder, i, &len);
        if (i > 1)
            sbuf_addc(b, ',');
        out_json_string(b, t, len);
    }
    sbuf_adds(b, "],\"events\":[");
    for (int i = 0; i < n; i++) {
        if (i)
            sbuf_addc(b, ',');
        event_json(b, &doc, &events[i]);
    }
    sbuf_adds(b, "]}");
}

static unsigned handle_code(serve_server *s, const serve_request *rq, serve_answer *out)
{
    char why[512];
    req_doc *docs;
    int n = read_docs(rq, &docs, why, sizeof why);
    if (n < 0)
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "%s", why);
    jirga_coder *coder = coder_take(s);
    sbuf b = {0};
    if (n == 1) {
        code_one(coder, &docs[0], &b);
    } else {
        sbuf_adds(&b, "{\"documents\":[");
        for (int i = 0; i < n; i++) {
            if (i)
                sbuf_addc(&b, ',');
            code_one(coder, &docs[i], &b);
        }
        sbuf_adds(&b, "]}");
    }
    coder_give(s, coder);
    free_docs(docs, n);
    return answer_json(out, MHD_HTTP_OK, &b);
}

/* ---- POST /v1/ingest ------------------------------------------------------------------------ */

static unsigned handle_ingest(serve_server *s, const serve_request *rq, serve_answer *out)
{
    char why[512];
    req_doc *docs;
    int n = read_docs(rq, &docs, why, sizeof why);
    if (n < 0)
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "%s", why);
    for (int i = 0; i < n; i++)
        if (!docs[i].id || !docs[i].id[0]) {
            free_docs(docs, n);
            return fail(out, MHD_HTTP_BAD_REQUEST, NULL,
                        "document %d has no \"id\" (?id= for text/plain): the store keeps documents by id, and "
                        "ingesting an id again replaces it",
                        i + 1);
        }
    /* Coded outside the store's lock, written as one transaction. */
    export_doc **coded = xcalloc((size_t)n, sizeof *coded);
    jirga_coder *coder = coder_take(s);
    long events = 0;
    for (int i = 0; i < n; i++) {
        jirga_doc doc = req_doc_view(&docs[i]);
        const jirga_event *ev;
        int k = jirga_code(coder, &doc, &ev);
        coded[i] = export_doc_capture(&doc, coder, ev, k);
        events += k;
    }
    coder_give(s, coder);
    jirga_error err = {0};
    pthread_mutex_lock(&s->writer_mu);
    int rc = store_begin(s->writer, &err);
    for (int i = 0; i < n && rc == 0; i++)
        rc = store_put(s->writer, coded[i], &err);
    if (rc == 0)
        rc = store_commit(s->writer, &err);
    pthread_mutex_unlock(&s->writer_mu);
    for (int i = 0; i < n; i++)
        export_doc_free(coded[i]);
    free(coded);
    free_docs(docs, n);
    if (rc != 0) {
        logf_(s, "ingest failed: %s", err.message);
        return fail(out, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "the store could not be written: %s", err.message);
    }
    sbuf b = {0};
    sbuf_printf(&b, "{\"documents\":%d,\"events\":%ld}", n, events);
    return answer_json(out, MHD_HTTP_OK, &b);
}

/* ---- Store filters from the query string ------------------------------------------------------ */

/* The filter's strings, owned here (codes are upper-cased copies). */
typedef struct filter_args {
    store_filter f;
    char from[11], to[11], actor[32], dyad[64], country[8], role[16], cameo[8], root[3];
} filter_args;

/* Copies a code of letters and digits, upper-cased, into dst; false for anything else. */
static bool code_arg(const char *v, char *dst, size_t cap)
{
    size_t n = strlen(v);
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)v[i]))
            return false;
        dst[i] = (char)toupper((unsigned char)v[i]);
    }
    dst[n] = 0;
    return true;
}

static bool flag_arg(const serve_request *rq, const char *name)
{
    const char *v = query_arg(rq, name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

/* The filters of `jirga query` as query arguments (docs/serve.md). Returns false with why
 * filled when one is malformed. */
static bool read_filter(const serve_request *rq, filter_args *a, char *why, size_t cap)
{
    memset(a, 0, sizeof *a);
    const char *v;
    if ((v = query_arg(rq, "from"))) {
        if (!valid_date(v, true) || strlen(v) >= sizeof a->from)
            return snprintf(why, cap, "from wants YYYY, YYYY-MM or YYYY-MM-DD, not '%.40s'", v), false;
        strcpy(a->from, v);
        a->f.from = a->from;
    }
    if ((v = query_arg(rq, "to"))) {
        if (!valid_date(v, true) || strlen(v) >= sizeof a->to)
            return snprintf(why, cap, "to wants YYYY, YYYY-MM or YYYY-MM-DD, not '%.40s'", v), false;
        strcpy(a->to, v);
        a->f.to = a->to;
    }
    if ((v = query_arg(rq, "dyad"))) {
        const char *dash = strchr(v, '-');
        char src[32] = "";
        if (!dash || (size_t)(dash - v) >= sizeof src)
            return snprintf(why, cap, "dyad wants two actor codes, SOURCE-TARGET (USA-AFG), not '%.40s'", v), false;
        memcpy(src, v, (size_t)(dash - v));
        src[dash - v] = 0;
        if (!code_arg(src, a->dyad, 32) || !code_arg(dash + 1, a->dyad + 32, 32))
            return snprintf(why, cap, "dyad wants two actor codes, SOURCE-TARGET (USA-AFG), not '%.40s'", v), false;
        a->f.dyad_source = a->dyad;
        a->f.dyad_target = a->dyad + 32;
    }
    a->f.both_directions = flag_arg(rq, "both");
    if (a->f.both_directions && !a->f.dyad_source)
        return snprintf(why, cap, "both goes with dyad"), false;
    static const char *const codes[] = {"actor", "country", "role", "cameo"};
    char *slots[] = {a->actor, a->country, a->role, a->cameo};
    size_t caps[] = {sizeof a->actor, sizeof a->country, sizeof a->role, sizeof a->cameo};
    const char **fields[] = {&a->f.actor, &a->f.country, &a->f.role, &a->f.cameo};
    for (int i = 0; i < 4; i++) {
        if (!(v = query_arg(rq, codes[i])))
            continue;
        if (!code_arg(v, slots[i], caps[i]))
            return snprintf(why, cap, "%s wants a code of letters and digits, not '%.40s'", codes[i], v), false;
        *fields[i] = slots[i];
    }
    if ((v = query_arg(rq, "root"))) {
        if (strlen(v) == 1 && isdigit((unsigned char)v[0]))
            snprintf(a->root, sizeof a->root, "0%c", v[0]); /* 4 means 04 */
        else if (strlen(v) == 2 && isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]))
            snprintf(a->root, sizeof a->root, "%s", v);
        else
            return snprintf(why, cap, "root wants a CAMEO root code from 01 to 20, not '%.40s'", v), false;
        a->f.root = a->root;
    }
    if ((v = query_arg(rq, "quad"))) {
        if (strlen(v) != 1 || v[0] < '1' || v[0] > '4')
            return snprintf(why, cap, "quad wants a QuadClass from 1 to 4, not '%.40s'", v), false;
        a->f.quad = v[0] - '0';
    }
    a->f.text = query_arg(rq, "text"); /* borrowed from the connection for the request */
    return true;
}

/* A positive number argument, at most max; def when absent. -1 when malformed. */
static long number_arg(const serve_request *rq, const char *name, long def, long max)
{
    const char *v = query_arg(rq, name);
    if (!v)
        return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*end || errno || n < 1 || n > max)
        return -1;
    return n;
}

/* ---- GET /v1/events ------------------------------------------------------------------------- */

typedef struct events_out {
    sbuf b;
    long count, limit;
    bool truncated;
} events_out;

static int add_event(void *ctx, const export_event *e)
{
    events_out *o = ctx;
    if (o->count == o->limit) {
        o->truncated = true;
        return 1;
    }
    if (o->count++)
        sbuf_addc(&o->b, ',');
    export_event_write(&o->b, EXPORT_JSONL, e, NULL);
    if (o->b.len && o->b.data[o->b.len - 1] == '\n')
        o->b.data[--o->b.len] = 0;
    return 0;
}

static unsigned handle_events(serve_server *s, const serve_request *rq, serve_answer *out)
{
    filter_args a;
    char why[256];
    if (!read_filter(rq, &a, why, sizeof why))
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "%s", why);
    long limit = number_arg(rq, "limit", DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT);
    if (limit < 0)
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "limit wants a number of events from 1 to %d", MAX_EVENT_LIMIT);
    events_out o = {.limit = limit};
    sbuf_adds(&o.b, "{\"events\":[");
    jirga_error err = {0};
    pthread_mutex_lock(&s->reader_mu);
    int rc = store_query(s->reader, &a.f, flag_arg(rq, "all"), add_event, &o, &err);
    pthread_mutex_unlock(&s->reader_mu);
    if (rc != 0) {
        sbuf_free(&o.b);
        return fail(out, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "the store could not be read: %s", err.message);
    }
    sbuf_printf(&o.b, "],\"count\":%ld,\"truncated\":%s}", o.count, o.truncated ? "true" : "false");
    return answer_json(out, MHD_HTTP_OK, &o.b);
}

/* ---- GET /v1/stats: the store's CSV aggregate as JSON ------------------------------------------ */

/* True when field (n bytes) is a JSON number as store_stats writes them. */
static bool is_number(const char *field, size_t n)
{
    if (n == 0)
        return false;
    size_t i = field[0] == '-';
    if (i == n || !isdigit((unsigned char)field[i]))
        return false;
    bool dot = false;
    for (; i < n; i++) {
        if (field[i] == '.' && !dot && i + 1 < n)
            dot = true;
        else if (!isdigit((unsigned char)field[i]))
            return false;
    }
    return true;
}

static unsigned handle_stats(serve_server *s, const serve_request *rq, serve_answer *out)
{
    filter_args a;
    char why[256];
    if (!read_filter(rq, &a, why, sizeof why))
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "%s", why);
    const char *by_name = query_arg(rq, "by");
    store_period by = STORE_DAY;
    if (!by_name || strcmp(by_name, "day") == 0)
        by_name = "day";
    else if (strcmp(by_name, "week") == 0)
        by = STORE_WEEK;
    else if (strcmp(by_name, "month") == 0)
        by = STORE_MONTH;
    else
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "by is day, week or month, not '%.40s'", by_name);
    sbuf csv = {0};
    long skipped = 0;
    jirga_error err = {0};
    pthread_mutex_lock(&s->reader_mu);
    int rc = store_stats(s->reader, &a.f, by, &csv, &skipped, &err);
    pthread_mutex_unlock(&s->reader_mu);
    if (rc != 0) {
        sbuf_free(&csv);
        return fail(out, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "the store could not be read: %s", err.message);
    }
    /* The header names the columns; each line after it is one period. */
    sbuf b = {0};
    sbuf_printf(&b, "{\"by\":\"%s\",\"skipped\":%ld,\"periods\":[", by_name, skipped);
    const char *names[64];
    size_t name_lens[64], ncols = 0;
    const char *p = csv.data ? csv.data : "", *end = p + csv.len;
    int line = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        size_t col = 0;
        if (line > 0)
            sbuf_adds(&b, line > 1 ? ",{" : "{");
        for (const char *f = p; f <= eol && col < 64; col++) {
            const char *comma = memchr(f, ',', (size_t)(eol - f));
            if (!comma)
                comma = eol;
            if (line == 0) {
                names[col] = f;
                name_lens[col] = (size_t)(comma - f);
                ncols = col + 1;
            } else if (col < ncols) {
                if (col)
                    sbuf_addc(&b, ',');
                out_json_string(&b, names[col], name_lens[col]);
                sbuf_addc(&b, ':');
                if (col > 0 && is_number(f, (size_t)(comma - f)))
                    sbuf_add(&b, f, (size_t)(comma - f));
                else
                    out_json_string(&b, f, (size_t)(comma - f));
            }
            f = comma + 1;
        }
        if (line > 0)
            sbuf_addc(&b, '}');
        line++;
        p = eol + 1;
    }
    sbuf_adds(&b, "]}");
    sbuf_free(&csv);
    return answer_json(out, MHD_HTTP_OK, &b);
}

/* ---- GET /v1/actors: the actor network of the selected events ----------------------------------- */

typedef struct edge {
    char source[24], target[24];
    long events;
    double goldstein;
    long quad[5];
} edge;

typedef struct network {
    edge *edges;
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1 into edges, 0 empty */
    size_t nslots;
} network;

static size_t edge_hash(const char *a, const char *b)
{
    return (size_t)(hash_bytes(a, strlen(a)) * 31 + hash_bytes(b, strlen(b)));
}

static void network_rehash(network *g)
{
    free(g->slots);
    g->nslots = g->nslots ? g->nslots * 2 : 256;
    g->slots = xcalloc(g->nslots, sizeof *g->slots);
    for (size_t i = 0; i < g->n; i++) {
        size_t h = edge_hash(g->edges[i].source, g->edges[i].target) & (g->nslots - 1);
        while (g->slots[h])
            h = (h + 1) & (g->nslots - 1);
        g->slots[h] = i + 1;
    }
}

static int add_edge(void *ctx, const export_event *x)
{
    network *g = ctx;
    const jirga_event *e = &x->event;
    if (!e->source.code[0] || !e->target.code[0])
        return 0;
    if (2 * (g->n + 1) > g->nslots)
        network_rehash(g);
    size_t h = edge_hash(e->source.code, e->target.code) & (g->nslots - 1);
    while (g->slots[h]) {
        edge *ed = &g->edges[g->slots[h] - 1];
        if (strcmp(ed->source, e->source.code) == 0 && strcmp(ed->target, e->target.code) == 0)
            break;
        h = (h + 1) & (g->nslots - 1);
    }
    if (!g->slots[h]) {
        GROW(g->edges, g->cap, g->n + 1);
        edge *ed = &g->edges[g->n++];
        memset(ed, 0, sizeof *ed);
        str_copy(ed->source, sizeof ed->source, e->source.code);
        str_copy(ed->target, sizeof ed->target, e->target.code);
        g->slots[h] = g->n;
    }
    edge *ed = &g->edges[g->slots[h] - 1];
    ed->events++;
    ed->goldstein += e->goldstein;
    if (e->quad >= 1 && e->quad <= 4)
        ed->quad[e->quad]++;
    return 0;
}

static int by_events(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->target, y->target);
}

static unsigned handle_actors(serve_server *s, const serve_request *rq, serve_answer *out)
{
    filter_args a;
    char why[256];
    if (!read_filter(rq, &a, why, sizeof why))
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "%s", why);
    long limit = number_arg(rq, "limit", DEFAULT_EDGE_LIMIT, MAX_EDGE_LIMIT);
    if (limit < 0)
        return fail(out, MHD_HTTP_BAD_REQUEST, NULL, "limit wants a number of edges from 1 to %d", MAX_EDGE_LIMIT);
    network g = {0};
    jirga_error err = {0};
    pthread_mutex_lock(&s->reader_mu);
    int rc = store_query(s->reader, &a.f, false, add_edge, &g, &err);
    pthread_mutex_unlock(&s->reader_mu);
    if (rc != 0) {
        free(g.edges);
        free(g.slots);
        return fail(out, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "the store could not be read: %s", err.message);
    }
    if (g.n)
        qsort(g.edges, g.n, sizeof *g.edges, by_events);
    size_t kept = g.n < (size_t)limit ? g.n : (size_t)limit;
    sbuf b = {0};
    sbuf_adds(&b, "{\"edges\":[");
    for (size_t i = 0; i < kept; i++) {
        edge *ed = &g.edges[i];
        sbuf_adds(&b, i ? ",{\"source\":" : "{\"source\":");
        out_json_string(&b, ed->source, strlen(ed->source));
        sbuf_adds(&b, ",\"target\":");
        out_json_string(&b, ed->target, strlen(ed->target));
        sbuf_printf(&b, ",\"events\":%ld,\"goldstein_sum\":", ed->events);
        sbuf_add_fixed(&b, ed->goldstein, 1);
        sbuf_printf(&b, ",\"quad\":[%ld,%ld,%ld,%ld]}", ed->quad[1], ed->quad[2], ed->quad[3], ed->quad[4]);
    }
    /* The nodes of the kept edges, with the events they take part in. */
    sbuf_adds(&b, "],\"nodes\":[");
    size_t nnodes = 0;
    for (size_t i = 0; i < kept; i++) {
        for (int side = 0; side < 2; side++) {
            const char *code = side ? g.edges[i].target : g.edges[i].source;
            bool seen = false;
            for (size_t k = 0; k < i && !seen; k++)
                seen = strcmp(g.edges[k].source, code) == 0 || strcmp(g.edges[k].target, code) == 0;
            if (seen || (side && strcmp(g.edges[i].source, code) == 0))
                continue;
            long total = 0;
            for (size_t k = 0; k < kept; k++)
                if (strcmp(g.edges[k].source, code) == 0 || strcmp(g.edges[k].target, code) == 0)
                    total += g.edges[k].events;
            sbuf_adds(&b, nnodes++ ? ",{\"id\":" : "{\"id\":");
            out_json_string(&b, code, strlen(code));
            sbuf_printf(&b, ",\"events\":%ld}", total);
        }
    }
    sbuf_printf(&b, "],\"truncated\":%s}", kept < g.n ? "true" : "false");
    free(g.edges);
    free(g.slots);
    return answer_json(out, MHD_HTTP_OK, &b);
}

/* ---- GET /v1/health ------------------------------------------------------------------------- */

static unsigned handle_health(serve_server *s, serve_answer *out)
{
    store_counts counts;
    jirga_error err = {0};
    pthread_mutex_lock(&s->reader_mu);
    int rc = store_get_counts(s->reader, &counts, &err);
    pthread_mutex_unlock(&s->reader_mu);
    if (rc != 0)
        return fail(out, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "the store cannot be read: %s", err.message);
    sbuf b = {0};
    sbuf_printf(&b,
                "{\"status\":\"ok\",\"version\":\"%s\",\"documents\":%ld,\"events\":%ld,\"daily_events\":%ld,"
                "\"in_flight\":%d,\"requests\":%lu}",
                JIRGA_VERSION, counts.documents, counts.events, counts.daily_events, atomic_load(&s->in_flight),
                atomic_load(&s->requests));
    return answer_json(out, MHD_HTTP_OK, &b);
}

/* ---- The web page ------------------------------------------------------------------------- */

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},   {".png", "image/png"},
                 {".svg", "image/svg+xml"},             {".json", "application/json; charset=utf-8"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "text/plain; charset=utf-8";
}

static const serve_file *find_file(const char *url)
{
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    for (size_t i = 0; i < serve_nfiles; i++)
        if (strcmp(serve_files[i].path, url) == 0)
            return &serve_files[i];
    return NULL;
}

/* ---- Routing: one request to one answer, without the connection ------------------------------ */

/* A body announced larger than the limit is refused on its headers, before it is read. */
static bool refuse_on_headers(serve_server *s, const char *content_length, serve_answer *out)
{
    if (!content_length || strtoull(content_length, NULL, 10) <= s->opts.max_body)
        return false;
    fail(out, HTTP_TOO_LARGE, NULL, "the request body is larger than %zu bytes (jirga serve --max-body)",
         s->opts.max_body);
    return true;
}

static unsigned route(serve_server *s, const serve_request *rq, serve_answer *out)
{
    const char *url = rq->path, *method = rq->method;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
    static const struct {
        const char *path;
        bool post;
    } api[] = {{"/v1/code", true},    {"/v1/ingest", true}, {"/v1/events", false},
               {"/v1/stats", false},  {"/v1/actors", false}, {"/v1/health", false}};
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        if (strcmp(url, api[i].path) != 0)
            continue;
        if (api[i].post ? !post : !get)
            return fail(out, MHD_HTTP_METHOD_NOT_ALLOWED, api[i].post ? "POST" : "GET, HEAD",
                        "%s takes %s, not %s", url, api[i].post ? "POST" : "GET", method);
        if (rq->too_large)
            return fail(out, HTTP_TOO_LARGE, NULL,
                        "the request body is larger than %zu bytes (jirga serve --max-body)", s->opts.max_body);
        switch (i) {
        case 0: return handle_code(s, rq, out);
        case 1: return handle_ingest(s, rq, out);
        case 2: return handle_events(s, rq, out);
        case 3: return handle_stats(s, rq, out);
        case 4: return handle_actors(s, rq, out);
        default: return handle_health(s, out);
        }
    }
    const serve_file *f = find_file(url);
    if (f && !get)
        return fail(out, MHD_HTTP_METHOD_NOT_ALLOWED, "GET, HEAD", "%s takes GET, not %s", url, method);
    if (f) {
        *out = (serve_answer){.status = MHD_HTTP_OK, .content_type = content_type(f->path),
                              .body = (char *)(uintptr_t)f->data, .body_len = f->len, .file = f};
        return MHD_HTTP_OK;
    }
    return fail(out, MHD_HTTP_NOT_FOUND, NULL,
                "no such page or endpoint: %.200s (the API is /v1/code, /v1/ingest, /v1/events, /v1/stats, "
                "/v1/actors, /v1/health; docs/serve.md)",
                url);
}

void serve_handle(serve_server *s, const serve_request *rq, serve_answer *out)
{
    memset(out, 0, sizeof *out);
    if (!refuse_on_headers(s, rq->content_length, out))
        route(s, rq, out);
}

/* ---- A request from its request line (serve_handle_url) ------------------------------------- */

/* The arguments of a query string, split and decoded in place. */
typedef struct url_query {
    struct url_arg {
        const char *key, *value; /* value NULL for "?key" without '=' */
        size_t key_len;          /* decoded, NUL bytes included */
    } *args;
    size_t n, cap;
} url_query;

static void unescape_plus(char *s)
{
    for (; *s; s++)
        if (*s == '+')
            *s = ' ';
}

/* As libmicrohttpd (0.9.75, MHD_parse_arguments_) reads a query string: arguments split on
 * '&', the key from its value on the first '=', '+' a space, %XX decoded by
 * MHD_http_unescape (a malformed escape is kept as it is). */
static void parse_query(char *q, url_query *out)
{
    while (q && *q) {
        char *amp = strchr(q, '&');
        if (amp)
            *amp++ = 0;
        char *eq = strchr(q, '=');
        if (eq)
            *eq++ = 0;
        unescape_plus(q);
        size_t key_len = MHD_http_unescape(q);
        if (eq) {
            unescape_plus(eq);
            MHD_http_unescape(eq);
        }
        GROW(out->args, out->cap, out->n + 1);
        out->args[out->n++] = (struct url_arg){.key = q, .value = eq, .key_len = key_len};
        q = amp;
    }
}

/* As MHD_lookup_connection_value: the first argument of that name, case-insensitive. */
static const char *url_query_get(void *ctx, const char *name)
{
    const url_query *q = ctx;
    size_t n = strlen(name);
    for (size_t i = 0; i < q->n; i++)
        if (q->args[i].key_len == n && strncasecmp(q->args[i].key, name, n) == 0)
            return q->args[i].value;
    return NULL;
}

void serve_handle_url(serve_server *s, const char *method, const char *url, const char *content_type,
                      const char *content_length, const char *body, size_t body_len, serve_answer *out)
{
    char *path = xstrdup(url);
    char *query = strchr(path, '?');
    url_query q = {0};
    if (query) {
        *query++ = 0;
        parse_query(query, &q);
    }
    MHD_http_unescape(path);
    bool too_large = body_len > s->opts.max_body; /* a body past the limit is dropped as it comes */
    serve_request rq = {.method = method, .path = path, .content_type = content_type,
                        .content_length = content_length, .arg = url_query_get, .arg_ctx = &q,
                        .body = too_large ? NULL : body, .body_len = too_large ? 0 : body_len,
                        .too_large = too_large};
    serve_handle(s, &rq, out);
    free(q.args);
    free(path);
}

/* ---- libmicrohttpd ------------------------------------------------------------------------ */

/* Queues the answer (its body consumed) on the connection. */
static enum MHD_Result respond(serve_server *s, struct MHD_Connection *c, serve_answer *a)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(a->body_len, a->body,
                                                             a->file ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (!r) {
        serve_answer_free(a);
        return MHD_NO;
    }
    a->body = NULL; /* libmicrohttpd frees it */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, a->file ? "no-cache" : "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (a->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, a->allow);
    if (atomic_load(&s->stopping))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(c, a->status, r);
    MHD_destroy_response(r);
    atomic_fetch_add(&s->requests, 1);
    serve_answer_free(a);
    return ok;
}

static const char *connection_arg(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* A request goes: the first call (headers) → body chunks gathered into pending's buffer
 * (counted and dropped once past the limit) → the last call (no data) answers it with
 * serve_handle → on_done frees it. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    serve_server *s = cls;
    pending *p = *con_cls;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!p) { /* the first call: headers only */
        p = xcalloc(1, sizeof *p);
        *con_cls = p;
        atomic_fetch_add(&s->in_flight, 1);
        serve_answer a;
        if (refuse_on_headers(s, length, &a)) {
            p->too_large = p->answered = true;
            return respond(s, c, &a);
        }
        return MHD_YES;
    }
    if (p->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) { /* a chunk of the body; past the limit it is counted, not kept */
        p->body_bytes += *upload_data_size;
        if (p->body_bytes > s->opts.max_body) {
            p->too_large = true;
            sbuf_free(&p->body);
        } else {
            sbuf_add(&p->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    serve_request rq = {.method = method, .path = url,
                        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
                        .content_length = length, .arg = connection_arg, .arg_ctx = c,
                        .body = p->body.data, .body_len = p->body.len, .too_large = p->too_large};
    serve_answer a;
    serve_handle(s, &rq, &a);
    return respond(s, c, &a);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)c;
    (void)why;
    serve_server *s = cls;
    pending *p = *con_cls;
    if (!p)
        return;
    sbuf_free(&p->body);
    free(p);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    serve_server *s = cls;
    if (!s->opts.log)
        return;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = 0;
    s->opts.log(s->opts.log_ctx, line);
}

/* ---- Start and stop ------------------------------------------------------------------------ */

static void free_server(serve_server *s)
{
    store_close(s->writer);
    store_close(s->reader);
    for (size_t i = 0; i < s->ncoders; i++)
        jirga_coder_free(s->coders[i]);
    free(s->coders);
    pthread_mutex_destroy(&s->writer_mu);
    pthread_mutex_destroy(&s->reader_mu);
    pthread_mutex_destroy(&s->coders_mu);
    free(s);
}

serve_server *serve_new(const serve_options *opts, jirga_error *err)
{
    memset(err, 0, sizeof *err);
    serve_server *s = xcalloc(1, sizeof *s);
    s->opts = *opts;
    if (!s->opts.bind_addr)
        s->opts.bind_addr = "127.0.0.1";
    if (!s->opts.max_body)
        s->opts.max_body = SERVE_DEFAULT_MAX_BODY;
    if (!s->opts.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->opts.threads = n > 0 && n < 64 ? (unsigned)n : 2;
    }
    pthread_mutex_init(&s->writer_mu, NULL);
    pthread_mutex_init(&s->reader_mu, NULL);
    pthread_mutex_init(&s->coders_mu, NULL);
    if (!(s->writer = store_open(s->opts.db_path, true, err)) || !(s->reader = store_open(s->opts.db_path, false, err))) {
        free_server(s);
        return NULL;
    }
    return s;
}

serve_server *serve_start(const serve_options *opts, jirga_error *err)
{
    serve_server *s = serve_new(opts, err);
    if (!s)
        return NULL;
    /* The address to listen on: numeric only, so nothing is looked up. */
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    if (s->opts.port > 65535) {
        snprintf(err->message, sizeof err->message, "port %u is not a TCP port (0 to 65535)", s->opts.port);
        err->code = 1;
        free_server(s);
        return NULL;
    }
    if (inet_pton(AF_INET, s->opts.bind_addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)s->opts.port);
    } else if (inet_pton(AF_INET6, s->opts.bind_addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)s->opts.port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err->message, sizeof err->message,
                 "--bind wants a numeric IPv4 or IPv6 address (127.0.0.1, ::1, 0.0.0.0), not '%.100s'",
                 s->opts.bind_addr);
        err->code = 1;
        free_server(s);
        return NULL;
    }
    s->daemon = MHD_start_daemon(flags, (uint16_t)s->opts.port, NULL, NULL, on_request, s,
                                 MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, s->opts.threads,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        snprintf(err->message, sizeof err->message, "cannot listen on %s port %u: %s%s", s->opts.bind_addr,
                 s->opts.port, e ? strerror(e) : "libmicrohttpd could not start",
                 e == EADDRINUSE ? " (another program has it: pick another with --port)" : "");
        err->code = 1;
        free_server(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->opts.port;
    return s;
}

unsigned serve_port(const serve_server *s) { return s->port; }

unsigned long serve_requests(const serve_server *s) { return atomic_load(&s->requests); }

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

void serve_stop(serve_server *s)
{
    if (!s)
        return;
    if (!s->daemon) { /* serve_new: nothing listens, nothing is in flight */
        free_server(s);
        return;
    }
    atomic_store(&s->stopping, true);
    /* No new connections; the ones open finish what they were sent. A request counts from
     * its headers to its answer's last byte; the count must stay at zero for a moment, so
     * that a request arriving on a kept-alive connection is not cut. */
    MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    int quiet_ms = 0;
    for (long waited = 0; waited < STOP_WAIT_MS && quiet_ms < 200; waited += 20) {
        sleep_ms(20);
        quiet_ms = atomic_load(&s->in_flight) == 0 ? quiet_ms + 20 : 0;
    }
    if (atomic_load(&s->in_flight))
        logf_(s, "stopping with %d request(s) still in flight after %d s", atomic_load(&s->in_flight),
              STOP_WAIT_MS / 1000);
    MHD_stop_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    free_server(s);
}
