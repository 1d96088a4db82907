/*
 * text.c — cleaning (UTF-8 repair, NFC), sentence splitting and tokenizing.
 *
 * Bad input: invalid UTF-8 bytes become U+FFFD one byte at a time, NUL bytes and a BOM
 * are dropped, so every later stage may assume valid UTF-8 without NULs.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- Cleaning --------------------------------------------------------------------- */

/* Reads the code point at s[*i] and moves *i past it; false on invalid UTF-8. */
static bool next_code_point(const char *s, size_t n, size_t *i, int32_t *cp)
{
    if ((unsigned char)s[*i] < 0x80) {
        *cp = (unsigned char)s[(*i)++];
        return true;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + *i, (utf8proc_ssize_t)(n - *i), &c);
    if (len <= 0)
        return false;
    *cp = c;
    *i += (size_t)len;
    return true;
}

/* May NFC change the text around the code point cp (beyond ASCII)? Text without
 * combining marks is already NFC except for a few canonical singletons (U+212B ANGSTROM
 * SIGN and the like), which are left as they are; most news has no marks, so the costly
 * full normalisation runs only when needed. */
static bool may_compose(int32_t cp)
{
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    utf8proc_category_t cat = utf8proc_category(cp);
    return p->combining_class != 0 || cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME || (cp >= 0x1100 && cp <= 0x11FF); /* a mark; Hangul jamo */
}

size_t text_clean(const char *in, size_t n, sbuf *out)
{
    size_t repaired = 0, begin = out->len;
    bool compose = false; /* a character NFC may change was seen */
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    sbuf_grow(out, n); /* the text and its NUL, unless bytes need repair */
    while (i < n) {
        size_t run = i; /* plain ASCII without NUL or CR goes in one copy */
        for (;;) {
            run = ascii_run_end(s, run, n, '\r', '\r', '\r');
            if (run < n && s[run] < 0x20 && s[run] != 0 && s[run] != '\r')
                run++; /* a newline or a tab is plain too */
            else
                break;
        }
        if (run > i) {
            sbuf_add(out, (const char *)s + i, run - i);
            i = run;
            continue;
        }
        if (s[i] == 0) {
            i++;
            repaired++;
            continue;
        }
        if (s[i] == '\r') {
            i++;
            if (i < n && s[i] == '\n')
                continue;
            sbuf_addc(out, '\n');
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len <= 0) {
            sbuf_add(out, "\xEF\xBF\xBD", 3);
            i++;
            repaired++;
            continue;
        }
        compose = compose || may_compose(cp);
        sbuf_add(out, (const char *)s + i, (size_t)len);
        i += (size_t)len;
    }
    out->data[out->len] = 0; /* terminated even when nothing was added */
    if (compose) { /* the text appended is normalised as a whole and replaces itself */
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)out->data + begin,
                                            (utf8proc_ssize_t)(out->len - begin), &nfc,
                                            UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (len >= 0) {
            out->len = begin;
            sbuf_add(out, (const char *)nfc, (size_t)len);
        }
        free(nfc);
    }
    return repaired;
}

bool text_valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    int32_t cp;
    while (i < n)
        if (!next_code_point(s, n, &i, &cp) || cp == 0)
            return false;
    return true;
}

/* ---- Characters --------------------------------------------------------------------- */

