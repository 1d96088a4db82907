/*
 * dict.h — the dictionary model: actors, agents, patterns, word sets, discards, and the
 * CAMEO code table; and the loader of the project's own text format
 * (docs/dictionary-language.md). A loaded dictionary is immutable and shared by threads.
 */
#ifndef JIRGA_DICT_H
#define JIRGA_DICT_H

#include "../../include/jirga.h"
#include "../lexicon/lexicon.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct dated_code {
    char code[24];
    int from, until; /* YYYYMMDD, 0 when open */
} dated_code;

enum phrase_kind { PHRASE_ACTOR, PHRASE_AGENT, PHRASE_DISCARD, PHRASE_COUNT, PHRASE_REFER };
/* In phrase_kinds, beside the kinds: the word starts a member of some word set. */
enum { STARTS_SET_MEMBER = 1 << 7 };
/* The bytes of a word's phrase facts (dict_phrase_facts): the kinds of the phrases it
 * starts with STARTS_SET_MEMBER (the low byte); the kinds of the phrases of this word
 * alone; the kinds of the phrases whose second word it is. They are also each word's
 * lexicon tag (lex_set_tag), so a token's tags are the facts of its word and lemmas. */
enum { FACTS_ALONE = 8, FACTS_SECOND = 16 };

/* What a reference phrase stands for ("refer the group = GROUP"). */
enum refer_kind { REFER_GROUP, REFER_COUNTRY, REFER_PAIR, REFER_PERSON };

/* A name, an agent phrase or a discard phrase: adjacent words. A phrase lookup tests
 * the phrases of a word one after another, and most fail on their second word, so the
 * first words are kept in the record itself: a candidate costs one cache line, not the
 * record's and then its words'. Nine phrases in ten and nearly all set members have at
 * most PHRASE_HEAD words; longer ones keep the others in rest. */
enum { PHRASE_HEAD = 3 };
typedef struct phrase {
    word_id head[PHRASE_HEAD]; /* the first words; 0 past nwords */
    uint32_t allcaps;          /* bit k: word k must be in capitals in the text (nwords <= 32) */
    int entry;                 /* index into actors, agents or discards */
    uint8_t nwords;            /* 1 to 32 */
    uint8_t kind;              /* enum phrase_kind */
    word_id *rest;             /* words PHRASE_HEAD.. when nwords > PHRASE_HEAD, in the arena; else NULL */
} phrase;

/* Word k (< p->nwords) of a phrase. */
static inline word_id phrase_word(const phrase *p, int k)
{
    return k < PHRASE_HEAD ? p->head[k] : p->rest[k - PHRASE_HEAD];
}

typedef struct dict_entry {
    dated_code *codes; /* in the order written; first that applies wins; in the arena */
    int ncodes;
    const char *file;  /* borrowed from the dictionary's file name table */
    int line;
    bool whole_document; /* discards: drop the document, not the sentence */
    bool person;         /* actors: one human being ("person" lines) */
    int refer;           /* refer entries: enum refer_kind */
} dict_entry;

enum elem_kind { E_SOURCE, E_TARGET, E_COMPOUND, E_WORD, E_SET };

typedef struct pattern_elem {
    uint8_t kind;     /* enum elem_kind */
    bool adjacent;    /* joined to the previous word with '_' */
    bool prep;        /* E_WORD: a preposition (the matcher keeps what follows close) */
    word_id word;     /* E_WORD */
    int set;          /* E_SET: index into sets */
} pattern_elem;

typedef struct pattern {
    pattern_elem *elems; /* in the arena */
    int nelems;
    char code[8];     /* "040"; "---" for no event */
    char code2[8];    /* reversed pair's code, "" when none */
    bool nominal;     /* does not start with $ or % */
    word_id anchor;   /* verb lemma, or first word of a nominal pattern (0 if a set) */
    int anchor_set;   /* nominal pattern starting with a set: its index, else -1 */
    const char *file;
    int line;
    uint16_t need[4]; /* bit positions of up to 4 of its words in a clause's word filter */
    uint8_t nneed;
} pattern;

