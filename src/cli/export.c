/* export.c — `jirga export`: every event of the store, one per one-a-day key (or every
 * document's with --all), in a standard format: GDELT 2.0 event rows, PLOVER JSON Lines,
 * Phoenix-style TSV, CSV, or JSON Lines. The formats are described in docs/store.md. */
#include "store_cli.h"

#include <stdio.h>
#include <string.h>

static int export_usage(void)
{
    fprintf(stderr, "usage: jirga export [--db FILE|URL] --format gdelt|plover|phoenix|csv|jsonl [--all] [--dict DIR]\n");
    return EXIT_USAGE;
}

int cmd_export(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB;
    dict_choice choice = {0};
    export_format format = EXPORT_JSONL;
    bool all = false, have_format = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_db_option(argc, argv, &i, &db) || cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            if (!export_format_parse(argv[++i], &format) || format == EXPORT_TABLE) {
                fprintf(stderr, "jirga export: --format is gdelt, plover, phoenix, csv or jsonl, not '%s'\n",
                        argv[i]);
                return EXIT_USAGE;
            }
            have_format = true;
        } else if (strcmp(a, "--all") == 0) {
            all = true;
        } else {
            fprintf(stderr, "jirga export: unknown option '%s'\n", a);
            return export_usage();
        }
    }
    if (!have_format)
        return export_usage();
    export_plover *plover = NULL;
    if (format == EXPORT_PLOVER && !(plover = cli_plover_load(&choice)))
        return EXIT_USAGE;
    jirga_error err = {0};
    store *s = store_open(db, false, &err);
    if (!s) {
        fprintf(stderr, "jirga export: %s\n", err.message);
        export_plover_free(plover);
        return EXIT_USAGE;
    }
    store_filter none = {0};
    int status = cli_write_events("export", s, &none, all, format, plover);
    store_close(s);
    export_plover_free(plover);
    return status;
}