static inline size_t decode(const char *s, size_t n, size_t i, int32_t *cp)
{
    if ((unsigned char)s[i] < 0x80) { /* most of the news: no call into utf8proc */
        *cp = (unsigned char)s[i];
        return 1;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    if (len <= 0) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    *cp = c;
    return (size_t)len;
}

/* Byte classes without the locale's tables: the tokenizer looks at every byte. Bytes
 * from 0x80 up have no class (they start or continue a longer character). A_SPACE is
 * what is_space says of ASCII (not '\r'), A_CSPACE what isspace says in the C locale;
 * A_INNER is the punctuation that may join two parts of a word; A_OPENING ( and " may
 * stand before the word a full stop follows. */
enum { A_UPPER = 1, A_LOWER = 2, A_DIGIT = 4, A_SPACE = 8, A_INNER = 16, A_CSPACE = 32, A_OPENING = 64 };
enum { A_ALNUM = A_UPPER | A_LOWER | A_DIGIT };
static const uint8_t ascii_class[256] = {
    ['0'] = A_DIGIT, ['1'] = A_DIGIT, ['2'] = A_DIGIT, ['3'] = A_DIGIT, ['4'] = A_DIGIT,
    ['5'] = A_DIGIT, ['6'] = A_DIGIT, ['7'] = A_DIGIT, ['8'] = A_DIGIT, ['9'] = A_DIGIT,
    ['A'] = A_UPPER, ['B'] = A_UPPER, ['C'] = A_UPPER, ['D'] = A_UPPER, ['E'] = A_UPPER,
    ['F'] = A_UPPER, ['G'] = A_UPPER, ['H'] = A_UPPER, ['I'] = A_UPPER, ['J'] = A_UPPER,
    ['K'] = A_UPPER, ['L'] = A_UPPER, ['M'] = A_UPPER, ['N'] = A_UPPER, ['O'] = A_UPPER,
    ['P'] = A_UPPER, ['Q'] = A_UPPER, ['R'] = A_UPPER, ['S'] = A_UPPER, ['T'] = A_UPPER,
    ['U'] = A_UPPER, ['V'] = A_UPPER, ['W'] = A_UPPER, ['X'] = A_UPPER, ['Y'] = A_UPPER,
    ['Z'] = A_UPPER,
    ['a'] = A_LOWER, ['b'] = A_LOWER, ['c'] = A_LOWER, ['d'] = A_LOWER, ['e'] = A_LOWER,
    ['f'] = A_LOWER, ['g'] = A_LOWER, ['h'] = A_LOWER, ['i'] = A_LOWER, ['j'] = A_LOWER,
    ['k'] = A_LOWER, ['l'] = A_LOWER, ['m'] = A_LOWER, ['n'] = A_LOWER, ['o'] = A_LOWER,
    ['p'] = A_LOWER, ['q'] = A_LOWER, ['r'] = A_LOWER, ['s'] = A_LOWER, ['t'] = A_LOWER,
    ['u'] = A_LOWER, ['v'] = A_LOWER, ['w'] = A_LOWER, ['x'] = A_LOWER, ['y'] = A_LOWER,
    ['z'] = A_LOWER,
    [' '] = A_SPACE | A_CSPACE, ['\t'] = A_SPACE | A_CSPACE, ['\n'] = A_SPACE | A_CSPACE,
    ['\v'] = A_SPACE | A_CSPACE, ['\f'] = A_SPACE | A_CSPACE, ['\r'] = A_CSPACE,
    ['-'] = A_INNER, ['.'] = A_INNER, ['&'] = A_INNER, ['\''] = A_INNER, ['('] = A_OPENING, ['"'] = A_OPENING,
};
static inline int ascii_is(unsigned char byte, int classes) { return ascii_class[byte] & classes; }

static bool is_letter(int32_t c)
{
    if (c < 0x80)
        return ascii_class[c] & (A_UPPER | A_LOWER);
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LM ||
           cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_MN ||
           cat == UTF8PROC_CATEGORY_MC;
}

static bool is_upper(int32_t c)
{
    if (c < 0x80)
        return ascii_class[c] & A_UPPER;
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

static bool is_space(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == 0xA0 ||
           c == 0x2009 || c == 0x200A || c == 0x202F || c == 0x3000 || c == 0x2028 || c == 0x2029;
}

static inline bool is_quote(int32_t c)
{
    if (c < 0x80)
        return c == '"' || c == '\'';
    return c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0xAB || c == 0xBB || c == 0x201E;
}

static bool is_apostrophe(int32_t c) { return c == '\'' || c == 0x2019; }

/* ---- Sentences ---------------------------------------------------------------------- */

/* Words after which a full stop does not end a sentence. Each entry is padded with NULs
 * to 8 bytes, so that a word is compared as one 64-bit load. */
static const char abbreviations[][8] = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "cmdr", "adm", "prof",
    "sen", "rep", "gov", "pres", "st", "rev", "jr", "sr", "inc", "corp", "ltd", "co", "no",
    "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "mt", "ft", "fig", "approx", "dept", "est", "gov't", "messrs", "brig", "cpl",
    "pvt", "supt", "insp", "sgt", "hon", "amb", "sec", "ph.d", "e.g", "i.e", "a.m", "p.m",
};

/* Words that start a new sentence after an initialism such as "U.S.", padded to 16. */
static const char sentence_starters[][16] = {
    "the", "he", "she", "it", "they", "we", "but", "in", "this", "that", "there", "a",
    "an", "on", "his", "her", "their", "its", "after", "meanwhile", "however", "i",
};

/* w (n bytes, 0 < n < cap) with ASCII capitals lowered (as strncasecmp does in the C
 * locale), padded with NULs to cap bytes. */
static void fold_padded(const char *w, size_t n, char *out, size_t cap)
{
    memset(out, 0, cap);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)((unsigned char)w[i] | (ascii_class[(unsigned char)w[i]] & A_UPPER ? 0x20 : 0));
}

