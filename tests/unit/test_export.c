/* test_export.c — the pieces the export writers (src/export) are made of, at the edges the
 * corpus does not reach: put_fixed against printf's "%.Nf" over millions of numbers (the
 * writers' coordinates, scores and fractional dates, ties, near ties, every exponent, NaN
 * and the infinities); and the scans for
 * bytes that need care (put_any, put_tsv) with such a byte at every position of strings
 * held in blocks of exactly their size, so that a read past them fails under ASan; and
 * the capture of a coded document (one block), with events whose sentence is not the
 * coder's, which real documents do not give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/put.h"

/* ---- put_fixed against printf ------------------------------------------------------------ */

static long checked;

/* put_fixed(v, decimals) written into a buffer with no spare room is snprintf's text. */
static void check_fixed(double v, int decimals)
{
    char want[512];
    int n = snprintf(want, sizeof want, "%.*f", decimals, v);
    assert_true(n > 0 && (size_t)n < sizeof want);
    sbuf got = {0};
    char *p = put_begin(&got, 1);
    put_end(&got, put_fixed(&got, p, v, decimals));
    if (got.len != (size_t)n || memcmp(got.data, want, (size_t)n) != 0)
        fail_msg("%.17g with %d decimals: put_fixed wrote \"%s\", printf \"%s\"", v, decimals, got.data, want);
    sbuf_free(&got);
    checked++;
}

/* The double next to a finite v, away from zero (+1) or toward it (-1): its bits plus or
 * minus one (libm's nextafter without libm). */
static double next_double(double v, int step)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if (v == 0)
        return step > 0 ? copysign(DBL_TRUE_MIN, v) : v;
    bits += (uint64_t)(int64_t)step;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* v and the doubles next to it, with each number of decimals. */
static void check_around(double v)
{
    double below = v, above = v;
    for (int k = 0; k < 3; k++) {
        below = next_double(below, -1);
        above = next_double(above, 1);
        for (int d = 0; d <= 4; d++) {
            check_fixed(below, d);
            check_fixed(above, d);
        }
    }
    for (int d = 0; d <= 4; d++)
        check_fixed(v, d);
}

/* Protects: the sign of -0.0 and of what rounds to zero, ties of exact binary fractions
 * (0.25, 2.5: to the even digit), near ties (0.15, 0.35: not ties in binary), the limit
 * 2^52 of the fast path, NaN, the infinities and numbers printf writes with 300 digits. */
static void test_fixed_edges(void **state)
{
    (void)state;
    static const double edges[] = {0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 0.5, 1.5, 2.5, 0.125, 0.375, 0.0625,
                                   0.00005, 0.00015, 0.00025, 1.00005, 0.99995, 0.9999499999, 9.95, 9.05,
                                   -10.0, 10.0, 89.99995, 179.99995, 1e15, 4.5e15, 0x1p52, 0x1p53, 0x1p52 / 10,
                                   0x1p52 / 10000, 0x1p52 / 10000 + 0.5, 1e300, DBL_MAX, DBL_MIN,
                                   DBL_TRUE_MIN, 1e-300, 123456789.123456789};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        check_around(edges[i]);
        check_around(-edges[i]);
    }
    for (int d = 0; d <= 4; d++) {
        check_fixed(-0.0, d);
        check_fixed(NAN, d);
        check_fixed(-NAN, d);
        check_fixed(INFINITY, d);
        check_fixed(-INFINITY, d);
    }
}

/* Protects: the numbers the writers print. Goldstein scores are tenths from -10 to 10 and
 * coordinates ten-thousandths of a degree (dictionaries/gen/places.tsv), each as read
 * (k / 10.0, k / 10000.0); fractional dates are year + days / 365.0. */
