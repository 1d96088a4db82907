/*
 * serve.h — the HTTP API and the web page of `jirga serve`, at the end of the pipeline
 * beside the writers and the store: documents come in over HTTP, are coded with the one
 * loaded dictionary, and go out as the event record (src/out/) or into the event store
 * (src/store/); the store's queries and aggregates go out as JSON. docs/serve.md is the
 * API reference.
 *
 * libmicrohttpd does HTTP (a pool of threads, one request at a time per thread). Each
 * request that codes takes a coder from a pool (one coder is used by one thread at a
 * time; the dictionary is shared, read-only). The store is opened twice: one connection
 * writes (ingests, one transaction per request, in turn), one reads (queries); each is
 * used under its own mutex, and WAL lets reads go on while a write commits.
 *
 * The web page (web/) is compiled into the binary: tools/embed.c turns every file of
 * web/ into the table serve_files (build/gen/web_files.c).
 */
#ifndef JIRGA_SERVE_H
#define JIRGA_SERVE_H

#include "../../include/jirga.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct serve_file {
    const char *path; /* "/index.html", "/vendor/uplot.iife.min.js" */
    const unsigned char *data;
    size_t len;
} serve_file;

typedef struct serve_options {
    const jirga_dict *dict; /* borrowed; must outlive the server */
    const char *db_path;    /* the event store, created when missing */
    const char *bind_addr;  /* numeric IPv4 or IPv6 address; NULL: 127.0.0.1 */
    unsigned port;          /* 0: a free port, see serve_port */
    size_t max_body;        /* largest request body in bytes; 0: SERVE_DEFAULT_MAX_BODY */
    unsigned threads;       /* request threads; 0: the number of cores */
    /* Called with a line for each thing worth telling an operator (a failed write, a
     * libmicrohttpd error); may be NULL. Called from any request thread. */
    void (*log)(void *ctx, const char *message);
    void *log_ctx;
} serve_options;

enum { SERVE_DEFAULT_MAX_BODY = 4 << 20 };

typedef struct serve_server serve_server;

/* Opens the store without listening: a server that answers only serve_handle and
 * serve_handle_url (tests/fuzz/fuzz_http.c). bind_addr, port and threads are not used.
 * Owned by the caller, free with serve_stop. NULL with err filled when the store fails. */
serve_server *serve_new(const serve_options *opts, jirga_error *err);

/* Opens the store and starts listening. Returns NULL and fills err (with the address,
 * the port or the store path in the message) on failure. Owned by the caller, stop and
 * free with serve_stop. */
serve_server *serve_start(const serve_options *opts, jirga_error *err);

/* The port the server listens on (the chosen one when opts.port was 0). */
unsigned serve_port(const serve_server *s);

/* Requests answered so far. */
unsigned long serve_requests(const serve_server *s);

/* Graceful stop: stops accepting connections, lets the requests in flight finish (an
 * ingest in flight is committed and answered; up to 30 s), then closes the store and
 * frees everything. NULL is a no-op. */
void serve_stop(serve_server *s);

/* ---- One request, without sockets ------------------------------------------------------ */

/* A request as the handlers see it: the libmicrohttpd callback fills one from the
 * connection, serve_handle_url from a request line. Every pointer is borrowed for the call. */
typedef struct serve_request {
    const char *method;         /* "GET", "HEAD", "POST", ... */
    const char *path;           /* decoded, without the query string: "/v1/events" */
    const char *content_type;   /* the Content-Type header; NULL when absent */
    const char *content_length; /* the Content-Length header; NULL when absent */
    /* A query argument by name, decoded; NULL when absent. */
    const char *(*arg)(void *ctx, const char *name);
    void *arg_ctx;
    const char *body; /* body_len bytes; NULL when empty */
    size_t body_len;
    bool too_large; /* the body went past max_body and was dropped */
} serve_request;

/* An answer: JSON ({"error": ..., "status": N} for a failure), or a file of the web page. */
typedef struct serve_answer {
    unsigned status;          /* 200, 400, 404, 405, 413; 500 when the store fails, 503 from /v1/health */
    const char *content_type; /* static */
    const char *allow;        /* the Allow header of a 405 (static); NULL otherwise */
    char *body;               /* body_len bytes, owned (free with serve_answer_free) unless file is set */
    size_t body_len;
    const serve_file *file; /* the page's file whose data body is */
} serve_answer;

/* Answers one request: what the server sends for it, the same function its libmicrohttpd
 * callback calls once the body is in. Takes the server's locks as a request thread does. */
void serve_handle(serve_server *s, const serve_request *rq, serve_answer *out);

/* The same from the target of a request line, "/v1/events?from=2021&actor=USA": the query
 * string is split and decoded as libmicrohttpd does (docs in serve.c), and a body longer
 * than max_body is dropped and refused as one sent in chunks. */
void serve_handle_url(serve_server *s, const char *method, const char *url, const char *content_type,
                      const char *content_length, const char *body, size_t body_len, serve_answer *out);

/* Frees the answer's body; NULL is a no-op. */
void serve_answer_free(serve_answer *a);

/* ---- The embedded web page (generated by tools/embed.c; serve_file above) --------------- */

extern const serve_file serve_files[];
extern const size_t serve_nfiles;

#endif