/* A pattern's filter bits (NO_FILTER_BIT where unused), kept apart from the patterns in an
 * array of their own: a clause tests the patterns of a frequent verb one after another,
 * and sixteen bytes each stay in cache where the whole patterns would not. The pattern's
 * elements are named here too, so that a clause can ask for the pattern and its elements
 * at once (prefetch) for the patterns that pass, instead of waiting for one miss and then
 * the other. */
enum { NO_FILTER_BIT = 0xFFFF };
typedef struct pattern_needs {
    uint16_t bit[4];
    const pattern_elem *elems; /* the pattern's own elems */
} pattern_needs;

/* A clause's word filter: 1024 bits, one per hashed word id. A pattern is tried only
 * when the bits of its words are all set, which skips most patterns of a frequent verb
 * without matching them. */
typedef struct word_filter {
    uint64_t bits[16];
} word_filter;

/* Bits of one word of a word_filter: bits[word] |= bits adds them all. */
typedef struct filter_mask {
    uint64_t bits;
    uint8_t word; /* < 16 */
} filter_mask;

static inline uint16_t dict_word_bit(uint32_t w) { return (uint16_t)((w * 0x9E3779B1u) >> 22); }
static inline void word_filter_add(word_filter *f, uint32_t w)
{
    uint16_t b = dict_word_bit(w);
    f->bits[b >> 6] |= 1ULL << (b & 63);
}
static inline bool word_filter_has(const word_filter *f, uint32_t w)
{
    uint16_t b = dict_word_bit(w);
    return (f->bits[b >> 6] >> (b & 63)) & 1;
}
/* Does the filter have the n bits (up to the first NO_FILTER_BIT)? */
static inline bool word_filter_has_bits(const word_filter *f, const uint16_t *bit, int n)
{
    for (int i = 0; i < n && bit[i] != NO_FILTER_BIT; i++)
        if (!(f->bits[bit[i] >> 6] & (1ULL << (bit[i] & 63))))
            return false;
    return true;
}
static inline bool word_filter_passes(const word_filter *f, const pattern_needs *n)
{
    return word_filter_has_bits(f, n->bit, 4);
}

/* The patterns of a verb that has many, grouped by the first bit of their filters (the
 * rarest word, dict.c): a clause reads only the groups whose bit its filter has, where it
 * would test each of a frequent verb's hundreds of filters (code_verb_clause). */
enum { BUCKETS_MIN_PATTERNS = 32 }; /* fewer patterns are tested one by one */
typedef struct pattern_buckets {
    uint64_t first_bits[16]; /* the first filter bits of the verb's patterns, as in a word_filter */
    uint16_t before[16];     /* the bits first_bits has in its words before word i */
    uint32_t bucket;         /* bucket_start index of the group of the lowest bit; the groups
                                follow in bit order */
    uint32_t unfiltered;     /* bucket_start index of the patterns with no filter words */
} pattern_buckets;

/* A pattern in its group: where it is among the verb's patterns, its filter bits after
 * the first (the group's) and its elements, so that reading a group tests its patterns,
 * and asks for those that pass, without a load from verb_needs for each. */
typedef struct bucket_member {
    uint16_t index;   /* < BUCKETS_MAX_PATTERNS */
    uint16_t bit[3];  /* pattern_needs.bit[1..3] */
    const pattern_elem *elems;
} bucket_member;
enum { BUCKETS_MAX_PATTERNS = 65536 }; /* a verb with more is tested pattern by pattern */

typedef struct word_set {
    char *name;      /* in the arena, as are the members */
    phrase *members; /* kind, entry and allcaps unused */
    int nmembers;
    word_filter first; /* the members' first words: most tokens are rejected at once */
    uint16_t bit;      /* the set's own bit in a clause's word filter (of its "&NAME") */
    const char *file;
    int line;
} word_set;

typedef struct cameo_code {
    char code[8];
    char *label; /* in the arena */
    double goldstein;
    int quad;
    int patterns; /* how many patterns code it */
} cameo_code;

/* What an action becomes when an actor says it will (or will not) do it: the intent
 * and refusal codes for a prefix of the action's code (dictionaries/intent.tsv). */
