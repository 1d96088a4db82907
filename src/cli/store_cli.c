/* store_cli.c — options and output shared by ingest, query, stats, export and
 * `code --format` (see store_cli.h). */
#include "store_cli.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cli_db_option(int argc, char **argv, int *i, const char **db)
{
    if (strcmp(argv[*i], "--db") == 0 && *i + 1 < argc) {
        *db = argv[++*i];
        return true;
    }
    if (strncmp(argv[*i], "--db=", 5) == 0) {
        *db = argv[*i] + 5;
        return true;
    }
    return false;
}

/* Upper-cases a code in place; false when it holds anything but letters and digits. */
static bool code_arg(char *s)
{
    if (!*s)
        return false;
    for (char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p))
            return false;
        *p = (char)toupper((unsigned char)*p);
    }
    return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD. */
static bool date_arg(const char *s)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int cli_filter_option(const char *cmd, int argc, char **argv, int *i, store_filter *f)
{
    const char *a = argv[*i];
    if (strcmp(a, "--both") == 0) {
        f->both_directions = true;
        return 1;
    }
    static const char *const with_value[] = {"--from", "--to",   "--actor", "--dyad", "--country", "--role",
                                             "--cameo", "--root", "--quad",  "--text"};
    bool known = false;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        known = known || strcmp(a, with_value[k]) == 0;
    if (!known)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "jirga %s: %s needs a value\n", cmd, a);
        return -1;
    }
    char *v = argv[++*i];
    if (strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) {
        if (!date_arg(v)) {
            fprintf(stderr, "jirga %s: %s wants YYYY, YYYY-MM or YYYY-MM-DD, not '%s'\n", cmd, a, v);
            return -1;
        }
        *(strcmp(a, "--from") == 0 ? &f->from : &f->to) = v;
    } else if (strcmp(a, "--dyad") == 0) {
        char *dash = strchr(v, '-');
        if (dash)
            *dash = 0;
        if (!dash || !code_arg(v) || !code_arg(dash + 1)) {
            fprintf(stderr, "jirga %s: --dyad wants two actor codes, SOURCE-TARGET (USA-AFG, USAGOV-AFGINS)\n", cmd);
            return -1;
        }
        f->dyad_source = v;
        f->dyad_target = dash + 1;
    } else if (strcmp(a, "--quad") == 0) {
        if (strlen(v) != 1 || v[0] < '1' || v[0] > '4') {
            fprintf(stderr, "jirga %s: --quad wants a QuadClass from 1 to 4, not '%s'\n", cmd, v);
            return -1;
        }
        f->quad = v[0] - '0';
    } else if (strcmp(a, "--root") == 0) {
        if (strlen(v) == 1 && isdigit((unsigned char)v[0])) { /* 4 means 04 */
            static char roots[10][3];
            snprintf(roots[v[0] - '0'], sizeof roots[0], "0%c", v[0]);
            v = roots[v[0] - '0'];
        }
        if (strlen(v) != 2 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1])) {
            fprintf(stderr, "jirga %s: --root wants a CAMEO root code from 01 to 20, not '%s'\n", cmd, v);
            return -1;
        }
        f->root = v;
    } else if (strcmp(a, "--text") == 0) {
        f->text = v;
    } else {
        if (!code_arg(v)) {
            fprintf(stderr, "jirga %s: %s wants a code of letters and digits, not '%s'\n", cmd, a, v);
            return -1;
        }
        if (strcmp(a, "--actor") == 0)
            f->actor = v;
        else if (strcmp(a, "--country") == 0)
            f->country = v;
        else if (strcmp(a, "--role") == 0)
            f->role = v;
        else
            f->cameo = v;
    }
    return 1;
}

export_plover *cli_plover_load(const dict_choice *choice)
{
    char buf[PATH_MAX + 32], path[PATH_MAX + 64];
    const char *dir = cli_dict_dir(choice, buf, sizeof buf);
    snprintf(path, sizeof path, "%s/../cameo.tsv", dir);
    jirga_error err = {0};
    export_plover *p = export_plover_load(path, &err);
    if (!p)
        fprintf(stderr, "jirga: %s\n", err.message);
    return p;
}

typedef struct writer {
    sbuf out;
    export_format format;
    const export_plover *plover;
    long events;
} writer;

static int write_one(void *ctx, const export_event *e)
{
    writer *w = ctx;
    export_event_write(&w->out, w->format, e, w->plover);
    w->events++;
    if (w->out.len >= 1 << 16) {
        fwrite(w->out.data, 1, w->out.len, stdout);
        sbuf_reset(&w->out);
    }
    return 0;
}

int cli_write_events(const char *cmd, store *s, const store_filter *f, bool all, export_format format,
                     const export_plover *plover)
{
    writer w = {.format = format, .plover = plover};
    export_header(&w.out, format);
    jirga_error err = {0};
    int rc = store_query(s, f, all, write_one, &w, &err);
    if (w.out.len)
        fwrite(w.out.data, 1, w.out.len, stdout);
    sbuf_free(&w.out);
    if (rc != 0) {
        fprintf(stderr, "jirga %s: %s\n", cmd, err.message);
        return EXIT_SKIPPED;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "jirga %s: writing output failed\n", cmd);
        return EXIT_SKIPPED;
    }
    return EXIT_OK;
}