static bool is_abbreviation(const char *w, size_t n)
{
    if (n == 0 || n >= 8)
        return false; /* no entry fills its 8 bytes */
    uint64_t key, entry;
    char folded[8];
    fold_padded(w, n, folded, sizeof folded);
    memcpy(&key, folded, 8);
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++) {
        memcpy(&entry, abbreviations[i], 8);
        if (entry == key)
            return true;
    }
    return false;
}

static bool is_sentence_starter(const char *w, size_t n)
{
    if (n == 0 || n >= 16)
        return false;
    char folded[16];
    fold_padded(w, n, folded, sizeof folded);
    for (size_t i = 0; i < sizeof sentence_starters / sizeof sentence_starters[0]; i++)
        if (memcmp(sentence_starters[i], folded, 16) == 0)
            return true;
    return false;
}

/* Does the full stop at s[dot] end a sentence? Looks at the word before and after. */
static bool stop_ends_sentence(const char *s, size_t n, size_t dot, size_t next_word)
{
    size_t w = dot;
    while (w > 0 && !ascii_is((unsigned char)s[w - 1], A_CSPACE | A_OPENING))
        w--;
    size_t len = dot - w;
    if (len == 0)
        return true;
    const char *word = s + w;
    if (is_abbreviation(word, len))
        return false;
    if (len == 1 && ascii_is((unsigned char)word[0], A_UPPER))
        return false; /* an initial: "J. Smith" */
    if (memchr(word, '.', len)) {
        /* "U.S." at the end of a sentence: only before a word that starts sentences. */
        size_t e = next_word;
        while (e < n && ascii_is((unsigned char)s[e], A_UPPER | A_LOWER))
            e++;
        return is_sentence_starter(s + next_word, e - next_word);
    }
    return true;
}

static void push_span(text_span **spans, size_t *cap, size_t *count, const char *s, size_t a,
                      size_t b, size_t max_bytes)
{
    while (a < b && ascii_is((unsigned char)s[a], A_CSPACE))
        a++;
    while (b > a && ascii_is((unsigned char)s[b - 1], A_CSPACE))
        b--;
    while (a < b) {
        size_t end = b;
        if (end - a > max_bytes) {
            end = a + max_bytes;
            size_t cut = end;
            while (cut > a + max_bytes / 2 && s[cut] != ' ')
                cut--;
            if (s[cut] == ' ')
                end = cut;
            while (end > a && ((unsigned char)s[end] & 0xC0) == 0x80)
                end--; /* never cut inside a character */
        }
        GROW(*spans, *cap, *count + 1);
        (*spans)[(*count)++] = (text_span){a, end};
        a = end;
        while (a < b && ascii_is((unsigned char)s[a], A_CSPACE))
            a++;
    }
}

