/* stats.c — `jirga stats`: one-a-day events of the store aggregated by day, week or
 * month, as CSV: counts per QuadClass, Goldstein sum and mean, counts per root code.
 * Optionally for one dyad or actor (and any filter of `jirga query`). */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

static int stats_usage(void)
{
    fprintf(stderr, "usage: jirga stats [--db FILE|URL] --by day|week|month [--dyad A-B [--both] | --actor A]\n"
                    "                   [any filter of jirga query]\n");
    return EXIT_USAGE;
}

int cmd_stats(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB;
    store_filter f = {0};
    int by = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_db_option(argc, argv, &i, &db))
            continue;
        int got = cli_filter_option("stats", argc, argv, &i, &f);
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (strcmp(a, "--by") == 0 && i + 1 < argc) {
            const char *p = argv[++i];
            by = strcmp(p, "day") == 0 ? STORE_DAY : strcmp(p, "week") == 0 ? STORE_WEEK
                                                   : strcmp(p, "month") == 0 ? STORE_MONTH : -1;
            if (by < 0) {
                fprintf(stderr, "jirga stats: --by is day, week or month, not '%s'\n", p);
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "jirga stats: unknown option '%s'\n", a);
            return stats_usage();
        }
    }
    if (by < 0)
        return stats_usage();
    jirga_error err = {0};
    store *s = store_open(db, false, &err);
    if (!s) {
        fprintf(stderr, "jirga stats: %s\n", err.message);
        return EXIT_USAGE;
    }
    sbuf out = {0};
    long skipped = 0;
    int status = EXIT_OK;
    if (store_stats(s, &f, (store_period)by, &out, &skipped, &err) != 0) {
        fprintf(stderr, "jirga stats: %s\n", err.message);
        status = EXIT_SKIPPED;
    } else {
        fwrite(out.data, 1, out.len, stdout);
        if (skipped)
            fprintf(stderr, "jirga stats: %ld event(s) dated %s are left out\n", skipped,
                    by == STORE_MONTH ? "not at all" : "only by month, or not at all,");
    }
    sbuf_free(&out);
    store_close(s);
    return status;
}
