/*
 * fuzz_text.c — libFuzzer target for the first stage (src/text/text.h): cleaning,
 * sentence splitting and tokenizing of arbitrary bytes. Checks what the later stages
 * rely on: the cleaned text is valid UTF-8 without NUL bytes, every sentence span lies
 * inside the text and in order, every token lies inside its sentence and in order, and
 * a token's folded key, when set, is its text of at most 8 bytes with capitals lowered.
 *
 * The first byte picks the options (bit 0: first line is a title; bits 1-3: the
 * sentence length limit); the rest is the document.
 */
#include "fuzz.h"

#include "text/text.h"

#include <utf8proc.h>

static const size_t limits[8] = {0, 1, 64, 65, 100, 257, 1024, 8192};

/* The lexicon takes token.folded for the token's lowered text: it must be that. */
static void check_folded(const char *s, const token *t)
{
    if (!t->folded)
        return;
    size_t len = t->end - t->start;
    FUZZ_CHECK(len <= 8);
    unsigned char want[8] = {0};
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[t->start + k];
        want[k] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
    }
    FUZZ_CHECK(memcmp(&t->folded, want, 8) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool title = data[0] & 1;
    size_t max_bytes = limits[(data[0] >> 1) & 7];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;

    sbuf clean = {0};
    text_clean(in, n, &clean);
    FUZZ_CHECK(clean.len == 0 || clean.data != NULL);
    /* An exact-size copy, so that reading one byte past the end is reported. */
    char *s = malloc(clean.len ? clean.len : 1);
    memcpy(s, clean.data ? clean.data : "", clean.len);
    FUZZ_CHECK(memchr(s, 0, clean.len) == NULL);
    for (size_t i = 0; i < clean.len;) { /* valid UTF-8 */
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(clean.len - i), &cp);
        FUZZ_CHECK(len > 0);
        i += (size_t)len;
    }

    text_span *spans = NULL;
    size_t cap = 0;
    size_t nspans = clean.len ? text_split(s, clean.len, title, max_bytes, &spans, &cap) : 0;
    size_t effective = max_bytes < 64 ? 64 : max_bytes;
    token *tokens = NULL;
    size_t tcap = 0;
    size_t prev_end = 0;
    for (size_t i = 0; i < nspans; i++) {
        const text_span *sp = &spans[i];
        FUZZ_CHECK(sp->start <= sp->end && sp->end <= clean.len);
        FUZZ_CHECK(sp->start >= prev_end);
        FUZZ_CHECK(sp->end - sp->start <= effective);
        /* a span never starts or ends inside a character */
        FUZZ_CHECK(((unsigned char)s[sp->start] & 0xC0) != 0x80 || sp->start == sp->end);
        FUZZ_CHECK(sp->end == clean.len || ((unsigned char)s[sp->end] & 0xC0) != 0x80);
        prev_end = sp->end;
        char *sentence = malloc(sp->end > sp->start ? sp->end - sp->start : 1);
        memcpy(sentence, s + sp->start, sp->end - sp->start);
        size_t nt = text_tokenize(sentence, sp->end - sp->start, &tokens, &tcap);
        uint32_t last = 0;
        for (size_t k = 0; k < nt; k++) {
            const token *t = &tokens[k];
            FUZZ_CHECK(t->start < t->end && t->end <= sp->end - sp->start);
            FUZZ_CHECK(t->start >= last);
            last = t->end;
            check_folded(sentence, t);
        }
        free(sentence);
    }
    /* The tokenizer alone on raw bytes up to the first NUL, as the dictionary loader
     * uses it on a dictionary line (which is not cleaned). */
    const char *nul = memchr(in, 0, n);
    size_t raw = nul ? (size_t)(nul - in) : n;
    char *copy = malloc(raw ? raw : 1);
    memcpy(copy, in, raw);
    size_t nt = text_tokenize(copy, raw, &tokens, &tcap);
    for (size_t k = 0; k < nt; k++) {
        FUZZ_CHECK(tokens[k].start < tokens[k].end && tokens[k].end <= raw);
        check_folded(copy, &tokens[k]);
    }
    free(copy);
    free(s);
    free(tokens);
    free(spans);
    sbuf_free(&clean);
    return 0;
}
