/* test_text.c — table-driven tests of the text stage at the edges real sentences rarely
 * reach: abbreviations and initials, quotes, numbers, invalid UTF-8, offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

typedef struct split_case {
    const char *text;
    int count;           /* sentences expected */
    const char *second;  /* the second sentence, or NULL */
} split_case;

/* Protects: abbreviations (Dr., Gen., Jan.), initialisms (U.S.), initials, numbers and
 * closing quotes do not end a sentence where they should not, and do where they should. */
static const split_case split_cases[] = {
    {"Dr. Zalmay Khalilzad met Gen. Austin Miller in Doha. The talks lasted two hours.", 2,
     "The talks lasted two hours."},
    {"The U.S. envoy arrived on Jan. 5 and left on Feb. 2. He said little.", 2, "He said little."},
    {"Troops were reduced to 2,500. Officials confirmed it.", 2, "Officials confirmed it."},
    {"He returned to the U.S. The next day he resigned.", 2, "The next day he resigned."},
    {"J. K. Smith of the U.N. spoke with Mr. Lee.", 1, NULL},
    {"\"We will not attend,\" he said. \"Never.\"", 2, "\"Never.\""},
    {"The rate rose 3.5 percent. Markets fell.", 2, "Markets fell."},
    {"He holds a Ph.D. from Oxford.", 1, NULL},
    {"First paragraph without a stop\n\nSecond paragraph.", 2, "Second paragraph."},
    {"A line wrapped\nin the middle stays one sentence.", 1, NULL},
    {"", 0, NULL},
    {"   \n\n  ", 0, NULL},
};

static void test_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof split_cases / sizeof split_cases[0]; i++) {
        const split_case *c = &split_cases[i];
        text_span *spans = NULL;
        size_t cap = 0;
        size_t n = text_split(c->text, strlen(c->text), false, 8192, &spans, &cap);
        if ((int)n != c->count)
            fail_msg("case %zu: %zu sentences, want %d: %s", i, n, c->count, c->text);
        if (c->second) {
            size_t len = spans[1].end - spans[1].start;
            if (len != strlen(c->second) || memcmp(c->text + spans[1].start, c->second, len) != 0)
                fail_msg("case %zu: second sentence '%.*s', want '%s'", i, (int)len, c->text + spans[1].start,
                         c->second);
        }
        free(spans);
    }
}

static void test_title_line(void **state)
{
    (void)state;
    const char *t = "Kabul seeks support\n\nKABUL: A meeting was held. It ended.";
    text_span *spans = NULL;
    size_t cap = 0;
    assert_int_equal(text_split(t, strlen(t), true, 8192, &spans, &cap), 3);
    assert_int_equal(spans[0].end - spans[0].start, strlen("Kabul seeks support"));
    free(spans);
}

static void test_long_sentence_is_cut(void **state)
{
    (void)state;
    char *t = malloc(20001);
    for (int i = 0; i < 20000; i++)
        t[i] = i % 6 == 5 ? ' ' : 'a';
    t[20000] = 0;
    text_span *spans = NULL;
    size_t cap = 0;
    size_t n = text_split(t, 20000, false, 1000, &spans, &cap);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++)
        assert_true(spans[i].end - spans[i].start <= 1000);
    free(spans);
    free(t);
}

static const char *tok(const char *s, const token *t, char *buf)
{
    memcpy(buf, s + t->start, t->end - t->start);
    buf[t->end - t->start] = 0;
    return buf;
}

/* Protects: byte offsets, possessives split off, initialisms kept whole (and apart from
 * a following hyphen, so "U.S.-backed" still names the U.S.), hyphenated names whole,
 * n't split, numbers with separators whole, dateline marked. */
static void test_tokens(void **state)
{
    (void)state;
    const char *s = "KABUL: Kabul's U.S.-backed al-Qaeda rivals didn't cut 2,500 troops, “officials” said.";
    const char *want[] = {"KABUL", ":", "Kabul", "'s", "U.S.", "-", "backed", "al-Qaeda", "rivals", "did", "n't", "cut",
                          "2,500", "troops", ",", "“", "officials", "”", "said", "."};
    token *tokens = NULL;
    size_t cap = 0;
    size_t n = text_tokenize(s, strlen(s), &tokens, &cap);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    char buf[64];
    for (size_t i = 0; i < n; i++)
        assert_string_equal(tok(s, &tokens[i], buf), want[i]);
    assert_true(tokens[0].shape & T_DATELINE);
    assert_true(tokens[1].shape & T_DATELINE);
    assert_false(tokens[2].shape & T_DATELINE);
    assert_true(tokens[12].shape & T_NUM);
    assert_true(tokens[15].shape & T_QUOTE);
    free(tokens);
}

