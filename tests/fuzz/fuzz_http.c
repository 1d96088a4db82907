/*
 * fuzz_http.c — libFuzzer target for the request handling of `jirga serve` (src/serve/):
 * each input is a few HTTP requests, each answered by serve_handle_url, which calls
 * serve_handle, the function the libmicrohttpd callback answers with, without sockets.
 * The server (serve_new) codes with the project dictionary and keeps a store in a
 * temporary directory; each input starts with an empty store (its rows deleted after an
 * input that ingested, much faster than a new file), so that an input replays alone. Its
 * --max-body is 4096 bytes, so that bodies past the limit are fuzzed too.
 *
 * The input is up to 8 requests, each ended by a line "----" (the last by the end of the
 * input), so that an ingest and the queries that read it are one input. A request is
 * written as one, so that seeds can be read and written by hand:
 *
 *     METHOD TARGET            a line: the method up to the first space, then the target
 *     Content-Type: VALUE      (path and query string, as on a request line); header
 *     Content-Length: VALUE    lines up to an empty line, of which only these two are
 *                              read (names in any case); "\r\n" ends a line too
 *     (empty line)
 *     BODY                     every byte after the empty line, NUL bytes included
 *
 * A request line or header cut short by a NUL byte ends there. With no empty line there is
 * no body.
 *
 * Checks: the status is 200, 400, 404, 405 or 413 (500 and 503 are only for a store that
 * fails, which a temporary store does not); a 405 names what the path takes in Allow; a
 * file of the web page is sent only to GET or HEAD; every other answer is one line of
 * valid JSON (to jansson, which also rejects invalid UTF-8), an object: {"error",
 * "status"} for a failure, and for a success the shape of its endpoint (the events and
 * sentences of /v1/code, the counts of /v1/ingest, ...). Each request is answered twice in
 * a row, and both answers must be the same bytes: the server reuses its coders from one
 * request to the next, and ingesting the same documents again replaces them.
 *
 * FUZZ_HTTP_PRINT=1 prints each request and the start of its answer on stderr.
 */
#include "fuzz.h"

#include "jirga.h"
#include "serve/serve.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <strings.h>

enum { MAX_BODY = 4096, MAX_REQUESTS = 8 };

static jirga_dict *dict;
static serve_server *server;
static char db_path[600];
static int ingests; /* ingests answered 200 since the store was emptied */
static bool print_answers; /* FUZZ_HTTP_PRINT=1: each request and its answer on stderr */

static void remove_store(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[700];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
}

static void open_server(void)
{
    serve_stop(server);
    remove_store();
    serve_options opts = {.dict = dict, .db_path = db_path, .max_body = MAX_BODY};
    jirga_error err;
    server = serve_new(&opts, &err);
    if (!server) {
        fprintf(stderr, "fuzz_http: %s\n", err.message);
        abort();
    }
    ingests = 0;
}

/* Deletes every row of the store but its meta table, on a connection of its own: every
 * table but the FTS5 index's own (named after it), which follows its virtual table. (The
 * schema has no AUTOINCREMENT: row ids start again from 1.) */
