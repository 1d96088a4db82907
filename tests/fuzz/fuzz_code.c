/*
 * fuzz_code.c — libFuzzer target for the whole coder on arbitrary bytes: the project
 * dictionary (dictionaries/en, with the gazetteer when make has built it) is loaded once;
 * each input is coded as one document, twice with the same coder (a coder is reused
 * between documents), and each event is written as its JSON record. Checks that events
 * point inside their sentence, that the second pass gives the same events, and that the
 * records written with the writer's cache are those written without it.
 *
 * The first byte picks the options: bit 0 trace (jirga explain), bit 1 the first line is
 * a title, bit 2 keep negated events, bit 3 the text up to the first newline is the
 * title field (JSON Lines documents), bits 4-5 the sentence length limit, bit 6 a date.
 */
#include "fuzz.h"

#include "jirga.h"
#include "out/out.h"

#include <jansson.h>

static jirga_dict *dict;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    dict = fuzz_project_dict("fuzz_code");
    return 0;
}

static void check_span(int start, int end, size_t len)
{
    FUZZ_CHECK((start == -1 && end == -1) || (start >= 0 && start <= end && (size_t)end <= len));
}

static int code_once(jirga_coder *c, const jirga_doc *doc, sbuf *out)
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
    jirga_coder *c = jirga_coder_new(dict, &opts);
    sbuf first = {0}, second = {0};
    int n1 = code_once(c, &doc, &first);
    int n2 = code_once(c, &doc, &second);
    FUZZ_CHECK(n1 == n2);
    FUZZ_CHECK(first.len == second.len && (first.len == 0 || memcmp(first.data, second.data, first.len) == 0));
    sbuf_free(&first);
    sbuf_free(&second);
    jirga_coder_free(c);
    free(title);
    free(text);
    return 0;
}
