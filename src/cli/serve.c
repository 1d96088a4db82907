/* serve.c — `jirga serve`: the HTTP API and the web page (src/serve/, docs/serve.md)
 * over one loaded dictionary and one event store, until SIGTERM or SIGINT, which stop it
 * gracefully: requests in flight finish, the store is closed cleanly. */
#include "store_cli.h"

#include "../serve/serve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int serve_usage(void)
{
    fprintf(stderr, "usage: jirga serve [--db FILE] [--port N] [--bind ADDR] [--max-body BYTES] [--threads N]\n"
                    "                   [--dict DIR]\n"
                    "  --port 0 picks a free port; the first line printed names the address.\n");
    return EXIT_USAGE;
}

static void print_log(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "jirga serve: %s\n", message);
}

/* A whole number from min to max, or -1. */
static long long number(const char *v, long long min, long long max)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return *v && !*end && !errno && n >= min && n <= max ? n : -1;
}

int cmd_serve(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *db = CLI_DEFAULT_DB;
    serve_options opts = {.bind_addr = "127.0.0.1", .port = 8080, .log = print_log};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_db_option(argc, argv, &i, &db) || cli_dict_option(argc, argv, &i, &choice))
            continue;
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--port") == 0 && has_value) {
            long long p = number(argv[++i], 0, 65535);
            if (p < 0) {
                fprintf(stderr, "jirga serve: --port wants a TCP port from 0 (any free one) to 65535, not '%s'\n",
                        argv[i]);
                return EXIT_USAGE;
            }
            opts.port = (unsigned)p;
        } else if (strcmp(a, "--bind") == 0 && has_value) {
            opts.bind_addr = argv[++i];
        } else if (strcmp(a, "--max-body") == 0 && has_value) {
            long long m = number(argv[++i], 1, 1LL << 30);
            if (m < 0) {
                fprintf(stderr, "jirga serve: --max-body wants a number of bytes from 1 to 1073741824, not '%s'\n",
                        argv[i]);
                return EXIT_USAGE;
            }
            opts.max_body = (size_t)m;
        } else if (strcmp(a, "--threads") == 0 && has_value) {
            long long t = number(argv[++i], 1, 64);
            if (t < 0) {
                fprintf(stderr, "jirga serve: --threads wants a number from 1 to 64, not '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
            opts.threads = (unsigned)t;
        } else {
            fprintf(stderr, "jirga serve: unknown option or missing value '%s'\n", a);
            return serve_usage();
        }
    }
    /* The signals are taken by sigwait below, never by a request thread. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up is libmicrohttpd's business */

    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict)
        return EXIT_USAGE;
    opts.dict = dict;
    opts.db_path = db;
    jirga_error err;
    serve_server *server = serve_start(&opts, &err);
    if (!server) {
        fprintf(stderr, "jirga serve: %s\n", err.message);
        jirga_dict_free(dict);
        return EXIT_USAGE;
    }
    bool v6 = strchr(opts.bind_addr, ':') != NULL;
    printf("jirga serve: listening on http://%s%s%s:%u/ (store %s); SIGTERM or Ctrl-C stops\n", v6 ? "[" : "",
           opts.bind_addr, v6 ? "]" : "", serve_port(server), db);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    fprintf(stderr, "jirga serve: %s after %lu request(s): finishing the requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT", serve_requests(server));
    serve_stop(server);
    fprintf(stderr, "jirga serve: stopped; the store is closed\n");
    jirga_dict_free(dict);
    return EXIT_OK;
}
