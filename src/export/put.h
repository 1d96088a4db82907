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

/* Room kept free for fixed text. The longest stretch of it a writer writes without
 * making room, Phoenix's from the line's start to the Goldstein score (an id, a date, two
 * actors of three codes each, the cameo code, the quad class), is under 200 bytes, with
 * the 8 bytes put_code may write past the last code. */
enum { PUT_FIXED_MAX = 256 };

/* Slow path of put_room (write.c): grows b so that n bytes fit at p; where p now is. */
char *put_grow(sbuf *b, char *p, size_t n);

/* Makes room for n bytes at p (p lies in b's data, at or before its end) and the NUL
 * put_end stores after them; returns where p now is, as b may have moved. */
static inline char *put_room(sbuf *b, char *p, size_t n)
{
    if ((size_t)(b->data + b->cap - p) > n)
        return p;
    return put_grow(b, p, n);
}

/* The start of a line at the end of b, with room for n bytes. (Not put_room: b->data
 * is NULL in an empty buffer, and NULL + 0 is not a pointer C lets us make.) */
static inline char *put_begin(sbuf *b, size_t n)
{
    if (b->cap - b->len <= n)
        sbuf_grow(b, n);
    return b->data + b->len;
}

/* Ends a line written up to p: the NUL the sbuf keeps, and its length. */
static inline void put_end(sbuf *b, char *p)
{
    *p = 0;
    b->len = (size_t)(p - b->data);
}


/* n bytes at s as they are; makes its own room and leaves PUT_FIXED_MAX after them. */
static inline char *put_bytes(sbuf *b, char *p, const char *s, size_t n)
{
    p = put_room(b, p, n + PUT_FIXED_MAX);
    memcpy(p, s, n);
    return p + n;
}

/* The ids are long long, written by fmt_long: the same type on every system jirga is
 * built for (LP64). */
_Static_assert(sizeof(long) == sizeof(long long), "fmt_long writes a long long whole");

/* ---- Bytes that need care, looked for 16 at a time ------------------------------------------ */

/* GCC and Clang lower these to SSE2 on x86-64, to plain words elsewhere (as out.c's). A
 * comparison gives -1 in each byte where it holds, 0 elsewhere. */
typedef signed char put_block __attribute__((vector_size(16)));

/* JSON: below 0x20, '"', '\\', and 0x80 and above (UTF-8 goes the slow way, as signed
 * chars those bytes are below 0x20 too). */
static inline put_block put_json_stops(put_block x) { return (x < 0x20) | (x == '"') | (x == '\\'); }
/* CSV: what makes a field quoted. */
static inline put_block put_csv_stops(put_block x) { return (x == ',') | (x == '"') | (x == '\n') | (x == '\r'); }
/* TSV: what becomes a space. */
static inline put_block put_tsv_stops(put_block x) { return (x == '\t') | (x == '\n') | (x == '\r'); }

/* The n < 16 bytes at s in a block, the rest 'a', which none of the three flags: words of
 * 8 or 4 read from both ends (overlapping in the middle), or the 1 to 3 bytes one by one.
 * Each byte of s is in the block, and nothing outside s is read. */
static inline put_block put_short_block(const char *s, size_t n)
{
    uint64_t low = 0x6161616161616161ULL, high = low;
    if (n >= 8) {
        memcpy(&low, s, 8);
        memcpy(&high, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t first, last;
        memcpy(&first, s, 4);
        memcpy(&last, s + n - 4, 4);
        low = 0x6161616100000000ULL | first;
        high = 0x6161616100000000ULL | last;
    } else if (n > 0) {
        low = 0x6161616161000000ULL | (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
              (uint64_t)(unsigned char)s[n - 1] << 16;
    }
    put_block x;
    memcpy(&x, &low, 8);
    memcpy((char *)&x + 8, &high, 8);
    return x;
}

/* Whether stops (one of the three above; inlined with it) flags any of the n bytes at s.
 * The flags of all blocks are gathered and tested once: most strings have none. The last
 * block of a string of 16 bytes or more ends at n, going over bytes already looked at. */
static inline bool put_any(const char *s, size_t n, put_block (*stops)(put_block))
{
    put_block any, x;
    if (n < 16) {
        any = stops(put_short_block(s, n));
    } else {
        any = (put_block){0};
        size_t i = 0;
        for (; n - i >= 16; i += 16) {
            memcpy(&x, s + i, 16);
            any |= stops(x);
        }
        if (i < n) {
            memcpy(&x, s + n - 16, 16);
            any |= stops(x);
        }
    }
    uint64_t low, high;
    memcpy(&low, &any, 8);
    memcpy(&high, (const char *)&any + 8, 8);
    return (low | high) != 0;
}

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
