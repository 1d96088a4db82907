/* test_out.c — the JSON string writer at the edges the corpus does not reach: every
 * length around its word and block sizes, every kind of byte at every position (quote,
 * backslash, control characters, U+2028, emoji, bad UTF-8), and buffers with no spare
 * room, checked against a byte-by-byte escaper and under the sanitizers. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_position),
        cmocka_unit_test(test_all_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
