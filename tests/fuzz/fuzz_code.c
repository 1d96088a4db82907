/*
 * fuzz_code.c — libFuzzer target for the whole coder on arbitrary bytes: the project
 * dictionary (dictionaries/en, with the gazetteer when make has built it) is loaded once;
 * each input is coded as one document, twice with the same coder (a coder is reused
 * between documents), and each event is written as its JSON record. Checks that events
 * point inside their sentence, that the second pass gives the same events, and that the
 * records written with the writer's cache are those written without it. The second
 * pass's document is also captured (src/export) and each event written as a GDELT row
 * (61 columns), a Phoenix row (26), a CSV row (33 fields) and a PLOVER record (one line
 * of valid JSON).
 *
 * The first byte picks the options: bit 0 trace (jirga explain), bit 1 the first line is
 * a title, bit 2 keep negated events, bit 3 the text up to the first newline is the
 * title field (JSON Lines documents), bits 4-5 the sentence length limit, bit 6 a date,
 * bit 7 the text (up to a NUL) is the document's id and URL too.
 */
#include "fuzz.h"

#include "export/export.h"
#include "jirga.h"
#include "out/out.h"

#include <jansson.h>

static jirga_dict *dict;
static export_plover *plover;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    dict = fuzz_project_dict("fuzz_code");
    char path[600];
    snprintf(path, sizeof path, "%s/dictionaries/cameo.tsv", fuzz_root());
    jirga_error err;
    plover = export_plover_load(path, &err);
    if (!plover) {
        fprintf(stderr, "fuzz_code: %s\n", err.message);
        abort();
    }
    return 0;
}

/* The fields of one CSV row (quoted fields may hold commas, quotes doubled and line
 * breaks) up to its final line break, which must end s; -1 when it is not one row. */
static int csv_fields(const char *s, size_t n)
{
    int fields = 1;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (quoted) {
            if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
                i++;
            else if (s[i] == '"')
                quoted = false;
        } else if (s[i] == '"') {
            quoted = true;
        } else if (s[i] == ',') {
            fields++;
        } else if (s[i] == '\n') {
            return i == n - 1 ? fields : -1;
        }
    }
    return -1;
}

/* Each event of the document in the export formats: one line each, of the right shape. */
static void export_all(const jirga_doc *doc, const jirga_coder *c, const jirga_event *events, int n)
{
    export_doc *d = export_doc_capture(doc, c, events, n);
    FUZZ_CHECK(d->nevents == n);
    static const export_format formats[] = {EXPORT_GDELT, EXPORT_PHOENIX, EXPORT_CSV, EXPORT_PLOVER};
    for (int i = 0; i < n; i++) {
        export_source src;
        export_event x;
        export_event_from_doc(d, i, i + 1, &src, &x);
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            sbuf b = {0};
            export_event_write(&b, formats[f], &x, plover);
            FUZZ_CHECK(b.len > 0 && b.data[b.len - 1] == '\n' && strlen(b.data) == b.len);
            if (formats[f] == EXPORT_CSV) {
                FUZZ_CHECK(csv_fields(b.data, b.len) == 33);
            } else {
                FUZZ_CHECK(memchr(b.data, '\n', b.len - 1) == NULL);
                size_t tabs = 0;
                for (size_t k = 0; k < b.len; k++)
                    tabs += b.data[k] == '\t';
                if (formats[f] == EXPORT_GDELT)
                    FUZZ_CHECK(tabs == EXPORT_GDELT_COLUMNS - 1);
                if (formats[f] == EXPORT_PHOENIX)
                    FUZZ_CHECK(tabs == 25);
            }
            if (formats[f] == EXPORT_PLOVER) {
                json_error_t jerr;
                json_t *record = json_loadb(b.data, b.len, 0, &jerr);
                if (!record)
                    fprintf(stderr, "invalid PLOVER record: %s: %s", jerr.text, b.data);
                FUZZ_CHECK(record != NULL);
                json_decref(record);
            }
            sbuf_free(&b);
        }
    }
    export_doc_free(d);
}

static void check_span(int start, int end, size_t len)
{
    FUZZ_CHECK((start == -1 && end == -1) || (start >= 0 && start <= end && (size_t)end <= len));
}

