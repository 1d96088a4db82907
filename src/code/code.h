/*
 * code.h — pattern matching and event assembly: the stage that turns parsed clauses into
 * CAMEO events, and the coder that runs the whole pipeline over a document
 * (jirga_code in jirga.h). Internal helpers shared with the document pass live here.
 */
#ifndef JIRGA_CODE_H
#define JIRGA_CODE_H

#include "../parse/parse.h"

/* The index of the first of n lower-case words that token i (in range or not) is, ignoring
 * ASCII case as token_word_is does, or -1. The token's first byte is compared first: most
 * words fail on it. */
static inline int token_word_among(const sentence *s, int i, const char *const *words, int n)
{
    if (i < 0 || i >= (int)s->ntokens || s->tokens[i].end == s->tokens[i].start)
        return -1; /* an empty token is no word: token_word_is fails on the length */
    const token *t = &s->tokens[i];
    const char *text = s->text + t->start;
    size_t len = t->end - t->start;
    char first = (char)(text[0] | 0x20);
    for (int k = 0; k < n; k++) {
        if (words[k][0] != first)
            continue;
        /* the rest compared without a strlen call: a NUL in words[k] before len differs
         * from every byte ORed with 0x20, and words[k][len] ends it where the token ends */
        size_t j = 1;
        while (j < len && (text[j] | 0x20) == words[k][j])
            j++;
        if (j == len && !words[k][len])
            return k;
    }
    return -1;
}

/* YYYY-MM-DD (or YYYYMMDD) to YYYYMMDD; 0 when s is NULL or malformed. */
int code_parse_date(const char *s);

/* Writes YYYY-MM-DD, YYYY-MM (d 0) or YYYY (m 0), as printf's "%04d-%02d-%02d" would
 * (dates.c). */
void date_format(char out[11], int y, int m, int d);

/* Finds a date expression in tokens [from, to) of s and resolves it against doc_date
 * (YYYYMMDD): writes YYYY-MM-DD, YYYY-MM or YYYY into out and returns the token where it
 * starts, or -1 when there is none (dates.c). */
int date_find(const sentence *s, int from, int to, int doc_date, char out[11]);

/* Finds up to max counts in a parsed sentence ("killed 12", "2,500 troops"); the kinds
 * come from the dictionary's count entries (counts.c). */
int counts_find(const jirga_dict *d, const sentence *s, jirga_count *out, int max);

#endif
