/* dict_load.c — finding the dictionary: --dict, $JIRGA_DICT, or next to the binary. */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cli_dict_option(int argc, char **argv, int *i, dict_choice *choice)
{
    if (strcmp(argv[*i], "--dict") == 0 && *i + 1 < argc) {
        choice->dir = argv[++*i];
        return true;
    }
    if (strncmp(argv[*i], "--dict=", 7) == 0) {
        choice->dir = argv[*i] + 7;
        return true;
    }
    if (*i + 1 >= argc)
        return false;
    const char *a = argv[*i];
    jirga_peer_files *p = &choice->peer;
    if (strcmp(a, "--dict-format") == 0)
        p->format = argv[++*i];
    else if (strcmp(a, "--project") == 0)
        p->project = argv[++*i];
    else if (strcmp(a, "--actors") == 0) {
        /* one file, or several separated by commas; the option may be repeated */
        char *list = argv[++*i];
        for (char *f = list; f && *f && p->nactors < 8;) {
            char *comma = strchr(f, ',');
            if (comma)
                *comma = 0;
            p->actors[p->nactors++] = f;
            f = comma ? comma + 1 : NULL;
        }
    } else if (strcmp(a, "--agents") == 0)
        p->agents = argv[++*i];
    else if (strcmp(a, "--verbs") == 0)
        p->verbs = argv[++*i];
    else if (strcmp(a, "--discards") == 0)
        p->discards = argv[++*i];
    else if (strcmp(a, "--options") == 0)
        p->options = argv[++*i];
    else
        return false;
    return true;
}

const char *cli_dict_dir(const dict_choice *choice, char *buf, size_t cap)
{
    if (choice->dir)
        return choice->dir;
    const char *env = getenv("JIRGA_DICT");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        snprintf(buf, cap, "%s/dictionaries/en", exe);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return "dictionaries/en";
}

static void count_warning(void *ctx, const char *message)
{
    dict_choice *choice = ctx;
    choice->warnings++;
    if (choice->verbose_warnings)
        fprintf(stderr, "%s\n", message);
}

jirga_dict *cli_load_dict(dict_choice *choice)
{
    char buf[PATH_MAX + 32];
    const char *dir = cli_dict_dir(choice, buf, sizeof buf);
    jirga_dict_options opts = {.warn = count_warning, .warn_ctx = choice};
    jirga_error err;
    jirga_dict *d;
    const jirga_peer_files *p = &choice->peer;
    if (p->format || p->project || p->nactors || p->verbs || p->agents || p->discards) {
        if (!p->format) {
            fprintf(stderr, "jirga: --project, --actors, --agents, --verbs and --discards need --dict-format tabari|petrarch\n");
            return NULL;
        }
        /* labels and Goldstein scores from the project's CAMEO table */
        char cameo[PATH_MAX + 64];
        snprintf(cameo, sizeof cameo, "%s/../cameo.tsv", dir);
        opts.cameo_table = access(cameo, R_OK) == 0 ? cameo : NULL;
        d = jirga_dict_load_peer(p, &opts, &err);
    } else
        d = jirga_dict_load(dir, &opts, &err);
    if (!d) {
        fprintf(stderr, "jirga: %s\n", err.message);
        return NULL;
    }
    return d;
}
