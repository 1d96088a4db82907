/*
 * actors.c — `jirga actors --unknown`: over a corpus, the names no dictionary knows that
 * the text introduced with a title ("Taliban spokesman X"), with the suggested code, how
 * often they were seen, an example sentence, and a dictionary line to paste. TSV.
 */
#include "cli.h"

#include "../base/base.h"
#include "../input/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct unknown_name {
    char name[200];
    char code[24];
    long count;
    char *example;
} unknown_name;

static int by_count(const void *a, const void *b)
{
    const unknown_name *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void tsv_field(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar(s[i] == '\t' || s[i] == '\n' ? ' ' : s[i]);
}

int cmd_actors(int argc, char **argv)
{
    dict_choice choice = {0};
    input_format format = INPUT_AUTO;
    bool unknown = false;
    int first_file = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(argv[i], "--unknown") == 0)
            unknown = true;
        else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
            format = strcmp(argv[++i], "jsonl") == 0 ? INPUT_JSONL : INPUT_TEXT;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "jirga actors: unknown option '%s'\n", argv[i]);
            return EXIT_USAGE;
        } else if (!first_file)
            first_file = i;
    }
    if (!unknown || !first_file) {
        fprintf(stderr, "usage: jirga actors --unknown [--dict DIR] [--input text|jsonl] FILE...\n");
        return EXIT_USAGE;
    }
    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict)
        return EXIT_USAGE;
    jirga_coder *coder = jirga_coder_new(dict, NULL);
    unknown_name *names = NULL;
    size_t n = 0, cap = 0;
    int status = EXIT_OK;
    for (int f = first_file; f < argc; f++) {
        if (argv[f][0] == '-' && argv[f][1]) {
            if (strcmp(argv[f], "--dict") == 0 || strcmp(argv[f], "--input") == 0)
                f++;
            continue;
        }
        jirga_error err = {0};
        input_reader *r = input_open(argv[f], format, &err);
        if (!r) {
            fprintf(stderr, "jirga actors: %s\n", err.message);
            status = EXIT_SKIPPED;
            continue;
        }
        jirga_doc doc;
        int got;
        while ((got = input_next(r, &doc, &err)) != 0) {
            if (got < 0) {
                fprintf(stderr, "jirga actors: %s\n", err.message);
                status = EXIT_SKIPPED;
                continue;
            }
            const jirga_event *events;
            jirga_code(coder, &doc, &events);
            const jirga_name *learned;
            int k = jirga_learned_names(coder, &learned);
            for (int i = 0; i < k; i++) {
                size_t j = 0;
                while (j < n && (strcmp(names[j].name, learned[i].name) != 0 || strcmp(names[j].code, learned[i].code) != 0))
                    j++;
                if (j == n) {
                    GROW(names, cap, n + 1);
                    memset(&names[n], 0, sizeof names[n]);
                    snprintf(names[n].name, sizeof names[n].name, "%s", learned[i].name);
                    snprintf(names[n].code, sizeof names[n].code, "%s", learned[i].code);
                    size_t len;
                    const char *text = jirga_sentence_text(coder, learned[i].sentence, &len);
                    names[n].example = xstrndup(text, len);
                    n++;
                }
                names[j].count++;
            }
        }
        input_close(r);
    }
    qsort(names, n, sizeof *names, by_count);
    printf("name\tsuggested_code\tcount\texample\tdictionary_line\n");
    for (size_t i = 0; i < n; i++) {
        const char *surname = strrchr(names[i].name, ' ');
        tsv_field(names[i].name, strlen(names[i].name));
        printf("\t%s\t%ld\t", names[i].code, names[i].count);
        tsv_field(names[i].example, strlen(names[i].example));
        printf("\tperson %s", names[i].name);
        if (surname)
            printf(" | %s", surname + 1);
        printf(" = %s\n", names[i].code);
        free(names[i].example);
    }
    free(names);
    jirga_coder_free(coder);
    jirga_dict_free(dict);
    return status;
}