typedef struct intent_rule {
    char action[8], intent[8], refusal[8]; /* "" for "-" */
} intent_rule;

/* A gazetteer entry (dictionaries/gen/places.tsv, from libgeonames). */
typedef struct place_entry {
    char *name;     /* as written in the gazetteer; in places_text or the arena */
    char *folded;   /* folded, words separated by one space; the same */
    char country[4];
    double lat, lon;
} place_entry;

/* What the phrases tell of a word, and where its phrases start, side by side: a phrase
 * lookup asks both of each word it tries, and gets them from one cache line. */
typedef struct word_phrases {
    uint32_t facts; /* FACTS_* */
    uint32_t start; /* index in phrases of the first phrase whose first word this is */
} word_phrases;

/* A block of the dictionary's arena (dict.c). */
typedef struct dict_block dict_block;

struct jirga_dict {
    lexicon *lex;
    dict_block *blocks; /* the arena: strings and small arrays that live as long as the dictionary */
    char **files; /* every file name loaded, owned */
    size_t nfiles;

    dict_entry *actors, *agents, *discards, *counts, *refers;
    size_t nactors, nagents, ndiscards, ncounts, nrefers, cap_actors, cap_agents, cap_discards, cap_counts,
        cap_refers;

    /* Phrases sorted by first word, longest first; those of word w are
     * phrases[word_phrases[w].start .. word_phrases[w + 1].start). */
    phrase *phrases;
    size_t nphrases, cap_phrases;
    word_phrases *word_phrases; /* indexed by word id, lex_size+2 entries */
    /* By word id, set_start[w]..set_start[w+1] in set_masks: the filter bits of the sets
     * with a member starting with w, so a clause's filter also tells which sets may match. */
    uint32_t *set_start;
    filter_mask *set_masks;
    uint32_t index_words;   /* the word ids the indexes cover: 1 .. index_words */

    /* Verb patterns sorted by verb lemma, most elements first; same scheme. */
    pattern *patterns;
    size_t npatterns, cap_patterns;
    uint32_t *verb_start;
    pattern_needs *verb_needs; /* verb_needs[i] is the filter of patterns[i] */
    pattern_buckets *buckets;  /* for the verbs with BUCKETS_MIN_PATTERNS patterns or more */
    uint32_t *buckets_of;      /* by word id: its index in buckets + 1, 0 for none */
    uint32_t *bucket_start;    /* group g: bucket_members[bucket_start[g] .. bucket_start[g + 1]] */
    bucket_member *bucket_members; /* ascending index in each group */
    /* Nominal patterns, sorted by anchor word (anchor_set ones kept at the end). */
    pattern *nominals;
    size_t nnominals, cap_nominals;
    uint32_t *nominal_start;
    pattern_needs *nominal_needs; /* nominal_needs[i] is the filter of nominals[i] */
    size_t nominal_set_from; /* index of the first set-anchored nominal */

    word_set *sets;
    size_t nsets, cap_sets;
    int *set_of; /* word id of "&NAME" -> set index + 1 (0: none) */
    size_t cap_set_of;

    cameo_code *cameo;
    size_t ncameo;
    uint32_t *cameo_by_number; /* a code of digits' number (dict.c) -> its cameo index + 1, 0 for none */
    intent_rule *intents;
    size_t nintents;
    place_entry *places;  /* one per folded name (the most populous), sorted by folded name */
    size_t nplaces;
    char *places_text;    /* the gazetteer file, split in place: most places' strings, owned */
    char (*capitals)[4];  /* country codes with a capital: capital_of[i] is places index */
    size_t *capital_of;
    size_t ncapitals;
    size_t nforms;
    struct tab_dict *peer; /* a TABARI or PETRARCH dictionary (tabari.h), NULL for native ones */
};

/* Returns the code of entry e that applies on date (YYYYMMDD, 0 when unknown). */
const char *dict_code_on(const dict_entry *e, int date);

/* Finds a CAMEO code; NULL when unknown. */
const cameo_code *dict_cameo(const jirga_dict *d, const char *code);

