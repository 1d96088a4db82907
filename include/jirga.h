/*
 * jirga.h — the whole public API of jirga, a political event coder.
 *
 * A program loads a dictionary once (immutable, shareable between threads), makes one
 * coder per thread, and codes documents one at a time. Each call returns the events of
 * one document; they stay valid until the next call on the same coder.
 *
 * Ownership: every pointer returned by a jirga_*_new / _load function is owned by the
 * caller and freed with the matching _free function (which accepts NULL). Pointers inside
 * returned structures are borrowed from the coder or the dictionary.
 */
#ifndef JIRGA_H
#define JIRGA_H

#include <stdbool.h>
#include <stddef.h>

#define JIRGA_VERSION "0.1.0"

/* Errors carry a message that already names the place (file:line or document id). */
typedef struct jirga_error {
    int code; /* 0 when there is no error */
    char message[512];
} jirga_error;

/* ---- Dictionary ------------------------------------------------------------------- */

typedef struct jirga_dict jirga_dict;

typedef struct jirga_dict_options {
    const char *wordnet_dir; /* WordNet exception lists; NULL: /usr/share/wordnet */
    const char *cameo_table; /* CAMEO codes table; NULL: <dict dir>/../cameo.tsv */
    const char *places;      /* gazetteer; NULL: <dict dir>/../gen/places.tsv (built by make) */
    /* Called for each warning (a duplicate entry, say); may be NULL. */
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
} jirga_dict_options;

/* Loads every *.txt file below dir. Returns NULL and fills err on failure. */
jirga_dict *jirga_dict_load(const char *dir, const jirga_dict_options *opts, jirga_error *err);
void jirga_dict_free(jirga_dict *dict);

/* Dictionaries of jirga's peers, TABARI and PETRARCH (docs/compat.md): coded with the
 * TABARI coder instead of jirga's own patterns. Files are named one by one or by a
 * TABARI .project file. The CAMEO table (labels, Goldstein, QuadClass) is opts->cameo_table. */
typedef struct jirga_peer_files {
    const char *format;     /* "tabari" or "petrarch" */
    const char *project;    /* a TABARI .project naming the files below, or NULL */
    const char *actors[8];  /* any number up to 8 */
    int nactors;
    const char *agents, *verbs, *discards, *options; /* each may be NULL */
} jirga_peer_files;
jirga_dict *jirga_dict_load_peer(const jirga_peer_files *files, const jirga_dict_options *opts, jirga_error *err);

typedef struct jirga_dict_stats {
    size_t actors, actor_names, agents, patterns, nominal_patterns, sets, discards, forms;
    size_t cameo_codes, uncovered_codes;
    const char *uncovered[400]; /* borrowed from the dictionary */
} jirga_dict_stats;
void jirga_dict_get_stats(const jirga_dict *dict, jirga_dict_stats *stats);

/* Label, quad class and Goldstein score of a CAMEO code; false if the code is unknown. */
bool jirga_cameo_info(const jirga_dict *dict, const char *code, const char **label, int *quad,
                      double *goldstein);

/* ---- Coding ----------------------------------------------------------------------- */

typedef struct jirga_doc {
    const char *id;    /* document id, for messages and output */
    const char *date;  /* article date YYYY-MM-DD, or NULL */
    const char *title; /* coded as the first sentence when not NULL */
    const char *text;
    size_t text_len;
    const char *url;
    bool first_line_is_title; /* plain text files: the first line is the headline */
} jirga_doc;

typedef struct jirga_actor {
    char code[24];   /* "USAGOV"; "" when no actor */
    char country[4]; /* "USA", "IGO", "" */
    char role[8];    /* "GOV", "" */
    int start, end;  /* byte offsets in the sentence; both -1 when no actor */
} jirga_actor;

typedef struct jirga_place {
    char name[64];    /* "" when the event has no place */
    char country[4];  /* ISO alpha-3 */
    double lat, lon;
    bool has_coords;  /* false for a country alone */
    int start, end;   /* byte offsets of the place name in the sentence */
} jirga_place;

typedef struct jirga_count {
    char kind[24]; /* "killed", "wounded", "arrested", "displaced", "troops", ... */
    long number;
} jirga_count;

enum { JIRGA_MAX_COUNTS = 4 };

typedef struct jirga_event {
    int sentence;         /* 1-based index of the sentence in the document */
    const char *sentence_text; /* borrowed; not NUL-terminated, see sentence_len */
    size_t sentence_len;
    jirga_actor source, target;
    char cameo[8];
    char root[3];
    const char *label; /* borrowed from the dictionary */
    int quad;
    double goldstein;
    bool negated;
    int verb_start, verb_end; /* byte offsets of the verb (or the pattern's first word) */
    const char *pattern_file; /* borrowed from the dictionary */
    int pattern_line;
    char event_date[11]; /* YYYY-MM-DD, or YYYY-MM, or "" when the document has no date */
    bool date_stated;    /* the date was stated in the sentence, not the article date */
    jirga_place place;
    jirga_count counts[JIRGA_MAX_COUNTS]; /* numbers the sentence gives ("killed 12") */
    int ncounts;
    int quote_start, quote_end; /* statements: byte offsets of what was said; -1 when none */
} jirga_event;

typedef struct jirga_coder jirga_coder;

typedef struct jirga_coder_options {
    bool keep_negated; /* emit negated events with negated=true instead of dropping them */
    bool trace;        /* keep a human-readable trace of every decision (jirga explain) */
    size_t max_sentence_bytes; /* longer sentences are cut here; 0: 8192 */
    bool sentences_only; /* skip the document pass (names learned, references): for measuring its cost */
} jirga_coder_options;

/* The dictionary is borrowed and must outlive the coder. */
jirga_coder *jirga_coder_new(const jirga_dict *dict, const jirga_coder_options *opts);
void jirga_coder_free(jirga_coder *coder);

/* Codes one document. Returns the number of events (>= 0) and sets *events to an array
 * borrowed from the coder, valid until the next call. Never fails on bad text: invalid
 * UTF-8 is repaired, NUL bytes are dropped. */
int jirga_code(jirga_coder *coder, const jirga_doc *doc, const jirga_event **events);

/* A name no dictionary knew, learned from its title in the last coded document
 * ("Taliban spokesman Mohammad Naeem" gives "Mohammad Naeem" the code AFGINS). */
typedef struct jirga_name {
    char name[200];
    char code[24];
    int sentence; /* where it was learned, 1-based */
} jirga_name;

/* The names learned in the last coded document; *names is borrowed until the next call. */
int jirga_learned_names(const jirga_coder *coder, const jirga_name **names);

/* The text of sentence i (1-based) of the last coded document, and its length. */
const char *jirga_sentence_text(const jirga_coder *coder, int i, size_t *len);

/* Number of sentences in the last coded document. */
int jirga_sentence_count(const jirga_coder *coder);

/* The trace of the last call when options.trace was set; borrowed, "" otherwise. */
const char *jirga_trace(const jirga_coder *coder);

#endif