/* Protects: token.folded, the lexicon's cache key, is the token lowered, zero-padded,
 * whenever it is set; it is set for plain ASCII words of up to 8 bytes (by the 16-byte
 * test, by the 8-byte one near the sentence's end, and for a word of exactly 8 bytes) and
 * for ASCII marks, and never for a word whose rest the slow rules decide or one in the
 * sentence's last 8 bytes. */
static void test_folded(void **state)
{
    (void)state;
    const char *s = "Kabul ABCDEFGH Abcdefghi said, U.S. al-Qaeda didn't X Élysée talks Doha-bound ENDING ok.";
    const char *want_set[] = {"Kabul", "ABCDEFGH", ",", "X", "talks", "ENDING"};
    const char *want_unset[] = {"Abcdefghi", "U.S.", "al-Qaeda", "did", "n't", "Élysée", "Doha-bound", "ok"};
    token *tokens = NULL;
    size_t cap = 0;
    size_t n = text_tokenize(s, strlen(s), &tokens, &cap);
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        const token *t = &tokens[i];
        tok(s, t, buf);
        if (t->folded) {
            char want[8] = {0};
            assert_true(t->end - t->start <= 8);
            for (size_t k = 0; k < t->end - t->start; k++)
                want[k] = (char)(buf[k] >= 'A' && buf[k] <= 'Z' ? buf[k] + 32 : buf[k]);
            assert_memory_equal(&t->folded, want, 8);
        }
        for (size_t k = 0; k < sizeof want_set / sizeof want_set[0]; k++)
            if (strcmp(buf, want_set[k]) == 0 && !t->folded)
                fail_msg("'%s' not folded", buf);
        for (size_t k = 0; k < sizeof want_unset / sizeof want_unset[0]; k++)
            if (strcmp(buf, want_unset[k]) == 0 && t->folded)
                fail_msg("'%s' folded", buf);
    }
    free(tokens);
}

static void test_clean_repairs_utf8(void **state)
{
    (void)state;
    const char bad[] = "Iran\xff said\0 no\xc3";
    sbuf out = {0};
    size_t repaired = text_clean(bad, sizeof bad - 1, &out);
    assert_int_equal(repaired, 3);
    assert_string_equal(out.data, "Iran\xEF\xBF\xBD said no\xEF\xBF\xBD");
    sbuf_free(&out);
}

static void test_clean_nfc_and_bom(void **state)
{
    (void)state;
    const char decomposed[] = "\xEF\xBB\xBF" "Cote d'Ivoire: Ce\xCC\x81" "sar\r\n";
    sbuf out = {0};
    text_clean(decomposed, sizeof decomposed - 1, &out);
    assert_string_equal(out.data, "Cote d'Ivoire: C\xC3\xA9sar\n");
    sbuf_free(&out);
}

/* The eight-bytes-at-a-time scan agrees with a byte-by-byte one at every position,
 * for every stop byte placed anywhere in a run, and after a borrow. */
static void test_ascii_run_end(void **state)
{
    (void)state;
    const unsigned char stops[] = {0x00, 0x01, 0x1f, '"', '\\', 0x80, 0xc3, 0xff, '\n'};
    unsigned char buf[40];
    for (size_t k = 0; k < sizeof stops; k++)
        for (size_t at = 0; at < sizeof buf; at++) {
            memset(buf, 'a', sizeof buf);
            buf[at] = stops[k];
            if (at + 1 < sizeof buf)
                buf[at + 1] = 0x20; /* the lowest plain byte, just after the stop */
            for (size_t from = 0; from <= at; from++)
                assert_int_equal(ascii_run_end(buf, from, sizeof buf, '"', '\\', '\\'), at);
            assert_int_equal(ascii_run_end(buf, 0, at, '"', '\\', '\\'), at); /* none within n */
        }
    for (size_t at = 0; at < sizeof buf; at++) { /* the third character */
        memset(buf, 'a', sizeof buf);
        buf[at] = '?';
        assert_int_equal(ascii_run_end(buf, 0, sizeof buf, '.', '!', '?'), at);
    }
    const unsigned char plain[] = " !#[]~ 0123456789 The Taliban met U.S. envoys";
    assert_int_equal(ascii_run_end(plain, 0, sizeof plain - 1, '"', '\\', '\\'), sizeof plain - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),          cmocka_unit_test(test_title_line),
        cmocka_unit_test(test_long_sentence_is_cut), cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_clean_repairs_utf8),   cmocka_unit_test(test_clean_nfc_and_bom),
        cmocka_unit_test(test_ascii_run_end),        cmocka_unit_test(test_folded),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