static void test_fixed_writers_numbers(void **state)
{
    (void)state;
    for (int k = -1000; k <= 1000; k++)
        for (int d = 0; d <= 4; d++)
            check_fixed(k / 10.0, d);
    for (long k = -1800000; k <= 1800000; k += 3) {
        check_fixed(k / 10000.0, 4);
        check_fixed(k / 10000.0, 1);
    }
    for (int y = 0; y <= 9999; y += 7)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d += 3)
                check_fixed(y + ((m - 1) * 30 + d) / 365.0, 4);
}

/* Protects: ties and near ties at every scale: (k + 1/2) / 10^decimals, which printf
 * rounds by its exact binary value, and the doubles around it. */
static void test_fixed_ties(void **state)
{
    (void)state;
    static const double scale[] = {1, 10, 100, 1000, 10000};
    for (int d = 0; d <= 4; d++)
        for (long k = 0; k < 20000; k += 1 + k / 50) {
            double v = (k + 0.5) / scale[d];
            check_fixed(v, d);
            check_fixed(-v, d);
            check_fixed(next_double(v, -1), d);
            check_fixed(next_double(v, 1), d);
        }
    /* exact binary ties: j / 2^s */
    for (int s = 1; s <= 20; s++)
        for (long j = 1; j < 4000; j += 2)
            for (int d = 0; d <= 4; d++)
                check_fixed((double)j / (double)(1L << s), d);
}

/* A random double: every bit pattern (all exponents, NaNs among them), or a number of the
 * writers' range with random low bits. */
static double random_double(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t bits = *seed ^ (*seed >> 29);
    double v;
    if (bits & 1) {
        memcpy(&v, &bits, sizeof v);
        return v;
    }
    return ((double)(bits >> 11) / 0x1p53 - 0.5) * 400.0;
}

/* Protects: everything else, at random, with a fixed seed. */
static void test_fixed_random(void **state)
{
    (void)state;
    uint64_t seed = 20210117;
    for (int i = 0; i < 600000; i++) {
        double v = random_double(&seed);
        check_fixed(v, (int)(seed >> 40) % 5);
    }
    print_message("put_fixed agreed with printf on %ld numbers\n", checked);
}

/* ---- Scans ------------------------------------------------------------------------------- */

/* The bytes of s (n of them) copied to a block of exactly n bytes. */
static char *exact_copy(const char *s, size_t n)
{
    char *copy = malloc(n ? n : 1);
    memcpy(copy, s, n);
    return copy;
}

static bool any_slow(const char *s, size_t n, const char *stops, bool json)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] && strchr(stops, s[i])) || (json && ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x80)))
            return true;
    return false;
}

