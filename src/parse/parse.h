/*
 * parse.h — the shallow parse of one sentence: actor mentions combined into actor units
 * ("Qatar's foreign minister"), units joined into compound groups ("the Taliban and top US
 * officials"), verb groups with voice, negation and modality, and clauses with their
 * subject and object regions. Reads tokens annotated by the lexicon stage.
 */
#ifndef JIRGA_PARSE_H
#define JIRGA_PARSE_H

#include "../dict/dict.h"
#include "../text/text.h"

#include <stdbool.h>

/* One actor reference: a name, an agent, or both combined. */
typedef struct actor_unit {
    int start, end;           /* token range */
    char code[24];            /* "AFGGOV"; a lone agent gives its role alone: "GOV" */
    const dict_entry *actor;  /* the named actor, or NULL */
    const dict_entry *agent;  /* the agent, or NULL */
    int name_start, name_end; /* a name no dictionary knows, titled by the agent; -1 */
    bool person;              /* one human being: "he" and "she" may refer to it */
    bool pronoun;             /* a pronoun standing for an earlier actor */
} actor_unit;

/* A name learned in the document: "Taliban spokesman Mohammad Naeem" teaches "Mohammad
 * Naeem", and "Naeem" alone, the code AFGINS for the rest of the document. */
typedef struct doc_name {
    char words[4][48]; /* folded */
    int nwords;
    dated_code code;
    dict_entry entry; /* entry.codes points to code; entry.line is the sentence */
} doc_name;

/* What the earlier sentences of a document tell the next one (owned by the coder). */
typedef struct doc_context {
    const doc_name *names;
    size_t nnames;
    const dict_entry *person, *group; /* antecedents of he/she and of they; NULL if none */
    char person_code[24], group_code[24];
    const dict_entry *org, *country;  /* of "the group" and of "the country" */
    char org_code[24], country_code[24];
    const dict_entry *pair[2];        /* of "the two sides" */
    char pair_code[2][24];
} doc_context;

/* Units joined by "and", "," or "as well as": each unit acts. */
typedef struct actor_group {
    int first, count; /* units[first .. first+count) */
    int start, end;   /* token range */
} actor_group;

typedef struct verb_group {
    int start, end; /* token range: auxiliaries, negation, adverbs and the verb */
    int verb;       /* the main verb's token */
    bool passive, negated, hypothetical;
    bool participle; /* ", accusing X of Y": shares the subject, codes only verbal events */
    int neg_token, modal_token; /* token that negates / makes it hypothetical, or -1 */
} verb_group;

typedef struct clause {
    int vg;           /* verb group, -1 for a clause without a verb */
    int left, right;  /* token range of the whole clause */
    int subject;      /* actor group, -1 when none */
    bool subject_inherited;
    bool subject_possessor; /* "X's Africa Command said": X, the owner of an unknown speaker */
    bool relative;    /* "the bombing that killed ...": the verb follows that, which, who */
    bool complement;  /* "demanded that the US stop ...": the clause follows "that" */
    int agent;        /* passive: the "by" group, -1 when none */
} clause;

typedef struct sentence {
    const char *text; /* borrowed */
    size_t len;
    int date;         /* article date YYYYMMDD, 0 when unknown */
    token *tokens;
    size_t ntokens, cap_tokens;
    actor_unit *units;
    size_t nunits, cap_units;
    actor_group *groups;
    size_t ngroups, cap_groups;
    int *group_at;    /* per token: the group covering it, -1 if none */
    size_t cap_group_at;
    verb_group *vgs;
    size_t nvgs, cap_vgs;
    clause *clauses;
    size_t nclauses, cap_clauses;
    int discard;      /* index of a discard entry that matched, -1 */
    const doc_context *ctx; /* borrowed; NULL outside a document */
    lex_cache *cache;       /* borrowed from the coder; may be NULL */
    char pair_codes[2][24]; /* the codes "they" stands for when it means two actors */
    int headline_case;      /* title-case headline: the number of verbs read without their capital */
} sentence;

/* Tokenizes and parses text into s, reusing s's buffers. */
void parse_sentence(const jirga_dict *d, sentence *s, const char *text, size_t len, int date,
                    const doc_context *ctx);
void sentence_free(sentence *s);

/* The longest dictionary phrase of the kinds in kind_mask (1 << PHRASE_*) starting at
 * token i of a parsed sentence; NULL when none. Inline: most tokens start no phrase of
 * the kinds asked, which the token itself tells. */
const phrase *parse_phrase_lookup(const jirga_dict *d, const sentence *s, int i, int kind_mask);
static inline const phrase *parse_phrase_at(const jirga_dict *d, const sentence *s, int i, int kind_mask)
{
    return s->tokens[i].phrase_kinds & kind_mask ? parse_phrase_lookup(d, s, i, kind_mask) : NULL;
}

/* Does the word id w match token t (surface form or one of its lemmas)? */
static inline bool token_is(const token *t, word_id w) /* inline: the matcher's innermost test */
{
    if (!w)
        return false;
    if (t->word == w)
        return true;
    for (int i = 0; i < t->nlemmas; i++)
        if (t->lemmas[i] == w)
            return true;
    return false;
}

/* Is token i (in range or not) the word w, ignoring ASCII case? w is lower case; inline,
 * so the length of a literal folds away. */
static inline bool token_word_is(const sentence *s, int i, const char *w)
{
    if (i < 0 || i >= (int)s->ntokens)
        return false;
    const token *t = &s->tokens[i];
    size_t n = strlen(w);
    if (t->end - t->start != n)
        return false;
    for (size_t k = 0; k < n; k++)
        if ((s->text[t->start + k] | 0x20) != w[k])
            return false;
    return true;
}

#endif