size_t text_split(const char *s, size_t n, bool first_line_is_title, size_t max_bytes,
                  text_span **spans, size_t *cap)
{
    size_t count = 0, i = 0;
    if (max_bytes < 64)
        max_bytes = 64;
    if (first_line_is_title) {
        while (i < n && ascii_is((unsigned char)s[i], A_CSPACE))
            i++;
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        push_span(spans, cap, &count, s, i, e, max_bytes);
        i = e;
    }
    size_t start = i;
    while (i < n) {
        /* Only a newline, a stop or a character beyond ASCII (an ellipsis) can end a
         * sentence: the bytes between are skipped eight at a time. */
        i = ascii_run_end((const unsigned char *)s, i, n, '.', '!', '?');
        if (i >= n)
            break;
        int32_t c;
        size_t len = decode(s, n, i, &c);
        if (c == '\n') {
            /* A blank line ends the paragraph and the sentence. */
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
                j++;
            if (j < n && s[j] == '\n') {
                push_span(spans, cap, &count, s, start, i, max_bytes);
                start = j;
                i = j;
                continue;
            }
        }
        if (c == '.' || c == '!' || c == '?' || c == 0x2026) {
            size_t e = i + len;
            while (e < n && (s[e] == '.' || s[e] == '!' || s[e] == '?'))
                e++;
            for (;;) { /* closing quotes and brackets belong to this sentence */
                int32_t q;
                if (e >= n)
                    break;
                size_t ql = decode(s, n, e, &q);
                if (q == '"' || q == 0x201D || q == 0x2019 || q == ')' || q == '\'' || q == 0xBB)
                    e += ql;
                else
                    break;
            }
            size_t k = e;
            while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
                k++;
            if (k == e && e < n) { /* "3.5", "U.S.-led": no space, no end */
                i += len;
                continue;
            }
            bool next_starts = k >= n;
            if (k < n) {
                int32_t nc;
                size_t nl = decode(s, n, k, &nc);
                if (is_quote(nc) || nc == '(') {
                    size_t k2 = k + nl;
                    if (k2 < n)
                        decode(s, n, k2, &nc);
                }
                next_starts = is_upper(nc) || (nc >= '0' && nc <= '9') || is_quote(nc);
            }
            if (next_starts && (c != '.' || stop_ends_sentence(s, n, i, k))) {
                push_span(spans, cap, &count, s, start, e, max_bytes);
                start = k;
                i = k;
                continue;
            }
        }
        i += len;
    }
    push_span(spans, cap, &count, s, start, n, max_bytes);
    return count;
}

/* ---- Tokens ------------------------------------------------------------------------- */

static uint32_t word_shape(const char *s, size_t a, size_t b)
{
    uint32_t shape = T_WORD;
    int letters = 0, upper = 0;
    bool first = true;
    for (size_t i = a; i < b;) {
        unsigned char byte = (unsigned char)s[i];
        if (byte < 0x80) { /* ASCII without the locale's tables */
            i++;
            bool up = byte >= 'A' && byte <= 'Z', low = byte >= 'a' && byte <= 'z';
            if (up || low) {
                letters++;
                upper += up;
                if (first && up)
                    shape |= T_CAP;
                first = false;
            } else if (byte >= '0' && byte <= '9') {
                first = false;
            }
            continue;
        }
        int32_t c;
        i += decode(s, b, i, &c);
        if (is_letter(c)) {
            letters++;
            if (is_upper(c)) {
                upper++;
                if (first)
                    shape |= T_CAP;
            }
            first = false;
        } else if (c >= '0' && c <= '9') {
            first = false;
        }
    }
    if (letters >= 2 && upper == letters)
        shape |= T_ALLCAPS;
    return shape;
}

/* Length of a final "n't" (or "n’t") on the word s[a..e), 0 if none. */
static size_t negation_suffix(const char *s, size_t a, size_t e)
{
    if (e - a > 3 && (s[e - 1] == 't' || s[e - 1] == 'T') && s[e - 2] == '\'' &&
        (s[e - 3] == 'n' || s[e - 3] == 'N'))
        return 3;
    if (e - a > 5 && (s[e - 1] == 't' || s[e - 1] == 'T') && memcmp(s + e - 4, "\xE2\x80\x99", 3) == 0 &&
        (s[e - 5] == 'n' || s[e - 5] == 'N'))
        return 5;
    return 0;
}

