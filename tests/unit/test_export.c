/* test_export.c — the pieces the export writers (src/export) are made of, at the edges the
 * corpus does not reach: put_fixed against printf's "%.Nf" over millions of numbers (the
 * writers' coordinates, scores and fractional dates, ties, near ties, every exponent, NaN
 * and the infinities); and the scans for
 * bytes that need care (put_any, put_tsv) with such a byte at every position of strings
 * held in blocks of exactly their size, so that a read past them fails under ASan. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_edges),           cmocka_unit_test(test_fixed_writers_numbers),
        cmocka_unit_test(test_fixed_ties),            cmocka_unit_test(test_fixed_random),
        cmocka_unit_test(test_scans_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
