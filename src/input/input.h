/*
 * input.h — reading documents: a plain text file is one article (first line the
 * headline); a JSON Lines file holds one article per line with id, date, url, title and
 * text. A bad line is reported with its line number and skipped; the rest is read.
 */
#ifndef JIRGA_INPUT_H
#define JIRGA_INPUT_H

#include "../../include/jirga.h"
#include "../base/base.h"

typedef enum input_format { INPUT_AUTO, INPUT_TEXT, INPUT_JSONL } input_format;

typedef struct input_reader input_reader;

/* path "-" is standard input. INPUT_AUTO picks JSON Lines for names ending in .jsonl. */
input_reader *input_open(const char *path, input_format format, jirga_error *err);
void input_close(input_reader *r);

/* Reads the next document into *doc (its strings are borrowed, valid until the next
 * call). Returns 1 for a document, 0 at the end, -1 for a skipped record: err then says
 * where and why. */
int input_next(input_reader *r, jirga_doc *doc, jirga_error *err);

/* The string fields of one JSON Lines record, NULL when absent or null. */
typedef struct input_fields {
    const char *id, *text, *title, *date, *url;
    size_t id_len, text_len, title_len, date_len, url_len;
} input_fields;

/* The fast path of the reader: reads line (len bytes) when it is a valid JSON object
 * whose id, text, title, date and url are strings or null, decoding them into scratch
 * (each NUL-terminated; "\u0000" inside is kept). Returns false for anything else, which
 * jansson then reads or rejects with a message. */
bool input_fields_read(const char *line, size_t len, input_fields *f, sbuf *scratch);

#endif