static void empty_store(void)
{
    sqlite3 *db;
    FUZZ_CHECK(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    FUZZ_CHECK(sqlite3_prepare_v2(db,
                                  "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta' AND "
                                  "name NOT GLOB 'sqlite_*' AND name NOT GLOB '*_fts_*'",
                                  -1, &st, NULL) == SQLITE_OK);
    char sql[4096] = "BEGIN;";
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t n = strlen(sql);
        snprintf(sql + n, sizeof sql - n, " DELETE FROM \"%s\";", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    strncat(sql, " COMMIT;", sizeof sql - strlen(sql) - 1);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "fuzz_http: emptying the store: %s\n", msg ? msg : sqlite3_errmsg(db));
    FUZZ_CHECK(rc == SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
    ingests = 0;
}

static void cleanup(void)
{
    serve_stop(server);
    server = NULL;
    remove_store();
    rmdir(fuzz_tmpdir());
    jirga_dict_free(dict);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    dict = fuzz_project_dict("fuzz_http");
    snprintf(db_path, sizeof db_path, "%s/events.db", fuzz_tmpdir());
    open_server();
    atexit(cleanup);
    print_answers = getenv("FUZZ_HTTP_PRINT") && *getenv("FUZZ_HTTP_PRINT") == '1';
    return 0;
}

/* ---- The input as a request ------------------------------------------------------------ */

typedef struct request {
    char *method, *target, *content_type, *content_length; /* owned; the headers NULL when absent */
    const uint8_t *body;                                  /* borrowed from the input */
    size_t body_len;
} request;

/* The next line of [*at, end) without its "\n" or "\r\n", as a string cut at a NUL byte. */
static char *next_line(const uint8_t **at, const uint8_t *end, bool *last)
{
    const uint8_t *nl = memchr(*at, '\n', (size_t)(end - *at));
    const uint8_t *stop = nl ? nl : end;
    size_t n = (size_t)(stop - *at);
    if (n && (*at)[n - 1] == '\r')
        n--;
    char *line = strndup((const char *)*at, n);
    *at = nl ? nl + 1 : end;
    *last = nl == NULL;
    return line;
}

static const char *header_value(const char *line, const char *name)
{
    size_t n = strlen(name);
    if (strncasecmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    line += n + 1;
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

static void read_request(const uint8_t *data, size_t size, request *rq)
{
    memset(rq, 0, sizeof *rq);
    const uint8_t *at = data, *end = data + size;
    bool last;
    char *line = next_line(&at, end, &last);
    char *space = strchr(line, ' ');
    rq->target = strdup(space ? space + 1 : "");
    if (space)
        *space = 0;
    rq->method = line;
    /* "GET /v1/health HTTP/1.1": the version is not part of the target */
    char *version = strchr(rq->target, ' ');
    if (version)
        *version = 0;
    while (!last) {
        line = next_line(&at, end, &last);
        if (!line[0]) {
            free(line);
            rq->body = at;
            rq->body_len = (size_t)(end - at);
            return;
        }
        const char *v;
        if ((v = header_value(line, "Content-Type")) && !rq->content_type)
            rq->content_type = strdup(v);
        else if ((v = header_value(line, "Content-Length")) && !rq->content_length)
            rq->content_length = strdup(v);
        free(line);
    }
}

static void request_free(request *rq)
{
    free(rq->method);
    free(rq->target);
    free(rq->content_type);
    free(rq->content_length);
}

/* ---- The answer's invariants ------------------------------------------------------------ */

static bool is_count(json_t *v) { return json_is_integer(v) && json_integer_value(v) >= 0; }

static bool all_objects(json_t *array)
{
    if (!json_is_array(array))
        return false;
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v) if (!json_is_object(v)) return false;
    return true;
}

/* One coded document of /v1/code: {"doc", "date", "sentences": [strings], "events": [...]}. */
static void check_coded(json_t *doc)
{
    FUZZ_CHECK(json_is_object(doc));
    FUZZ_CHECK(json_is_string(json_object_get(doc, "doc")));
    json_t *date = json_object_get(doc, "date");
    FUZZ_CHECK(json_is_string(date) || json_is_null(date));
    json_t *sentences = json_object_get(doc, "sentences"), *s;
    FUZZ_CHECK(json_is_array(sentences));
    size_t i;
    json_array_foreach(sentences, i, s) FUZZ_CHECK(json_is_string(s));
    json_t *events = json_object_get(doc, "events"), *e;
    FUZZ_CHECK(all_objects(events));
    json_array_foreach(events, i, e)
    {
        json_t *sentence = json_object_get(e, "sentence");
        FUZZ_CHECK(sentence == NULL ||
                   (json_is_integer(sentence) && json_integer_value(sentence) >= 1 &&
                    (size_t)json_integer_value(sentence) <= json_array_size(sentences)));
    }
}

/* A success of an endpoint: the shape docs/serve.md gives it. */
static void check_success(const char *method, json_t *root)
{
    json_t *v;
    if (strcmp(method, "POST") == 0) { /* /v1/code or /v1/ingest */
        if ((v = json_object_get(root, "events")) && json_is_array(v)) {
            check_coded(root);
        } else if ((v = json_object_get(root, "documents")) && json_is_array(v)) {
            FUZZ_CHECK(json_array_size(v) >= 2); /* one document is answered alone */
            size_t i;
            json_t *doc;
            json_array_foreach(v, i, doc) check_coded(doc);
        } else {
            FUZZ_CHECK(json_integer_value(json_object_get(root, "documents")) >= 1);
            FUZZ_CHECK(is_count(json_object_get(root, "events")));
            ingests++;
        }
        return;
    }
    if ((v = json_object_get(root, "events")) && json_is_array(v)) { /* /v1/events */
        FUZZ_CHECK(all_objects(v));
        FUZZ_CHECK(json_integer_value(json_object_get(root, "count")) == (json_int_t)json_array_size(v));
        FUZZ_CHECK(json_is_boolean(json_object_get(root, "truncated")));
    } else if ((v = json_object_get(root, "periods"))) { /* /v1/stats */
        FUZZ_CHECK(all_objects(v));
        FUZZ_CHECK(json_is_string(json_object_get(root, "by")) && is_count(json_object_get(root, "skipped")));
    } else if ((v = json_object_get(root, "edges"))) { /* /v1/actors */
        FUZZ_CHECK(all_objects(v) && all_objects(json_object_get(root, "nodes")));
        FUZZ_CHECK(json_is_boolean(json_object_get(root, "truncated")));
    } else { /* /v1/health */
        FUZZ_CHECK(json_is_string(json_object_get(root, "status")));
        FUZZ_CHECK(is_count(json_object_get(root, "documents")) && is_count(json_object_get(root, "events")));
    }
}

static void check_answer(const request *rq, const serve_answer *a)
{
    unsigned st = a->status;
    if (!(st == 200 || st == 400 || st == 404 || st == 405 || st == 413))
        fprintf(stderr, "status %u: %.*s\n", st, (int)(a->body_len < 600 ? a->body_len : 600), a->body);
    FUZZ_CHECK(st == 200 || st == 400 || st == 404 || st == 405 || st == 413);
    FUZZ_CHECK(a->content_type != NULL && (a->body != NULL || a->body_len == 0));
    FUZZ_CHECK((st == 405) == (a->allow != NULL));
    if (a->file) {
        FUZZ_CHECK(st == 200 && (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0));
        FUZZ_CHECK(a->body == (const char *)a->file->data && a->body_len == a->file->len);
        return;
    }
    FUZZ_CHECK(strncmp(a->content_type, "application/json", 16) == 0);
    FUZZ_CHECK(a->body_len >= 3 && a->body[a->body_len - 1] == '\n');
    FUZZ_CHECK(memchr(a->body, '\n', a->body_len - 1) == NULL);
    json_error_t err;
    json_t *root = json_loadb(a->body, a->body_len, 0, &err);
    if (!root)
        fprintf(stderr, "invalid JSON answer (%s): %.*s", err.text, (int)a->body_len, a->body);
    FUZZ_CHECK(root != NULL && json_is_object(root));
    json_t *error = json_object_get(root, "error");
    if (st != 200) {
        FUZZ_CHECK(json_is_string(error) && json_string_length(error) > 0);
        FUZZ_CHECK(json_integer_value(json_object_get(root, "status")) == st);
    } else {
        FUZZ_CHECK(error == NULL);
        check_success(rq->method, root);
    }
    json_decref(root);
}

static void answer_request(const uint8_t *data, size_t size)
{
    request rq;
    read_request(data, size, &rq);
    /* An exact-size copy of the body, so that reading past its end is reported. */
    char *body = rq.body_len ? malloc(rq.body_len) : NULL;
    if (body)
        memcpy(body, rq.body, rq.body_len);
    serve_answer a;
    serve_handle_url(server, rq.method, rq.target, rq.content_type, rq.content_length, body, rq.body_len, &a);
    if (print_answers)
        fprintf(stderr, "%s %s -> %u %.*s\n", rq.method, rq.target, a.status,
                a.file ? 6 : (int)(a.body_len < 300 ? a.body_len - 1 : 300), a.file ? "(file)" : a.body);
    check_answer(&rq, &a);
    /* The same request again gets the same answer: a coder taken from the pool keeps
     * nothing of the document before, and an ingest again replaces what it wrote. */
    serve_answer again;
    serve_handle_url(server, rq.method, rq.target, rq.content_type, rq.content_length, body, rq.body_len, &again);
    if (again.status != a.status || again.body_len != a.body_len || memcmp(again.body, a.body, a.body_len) != 0)
        fprintf(stderr, "first answer:  %u %.*s\nsecond answer: %u %.*s\n", a.status, (int)a.body_len, a.body,
                again.status, (int)again.body_len, again.body);
    FUZZ_CHECK(again.status == a.status && again.body_len == a.body_len && memcmp(again.body, a.body, a.body_len) == 0);
    serve_answer_free(&again);
    serve_answer_free(&a);
    free(body);
    request_free(&rq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ingests)
        empty_store();
    static const char separator[] = "\n----\n";
    size_t sep = sizeof separator - 1;
    for (int n = 1; n <= MAX_REQUESTS; n++) {
        const uint8_t *end = n < MAX_REQUESTS ? memmem(data, size, separator, sep) : NULL;
        size_t len = end ? (size_t)(end - data) : size;
        answer_request(data, len);
        if (!end)
            break;
        data += len + sep;
        size -= len + sep;
    }
    return 0;
}