/* The high bit of each byte of x (eight bytes of text) that is no ASCII letter or
 * digit. Each byte is tested with its high bit cleared (so adding at most 0x50 never
 * carries into the next byte) and the bytes that had it set are no letters. */
static inline uint64_t alnum_stops(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x80 * ones;
    uint64_t low7 = x & ~highs, folded = low7 | 0x20 * ones; /* 'A' -> 'a', and '@' -> '`' */
    uint64_t letter = (folded + (0x80 - 'a') * ones) & ~(folded + (0x80 - 'z' - 1) * ones);
    uint64_t digit = (low7 + (0x80 - '0') * ones) & ~(low7 + (0x80 - '9' - 1) * ones);
    return ~((letter | digit) & ~x) & highs;
}

/* The end of the run of ASCII letters and digits that starts at s[e], eight bytes at a
 * time: a word's letters are most of the text. The lowest stop is the first byte that
 * ends the run. */
static inline size_t alnum_run_end(const char *s, size_t e, size_t n)
{
    for (; e + 8 <= n; e += 8) {
        uint64_t x;
        memcpy(&x, s + e, 8);
        uint64_t stop = alnum_stops(x);
        if (stop)
            return e + (size_t)(__builtin_ctzll(stop) >> 3);
    }
    while (e < n && (ascii_class[(unsigned char)s[e]] & A_ALNUM))
        e++;
    return e;
}

/* Sixteen bytes at once where the compiler has vectors (GCC and Clang lower these to
 * SSE2 on x86-64, to plain words elsewhere), as in out.c. */
typedef signed char byte_block __attribute__((vector_size(16)));

/* The 16 bytes at s: *low (the first 8) and *high (the last 8) get 0xFF for each byte
 * that is no ASCII letter or digit; returns the first 8 as they are. As signed chars,
 * bytes from 0x80 up are below '0' and stop too. (Strict comparisons are one
 * instruction each in SSE2.) */
static inline uint64_t alnum_block_stops(const char *s, uint64_t *low, uint64_t *high)
{
    byte_block x;
    memcpy(&x, s, 16);
    byte_block lower = x | 0x20; /* 'A' -> 'a'; no other byte becomes a letter */
    byte_block alnum = ((lower > 'a' - 1) & (lower < 'z' + 1)) | ((x > '0' - 1) & (x < '9' + 1));
    memcpy(low, &alnum, 8);
    memcpy(high, (const char *)&alnum + 8, 8);
    *low = ~*low;
    *high = ~*high;
    uint64_t first;
    memcpy(&first, &x, 8);
    return first;
}

/* The end of the run of ASCII letters and digits that starts at s[i] with a letter;
 * *folded gets the run lowered, as token.folded, when it is 8 bytes or fewer and the 8
 * bytes from s[i] lie within the n of the sentence, else 0. */
static inline size_t ascii_word_end(const char *s, size_t n, size_t i, uint64_t *folded)
{
    const uint64_t lowering = 0x2020202020202020ULL; /* letters and digits all lower by it */
    uint64_t x, low, high;
    *folded = 0;
    if (i + 16 <= n) {
        x = alnum_block_stops(s + i, &low, &high);
        if (!low) {
            if (high & 0xFF) /* a word of 8 bytes */
                *folded = x | lowering;
            return high ? i + 8 + ((size_t)__builtin_ctzll(high) >> 3) : alnum_run_end(s, i + 16, n);
        }
        /* the lowest stop's lowest bit, less one: the bytes before the first stop */
        *folded = (x | lowering) & ((low & -low) - 1);
        return i + ((size_t)__builtin_ctzll(low) >> 3);
    }
    if (i + 8 > n) /* the sentence's last few bytes */
        return alnum_run_end(s, i + 1, n);
    memcpy(&x, s + i, 8);
    uint64_t stop = alnum_stops(x);
    if (!stop)
        return alnum_run_end(s, i + 8, n);
    /* the lowest stop's bit (the high bit of byte k) moved down to bit 8k, less one */
    *folded = (x | lowering) & (((stop & -stop) >> 7) - 1);
    return i + (size_t)(__builtin_ctzll(stop) >> 3);
}

