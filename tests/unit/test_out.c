/* test_out.c — the JSON string writer at the edges the corpus does not reach: every
 * length around its word and block sizes, every kind of byte at every position (quote,
 * backslash, control characters, U+2028, emoji, bad UTF-8), and buffers with no spare
 * room, checked against a byte-by-byte escaper and under the sanitizers. And the cache
 * of repeated strings: records written with it are those written without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/out.h"

/* The escaping the writer must give, one byte at a time. */
static void reference(sbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    sbuf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = u[i];
        size_t len = ch >= 0x80 ? utf8_valid_length(u, i, n) : 0;
        if (len) {
            sbuf_add(b, s + i, len);
            i += len - 1;
        } else if (ch >= 0x80) {
            sbuf_adds(b, "\\ufffd");
        } else if (ch == '"' || ch == '\\') {
            sbuf_addc(b, '\\');
            sbuf_addc(b, (char)ch);
        } else if (ch == '\n' || ch == '\t' || ch == '\r') {
            sbuf_addc(b, '\\');
            sbuf_addc(b, ch == '\n' ? 'n' : ch == '\t' ? 't' : 'r');
        } else if (ch < 0x20) {
            sbuf_printf(b, "\\u%04x", ch);
        } else {
            sbuf_addc(b, (char)ch);
        }
    }
    sbuf_addc(b, '"');
}

/* Writes s into a buffer that holds `prefix` bytes and has no spare room, then checks
 * it against the reference. s is copied to a block of exactly n bytes, so a read past
 * its end is caught by AddressSanitizer. */
static void check(const char *s, size_t n, size_t prefix)
{
    char *exact = malloc(n ? n : 1);
    memcpy(exact, s, n);
    sbuf got = {0}, want = {0};
    for (size_t i = 0; i < prefix; i++) {
        sbuf_addc(&got, 'x');
        sbuf_addc(&want, 'x');
    }
    got.data = realloc(got.data ? got.data : malloc(1), got.len + 1);
    got.data[got.len] = 0;
    got.cap = got.len + 1;
    out_json_string(&got, exact, n);
    reference(&want, exact, n);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.data, want.data, want.len);
    assert_int_equal(got.data[got.len], 0);
    sbuf_free(&got);
    sbuf_free(&want);
    free(exact);
}

/* Protects: the word and block copies, the last word read shifted down, and the byte
 * loop of short strings: a byte of each kind at each position of strings of 0 to 40
 * bytes, in buffers with and without text before. */
static void test_every_position(void **state)
{
    (void)state;
    static const char *const odd[] = {"\"", "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "\xc3\xa9",
                                      "\xe2\x80\xa8", "\xf0\x9f\x9a\x80", "\xff", "\xc3", "\xe2\x82",
                                      "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf"};
    char s[64] = {0};
    for (size_t n = 0; n <= 40; n++) {
        memset(s, 'a', n);
        check(s, n, 0);
        for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
            size_t len = strlen(odd[k]);
            for (size_t at = 0; at + len <= n; at++) {
                memset(s, 'a', n);
                memcpy(s + at, odd[k], len);
                check(s, n, at % 3 ? 0 : 100);
            }
        }
    }
}

/* Protects: strings that are nothing but escapes (each byte grows six-fold), and a NUL
 * byte inside a string, which is written as \u0000. */
static void test_all_escapes(void **state)
{
    (void)state;
    char s[300] = {0};
    for (size_t n = 0; n < sizeof s; n += 7) {
        for (size_t i = 0; i < n; i++)
            s[i] = (char)(i % 3 == 0 ? 0 : i % 3 == 1 ? 0x01 : 0xff);
        check(s, n, n % 2 ? 5 : 0);
    }
}

/* ---- The cache of repeated strings --------------------------------------------------- */

/* Writes the n events of doc with cache c and one by one without it: the same bytes. */
static void check_cached(out_cache *c, const jirga_doc *doc, const jirga_event *events, int n)
{
    sbuf got = {0}, want = {0};
    out_jsonl_events(c, &got, doc, events, n);
    for (int i = 0; i < n; i++)
        out_jsonl_event(&want, doc, &events[i]);
    assert_int_equal(got.len, want.len);
    if (want.len)
        assert_memory_equal(got.data, want.data, want.len);
    sbuf_free(&got);
    sbuf_free(&want);
}

static jirga_event event_of(const char *sentence, const char *cameo, const char *label, int quad, double goldstein,
                            const char *file, int line)
{
    jirga_event e;
    memset(&e, 0, sizeof e);
    e.sentence = 1;
    e.sentence_text = sentence;
    e.sentence_len = strlen(sentence);
    strcpy(e.cameo, cameo);
    for (int k = 0; k < 2 && cameo[k]; k++)
        e.root[k] = cameo[k];
    e.label = label;
    e.quad = quad;
    e.goldstein = goldstein;
    e.pattern_file = file;
    e.pattern_line = line;
    e.source.start = e.source.end = e.target.start = e.target.end = -1;
    e.quote_start = e.quote_end = -1;
    return e;
}

