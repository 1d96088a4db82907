/*
 * fuzz_tables.c — libFuzzer target for the other readers of jirga_dict_load: the CAMEO
 * code table (cameo.tsv), the gazetteer (places.tsv: name, country, latitude and longitude times 10,000, population, folded name) and the WordNet lists (verb.exc,
 * noun.exc, index.verb). The first byte picks which file the rest of the input becomes;
 * the others are a small fixed dictionary, the project's CAMEO table, a three-city
 * gazetteer and no WordNet. A dictionary that loads codes a few fixed sentences, and each
 * event record must be one line of valid JSON (a Goldstein score or a coordinate read as
 * NaN must not reach the output).
 */
#include "fuzz.h"

#include "jirga.h"
#include "out/out.h"

#include <jansson.h>
#include <sys/stat.h>

static char dir[600], en[700], dict_file[800], cameo_path[700], places_path[700], wn_dir[700];
static char *cameo_table; /* the project's, read once */
static size_t cameo_len;

static const char dictionary[] = "actor Iran = IRN\nactor Iraq = IRQ\nactor Kabul = AFGGOV\n"
                                 "actor Afghanistan | Afghan = AFG\nactor Doha = QATGOV\n"
                                 "agent official = GOV\npattern $ meet + = 040\npattern $ attack + = 190\n"
                                 "pattern $ visit + = 042:043\n"
                                 "form meet = met\nform attack = attacked\nform visit = visited\n";
static const char places[] = "Kabul\tAFG\t345200\t691800\t3043532\tkabul\nDoha\tQAT\t252900\t515300\t344939\tdoha\n"
                             "Basra\tIRQ\t305000\t478000\t2600000\tbasra\n";
static const char text[] = "Iran attacked Iraq in Kabul. Iran met Iraq in Basra on Tuesday.\n\n"
                           "Afghan officials visited Doha. Iran met Afghanistan in the capital. "
                           "Afghan officials attacked Iran in the capital.";

static void remove_all(void)
{
    static const char *const names[] = {"verb.exc", "noun.exc", "index.verb"};
    char p[800];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", wn_dir, names[i]);
        unlink(p);
    }
    rmdir(wn_dir);
    unlink(dict_file);
    rmdir(en);
    unlink(cameo_path);
    unlink(places_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s", fuzz_tmpdir());
    snprintf(en, sizeof en, "%s/en", dir);
    snprintf(dict_file, sizeof dict_file, "%s/fixed.txt", en);
    snprintf(cameo_path, sizeof cameo_path, "%s/cameo.tsv", dir);
    snprintf(places_path, sizeof places_path, "%s/places.tsv", dir);
    snprintf(wn_dir, sizeof wn_dir, "%s/wordnet", dir);
    if (mkdir(en, 0700) != 0 || mkdir(wn_dir, 0700) != 0) {
        perror(dir);
        abort();
    }
    fuzz_write(dict_file, (const uint8_t *)dictionary, sizeof dictionary - 1);
    char src[600];
    snprintf(src, sizeof src, "%s/dictionaries/cameo.tsv", fuzz_root());
    cameo_table = read_file(src, &cameo_len);
    if (!cameo_table) {
        perror(src);
        abort();
    }
    atexit(remove_all);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int which = data[0] & 3;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    static const char *const wn_names[] = {"verb.exc", "noun.exc", "index.verb"};
    char wn_file[800];
    snprintf(wn_file, sizeof wn_file, "%s/%s", wn_dir, wn_names[(data[0] >> 2) % 3]);
    fuzz_write(cameo_path, which == 0 ? in : (const uint8_t *)cameo_table, which == 0 ? n : cameo_len);
    fuzz_write(places_path, which == 1 ? in : (const uint8_t *)places, which == 1 ? n : sizeof places - 1);
    if (which >= 2)
        fuzz_write(wn_file, in, n);

    jirga_dict_options opts = {.wordnet_dir = wn_dir, .cameo_table = cameo_path, .places = places_path};
    jirga_error err;
    jirga_dict *d = jirga_dict_load(en, &opts, &err);
    if (which >= 2)
        unlink(wn_file);
    if (!d) {
        FUZZ_CHECK(err.code != 0 && memchr(err.message, 0, sizeof err.message) != NULL);
        return 0;
    }
    jirga_dict_stats st;
    jirga_dict_get_stats(d, &st);
    jirga_coder *c = jirga_coder_new(d, NULL);
    jirga_doc doc = {.id = "tables", .date = "2021-03-09", .text = text, .text_len = sizeof text - 1};
    const jirga_event *events;
    int nev = jirga_code(c, &doc, &events);
    FUZZ_CHECK(nev >= 0);
    sbuf out = {0};
    for (int i = 0; i < nev; i++) {
        sbuf_reset(&out);
        out_jsonl_event(&out, &doc, &events[i]);
        json_error_t jerr;
        json_t *record = json_loadb(out.data, out.len, 0, &jerr);
        if (!record)
            fprintf(stderr, "invalid event record: %s: %s", jerr.text, out.data);
        FUZZ_CHECK(record != NULL);
        json_decref(record);
    }
    sbuf_free(&out);
    jirga_coder_free(c);
    jirga_dict_free(d);
    return 0;
}