/* Is the ASCII word s[a..e) in capitals: two or more, and no small letter? */
static bool all_capitals(const char *s, size_t a, size_t e)
{
    int upper = 0;
    for (size_t i = a; i < e; i++) {
        uint8_t cls = ascii_class[(unsigned char)s[i]];
        if (cls & A_LOWER)
            return false;
        upper += cls & A_UPPER;
    }
    return upper >= 2;
}

/* Sets a token's own fields; those between shape and folded are the lexicon's
 * (lex_annotate sets them). */
static inline void set_token(token *t, size_t a, size_t b, uint32_t shape, uint64_t folded)
{
    t->start = (uint32_t)a;
    t->end = (uint32_t)b;
    t->shape = shape;
    t->folded = folded;
}

/* What scan_token found: where its tokens end, and how many it wrote (0 to 2). */
typedef struct scanned {
    size_t end, count;
} scanned;

/* Writes the token(s) of the word that starts at s[i] with the letter c (len bytes) to
 * out (room for two). */
static scanned scan_word(const char *s, size_t n, size_t i, int32_t c, size_t len, token *out)
{
    size_t e = i + len;
    /* ASCII letters and digits are most of every word; word_shape is needed only for
     * words with other characters. */
    bool ascii = c < 0x80;
    for (;;) {
        e = alnum_run_end(s, e, n);
        if (e >= n)
            break;
        unsigned char byte = (unsigned char)s[e];
        if (byte < 0x80 && !(ascii_class[byte] & A_INNER))
            break; /* a space, or punctuation that cannot join two parts of a word */
        ascii = ascii && byte < 0x80;
        int32_t d;
        size_t dl = decode(s, n, e, &d);
        if (is_letter(d) || (d >= '0' && d <= '9')) {
            e += dl;
            continue;
        }
        /* inner punctuation: al-Qaeda, O'Brien, U.S., AT&T */
        if ((d == '-' || d == '.' || d == '&' || is_apostrophe(d)) && e + dl < n) {
            int32_t f;
            decode(s, n, e + dl, &f);
            if (is_letter(f) || (f >= '0' && f <= '9')) {
                /* "Kabul's": the possessive is its own token */
                if (is_apostrophe(d) && (f == 's' || f == 'S')) {
                    size_t after = e + dl + 1;
                    if (after >= n || !ascii_is((unsigned char)s[after], A_UPPER | A_LOWER))
                        break;
                }
                e += dl;
                continue;
            }
        }
        break;
    }
    /* Initialisms keep their final stop: U.S. U.N. */
    if (e < n && s[e] == '.' && e - i >= 3 && s[e - 2] == '.')
        e++;
    /* "didn't" -> "did" "n't" */
    size_t neg = negation_suffix(s, i, e);
    if (neg) {
        set_token(&out[0], i, e - neg, word_shape(s, i, e - neg), 0);
        set_token(&out[1], e - neg, e, T_WORD, 0);
        return (scanned){e, 2};
    }
    uint32_t shape;
    if (ascii) {
        shape = T_WORD;
        if (ascii_class[c] & A_UPPER)
            shape |= T_CAP | (all_capitals(s, i, e) ? T_ALLCAPS : 0);
    } else {
        shape = word_shape(s, i, e);
    }
    set_token(&out[0], i, e, shape, 0);
    return (scanned){e, 1};
}

/* Writes the token(s) that start at s[i] with anything but an ASCII space to out (room
 * for two); after_word says a token ends at s[i]. A space beyond ASCII makes none. Kept
 * out of text_tokenize's loop (noinline), whose words need every register. */
