/* base.c — checked allocation, growable arrays, string builder, hash. */
#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "jirga: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void grow_array(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    *items = xrealloc(*items, n * elem);
    *cap = n;
}

void sbuf_grow(sbuf *b, size_t n) { GROW(b->data, b->cap, b->len + n + 1); }

char *put_grow(sbuf *b, char *p, size_t n)
{
    b->len = (size_t)(p - b->data);
    sbuf_grow(b, n);
    return b->data + b->len;
}

size_t utf8_valid_length(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i];
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!len || i + len > n)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0) || (c == 0xF0 && s[i + 1] < 0x90) ||
        (c == 0xF4 && s[i + 1] >= 0x90))
        return 0;
    return len;
}

void utf8_encode(sbuf *b, uint32_t u)
{
    char e[4];
    size_t len;
    if (u < 0x80) {
        e[0] = (char)u;
        len = 1;
    } else if (u < 0x800) {
        e[0] = (char)(0xC0 | u >> 6);
        e[1] = (char)(0x80 | (u & 0x3F));
        len = 2;
    } else if (u < 0x10000) {
        e[0] = (char)(0xE0 | u >> 12);
        e[1] = (char)(0x80 | (u >> 6 & 0x3F));
        e[2] = (char)(0x80 | (u & 0x3F));
        len = 3;
    } else {
        e[0] = (char)(0xF0 | u >> 18);
        e[1] = (char)(0x80 | (u >> 12 & 0x3F));
        e[2] = (char)(0x80 | (u >> 6 & 0x3F));
        e[3] = (char)(0x80 | (u & 0x3F));
        len = 4;
    }
    sbuf_add(b, e, len);
}

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sbuf_add(b, small, (size_t)n);
        return;
    }
    GROW(b->data, b->cap, b->len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *fmt_long(char *dst, long v)
{
    /* Two digits per division: "00".."99" side by side. */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    if (v < 0)
        *dst++ = '-';
    size_t digits = u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 : 4; /* offsets, counts, lines */
    for (unsigned long t = u / 10000; t; t /= 10)
        digits++;
    char *end = dst + digits, *q = end;
    for (; u >= 100; u /= 100) {
        q -= 2;
        memcpy(q, pairs + u % 100 * 2, 2);
    }
    if (u >= 10)
        memcpy(q - 2, pairs + u * 2, 2);
    else
        q[-1] = (char)('0' + u);
    return end;
}

char *fmt_fixed(char *dst, double v, int decimals)
{
    long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double r = v * (double)scale;
    long whole = (long)(r < 0 ? r - 0.5 : r + 0.5);
    if (whole < 0) {
        *dst++ = '-';
        whole = -whole;
    }
    dst = fmt_long(dst, whole / scale);
    if (decimals > 0) {
        *dst++ = '.';
        long f = whole % scale;
        for (int i = decimals - 1; i >= 0; i--) {
            dst[i] = (char)('0' + f % 10);
            f /= 10;
        }
        dst += decimals;
    }
    return dst;
}

void sbuf_add_long(sbuf *b, long v)
{
    char buf[FMT_LONG_MAX];
    sbuf_add(b, buf, (size_t)(fmt_long(buf, v) - buf));
}

void sbuf_add_fixed(sbuf *b, double v, int decimals)
{
    char buf[FMT_FIXED_MAX(24)];
    sbuf_add(b, buf, (size_t)(fmt_fixed(buf, v, decimals) - buf));
}

void sbuf_reset(sbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void sbuf_free(sbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* FNV-1a: short keys (words), good enough spread, no dependencies. */
uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void str_copy(char *dst, size_t cap, const char *src)
{
    if (!cap)
        return;
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* never cut inside a UTF-8 character */
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b = {0};
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        sbuf_add(&b, buf, got);
    bool failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        sbuf_free(&b);
        errno = saved;
        return NULL;
    }
    if (!b.data)
        sbuf_add(&b, "", 0);
    if (len)
        *len = b.len;
    return b.data;
}

char *str_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}
