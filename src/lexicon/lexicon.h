/*
 * lexicon.h — interned words, word classes and morphology.
 *
 * Every word the dictionaries or the closed-class list know is interned once into a
 * word id; the coder compares ids, never strings. Morphology maps a text form to the
 * lemmas the lexicon knows: WordNet's exception lists for irregular forms ("met" ->
 * "meet", "men" -> "man") and WordNet's suffix rules for regular ones ("welcomed" ->
 * "welcome", "officials" -> "official"). A candidate lemma counts only when it is an
 * interned word, which is what makes suffix stripping safe.
 */
#ifndef JIRGA_LEXICON_H
#define JIRGA_LEXICON_H

#include "../text/text.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t word_id; /* 0: not a known word */

/* Word classes: the closed-class grammar words, and open-class facts from data. */
enum {
    W_DET = 1u << 0,      /* the, a, this */
    W_PREP = 1u << 1,     /* of, in, with, between */
    W_CONJ = 1u << 2,     /* and, or, as well as (first word) */
    W_PRON = 1u << 3,     /* he, they, it */
    W_POSS = 1u << 4,     /* his, their, its */
    W_BE = 1u << 5,       /* is, was, been */
    W_HAVE = 1u << 6,     /* has, had */
    W_DO = 1u << 7,       /* did, does */
    W_MODAL = 1u << 8,    /* will, would, could: hypothetical */
    W_NEG = 1u << 9,      /* not, never, n't */
    W_BOUNDARY = 1u << 10, /* that, which, who, where, while: starts a new clause */
    W_ADV = 1u << 11,     /* also, reportedly, jointly: may sit inside a verb group */
    W_TITLE = 1u << 12,   /* Mr, Dr, Gen: part of a name */
    W_VERB = 1u << 13,    /* a verb lemma (WordNet's verbs and the patterns' verbs) */
    W_ADJ = 1u << 14,     /* a few adjectives that precede nouns: top, senior, new */
    W_TIME = 1u << 15,    /* Monday, January, yesterday: never an actor or a verb */
    W_SPEECH = 1u << 16,  /* say, tell, announce: a "that" after them opens reported speech */
    W_QUANT = 1u << 17,   /* all, both, some, several, many */
};

typedef struct lexicon lexicon;

lexicon *lex_new(void);
void lex_free(lexicon *lex);

/* Folds s (UTF-8, n bytes) to lower case into out (cap bytes); returns the length, or 0
 * when the folded form does not fit. ASCII is folded inline; other text by utf8proc. */
size_t lex_fold(const char *s, size_t n, char *out, size_t cap);

/* Interns an already folded word and returns its id (never 0). */
word_id lex_intern(lexicon *lex, const char *s, size_t n);
/* Looks a folded word up; 0 when unknown. */
word_id lex_find(const lexicon *lex, const char *s, size_t n);
const char *lex_word(const lexicon *lex, word_id id); /* borrowed */
size_t lex_size(const lexicon *lex);

uint32_t lex_flags(const lexicon *lex, word_id id);
void lex_add_flags(lexicon *lex, word_id id, uint32_t flags);

/* Gives word id a tag, opaque to the lexicon (the dictionary tags each word with what
 * its phrases tell of it). lex_annotate gives each token the OR of the tags of its form
 * and of its lemmas, kept in the form cache with the rest: tag every word before the
 * first lex_annotate, for a cache keeps the tags its forms were filled with. */
void lex_set_tag(lexicon *lex, word_id id, uint32_t tag);

/* Records an irregular form: form -> lemma (both folded). */
void lex_add_form(lexicon *lex, const char *form, const char *lemma);

/* Loads WordNet's verb.exc and noun.exc, and index.verb (verb lemmas, flagged W_VERB).
 * Missing files are not an error: morphology then uses suffix rules alone. */
void lex_load_wordnet(lexicon *lex, const char *dir);

/* Interns the closed-class word list and sets its flags. */
void lex_load_grammar(lexicon *lex);

/* Writes up to max known lemmas of a folded form (not the form itself) into out and
 * returns their count. Irregular forms come first, then suffix rules. */
int lex_lemmas(const lexicon *lex, const char *fold, size_t n, word_id *out, int max);

/* A cache of what the lexicon says of each word form; one per thread (not shared). */
typedef struct lex_cache lex_cache;
lex_cache *lex_cache_new(void);
void lex_cache_free(lex_cache *cache);

/* The lexicon stage: fills word, lemmas, flags and tags of each token of a sentence (and
 * sets phrase_kinds to 0). The tokens are as text_tokenize makes them: in order, so no
 * byte of sentence past the last token's end is read, and with their folded keys. cache
 * may be NULL. */
void lex_annotate(const lexicon *lex, lex_cache *cache, const char *sentence, token *tokens, size_t n);

#endif