__attribute__((noinline)) static scanned scan_token(const char *s, size_t n, size_t i, bool after_word,
                                                    token *out)
{
    unsigned char b = (unsigned char)s[i];
    int32_t c;
    size_t len = decode(s, n, i, &c);
    if (b >= 0x80 && is_space(c))
        return (scanned){i + len, 0};
    if (ascii_class[b] & A_DIGIT) { /* numbers keep inner , and . : 2,500 and 3.5 */
        size_t e = i + 1;
        while (e < n && (ascii_is((unsigned char)s[e], A_DIGIT) ||
                         ((s[e] == ',' || s[e] == '.') && e + 1 < n && ascii_is((unsigned char)s[e + 1], A_DIGIT))))
            e++;
        while (e < n && ascii_is((unsigned char)s[e], A_UPPER | A_LOWER)) /* 1st, 10th, 5km */
            e++;
        set_token(out, i, e, T_NUM, 0);
        return (scanned){e, 1};
    }
    if ((ascii_class[b] & (A_UPPER | A_LOWER)) || (b >= 0x80 && is_letter(c)))
        return scan_word(s, n, i, c, len, out);
    if (is_apostrophe(c) && i + len < n && (s[i + len] == 's' || s[i + len] == 'S') &&
        (i + len + 1 >= n || !ascii_is((unsigned char)s[i + len + 1], A_UPPER | A_LOWER)) && after_word) {
        set_token(out, i, i + len + 1, T_WORD, 0);
        return (scanned){i + len + 1, 1};
    }
    uint32_t shape = T_PUNCT;
    if (is_quote(c))
        shape |= T_QUOTE;
    else if (c == ',')
        shape |= T_COMMA;
    else if (c == ';' || c == ':' || c == '(' || c == ')' || c == 0x2014 || c == 0x2013 || c == '[' || c == ']')
        shape |= T_CLAUSE_PUNCT;
    set_token(out, i, i + len, shape, b < 0x80 ? b : 0); /* an ASCII mark has no letter to lower */
    return (scanned){i + len, 1};
}

size_t text_tokenize(const char *s, size_t n, token **tokens, size_t *cap)
{
    /* The caller's array in locals, which stay in registers for the words of ASCII
     * letters and digits that are most of the text; scan_token takes the rest. */
    token *items = *tokens;
    size_t count = 0, room = *cap;
    size_t i = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        uint8_t cls = ascii_class[b];
        if (cls & A_SPACE) {
            i++;
            continue;
        }
        if (count + 2 > room) { /* room for the two tokens of "didn't" */
            struct {
                token *items;
                size_t room;
            } grown = {items, room}; /* GROW takes addresses: of a copy, so that the
                                        originals can stay in registers */
            GROW(grown.items, grown.room, count + 2);
            items = grown.items;
            room = grown.room;
        }
        if (cls & (A_UPPER | A_LOWER)) {
            uint64_t folded;
            size_t e = ascii_word_end(s, n, i, &folded);
            /* A word its letters and digits end (no inner stop, no "n't", no character
             * beyond ASCII) is whole, as scan_word would find it. */
            if (e >= n || ((unsigned char)s[e] < 0x80 && !(ascii_class[(unsigned char)s[e]] & A_INNER))) {
                uint32_t shape = cls & A_UPPER ? T_WORD | T_CAP | (all_capitals(s, i, e) ? T_ALLCAPS : 0) : T_WORD;
                set_token(&items[count++], i, e, shape, folded);
                i = e;
                continue;
            }
        }
        scanned got = scan_token(s, n, i, count > 0 && items[count - 1].end == i, &items[count]);
        count += got.count;
        i = got.end;
    }
    /* Dateline: "KABUL:" or "KABUL, Jan 17 (Reuters) -" opening a paragraph. */
    token *t = items;
    if (count >= 2) {
        size_t k = 0;
        while (k < count && (t[k].shape & T_ALLCAPS))
            k++;
        if (k > 0 && k < count && (t[k].shape & T_CLAUSE_PUNCT) &&
            (s[t[k].start] == ':' || (unsigned char)s[t[k].start] == 0xE2 || s[t[k].start] == '-'))
            for (size_t j = 0; j <= k; j++)
                t[j].shape |= T_DATELINE;
    }
    *tokens = items;
    *cap = room;
    return count;
}
