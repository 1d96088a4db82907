/*
 * base.h — the small tools every module uses: checked allocation, growable arrays,
 * a string builder and a string hash. Nothing here knows about language.
 */
#ifndef JIRGA_BASE_H
#define JIRGA_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Allocation that never returns NULL: out of memory aborts with a message, because no
 * caller could do anything sensible with half a document. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows array *items (of *cap elements of size elem) so it holds at least need. */
void grow_array(void **items, size_t *cap, size_t need, size_t elem);
#define GROW(arr, cap, need) grow_array((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* A growable NUL-terminated string; zero-initialise, then sbuf_free. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;
void sbuf_grow(sbuf *b, size_t n); /* room for n more bytes and the NUL */
/* Inline: the writers call these for every field, and strlen of a literal folds away. */
static inline void sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        sbuf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}
static inline void sbuf_adds(sbuf *b, const char *s) { sbuf_add(b, s, strlen(s)); }
static inline void sbuf_addc(sbuf *b, char c)
{
    if (b->len + 2 > b->cap)
        sbuf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}
void sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_add_long(sbuf *b, long v);
/* v with `decimals` (0 to 24) digits after the point (rounded), without printf. */
void sbuf_add_fixed(sbuf *b, double v, int decimals);
/* The same two written at dst, which has room for FMT_LONG_MAX or FMT_FIXED_MAX(decimals)
 * bytes (no NUL); they return the end. For writers that make room once for many fields. */
enum { FMT_LONG_MAX = 20 }; /* "-9223372036854775808" */
#define FMT_FIXED_MAX(decimals) (21 + (decimals))
char *fmt_long(char *dst, long v);
char *fmt_fixed(char *dst, double v, int decimals);

/* ---- Writing in place, through a pointer p into an sbuf (the JSON Lines writer, the
 * export writers) ---- */

/* Literal text at p: sizeof gives its length at compile time, so the copy is a few moves. */
#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* A code held in a char array of `size` bytes, NUL-terminated (codes, countries, roles,
 * dates, count kinds), written at p as it is, as printf's %s would. The array is copied a
 * word at a time while no NUL is in the word; its last size % 8 bytes are read into a word
 * with zeros above them (size is a constant where this is inlined, so that is a load or
 * two, not a call). Each word is stored whole, so up to 8 bytes are written past the end
 * returned: the caller has room for them, and what it writes next goes over them. */
static inline char *put_code(char *p, const char *s, size_t size)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    uint64_t x, zero;
    for (; i + 8 <= size; i += 8) {
        memcpy(&x, s + i, 8);
        memcpy(p + i, &x, 8);
        zero = (x - ones) & ~x & highs; /* the lowest flag is the first NUL */
        if (zero)
            return p + i + (__builtin_ctzll(zero) >> 3); /* little-endian, as ascii_run_end */
    }
    if (i == size)
        return p + i;
    x = 0;
    memcpy(&x, s + i, size - i);
    memcpy(p + i, &x, 8);
    zero = (x - ones) & ~x & highs; /* not 0: the zeros above the array's bytes are flagged */
    return p + i + (__builtin_ctzll(zero) >> 3);
}
#define PUT_CODE(p, array) put_code((p), (array), sizeof(array))

/* Room a writer keeps free at p for fixed text (literals, codes, numbers), written with
 * no check of its own: after put_begin, put_room(b, p, PUT_FIXED_MAX) and every writing
 * function that takes b, at least this much is free. Each writer says in its file why its
 * longest stretch of fixed text stays under it. */
enum { PUT_FIXED_MAX = 256 };

/* Slow path of put_room: grows b so that n bytes fit at p; returns where p now is. */
char *put_grow(sbuf *b, char *p, size_t n);

/* Makes room for n bytes at p (p lies in b's data, at or before its end) and for the NUL
 * put_end stores after them; returns where p now is, as b may have moved. */
