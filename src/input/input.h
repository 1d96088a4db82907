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

/* The files behind the paths a user named: a directory stands for every regular file
 * below it, read in byte order of their names, directory by directory; files and "-" pass
 * as they are. Hidden entries (a leading dot) and links to directories are not entered,
 * so a walk ends. Memory holds the listing of the directories being walked, not every
 * path: a folder of a million articles is walked in a few megabytes. */
typedef struct input_walk input_walk;
input_walk *input_walk_new(const char *const *paths, int n);
/* The next file, valid until the next call; NULL at the end. A directory that cannot be
 * listed sets err (its path and the system's reason) and returns the empty string "". */
const char *input_walk_next(input_walk *w, jirga_error *err);
/* Opens the file input_walk_next returned last. A plain text file found in a directory is
 * named by its path below that directory, without extension ("2021/01/kabul"), so two
 * index.txt in two folders stay two documents; a file named itself keeps its base name. */
input_reader *input_walk_open(const input_walk *w, input_format format, jirga_error *err);
/* Names a plain text file by its path from byte root on (what input_walk_open does). */
void input_name_below(input_reader *r, size_t root);
void input_walk_free(input_walk *w);

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
