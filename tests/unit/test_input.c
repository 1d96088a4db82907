/* test_input.c — the fast path of the JSON Lines reader (src/input/fields.c) against
 * jansson. Protects: every record the fast path accepts reads exactly as jansson reads
 * it (escapes, surrogate pairs, "\u0000", repeated keys, null fields), and everything it
 * should leave to jansson (syntax errors, wrong types, nested values, invalid UTF-8, lone
 * surrogates, overflowing numbers) is declined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "input/input.h"

typedef struct line_case {
    const char *line;
    bool fast; /* the fast path should read it */
} line_case;

static const line_case cases[] = {
    {"{\"id\":\"a1\",\"date\":\"2021-03-09\",\"text\":\"Kabul talks resumed.\"}", true},
    {" { \"id\" : \"a2\" , \"text\" : \"x\" , \"title\" : null , \"url\" : \"http://x/\\/y\" } ", true},
    {"{\"text\":\"Quote \\\"this\\\" and a tab\\t, a newline\\n, a backslash \\\\.\"}", true},
    {"{\"text\":\"caf\\u00e9 \\u4e2d \\ud83d\\ude00 \\u0000 end\"}", true},
    {"{\"text\":\"Bogot\xc3\xa1 \xe4\xb8\xad \xf0\x9f\x98\x80\"}", true},
    {"{\"text\":\"first\",\"text\":\"second\"}", true},
    {"{\"text\":\"first\",\"text\":null,\"title\":\"t\"}", true},
    {"{\"id\":\"n\",\"year\":2021,\"score\":-0.5,\"ok\":true,\"bad\":false,\"none\":null,\"text\":\"x\"}", true},
    {"{\"title\":\"Only a title\"}", true},
    {"{}", true},
    {"{\"id\":7,\"text\":\"x\"}", false},
    {"{\"text\":5}", false},
    {"{\"text\":\"x\",\"tags\":[\"a\"]}", false},
    {"{\"text\":\"x\",\"meta\":{\"a\":1}}", false},
    {"{\"text\":\"x\",\"big\":1e400}", false},
    {"{\"text\":\"x\",\"big\":123456789012345678901234567890}", false},
    {"{\"text\":\"x\",\"n\":01}", false},
    {"{\"text\":\"x\",}", false},
    {"{\"text\":\"x\"} trailing", false},
    {"{\"text\":\"lone \\ud800 surrogate\"}", false},
    {"{\"text\":\"lone \\udc00 low\"}", false},
    {"{\"text\":\"bad \\x escape\"}", false},
    {"{\"text\":\"bad \xff byte\"}", false},
    {"{\"text\":\"overlong \xc0\xaf\"}", false},
    {"{\"text\":\"encoded surrogate \xed\xa0\x80\"}", false},
    {"{\"text\":\"raw\ttab\"}", false},
    {"{\"te\\u0078t\":\"escaped key\"}", false},
    {"[\"text\"]", false},
    {"{\"text\":\"unterminated}", false},
    {"{\"text\" \"x\"}", false},
    {"{\"text\":nul}", false},
};

/* The field as jansson reads it: NULL for absent or null. */
static const char *jansson_field(json_t *obj, const char *key, size_t *len)
{
    json_t *v = json_object_get(obj, key);
    *len = json_is_string(v) ? json_string_length(v) : 0;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void same_field(json_t *obj, const char *key, const char *got, size_t got_len)
{
    size_t len;
    const char *want = jansson_field(obj, key, &len);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_int_equal(got_len, len);
    assert_memory_equal(got, want, len);
    assert_int_equal(got[got_len], 0);
}

static void test_fast_path_agrees_with_jansson(void **state)
{
    (void)state;
    sbuf scratch = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *line = cases[i].line;
        input_fields f;
        bool fast = input_fields_read(line, strlen(line), &f, &scratch);
        if (fast != cases[i].fast)
            fail_msg("case %zu: fast path %s: %s", i, fast ? "read it" : "declined", line);
        if (!fast)
            continue;
        json_error_t err;
        json_t *obj = json_loadb(line, strlen(line), JSON_ALLOW_NUL, &err);
        if (!obj)
            fail_msg("case %zu: jansson rejects what the fast path read: %s", i, err.text);
        same_field(obj, "id", f.id, f.id_len);
        same_field(obj, "text", f.text, f.text_len);
        same_field(obj, "title", f.title, f.title_len);
        same_field(obj, "date", f.date, f.date_len);
        same_field(obj, "url", f.url, f.url_len);
        json_decref(obj);
    }
    sbuf_free(&scratch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fast_path_agrees_with_jansson)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
