/*
 * fuzz_dict.c — libFuzzer target for the native dictionary reader (jirga_dict_load): the
 * input is written as the one dictionary file en/fuzz.txt of a temporary directory that
 * also holds the project's CAMEO table (dictionaries/cameo.tsv) and a three-city
 * gazetteer. A dictionary that loads is then used: its statistics are taken and the
 * input itself is coded as a document with it, so the words it defines are met.
 * Loading must fail cleanly (a message naming file:line) or succeed; nothing may crash
 * or leak.
 */
#include "fuzz.h"

#include "jirga.h"
#include "out/out.h"

#include <sys/stat.h>

static char dict_dir[600], dict_file[700], cameo_path[600], places_path[600];

static void cleanup(void)
{
    unlink(dict_file);
    rmdir(dict_dir);
    unlink(cameo_path);
    unlink(places_path);
    rmdir(fuzz_tmpdir());
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = fuzz_tmpdir();
    snprintf(dict_dir, sizeof dict_dir, "%s/en", tmp);
    snprintf(dict_file, sizeof dict_file, "%s/fuzz.txt", dict_dir);
    snprintf(cameo_path, sizeof cameo_path, "%s/cameo.tsv", tmp);
    snprintf(places_path, sizeof places_path, "%s/places.tsv", tmp);
    if (mkdir(dict_dir, 0700) != 0) {
        perror(dict_dir);
        abort();
    }
    char src[600];
    snprintf(src, sizeof src, "%s/dictionaries/cameo.tsv", fuzz_root());
    FILE *in = fopen(src, "rb");
    if (!in) {
        perror(src);
        abort();
    }
    FILE *out = fopen(cameo_path, "wb");
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, got, out);
    fclose(in);
    fclose(out);
    static const char places[] = "Kabul\tAFG\t345200\t691800\t3043532\tkabul\n"
                                 "Doha\tQAT\t252900\t515300\t344939\tdoha\n"
                                 "Washington\tUSA\t389000\t-770400\t601723\twashington\n";
    fuzz_write(places_path, (const uint8_t *)places, sizeof places - 1);
    atexit(cleanup);
    return 0;
}

static void ignore_warning(void *ctx, const char *message)
{
    (void)ctx;
    FUZZ_CHECK(strlen(message) < 4096);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(dict_file, data, size);
    /* An empty directory stands for WordNet: loading it for each input would be slow. */
    jirga_dict_options opts = {.wordnet_dir = fuzz_tmpdir(), .cameo_table = cameo_path, .places = places_path,
                               .warn = ignore_warning};
    jirga_error err;
    jirga_dict *d = jirga_dict_load(dict_dir, &opts, &err);
    if (!d) {
        FUZZ_CHECK(err.code != 0);
        FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        FUZZ_CHECK(strstr(err.message, "fuzz.txt") != NULL || strstr(err.message, "cameo") != NULL);
        return 0;
    }
    jirga_dict_stats st;
    jirga_dict_get_stats(d, &st);
    const char *label;
    int quad;
    double goldstein;
    jirga_cameo_info(d, "040", &label, &quad, &goldstein);

    jirga_coder_options copts = {.trace = true, .keep_negated = true};
    jirga_coder *c = jirga_coder_new(d, &copts);
    jirga_doc doc = {.id = "fuzz", .date = "2021-03-09", .text = (const char *)data, .text_len = size};
    const jirga_event *events;
    int n = jirga_code(c, &doc, &events);
    FUZZ_CHECK(n >= 0);
    sbuf out = {0};
    for (int i = 0; i < n; i++)
        out_jsonl_event(&out, &doc, &events[i]);
    sbuf_free(&out);
    jirga_coder_free(c);
    jirga_dict_free(d);
    return 0;
}
