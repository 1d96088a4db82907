/*
 * store_cli.h — what the event store commands (ingest, query, stats, export) and the
 * --format option of `jirga code` share: the --db option, the filters of `jirga query`,
 * the PLOVER table beside the dictionary, and streaming events to standard output.
 */
#ifndef JIRGA_STORE_CLI_H
#define JIRGA_STORE_CLI_H

#include "cli.h"

#include "../export/export.h"
#include "../store/store.h"

#define CLI_DEFAULT_DB "jirga.db"

/* Handles "--db FILE" at argv[*i]; returns true when it consumed the option. */
bool cli_db_option(int argc, char **argv, int *i, const char **db);

/* Handles one filter option of `jirga query` at argv[*i] (--from, --to, --actor, --dyad,
 * --both, --country, --role, --cameo, --root, --quad, --text). Returns 1 when it consumed
 * the option, 0 when argv[*i] is not a filter, -1 after printing a usage error. Codes are
 * upper-cased in place. */
int cli_filter_option(const char *cmd, int argc, char **argv, int *i, store_filter *f);

/* The PLOVER columns of the CAMEO table beside the dictionary (<dict>/../cameo.tsv);
 * prints the error and returns NULL when it cannot be read. */
export_plover *cli_plover_load(const dict_choice *choice);

/* Writes the selected events of the store to standard output in the format. Returns an
 * exit status. */
int cli_write_events(const char *cmd, store *s, const store_filter *f, bool all, export_format format,
                     const export_plover *plover);

#endif
