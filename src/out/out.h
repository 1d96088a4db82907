/*
 * out.h — writers: the event record of DESIGN.md as JSON Lines. Other formats derive
 * from the same record.
 */
#ifndef JIRGA_OUT_H
#define JIRGA_OUT_H

#include "../../include/jirga.h"
#include "../base/base.h"

/* Appends one JSON object (one line, with '\n') for event e of document doc. */
void out_jsonl_event(sbuf *b, const jirga_doc *doc, const jirga_event *e);

/* What records repeat, escaped once and copied after: the document's id and date, and the
 * dictionary's cameo codes with their labels and its pattern files, kept by the address of
 * their strings. So a cache must not outlive the dictionary of the events written with it;
 * one cache per thread (it is not shared). out_cache_free(NULL) does nothing. */
typedef struct out_cache out_cache;
out_cache *out_cache_new(void); /* owned by the caller, free with out_cache_free */
void out_cache_free(out_cache *c);

/* The records of the n events of document doc, as out_jsonl_event writes them one by one;
 * c (NULL: nothing kept) takes the document's strings anew at each call. */
void out_jsonl_events(out_cache *c, sbuf *b, const jirga_doc *doc, const jirga_event *events, int n);

/* Appends s (n bytes, valid UTF-8) as a JSON string with quotes. */
void out_json_string(sbuf *b, const char *s, size_t n);

#endif