static inline char *put_room(sbuf *b, char *p, size_t n)
{
    if ((size_t)(b->data + b->cap - p) > n)
        return p;
    return put_grow(b, p, n);
}

/* The start of a line at the end of b, with room for n bytes. (Not put_room: b->data is
 * NULL in an empty buffer, and NULL + 0 is not a pointer C lets us make.) */
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

/* Sixteen bytes at once where the compiler has vectors (GCC and Clang lower these to
 * SSE2 on x86-64, to plain words elsewhere). A comparison gives -1 in each byte where it
 * holds, 0 elsewhere. */
typedef signed char put_block __attribute__((vector_size(16)));

/* The bytes JSON does not take as they are: below 0x20, '"', '\\', and 0x80 and above
 * (UTF-8 goes the slow way; as signed chars those bytes are below 0x20 too). */
static inline put_block put_json_stops(put_block x) { return (x < 0x20) | (x == '"') | (x == '\\'); }

/* The n < 16 bytes at s in a block, the rest 'a', which no stops function flags: words of
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

/* Whether stops (inlined with it) flags any of the n bytes at s. The flags of all blocks
 * are gathered and tested once: most strings have none. The last block of a string of 16
 * bytes or more ends at n, going over bytes already looked at. */
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

void sbuf_reset(sbuf *b);
void sbuf_free(sbuf *b);

/* Length of the well-formed UTF-8 sequence at s[i] (no overlong form, no surrogate,
 * nothing past U+10FFFF), 0 if the byte does not start one. */
size_t utf8_valid_length(const unsigned char *s, size_t i, size_t n);
/* Appends code point u (at most U+10FFFF) in UTF-8. */
void utf8_encode(sbuf *b, uint32_t u);

uint64_t hash_bytes(const void *p, size_t n);

/* The whole file at path, NUL-terminated (*len, if given, gets its length); NULL with
 * errno set when it cannot be opened or read. Free with free(). */
char *read_file(const char *path, size_t *len);
/* s without leading and trailing white space (moves the start, cuts the end in place). */
char *str_trim(char *s);

/* Eight bytes at a time (SWAR): the index of the first byte at or after i that is below
 * 0x20, at or above 0x80, or equal to c1, c2 or c3; n if there is none. The writers, the
 * cleaner, the splitter and the JSON reader skip long runs of plain ASCII with it instead
 * of testing byte by byte. */
static inline size_t ascii_run_end(const unsigned char *s, size_t i, size_t n, unsigned char c1, unsigned char c2,
                                   unsigned char c3)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t a = x ^ (ones * c1), b = x ^ (ones * c2), c = x ^ (ones * c3);
        /* A flag in the high bit of each byte that stops the run; a borrow can only set
         * flags after the first true one, so the lowest flag is exact. */
        uint64_t stop = ((x - ones * 0x20) & ~x & highs) | (x & highs);
        stop |= (a - ones) & ~a & highs;
        stop |= (b - ones) & ~b & highs;
        stop |= (c - ones) & ~c & highs;
        if (stop)
            return i + (size_t)(__builtin_ctzll(stop) >> 3);
    }
    while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != c1 && s[i] != c2 && s[i] != c3)
        i++;
    return i;
}

/* Has the string s n characters or more (strlen(s) >= n)? For the short actor and event
 * codes the coder asks this of, the loop over a constant n unrolls into a few loads,
 * where strlen is a call; no byte past s's NUL is read. */
static inline bool str_len_at_least(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!s[k])
            return false;
    return true;
}
/* Is strlen(s) exactly n (a small constant)? */
static inline bool str_len_is(const char *s, size_t n) { return str_len_at_least(s, n) && !s[n]; }

/* Copies the string src into dst of cap bytes, cutting it to fit at a UTF-8 character
 * boundary; always terminates. (snprintf with "%s" cuts anywhere, and slowly.) */
void str_copy(char *dst, size_t cap, const char *src);

#endif
