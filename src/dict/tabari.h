/*
 * tabari.h — the dictionaries of jirga's peers: TABARI (.actors, .agents, .verbs, .options,
 * .project), PETRARCH-1 (the same languages with '#' comments, '--- NAME [code] ---' verb
 * blocks and '!SUBST!' agent markers) and PETRARCH-2 (CAMEO.2.0.txt: verb blocks whose
 * patterns add '(...)' prepositional phrases and '{...}' noun phrases).
 *
 * These languages match words differently from jirga's own: a dictionary word is a stem
 * (it matches every text word that starts with it) unless it ends in '_', words of a
 * phrase joined by a space may have other words between them, and a verb pattern is read
 * left to right over the clause with '*' where the verb stands. So a loaded peer dictionary
 * keeps these phrases as they were written (tab_phrase), and the TABARI coder
 * (src/code/tabari.c) matches them; the native model in dict.h is untouched.
 * Everything is owned by the tab_dict and freed with tab_dict_free.
 */
#ifndef JIRGA_DICT_TABARI_H
#define JIRGA_DICT_TABARI_H

#include "../../include/jirga.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tab_format { TAB_FORMAT_TABARI = 1, TAB_FORMAT_PETRARCH = 2 };

/* One element of a phrase or a pattern. */
enum tab_elem {
    TW_WORD,     /* a word (stem or whole word) */
    TW_VERB,     /* '*': the verb itself */
    TW_SOURCE,   /* '$' */
    TW_TARGET,   /* '+' */
    TW_COMPOUND, /* '%' */
    TW_SKIP,     /* '^': an actor passed over */
    TW_SET,      /* '&NAME' */
};

typedef struct tab_word {
    char *text;       /* upper case, without its connector; NULL for slots */
    uint8_t kind;     /* enum tab_elem */
    bool exact;       /* written with a trailing '_': the whole word (plus regular endings) */
    bool noend;       /* written with a trailing '=': the whole word, no endings */
    bool adjacent;    /* joined to the previous element with '_': must follow it at once */
    int set;          /* TW_SET: index into tab_dict.sets */
} tab_word;

typedef struct tab_phrase {
    tab_word *words;
    int n;
} tab_phrase;

/* What a [...] code block says. */
enum tab_special { TC_EVENT, TC_NULL, TC_DISCARD, TC_COMPLEX, TC_NONE };
typedef struct tab_code {
    char code[16];  /* "064"; actors: "ARN", "GME/GMW", "~GOV" */
    char code2[16]; /* paired code after ':' ("" when none) */
    uint8_t special; /* enum tab_special */
    bool subordinate; /* '?': coded only when nothing else is */
    bool dominant;    /* '!' */
} tab_code;

typedef struct tab_dated {
    tab_code code;
    int from, until; /* YYYYMMDD, 0 when open */
} tab_dated;

enum tab_kind { TK_ACTOR, TK_AGENT, TK_VERB, TK_NOUN, TK_ADJ, TK_DISCARD, TK_TIME };

/* A root: an actor, agent, verb, noun, adjective, time phrase or discard phrase. */
typedef struct tab_entry {
    tab_phrase ph;
    uint8_t kind;     /* enum tab_kind */
    bool story;       /* discards written with '+': drop the whole story */
    int verb_word;    /* verbs: the word of ph that is the verb (compound verbs) */
    int index;        /* actors, agents: into codes; verbs: into verbs */
    int order;        /* file order */
    const char *file; /* borrowed from tab_dict.files */
    int line;
} tab_entry;

/* The codes of an actor or agent, in the order written (dated first, default last). */
typedef struct tab_codes {
    tab_dated *codes;
    int n;
} tab_codes;

typedef struct tab_pattern {
    tab_word *words; /* the whole pattern; one TW_VERB element */
    int n;
    int verb_at;     /* index of the TW_VERB element */
    tab_code code;
    int length;      /* letters of its words: longer patterns are tried first */
    const char *file;
    int line;
} tab_pattern;

