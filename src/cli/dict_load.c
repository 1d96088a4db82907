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
    return false;
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
    jirga_dict *d = jirga_dict_load(dir, &opts, &err);
    if (!d) {
        fprintf(stderr, "jirga: %s\n", err.message);
        return NULL;
    }
    return d;
}
