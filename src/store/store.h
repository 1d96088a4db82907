/*
 * store.h — the event store: coded documents, their sentences and events kept in one
 * SQLite file (WAL mode), deduplicated, queried and aggregated. It sits at the end of the
 * pipeline: `jirga ingest` writes captured documents (src/export/export.h) into it;
 * `jirga query`, `jirga stats` and `jirga export` read it.
 *
 * Deduplication has two levels. Within a document, events with the same one-a-day key
 * (date, source code, target code, CAMEO code) are one row of `events` whose `mentions`
 * counts them. Across documents, the same key is one row of `daily_events`, with GDELT's
 * NumMentions, NumSources (distinct URL hosts, or document ids when there is no URL) and
 * NumArticles, and its documents in `daily_event_docs`. docs/store.md has the schema.
 *
 * Writes go in batches: store_begin, store_put for each document, store_commit. A batch
 * is one transaction, so a process killed at any moment leaves the documents of whole
 * batches; putting a document id again replaces it, so re-running an ingest completes it.
 */
#ifndef JIRGA_STORE_H
#define JIRGA_STORE_H

#include "../../include/jirga.h"
#include "../export/export.h"

#include <stdbool.h>

typedef struct store store;

/* Opens (creating when create is true) the store at path. Returns NULL and fills err on
 * failure. Owned by the caller, free with store_close (which rolls back an open batch). */
store *store_open(const char *path, bool create, jirga_error *err);
void store_close(store *s);
/* What to call the store in messages: its file, or its URL without the password.
 * Borrowed, valid until store_close. */
const char *store_name(const store *s);

/* ---- Writing ------------------------------------------------------------------------ */

/* Each returns 0, or -1 with err filled (the batch is then rolled back). */
int store_begin(store *s, jirga_error *err);
/* Replaces the document d->doc.id, its sentences and its events. d is borrowed until
 * store_commit returns (PostgreSQL writes the whole batch at commit). */
int store_put(store *s, const export_doc *d, jirga_error *err);
/* Brings the one-a-day counts of every key the batch touched up to date and commits. */
int store_commit(store *s, jirga_error *err);

/* True when the store already has the document id (for ingest --resume). */
bool store_has_document(store *s, const char *id);

/* ---- Reading ------------------------------------------------------------------------ */

/* What to select. Actor codes match by prefix (USA matches USA, USAGOV, USAMIL); NULL
 * fields and empty strings select everything. */
typedef struct store_filter {
    const char *from, *to;      /* dates YYYY, YYYY-MM or YYYY-MM-DD, both included */
    const char *actor;          /* source or target */
    const char *dyad_source, *dyad_target; /* --dyad A-B */
    bool both_directions;       /* --both: A-B or B-A */
    const char *country;        /* source or target country (USA, IGO, ...) */
    const char *role;           /* source or target role (GOV, MIL, ...) */
    const char *cameo;          /* CAMEO code or its prefix */
    const char *root;           /* root code, 01 to 20 */
    int quad;                   /* 1 to 4; 0 for any */
    const char *text;           /* words that must all occur in the sentence (FTS5) */
} store_filter;

/* Calls fn for each selected event in (date, source, target, cameo) order: with all
 * false, one per one-a-day key (its first mention, by document id and sentence, and its
 * counts); with all true, each event row of each document (counts for that document).
 * The event passed to fn is borrowed for the call. fn returns 0 to go on, non-zero to
 * stop. Returns 0, or -1 with err filled. */
typedef int (*store_event_fn)(void *ctx, const export_event *e);
int store_query(store *s, const store_filter *f, bool all, store_event_fn fn, void *ctx, jirga_error *err);

typedef enum store_period { STORE_DAY, STORE_WEEK, STORE_MONTH } store_period;

/* Appends CSV to out: a header, then one line per period that has events (weeks start on
 * Monday and are named by that day): events, mentions, events per QuadClass, Goldstein
 * sum and mean, events per root code 01-20. Counts one-a-day events; events dated only by
 * month are left out of day and week periods, and *skipped counts them. */
int store_stats(store *s, const store_filter *f, store_period by, sbuf *out, long *skipped, jirga_error *err);

/* Row counts of the store's tables. */
typedef struct store_counts {
    long documents, sentences, events, mentions, daily_events;
} store_counts;
int store_get_counts(store *s, store_counts *c, jirga_error *err);

#endif
