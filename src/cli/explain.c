/* explain.c — `jirga explain`: every decision the coder made on a sentence or a file. */
#include "cli.h"

#include "../base/base.h"
#include "../out/out.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_explain(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *date = NULL, *arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(argv[i], "--date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "jirga explain: unknown option '%s'\n", argv[i]);
            return EXIT_USAGE;
        } else
            arg = argv[i];
    }
    if (!arg) {
        fprintf(stderr, "usage: jirga explain [--date YYYY-MM-DD] [--dict DIR] \"sentence\" | FILE\n");
        return EXIT_USAGE;
    }
    sbuf text = {0};
    struct stat st;
    bool is_file = strcmp(arg, "-") == 0 || (stat(arg, &st) == 0 && S_ISREG(st.st_mode));
    if (is_file) {
        FILE *f = strcmp(arg, "-") == 0 ? stdin : fopen(arg, "rb");
        if (!f) {
            perror(arg);
            return EXIT_USAGE;
        }
        char chunk[65536];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
            sbuf_add(&text, chunk, got);
        if (f != stdin)
            fclose(f);
    } else {
        sbuf_adds(&text, arg);
    }
    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict) {
        sbuf_free(&text);
        return EXIT_USAGE;
    }
    jirga_coder_options opts = {.trace = true};
    jirga_coder *coder = jirga_coder_new(dict, &opts);
    jirga_doc doc = {.id = is_file ? arg : "explain", .date = date, .text = text.data ? text.data : "",
                     .text_len = text.len, .first_line_is_title = is_file};
    const jirga_event *events;
    int n = jirga_code(coder, &doc, &events);
    fputs(jirga_trace(coder), stdout);
    printf("events: %d\n", n);
    sbuf out = {0};
    for (int i = 0; i < n; i++)
        out_jsonl_event(&out, &doc, &events[i]);
    if (out.len)
        fputs(out.data, stdout);
    sbuf_free(&out);
    sbuf_free(&text);
    jirga_coder_free(coder);
    jirga_dict_free(dict);
    return EXIT_OK;
}
