/*
 * text.h — the first stage: clean text, split it into sentences, split sentences into
 * tokens with byte offsets. Knows characters and punctuation, not words' meanings.
 */
#ifndef JIRGA_TEXT_H
#define JIRGA_TEXT_H

#include "../base/base.h"

#include <stdbool.h>
#include <stdint.h>

/* Repairs invalid UTF-8 (each bad byte becomes U+FFFD), drops NUL bytes and a byte-order
 * mark, turns CR LF into LF, and normalises to NFC. Appends to out. Returns the number of
 * repaired bytes, so callers can say so. */
size_t text_clean(const char *in, size_t n, sbuf *out);

/* Is s (n bytes) valid UTF-8 without NUL bytes? */
bool text_valid_utf8(const char *s, size_t n);

typedef struct text_span {
    size_t start, end; /* byte offsets into the cleaned document */
} text_span;

/* Splits cleaned text into sentences. With first_line_is_title the first non-empty line is
 * a sentence of its own (a headline has no full stop). Paragraphs are separated by blank
 * lines; a single newline inside a paragraph is a space. Sentences longer than max_bytes
 * are cut at a space. Returns the count; *spans grows as needed (capacity in *cap). */
size_t text_split(const char *s, size_t n, bool first_line_is_title, size_t max_bytes,
                  text_span **spans, size_t *cap);

/* Token shapes. */
enum {
    T_WORD = 1u << 0,
    T_NUM = 1u << 1,
    T_PUNCT = 1u << 2,
    T_CAP = 1u << 3,      /* first letter upper case */
    T_ALLCAPS = 1u << 4,  /* two or more letters, all upper case: US, NATO, U.S. */
    T_QUOTE = 1u << 5,    /* " “ ” ‘ ’ « » */
    T_COMMA = 1u << 6,
    T_CLAUSE_PUNCT = 1u << 7, /* ; : ( ) — – */
    T_DATELINE = 1u << 8, /* "KABUL:" at the start of a paragraph: not coded */
};

typedef struct token {
    uint32_t start, end; /* byte offsets in the sentence */
    uint32_t shape;
    /* Filled by the lexicon stage (lex_annotate), which copies them in one piece from its
     * cache: they stay together and in this order (lexicon.c checks it). */
    uint32_t word;       /* folded surface form's word id, 0 when unknown */
    uint32_t lemmas[3];  /* known lemmas other than the surface form */
    uint32_t flags;      /* word classes (lexicon.h W_*) of the surface form */
    uint32_t tags;       /* the lexicon's tags (lex_set_tag) of word and lemmas, ORed */
    uint8_t nlemmas;
    uint8_t phrase_kinds; /* 0 from the lexicon stage, filled by the parser: kinds of the
                             dictionary phrases that can start here (a phrase lookup skips
                             the rest at once) */
    /* The token's bytes with ASCII capitals lowered, zero-padded to 8 and read as one
     * word (memcpy), when the tokenizer had them at hand: an ASCII mark, or a word of up
     * to 8 ASCII letters and digits with 8 bytes of the sentence from its start. Else 0,
     * and the lexicon stage folds the token itself (a token is never NUL bytes alone but
     * in raw dictionary text, where 0 says the same). The lexicon's cache key. */
    uint64_t folded;
} token;

/* Splits one sentence into tokens; returns the count. Tokens are appended to *tokens. */
size_t text_tokenize(const char *s, size_t n, token **tokens, size_t *cap);

#endif
