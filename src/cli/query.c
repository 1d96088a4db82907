/* query.c — `jirga query`: events of the store selected by date, actor, dyad, country,
 * role, CAMEO code, root, QuadClass and words of the sentence, one per one-a-day key
 * (or every document's with --all), as JSON Lines, CSV, a table, or an export format. */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

static int query_usage(void)
{
    fprintf(stderr,
            "usage: jirga query [--db FILE|URL] [--from D] [--to D] [--actor A] [--dyad A-B [--both]] [--country C]\n"
            "                   [--role R] [--cameo C] [--root R] [--quad Q] [--text WORDS] [--all]\n"
            "                   [--format jsonl|csv|table|gdelt|plover|phoenix] [--dict DIR]\n");
    return EXIT_USAGE;
}

int cmd_query(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB;
    dict_choice choice = {0};
    store_filter f = {0};
    export_format format = EXPORT_JSONL;
    bool all = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_db_option(argc, argv, &i, &db) || cli_dict_option(argc, argv, &i, &choice))
            continue;
        int got = cli_filter_option("query", argc, argv, &i, &f);
        if (got < 0)
            return EXIT_USAGE;
        if (got > 0)
            continue;
        if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            if (!export_format_parse(argv[++i], &format)) {
                fprintf(stderr, "jirga query: --format is jsonl, csv, table, gdelt, plover or phoenix, not '%s'\n",
                        argv[i]);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--all") == 0) {
            all = true;
        } else {
            fprintf(stderr, "jirga query: unknown option '%s'\n", a);
            return query_usage();
        }
    }
    if (f.both_directions && !f.dyad_source) {
        fprintf(stderr, "jirga query: --both goes with --dyad\n");
        return EXIT_USAGE;
    }
    export_plover *plover = NULL;
    if (format == EXPORT_PLOVER && !(plover = cli_plover_load(&choice)))
        return EXIT_USAGE;
    jirga_error err = {0};
    store *s = store_open(db, false, &err);
    if (!s) {
        fprintf(stderr, "jirga query: %s\n", err.message);
        export_plover_free(plover);
        return EXIT_USAGE;
    }
    int status = cli_write_events("query", s, &f, all, format, plover);
    store_close(s);
    export_plover_free(plover);
    return status;
}
