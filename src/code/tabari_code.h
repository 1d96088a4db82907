/*
 * tabari_code.h — the coder for dictionaries in the TABARI and PETRARCH languages
 * (src/dict/tabari.h). It reads a sentence the way TABARI does (manual chapter 7): words
 * classified by the longest dictionary phrase, agents joined to actors, compound actors,
 * pronouns, comma-delimited clauses dropped, the sentence cut into clauses at
 * conjunctions, then each verb's patterns tried longest first, with default source and
 * target searches, passive voice, paired, subordinate and dominant codes. jirga_code uses
 * it when the loaded dictionary is a peer dictionary; `jirga validate` calls it directly.
 */
#ifndef JIRGA_TABARI_CODE_H
#define JIRGA_TABARI_CODE_H

#include "../base/base.h"
#include "../dict/tabari.h"

typedef struct tab_event {
    char source[48], target[48];
    char code[16];
    int verb_start, verb_end; /* byte offsets of the verb in the text */
    int source_start, source_end, target_start, target_end; /* -1 when defaulted */
    const char *file;         /* the verb or pattern line that gave the code */
    int line;
} tab_event;

enum tab_status { TS_CODED, TS_DISCARD, TS_STORY_DISCARD, TS_COMPLEX, TS_SHORT };

typedef struct tab_result {
    int status;         /* enum tab_status; TS_CODED also when no event was found */
    char why[200];      /* for TS_DISCARD, TS_COMPLEX, TS_SHORT */
    tab_event *events;  /* borrowed from the coder until the next call */
    int nevents;
} tab_result;

typedef struct tab_coder tab_coder;

/* The dictionary is borrowed and must outlive the coder. */
tab_coder *tab_coder_new(const tab_dict *d);
void tab_coder_free(tab_coder *c);

/* The id of the next record ("FRWD-001-002"), for the FORWARD option: a pronoun that
 * opens a sentence stands for the first actor of the story's previous sentence. */
void tab_coder_set_id(tab_coder *c, const char *id);

/* Codes one sentence (or one TABARI text record) on date YYYYMMDD (0 unknown) under the
 * options o (NULL: the dictionary's). trace, when not NULL, receives the parse. */
void tab_code_text(tab_coder *c, const tab_options *o, const char *text, size_t n, int date, tab_result *r,
                   sbuf *trace);

#endif
