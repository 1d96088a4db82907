/*
 * export.h — the standard exports of jirga's events: GDELT 2.0 event rows, PLOVER JSON
 * Lines, Phoenix-style TSV, plain CSV, and the JSON Lines event record with the counts of
 * the event store. The writers take one flat export_event, which comes either straight
 * from the coder (`jirga code --format ...`, every event on its own) or from the event
 * store (`jirga export`, `jirga query`: one event per one-a-day key, with its counts).
 *
 * It sits after the coder and beside src/out/: a coded document is first captured
 * (export_doc, owned copies, so it outlives the coder's next call), then written.
 * The columns of each format are documented field by field in docs/store.md.
 */
#ifndef JIRGA_EXPORT_H
#define JIRGA_EXPORT_H

#include "../../include/jirga.h"
#include "../base/base.h"

#include <stdbool.h>

typedef enum export_format {
    EXPORT_JSONL,   /* the event record (docs/event-record.md), plus the store's counts */
    EXPORT_GDELT,   /* GDELT 2.0 event table: 61 tab-separated columns, no header */
    EXPORT_PLOVER,  /* PLOVER JSON Lines: event type, mode, context, actors, recipients */
    EXPORT_PHOENIX, /* Phoenix-style TSV: 26 columns, no header */
    EXPORT_CSV,     /* plain CSV with a header line, for R and pandas */
    EXPORT_TABLE    /* aligned columns for a terminal (jirga query only) */
} export_format;

/* Parses a format name ("gdelt", ...); false for an unknown name. */
bool export_format_parse(const char *name, export_format *format);

/* ---- A captured document -------------------------------------------------------------- */

/* One coded document, every string owned: the document, all its sentences, its events
 * (whose sentence_text points into the captured sentences). label and pattern_file stay
 * borrowed from the dictionary, which must outlive the capture. The struct, its arrays
 * and its strings are one allocation (export_doc_capture), freed whole. */
typedef struct export_doc {
    jirga_doc doc;
    char **sentences; /* sentences[i] is sentence i + 1, NUL-terminated */
    size_t *sentence_lens;
    int nsentences;
    jirga_event *events;
    int nevents;
    char **extra; /* sentence texts of events that differ from the coder's sentence list */
    int nextra;
} export_doc;

/* Copies doc, the sentences of the coder's last document and its n events. Owned by the
 * caller, free with export_doc_free. */
export_doc *export_doc_capture(const jirga_doc *doc, const jirga_coder *coder, const jirga_event *events, int n);
void export_doc_free(export_doc *d);

/* ---- The flat event the writers take ------------------------------------------------- */

/* A document that reported an event. */
typedef struct export_source {
    const char *doc_id, *url; /* borrowed; url "" when unknown */
} export_source;

typedef struct export_event {
    long long id;      /* GLOBALEVENTID: the store's event id, or the output row number */
    jirga_doc doc;     /* the (first) document: id, date and url are used */
    jirga_event event; /* the (first) mention; its strings borrowed */
    int mentions;      /* times the event was coded (NumMentions) */
    int sources;       /* distinct URL hosts, or document ids without a URL (NumSources) */
    int articles;      /* distinct documents (NumArticles) */
    const export_source *docs; /* the documents that reported it, in id order */
    int ndocs;
} export_event;

/* Fills *out from event i of a captured document, as a lone event: counts of 1 and the
 * one document. out->docs points into *src, which the caller provides. */
void export_event_from_doc(const export_doc *d, int i, long long id, export_source *src, export_event *out);

/* The host of a URL, lower-cased, without "www."; "" when url is not a URL. */
void export_url_host(const char *url, char *host, size_t cap);

/* ---- PLOVER columns of dictionaries/cameo.tsv ------------------------------------------ */

typedef struct export_plover export_plover;

/* Reads the plover_type, plover_mode and plover_context columns of a cameo.tsv. Returns
 * NULL and fills err when the file cannot be read or lacks the columns. Owned by the
 * caller, free with export_plover_free. */
export_plover *export_plover_load(const char *path, jirga_error *err);
void export_plover_free(export_plover *p);

/* ---- Writers ------------------------------------------------------------------------ */

/* Appends the header line of the format (CSV and table only; nothing for the others). */
void export_header(sbuf *b, export_format format);

/* Appends one event as a line of the format. plover is needed for EXPORT_PLOVER only
 * (NULL leaves type, mode and context empty). */
void export_event_write(sbuf *b, export_format format, const export_event *e, const export_plover *plover);

/* The number of columns of a GDELT 2.0 event row. */
enum { EXPORT_GDELT_COLUMNS = 61 };

#endif
