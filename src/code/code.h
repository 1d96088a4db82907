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

#endif
