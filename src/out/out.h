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

/* Appends s (n bytes, valid UTF-8) as a JSON string with quotes. */
void out_json_string(sbuf *b, const char *s, size_t n);

#endif
