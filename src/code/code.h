/*
 * code.h — pattern matching and event assembly: the stage that turns parsed clauses into
 * CAMEO events, and the coder that runs the whole pipeline over a document
 * (jirga_code in jirga.h). Internal helpers shared with the document pass live here.
 */
#ifndef JIRGA_CODE_H
#define JIRGA_CODE_H

#include "../parse/parse.h"

/* YYYY-MM-DD (or YYYYMMDD) to YYYYMMDD; 0 when s is NULL or malformed. */
int code_parse_date(const char *s);

/* Finds a date expression in tokens [from, to) of s and resolves it against doc_date
 * (YYYYMMDD): writes YYYY-MM-DD, YYYY-MM or YYYY into out and returns the token where it
 * starts, or -1 when there is none (dates.c). */
int date_find(const sentence *s, int from, int to, int doc_date, char out[11]);

/* Finds up to max counts in a parsed sentence ("killed 12", "2,500 troops"); the kinds
 * come from the dictionary's count entries (counts.c). */
int counts_find(const jirga_dict *d, const sentence *s, jirga_count *out, int max);

#endif
