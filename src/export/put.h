/*
 * put.h — what the export writers (gdelt.c, plover.c, phoenix.c, write.c) share to write a
 * line in place, the way src/out/out.c writes its records: room is made once for a stretch
 * of the line, and the fields in it are plain stores through a pointer p, not sbuf_add or
 * sbuf_printf calls that each check the room, store a NUL, update the length (and, for
 * printf, parse a format). Internal to src/export and its unit test.
 *
 * The rule every writer keeps: after put_begin, put_room(b, p, PUT_FIXED_MAX) and every
 * put_ function that takes b, at least PUT_FIXED_MAX bytes are free at p. Fixed text
 * (literals, codes from the event's arrays, numbers) is written into that room without a
 * check; a writer makes room again before PUT_FIXED_MAX bytes of it could be used up.
 */
#ifndef JIRGA_EXPORT_PUT_H
#define JIRGA_EXPORT_PUT_H

#include "export.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The longest stretch of fixed text a writer writes without making room (PUT_FIXED_MAX,
 * base.h), Phoenix's from the line's start to the Goldstein score (an id, a date, two
 * actors of three codes each, the cameo code, the quad class), is under 200 bytes, with
 * the 8 bytes put_code may write past the last code. */

/* The ids are long long, written by fmt_long: the same type on every system jirga is
 * built for (LP64). */
_Static_assert(sizeof(long) == sizeof(long long), "fmt_long writes a long long whole");

/* ---- Bytes that need care, looked for 16 at a time ------------------------------------------ */

/* Besides JSON's (put_json_stops, with put_any, in base.h): CSV, what makes a field quoted; */
static inline put_block put_csv_stops(put_block x) { return (x == ',') | (x == '"') | (x == '\n') | (x == '\r'); }
/* TSV, what becomes a space. */
static inline put_block put_tsv_stops(put_block x) { return (x == '\t') | (x == '\n') | (x == '\r'); }

/* ---- Shared by the writers ------------------------------------------------------------------ */

/* n bytes at s with tabs and line breaks turned into spaces, for TSV fields; makes its
 * own room and leaves PUT_FIXED_MAX after them. */
char *put_tsv(sbuf *b, char *p, const char *s, size_t n);

/* v as printf("%.*f", decimals, v) writes it, for what put_fixed leaves to printf (write.c). */
char *put_fixed_printf(sbuf *b, char *p, double v, int decimals);

/* n (0 <= n < 10^width) in `width` digits, zero-padded, as printf's %0*d. */
static inline char *put_digits(char *p, uint64_t n, int width)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
    return p + width;
}

/* v as printf("%.*f", decimals, v) writes it, for decimals 0 to 4; makes its own room and
 * leaves PUT_FIXED_MAX after it. Inline, so that the divisions by 10^decimals are by a
 * constant.
 *
 * printf rounds the exact binary value of v: 0.15 is 0.1499999999999999944... and gives
 * "0.1", 0.25 is exact and a tie, which goes to the even digit, "0.2". Adding 0.5 and
 * cutting (base's fmt_fixed) gives "0.2" and "0.3". So the digits are taken from x, |v|
 * times 10^decimals rounded to the nearest double, only where x is clearly off a tie: the
 * exact product differs from x by at most half an ulp of x, at most x * 2^-53; where x is
 * farther than x * 2^-52 from w + 0.5 (w its whole part), the exact product lies on the
 * same side of w + 0.5, so it rounds to w or w + 1 as x does, and printf with it. (It
 * lies within (w - 0.5, w + 1.5) as x < 2^52.) Near ties, NaN, infinities and numbers
 * past 2^52 / 10^decimals are left to printf: the coordinates and scores the writers
 * print never come near one, and tests/unit/test_export.c checks the two agree over
 * millions of values. */
static inline char *put_fixed(sbuf *b, char *p, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1000, 10000};
    static const uint64_t whole_scale[] = {1, 10, 100, 1000, 10000};
    if (decimals < 0 || decimals > 4)
        return put_fixed_printf(b, p, v, decimals);
    double x = __builtin_fabs(v) * scale[decimals];
    if (!(x < 0x1p52)) /* NaN and the infinities too */
        return put_fixed_printf(b, p, v, decimals);
    uint64_t w = (uint64_t)x; /* x's whole part: x >= 0 */
    /* exact: x - w and 0.5 are multiples of x's ulp (1/2 or less below 2^52) */
    double above = x - (double)w - 0.5;
    if (!(__builtin_fabs(above) > x * 0x1p-52))
        return put_fixed_printf(b, p, v, decimals);
    w += above > 0;
    p = put_room(b, p, FMT_FIXED_MAX(4) + PUT_FIXED_MAX);
    if (__builtin_signbit(v)) /* printf keeps the sign of -0.0 and of what rounds to 0 */
        *p++ = '-';
    p = fmt_long(p, (long)(w / whole_scale[decimals]));
    if (decimals)
        *p++ = '.';
    return put_digits(p, w % whole_scale[decimals], decimals);
}

/* A small int (ids, counts, quad classes, sentence numbers) as %d writes it: one digit
 * without a call. */
static inline char *put_int(char *p, long v)
{
    if ((unsigned long)v < 10) {
        *p = (char)('0' + v);
        return p + 1;
    }
    return fmt_long(p, v);
}

/* Splits a date of an event's array or a document, YYYY-MM-DD or YYYY-MM (*day is then
 * 0); false for anything else, NULL among it. Its digits are then s[0..3], s[5..6] and
 * s[8..9]. */
bool export_date_parts(const char *s, int *year, int *month, int *day);

/* The digits of a date export_date_parts took: YYYY, MM, DD, as they stand in it. */
static inline char *put_year(char *p, const char *date) { return (char *)memcpy(p, date, 4) + 4; }
static inline char *put_month(char *p, const char *date) { return (char *)memcpy(p, date + 5, 2) + 2; }
static inline char *put_day(char *p, const char *date) { return (char *)memcpy(p, date + 8, 2) + 2; }

/* The words of actor a in e's sentence; "" (length 0) when there is no actor. */
static inline const char *export_actor_text(const jirga_event *e, const jirga_actor *a, size_t *len)
{
    if (!a->code[0] || a->start < 0 || a->end < a->start || (size_t)a->end > e->sentence_len) {
        *len = 0;
        return "";
    }
    *len = (size_t)(a->end - a->start);
    return e->sentence_text + a->start;
}

/* The length of a's country when its code starts with it ("USA" of "USAGOV"), else 0:
 * where the roles in the code begin. */
static inline size_t export_country_prefix(const jirga_actor *a)
{
    size_t k = 0;
    while (k < sizeof a->country && a->country[k] && a->country[k] == a->code[k])
        k++;
    return k == sizeof a->country || !a->country[k] ? k : 0;
}

/* The writers of gdelt.c, plover.c and phoenix.c, called by export_event_write. */
void export_gdelt_write(sbuf *b, const export_event *e);
void export_plover_write(sbuf *b, const export_event *e, const export_plover *plover);
void export_phoenix_write(sbuf *b, const export_event *e);

#endif
