/*
 * cli.h — what the commands share: finding and loading the dictionary, and one entry
 * point per command (each in its own file, each a client of jirga.h).
 */
#ifndef JIRGA_CLI_H
#define JIRGA_CLI_H

#include "../../include/jirga.h"

#include <stdbool.h>

/* Exit statuses, documented in the README. */
enum { EXIT_OK = 0, EXIT_SKIPPED = 1, EXIT_USAGE = 2 };

typedef struct dict_choice {
    const char *dir; /* --dict, or NULL for the default */
    jirga_peer_files peer; /* --dict-format tabari|petrarch and its files (docs/compat.md) */
    bool verbose_warnings;
    int warnings;
} dict_choice;

/* Handles "--dict DIR", and "--dict-format F" with "--project FILE", "--actors FILE[,FILE]"
 * (repeatable), "--agents", "--verbs", "--discards", "--options FILE" at argv[*i];
 * returns true when it consumed the option. */
bool cli_dict_option(int argc, char **argv, int *i, dict_choice *choice);
/* Loads the chosen dictionary; prints the error and returns NULL on failure. */
jirga_dict *cli_load_dict(dict_choice *choice);
/* The directory cli_load_dict would load. */
const char *cli_dict_dir(const dict_choice *choice, char *buf, size_t cap);

int cmd_code(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_dict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_actors(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_validate(int argc, char **argv);

#endif
