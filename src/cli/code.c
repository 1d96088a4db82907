/* code.c — `jirga code`: documents in, one JSON event record per line out. */
#include "cli.h"

#include "../base/base.h"
#include "../input/input.h"
#include "../out/out.h"

#include <stdio.h>
#include <string.h>

static int code_usage(void)
{
    fprintf(stderr, "usage: jirga code [--date YYYY-MM-DD] [--input text|jsonl] [--dict DIR] [--keep-negated] "
                    "FILE...\n");
    return EXIT_USAGE;
}

int cmd_code(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *date = NULL;
    input_format format = INPUT_AUTO;
    jirga_coder_options copts = {0};
    const char *files[4096];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(a, "--date") == 0 && i + 1 < argc) {
            date = argv[++i];
            int y, m, d;
            char extra;
            if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) {
                fprintf(stderr, "jirga code: --date wants YYYY-MM-DD, not '%s'\n", date);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--input") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "jsonl") == 0)
                format = INPUT_JSONL;
            else if (strcmp(f, "text") == 0)
                format = INPUT_TEXT;
            else {
                fprintf(stderr, "jirga code: --input is text or jsonl, not '%s'\n", f);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            if (strcmp(argv[++i], "jsonl") != 0) {
                fprintf(stderr, "jirga code: --format '%s' is not available; formats: jsonl\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--keep-negated") == 0) {
            copts.keep_negated = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jirga code: unknown option '%s'\n", a);
            return code_usage();
        } else if (nfiles < (int)(sizeof files / sizeof files[0])) {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0)
        return code_usage();
    jirga_dict *dict = cli_load_dict(&choice);
    if (!dict)
        return EXIT_USAGE;
    jirga_coder *coder = jirga_coder_new(dict, &copts);
    int status = EXIT_OK;
    long skipped = 0;
    sbuf out = {0};
    for (int f = 0; f < nfiles; f++) {
        jirga_error err = {0};
        input_reader *r = input_open(files[f], format, &err);
        if (!r) {
            fprintf(stderr, "jirga code: %s\n", err.message);
            status = EXIT_SKIPPED;
            skipped++;
            continue;
        }
        jirga_doc doc;
        int got;
        while ((got = input_next(r, &doc, &err)) != 0) {
            if (got < 0) {
                fprintf(stderr, "jirga code: %s\n", err.message);
                status = EXIT_SKIPPED;
                skipped++;
                continue;
            }
            if (!doc.date)
                doc.date = date;
            const jirga_event *events;
            int n = jirga_code(coder, &doc, &events);
            for (int e = 0; e < n; e++)
                out_jsonl_event(&out, &doc, &events[e]);
            if (out.len > 1 << 16) {
                fwrite(out.data, 1, out.len, stdout);
                sbuf_reset(&out);
            }
        }
        input_close(r);
    }
    if (out.len)
        fwrite(out.data, 1, out.len, stdout);
    sbuf_free(&out);
    if (skipped)
        fprintf(stderr, "jirga code: %ld document(s) or file(s) skipped\n", skipped);
    jirga_coder_free(coder);
    jirga_dict_free(dict);
    if (fflush(stdout) != 0) {
        perror("jirga code: writing output");
        return EXIT_SKIPPED;
    }
    return status;
}