/* Protects: a piece is copied only into a record that shows the same fields. One label
 * string under other codes, quads, Goldstein values (0.0 and -0.0 too) and roots; the
 * bytes after a code's NUL; a code that fills its array; labels and file names that need
 * escapes; documents with and without an id or a date, one cache for all of them. */
static void test_cache_keys(void **state)
{
    (void)state;
    static const char label[] = "Say \"no\"\\ \xc3\xa9\xff", file[] = "dir/\x01verbs\xe2\x80\xa8.txt";
    const char *s = "The minister said \"no\" to \xc3\xa9lan.";
    jirga_event ev[12];
    ev[0] = event_of(s, "010", label, 1, 0.0, file, 3);
    ev[1] = event_of(s, "010", label, 1, -0.0, file, 4);
    ev[2] = event_of(s, "011", label, 1, 0.0, file, 3);
    ev[3] = event_of(s, "010", label, 2, 0.0, file, 3);
    ev[4] = event_of(s, "010", label, 1, 2.5, "other.txt", 3);
    ev[5] = event_of(s, "010", "", 1, 0.0, "", 3);
    ev[6] = event_of(s, "010", label, 1, 0.0, file, 3);
    ev[6].root[1] = '2';
    ev[7] = event_of(s, "010", label, 1, 0.0, file, 3);
    memcpy(ev[7].cameo + 4, "xyz", 3); /* after the NUL: not written, not a new code */
    ev[8] = event_of(s, "0123456", label, 1, 0.0, file, 3);
    ev[8].cameo[7] = '7'; /* no NUL: all eight bytes are written */
    ev[9] = event_of(s, "0123456", label, 1, 0.0, file, 3);
    ev[10] = event_of("", "", "", 0, 0.0, "", 0);
    ev[11] = event_of(s, "010", label + 1, 1, 0.0, file + 1, 3);
    const jirga_doc docs[] = {{.id = "doc-1", .date = "2021-01-17"},
                              {.id = "d\"2\\\n\xf0\x9f\x9a\x80\xc0", .date = ""},
                              {.id = NULL, .date = NULL},
                              {.id = "", .date = "2021-\x02"}};
    out_cache *c = out_cache_new();
    for (int round = 0; round < 2; round++)
        for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
            check_cached(c, &docs[d], ev, 12);
            check_cached(c, &docs[d], ev + d, 1);
            check_cached(c, &docs[d], ev, 0);
        }
    check_cached(NULL, &docs[1], ev, 12);
    out_cache_free(c);
    out_cache_free(NULL);
}

/* Protects: a table that has taken all the keys it may (past that, records are written
 * without a piece) and a pool that moves as it grows: 3000 labels and files, long ones. */
static void test_cache_full(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char labels[N][80], files[N][40];
    static jirga_event ev[N];
    for (int i = 0; i < N; i++) {
        snprintf(labels[i], sizeof labels[i], "label %d \"%0*d\"", i, i % 60, i);
        snprintf(files[i], sizeof files[i], "verbs/%d.txt", i);
        ev[i] = event_of("Words.", i % 2 ? "042" : "190", labels[i], i % 4, i * 0.5, files[i], i);
    }
    const jirga_doc doc = {.id = "full", .date = "2020-02-29"};
    out_cache *c = out_cache_new();
    check_cached(c, &doc, ev, N);
    check_cached(c, &doc, ev, N);
    out_cache_free(c);
}

/* Protects: the look at the whole sentence that lets its words be copied as they are. A
 * quote, a control character or a non-ASCII byte at every position of sentences of 0 to
 * 40 bytes (in the last, overlapping block too): the record's text is still escaped. */
static void test_plain_sentence(void **state)
{
    (void)state;
    static const char odd[] = {'"', '\\', '\n', 0x01, (char)0xc3};
    const jirga_doc doc = {.id = "d"};
    for (size_t n = 0; n <= 40; n++)
        for (size_t k = 0; k < sizeof odd; k++)
            for (size_t at = 0; at <= n; at++) {
                char *text = malloc(n ? n : 1); /* exactly n bytes: a read past them is caught */
                memset(text, 'a', n);
                if (at < n)
                    text[at] = odd[k];
                jirga_event e = event_of("", "010", "", 0, 0.0, "f", 1);
                e.sentence_text = text;
                e.sentence_len = n;
                sbuf got = {0}, want = {0};
                out_jsonl_event(&got, &doc, &e);
                sbuf_adds(&want, ",\"text\":");
                reference(&want, text, n);
                sbuf_adds(&want, "}\n");
                assert_true(got.len >= want.len);
                assert_memory_equal(got.data + got.len - want.len, want.data, want.len);
                sbuf_free(&got);
                sbuf_free(&want);
                free(text);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_position),
        cmocka_unit_test(test_all_escapes),
        cmocka_unit_test(test_cache_keys),
        cmocka_unit_test(test_cache_full),
        cmocka_unit_test(test_plain_sentence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