/* A verb: its default code and the block of patterns it shares with its forms. */
typedef struct tab_verb {
    tab_code code;   /* TC_NONE when the verb line had no code */
    int block;       /* into blocks */
    const char *file;
    int line;
} tab_verb;

typedef struct tab_block {
    int *patterns;   /* indexes into patterns, longest first */
    int n, cap;
} tab_block;

typedef struct tab_set {
    char *name;          /* without '&' */
    tab_phrase *members;
    int n;
} tab_set;

/* Options of a .options file or an OPTION record (TABARI manual chapter 8). */
enum { CODE_BY_CLAUSE, CODE_BY_SENTENCE, CODE_ALL };
typedef struct tab_options {
    int code_by;
    bool comma_off;
    int comma_min, comma_max, comma_bmin, comma_bmax, comma_emin, comma_emax;
    int complex_verbs, complex_actors, complex_pronouns, complex_conj, complex_comma, complex_lateverb;
    bool noactprior, noactafter, noverb, nosource, notarget, noevent;
    char default_source[16], default_target[16]; /* "" when off */
    bool default_source_prior, default_target_after;
    bool convert_agents;
    int minimum_words; /* 0: off */
    bool fbis;
    bool yyyy;
    char forward[32]; /* FORWARD: the record id format ("^^*****NNN*SSS"), "" when off */
} tab_options;

typedef struct tab_dict {
    int format;           /* enum tab_format */
    char **files;
    size_t nfiles;
    tab_entry *entries;
    size_t nentries, cap_entries;
    tab_codes *codes;     /* of actors and agents */
    size_t ncodes, cap_codes;
    tab_verb *verbs;
    size_t nverbs, cap_verbs;
    tab_block *blocks;
    size_t nblocks, cap_blocks;
    tab_pattern *patterns;
    size_t npatterns, cap_patterns;
    tab_set *sets;
    size_t nsets, cap_sets;
    size_t transformations; /* PETRARCH-2 '~' rules read but not applied */
    tab_options options;   /* from the .options file, or the defaults */
    /* Entries by first word: open addressing over the words' hashes. */
    uint32_t *slots;       /* entry index + 1, 0 empty; chains via next */
    uint32_t *next;
    size_t nslots;
} tab_dict;

/* The files to load; any may be NULL except at least one. */
typedef struct tab_files {
    const char *actors[8];
    int nactors;
    const char *agents, *verbs, *discards, *options;
    const char *text; /* a .project's <textfile>, for validate */
} tab_files;

/* Reads a TABARI .project file: the dictionary and text files it names, relative to it.
 * Returns false with err filled ("file:line: message"). */
bool tab_read_project(const char *path, tab_files *files, char paths[][4096], int npaths, jirga_error *err);

/* Loads the dictionaries. warn (may be NULL) gets duplicates and lines TABARI skips. */
tab_dict *tab_dict_load(int format, const tab_files *files, void (*warn)(void *, const char *), void *warn_ctx,
                        jirga_error *err);
/* Loads from memory (fuzzing): text is the content of one file of the given kind
 * ("actors", "agents", "verbs", "discards", "options"). */
tab_dict *tab_dict_load_text(int format, const char *kind, const char *text, size_t n, jirga_error *err);
void tab_dict_free(tab_dict *d);

/* The defaults of the TABARI manual (chapter 8). */
void tab_options_default(tab_options *o);
/* Applies one options line ("COMPLEX: VERBS[5]", "SET: CODE BY SENTENCE", "COMMA: OFF");
 * false when it is not understood (the caller warns). */
bool tab_options_apply(tab_options *o, const char *line);

/* Entries whose first word could match the upper-case text word w (stems are prefixes
 * of w): calls fn for each. */
void tab_lookup(const tab_dict *d, const char *w, size_t n, void (*fn)(void *, const tab_entry *), void *ctx);

/* The code of an actor or agent on a date (YYYYMMDD, 0 unknown); NULL when none applies. */
const tab_code *tab_code_on(const tab_codes *c, int date);

#endif
