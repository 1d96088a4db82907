/* fields.c — the fast path of the JSON Lines reader: the five string fields of a record
 * read in one pass, without building a tree. It accepts only records it reads exactly as
 * jansson does; anything else (a syntax error, a nested value, a number as id, a field of
 * the wrong type, an escape in a key) is left to jansson, which gives the message. */
#include "input.h"

#include <string.h>

enum { F_ID, F_TEXT, F_TITLE, F_DATE, F_URL, F_COUNT };
static const char *const field_names[F_COUNT] = {"id", "text", "title", "date", "url"};

typedef struct scanner {
    const unsigned char *s;
    size_t i, n;
} scanner;

static void skip_space(scanner *sc)
{
    while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' ||
                             sc->s[sc->i] == '\r'))
        sc->i++;
}

static int hex4(const unsigned char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int c = s[k], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Reads the string at sc->i (its opening quote); decodes it into out when out is not
 * NULL. False for anything jansson would reject. */
static bool read_string(scanner *sc, sbuf *out, bool *escaped)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i + 1, run = i;
    *escaped = false;
    while (i < sc->n) {
        i = ascii_run_end(s, i, sc->n, '"', '\\', '"'); /* plain text, eight bytes at a time */
        if (i >= sc->n)
            break;
        unsigned char c = s[i];
        if (c == '"') {
            if (out)
                sbuf_add(out, (const char *)s + run, i - run);
            sc->i = i + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c >= 0x80) {
            size_t len = utf8_valid_length(s, i, sc->n); /* as jansson checks it */
            if (!len)
                return false;
            i += len;
            continue;
        }
        if (c != '\\') {
            i++;
            continue;
        }
        *escaped = true;
        if (out)
            sbuf_add(out, (const char *)s + run, i - run);
        if (i + 1 >= sc->n)
            return false;
        unsigned char e = s[i + 1];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(from, e) : NULL;
        if (k) {
            if (out)
                sbuf_addc(out, to[k - from]);
            i += 2;
        } else if (e == 'u') {
            int u = i + 6 <= sc->n ? hex4(s + i + 2) : -1;
            if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
                return false;
            i += 6;
            if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate needs its low half */
                int lo = i + 6 <= sc->n && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s + i + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return false;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            if (out)
                utf8_encode(out, (uint32_t)u);
        } else {
            return false;
        }
        run = i;
    }
    return false;
}

/* A short number without exponent, as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)? */
static bool read_number(scanner *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i;
    if (i < sc->n && s[i] == '-')
        i++;
    if (i >= sc->n || s[i] < '0' || s[i] > '9')
        return false;
    if (s[i] == '0')
        i++;
    else
        while (i < sc->n && s[i] >= '0' && s[i] <= '9')
            i++;
    if (i < sc->n && s[i] == '.') {
        size_t d = ++i;
        while (i < sc->n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    /* jansson reads integers into 64 bits and reals into doubles and rejects what
     * overflows them: exponents and long numbers are left to it */
    if ((i < sc->n && (s[i] == 'e' || s[i] == 'E')) || i - sc->i > 15)
        return false;
    sc->i = i;
    return true;
}

static bool read_word(scanner *sc, const char *w)
{
    size_t n = strlen(w);
    if (sc->i + n > sc->n || memcmp(sc->s + sc->i, w, n) != 0)
        return false;
    sc->i += n;
    return true;
}

bool input_fields_read(const char *line, size_t len, input_fields *f, sbuf *scratch)
{
    scanner sc = {(const unsigned char *)line, 0, len};
    size_t field_at[F_COUNT], flen[F_COUNT]; /* offset and length in scratch */
    bool present[F_COUNT] = {false};
    sbuf_reset(scratch);
    skip_space(&sc);
    if (sc.i >= sc.n || sc.s[sc.i] != '{')
        return false;
    sc.i++;
    skip_space(&sc);
    bool first = true;
    while (sc.i < sc.n && sc.s[sc.i] != '}') {
        if (!first) {
            if (sc.s[sc.i] != ',')
                return false;
            sc.i++;
            skip_space(&sc);
        }
        first = false;
        if (sc.i >= sc.n || sc.s[sc.i] != '"')
            return false;
        size_t key = sc.i + 1;
        bool escaped;
        if (!read_string(&sc, NULL, &escaped) || escaped)
            return false;
        size_t key_len = sc.i - 1 - key;
        int field = -1;
        for (int k = 0; k < F_COUNT; k++)
            if (strlen(field_names[k]) == key_len && memcmp(line + key, field_names[k], key_len) == 0)
                field = k;
        skip_space(&sc);
        if (sc.i >= sc.n || sc.s[sc.i] != ':')
            return false;
        sc.i++;
        skip_space(&sc);
        if (sc.i >= sc.n)
            return false;
        unsigned char c = sc.s[sc.i];
        if (c == '"') {
            /* a field is decoded as it is read (one pass over the text); a repeated key
             * leaves its earlier copy unused: the last one counts, as in jansson */
            size_t at = scratch->len;
            if (!read_string(&sc, field >= 0 ? scratch : NULL, &escaped))
                return false;
            if (field >= 0) {
                present[field] = true;
                field_at[field] = at;
                flen[field] = scratch->len - at;
                sbuf_addc(scratch, 0);
            }
        } else if (c == 'n' && read_word(&sc, "null")) {
            if (field >= 0)
                present[field] = false;
        } else if (field >= 0) {
            return false; /* a field of another type: jansson's reader explains */
        } else if (!(c == 't' && read_word(&sc, "true")) && !(c == 'f' && read_word(&sc, "false")) &&
                   !read_number(&sc)) {
            return false; /* nested values are rare: jansson reads them */
        }
        skip_space(&sc);
    }
    if (sc.i >= sc.n)
        return false;
    sc.i++;
    skip_space(&sc);
    if (sc.i != sc.n)
        return false;

    /* The record is valid: the fields are in scratch, each followed by a NUL. */
    const char **out[F_COUNT] = {&f->id, &f->text, &f->title, &f->date, &f->url};
    size_t *out_len[F_COUNT] = {&f->id_len, &f->text_len, &f->title_len, &f->date_len, &f->url_len};
    for (int k = 0; k < F_COUNT; k++) {
        *out[k] = present[k] ? scratch->data + field_at[k] : NULL;
        *out_len[k] = present[k] ? flen[k] : 0;
    }
    return true;
}