static int code_once(jirga_coder *c, const jirga_doc *doc, sbuf *out, bool exports)
{
    const jirga_event *events;
    int n = jirga_code(c, doc, &events);
    FUZZ_CHECK(n >= 0);
    int nsent = jirga_sentence_count(c);
    for (int i = 0; i < n; i++) {
        const jirga_event *e = &events[i];
        FUZZ_CHECK(e->sentence >= 1 && e->sentence <= nsent);
        size_t len;
        const char *text = jirga_sentence_text(c, e->sentence, &len);
        FUZZ_CHECK(text == e->sentence_text && len == e->sentence_len);
        check_span(e->source.start, e->source.end, len);
        check_span(e->target.start, e->target.end, len);
        check_span(e->verb_start, e->verb_end, len);
        check_span(e->quote_start, e->quote_end, len);
        if (e->place.name[0])
            check_span(e->place.start, e->place.end, len);
        FUZZ_CHECK(e->ncounts >= 0 && e->ncounts <= JIRGA_MAX_COUNTS);
        size_t from = out->len;
        out_jsonl_event(out, doc, e);
        /* the record is one line of valid JSON (jansson also rejects invalid UTF-8) */
        FUZZ_CHECK(out->len > from && out->data[out->len - 1] == '\n');
        FUZZ_CHECK(memchr(out->data + from, '\n', out->len - from - 1) == NULL);
        json_error_t jerr;
        json_t *record = json_loadb(out->data + from, out->len - from, 0, &jerr);
        if (!record)
            fprintf(stderr, "invalid event record: %s: %.*s", jerr.text, (int)(out->len - from), out->data + from);
        FUZZ_CHECK(record != NULL);
        json_decref(record);
    }
    /* The records written at once with a cache kept across inputs (one dictionary for all)
     * are those written one by one. */
    static out_cache *cache;
    if (!cache)
        cache = out_cache_new();
    sbuf all = {0};
    out_jsonl_events(cache, &all, doc, events, n);
    FUZZ_CHECK(all.len == out->len && (all.len == 0 || memcmp(all.data, out->data, all.len) == 0));
    sbuf_free(&all);
    for (int i = 1; i <= nsent; i++) {
        size_t len;
        const char *t = jirga_sentence_text(c, i, &len);
        FUZZ_CHECK(t != NULL);
    }
    const jirga_name *names;
    int nn = jirga_learned_names(c, &names);
    FUZZ_CHECK(nn >= 0 && nn <= 256);
    for (int i = 0; i < nn; i++)
        FUZZ_CHECK(memchr(names[i].name, 0, sizeof names[i].name) && memchr(names[i].code, 0, sizeof names[i].code));
    FUZZ_CHECK(jirga_trace(c) != NULL);
    if (exports)
        export_all(doc, c, events, n);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const size_t limits[4] = {0, 64, 300, 1000};
    uint8_t flags = data[0];
    jirga_coder_options opts = {.trace = flags & 1, .keep_negated = flags & 4,
                                .max_sentence_bytes = limits[(flags >> 4) & 3]};
    /* An exact-size copy of the text, so that reading past its end is reported. */
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    memcpy(text, data + 1, n);
    char *title = NULL;
    jirga_doc doc = {.id = "fuzz", .date = flags & 64 ? "2021-03-09" : NULL, .text = text, .text_len = n,
                     .first_line_is_title = flags & 2};
    if (flags & 8) {
        const char *nl = memchr(text, '\n', n);
        size_t tl = nl ? (size_t)(nl - text) : n;
        title = malloc(tl + 1);
        memcpy(title, text, tl);
        title[tl] = 0; /* a JSON title holds no NUL that matters: it is read with strlen */
        doc.title = title;
        doc.text = text + (nl ? tl + 1 : tl);
        doc.text_len = n - (nl ? tl + 1 : tl);
    }
    char *url = NULL;
    if (flags & 128) {
        url = malloc(n + 1);
        memcpy(url, text, n);
        url[n] = 0;
        doc.id = doc.url = url;
    }
    jirga_coder *c = jirga_coder_new(dict, &opts);
    sbuf first = {0}, second = {0};
    int n1 = code_once(c, &doc, &first, false);
    int n2 = code_once(c, &doc, &second, true);
    FUZZ_CHECK(n1 == n2);
    FUZZ_CHECK(first.len == second.len && (first.len == 0 || memcmp(first.data, second.data, first.len) == 0));
    sbuf_free(&first);
    sbuf_free(&second);
    jirga_coder_free(c);
    free(url);
    free(title);
    free(text);
    return 0;
}