/* The intent rule for an action code (longest prefix); NULL when none. */
const intent_rule *dict_intent(const jirga_dict *d, const char *code);

/* The gazetteer entry for a folded name ("kandahar", "mazar-i-sharif"); NULL if none. */
const place_entry *dict_place(const jirga_dict *d, const char *folded);
/* The capital of a country (from the actors coded XXXGOV that the gazetteer knows). */
const place_entry *dict_capital(const jirga_dict *d, const char *country);

/* Is the code an organisation that "the group" can mean (IGO, NGO, IMG, or a country's
 * insurgents, rebels, militia, opposition, party, criminals)? */
bool dict_is_organisation(const char *code);
const pattern *dict_set_nominal_patterns(const jirga_dict *d, size_t *count);

/* The index lookups are inline: the parser and the coder call them for every token. */

/* Phrases whose first word is w (longest first). */
static inline const phrase *dict_phrases(const jirga_dict *d, word_id w, size_t *count)
{
    if (!w || w > d->index_words || !d->word_phrases || !d->phrases) {
        *count = 0;
        return NULL;
    }
    *count = d->word_phrases[w + 1].start - d->word_phrases[w].start;
    return d->phrases + d->word_phrases[w].start;
}
/* What the phrases tell of word w, in one load: the bytes FACTS_* say which. A phrase
 * lookup asks them of each word it tries (which phrases of the kinds asked start with
 * it); of a whole token, its tags tell them without a load. */
static inline uint32_t dict_phrase_facts(const jirga_dict *d, word_id w)
{
    return w && w <= d->index_words && d->word_phrases ? d->word_phrases[w].facts : 0;
}
/* The kinds (1 << PHRASE_*) of the phrases whose first word is w. */
static inline int dict_phrase_kinds(const jirga_dict *d, word_id w) { return (int)(dict_phrase_facts(d, w) & 0xff); }
/* The filter bits of the sets that have a member starting with w, as masks. */
static inline const filter_mask *dict_set_masks(const jirga_dict *d, word_id w, size_t *count)
{
    if (!w || w > d->index_words || !d->set_start) {
        *count = 0;
        return NULL;
    }
    *count = d->set_start[w + 1] - d->set_start[w];
    return d->set_masks + d->set_start[w];
}
/* Verb patterns whose verb is w. */
static inline const pattern *dict_verb_patterns(const jirga_dict *d, word_id w, size_t *count)
{
    if (!w || w > d->index_words || !d->verb_start || !d->patterns) {
        *count = 0;
        return NULL;
    }
    *count = d->verb_start[w + 1] - d->verb_start[w];
    return d->patterns + d->verb_start[w];
}
/* The groups of the patterns of verb w (BUCKETS_MIN_PATTERNS or more), or NULL. */
static inline const pattern_buckets *dict_verb_buckets(const jirga_dict *d, word_id w)
{
    if (!w || w > d->index_words || !d->buckets_of || !d->buckets_of[w])
        return NULL;
    return &d->buckets[d->buckets_of[w] - 1];
}
/* The set bits of x, counted in registers: without -mpopcnt the compiler's builtin is a
 * library call, once per group a clause visits. */
static inline uint32_t dict_popcount(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (uint32_t)((x * 0x0101010101010101ULL) >> 56);
}

/* The group (bucket_start index) of the patterns whose first filter bit is bit, a bit
 * that b->first_bits has. */
static inline uint32_t dict_bucket_of(const pattern_buckets *b, uint16_t bit)
{
    uint64_t below = b->first_bits[bit >> 6] & ((1ULL << (bit & 63)) - 1);
    return b->bucket + b->before[bit >> 6] + dict_popcount(below);
}
/* Nominal patterns anchored on word w. */
static inline const pattern *dict_nominal_patterns(const jirga_dict *d, word_id w, size_t *count)
{
    if (!w || w > d->index_words || !d->nominal_start || !d->nominals) {
        *count = 0;
        return NULL;
    }
    *count = d->nominal_start[w + 1] - d->nominal_start[w];
    return d->nominals + d->nominal_start[w];
}

#endif