static void check_scans(const char *s, size_t n)
{
    char *exact = exact_copy(s, n);
    assert_int_equal(put_any(exact, n, put_json_stops), any_slow(s, n, "\"\\", true));
    assert_int_equal(put_any(exact, n, put_csv_stops), any_slow(s, n, ",\"\n\r", false));
    assert_int_equal(put_any(exact, n, put_tsv_stops), any_slow(s, n, "\t\n\r", false));
    sbuf got = {0};
    put_end(&got, put_tsv(&got, put_begin(&got, 1), exact, n));
    assert_int_equal(got.len, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got.data[i], s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    sbuf_free(&got);
    free(exact);
}

/* Protects: the short paths (overlapping loads of 8, of 4, single bytes), the blocks of
 * 16 and the last block going back over the ones before: a byte of each kind at each
 * position of strings of 0 to 48 bytes. */
static void test_scans_every_position(void **state)
{
    (void)state;
    static const char odd[] = {'"', '\\', ',', '\n', '\r', '\t', 0x01, 0x1f, 0x7f, (char)0x80, (char)0xff, ';', 0};
    char s[64];
    for (size_t n = 0; n <= 48; n++) {
        memset(s, 'a', n);
        check_scans(s, n);
        for (size_t k = 0; k < sizeof odd; k++)
            for (size_t at = 0; at < n; at++) {
                memset(s, 'a', n);
                s[at] = odd[k];
                check_scans(s, n);
            }
    }
}

/* ---- The capture ------------------------------------------------------------------------- */

static void check_capture(const export_doc *d, const jirga_doc *doc, const jirga_coder *coder, const jirga_event *events,
                          int n, int nextra)
{
    assert_string_equal(d->doc.id, doc->id ? doc->id : "");
    if (doc->url)
        assert_string_equal(d->doc.url, doc->url);
    else
        assert_null(d->doc.url);
    assert_null(d->doc.title);
    assert_int_equal(d->doc.text_len, doc->text_len);
    assert_memory_equal(d->doc.text, doc->text, doc->text_len);
    assert_int_equal(d->doc.text[d->doc.text_len], 0);
    assert_int_equal(d->nsentences, jirga_sentence_count(coder));
    for (int i = 0; i < d->nsentences; i++) {
        size_t len;
        const char *s = jirga_sentence_text(coder, i + 1, &len);
        assert_int_equal(d->sentence_lens[i], len);
        assert_memory_equal(d->sentences[i], s, len);
        assert_int_equal(d->sentences[i][len], 0);
    }
    assert_int_equal(d->nevents, n);
    assert_int_equal(d->nextra, nextra);
    for (int i = 0; i < n; i++) {
        const jirga_event *e = &d->events[i];
        assert_int_equal(e->sentence_len, events[i].sentence_len);
        assert_memory_equal(e->sentence_text, events[i].sentence_text, e->sentence_len);
        bool own = e->sentence < 1 || e->sentence > d->nsentences || e->sentence_text != d->sentences[e->sentence - 1];
        bool extra = false;
        for (int k = 0; k < d->nextra; k++)
            extra = extra || e->sentence_text == d->extra[k];
        assert_int_equal(own, extra);
        assert_string_equal(e->cameo, events[i].cameo);
    }
}

/* Protects: the layout of the one block (struct, events, arrays, strings) and the events
 * whose text gets a copy of its own: a sentence number out of range, or other bytes. */
static void test_capture(void **state)
{
    (void)state;
    jirga_error err = {0};
    jirga_dict *dict = jirga_dict_load("dictionaries/en", NULL, &err);
    assert_non_null(dict);
    jirga_coder *coder = jirga_coder_new(dict, NULL);
    const char text[] = "Iran condemned Israel on Monday. The United Nations criticized the government of Sudan.";
    jirga_doc doc = {.id = "capture-1", .date = "2021-01-17", .text = text, .text_len = sizeof text - 1,
                     .url = "https://www.example.org/a"};
    const jirga_event *events;
    int n = jirga_code(coder, &doc, &events);
    assert_true(n >= 2);
    export_doc *d = export_doc_capture(&doc, coder, events, n);
    check_capture(d, &doc, coder, events, n, 0);
    export_doc_free(d);

    jirga_event *changed = malloc((size_t)n * sizeof *changed);
    memcpy(changed, events, (size_t)n * sizeof *changed);
    static const char other[] = "A sentence the coder never split.";
    changed[0].sentence_text = other;
    changed[0].sentence_len = sizeof other - 1;
    changed[1].sentence = 99;
    doc.url = NULL;
    doc.id = NULL;
    d = export_doc_capture(&doc, coder, changed, n);
    check_capture(d, &doc, coder, changed, n, 2);
    export_doc_free(d);
    d = export_doc_capture(&doc, coder, changed, 0);
    check_capture(d, &doc, coder, changed, 0, 0);
    export_doc_free(d);

    free(changed);
    jirga_coder_free(coder);
    jirga_dict_free(dict);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_edges),           cmocka_unit_test(test_fixed_writers_numbers),
        cmocka_unit_test(test_fixed_ties),            cmocka_unit_test(test_fixed_random),
        cmocka_unit_test(test_scans_every_position), cmocka_unit_test(test_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
