/*
 * counts.c — numbers an event comes with: "killed 12 civilians", "12 civilians were
 * killed", "killing at least 21 people", "troops reduced to 2,500". The words that say
 * what is counted are data (count entries in dictionaries/en/counts.txt); this file
 * only pairs each number with the nearest such word.
 */
#include "code.h"

#include <stdio.h>
#include <string.h>

/* The value of a number token: "2,500" is 2500; "3.5" and "1990s" are not counts. */
static long number_value(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    long v = 0;
    for (uint32_t k = t->start; k < t->end; k++) {
        char c = s->text[k];
        if (c == ',')
            continue;
        if (c < '0' || c > '9' || v > 100000000)
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

int counts_find(const jirga_dict *d, const sentence *s, jirga_count *out, int max)
{
    int n = 0, ntokens = (int)s->ntokens;
    for (int i = 0; i < ntokens && n < max; i++) {
        if (!(s->tokens[i].shape & T_NUM))
            continue; /* most tokens: the loop stays this short */
        long v = number_value(s, i);
        if (v <= 0)
            continue;
        /* A year or a date is not a count: "in 2019", "on January 5". */
        if (i > 0 && (s->tokens[i - 1].flags & W_TIME))
            continue;
        if (v >= 1900 && v <= 2100 && s->tokens[i].end - s->tokens[i].start == 4)
            continue;
        const phrase *best = NULL;
        int best_dist = 99;
        for (int k = i + 1; k < (int)s->ntokens && k <= i + 5; k++) {
            if ((s->tokens[k].shape & (T_NUM | T_CLAUSE_PUNCT | T_COMMA)) || (s->tokens[k].flags & W_CONJ))
                break; /* "killing 21 people and wounding 48": the next word is another count's */
            const phrase *p = parse_phrase_at(d, s, k, 1 << PHRASE_COUNT);
            if (p) {
                best = p;
                best_dist = k - i;
                break;
            }
        }
        for (int k = i - 1; k >= 0 && i - k <= 4 && i - k < best_dist; k--) {
            if (s->tokens[k].shape & (T_NUM | T_CLAUSE_PUNCT | T_COMMA))
                break;
            const phrase *p = parse_phrase_at(d, s, k, 1 << PHRASE_COUNT);
            if (p && k + p->nwords <= i) {
                best = p;
                break;
            }
        }
        if (!best)
            continue;
        const char *kind = d->counts[best->entry].codes[0].code;
        bool dup = false;
        for (int k = 0; k < n; k++)
            dup = dup || strcmp(out[k].kind, kind) == 0;
        if (dup)
            continue; /* the first number of a kind is the event's */
        str_copy(out[n].kind, sizeof out[n].kind, kind);
        out[n].number = v;
        n++;
    }
    return n;
}
