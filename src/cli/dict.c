/* dict.c — `jirga dict check` and `jirga dict stats`. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_dict(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "stats") != 0)) {
        fprintf(stderr, "usage: jirga dict check|stats [DIR]\n");
        return EXIT_USAGE;
    }
    bool check = strcmp(argv[1], "check") == 0;
    dict_choice choice = {.verbose_warnings = check};
    for (int i = 2; i < argc; i++)
        if (!cli_dict_option(argc, argv, &i, &choice))
            choice.dir = argv[i];
    jirga_dict *d = cli_load_dict(&choice);
    if (!d)
        return 1;
    if (check) {
        printf("dictionary clean: 0 errors, %d warnings\n", choice.warnings);
    } else {
        jirga_dict_stats s;
        jirga_dict_get_stats(d, &s);
        printf("actors: %zu entries, %zu names\nagents: %zu\npatterns: %zu (%zu nominal)\nsets: %zu\n"
               "discards: %zu\nforms: %zu\ncameo codes: %zu\nuncovered CAMEO codes: %zu",
               s.actors, s.actor_names, s.agents, s.patterns, s.nominal_patterns, s.sets, s.discards, s.forms,
               s.cameo_codes, s.uncovered_codes);
        for (size_t i = 0; i < s.uncovered_codes; i++)
            printf("%s%s", i ? " " : " (", s.uncovered[i]);
        printf("%s\n", s.uncovered_codes ? ")" : "");
        if (choice.warnings)
            printf("warnings: %d (see jirga dict check)\n", choice.warnings);
    }
    jirga_dict_free(d);
    return 0;
}
