/* store.c — the SQLite event store: the schema, opening, and writing batches of documents
 * with the two levels of deduplication (see store.h and docs/store.md). A PostgreSQL URL
 * is handed to pg.c at each entry point below; reading, for both engines, is in query.c. */
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The schema; every statement may run again on an existing store. */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "INSERT OR IGNORE INTO meta VALUES('schema', '" STORE_SCHEMA_VERSION "');\n"
    "CREATE TABLE IF NOT EXISTS documents(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  date TEXT, url TEXT, title TEXT, text TEXT NOT NULL,\n"
    "  source TEXT NOT NULL,\n"          /* URL host, else the document id: NumSources counts these */
    "  sentences INTEGER NOT NULL,\n"
    "  events INTEGER NOT NULL);\n"      /* event records coded, before deduplication */
    "CREATE TABLE IF NOT EXISTS sentences(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  doc_id TEXT NOT NULL REFERENCES documents(id),\n"
    "  n INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  UNIQUE(doc_id, n));\n"
    /* the sentences that coded an event (what --text searches), rowid = sentences.id:
     * indexing only these saves most of the indexing, as most sentences code nothing */
    "CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(text);\n"
    "CREATE TABLE IF NOT EXISTS daily_events(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  day TEXT NOT NULL, source_code TEXT NOT NULL, target_code TEXT NOT NULL, cameo TEXT NOT NULL,\n"
    "  root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein REAL NOT NULL,\n"
    "  num_mentions INTEGER NOT NULL DEFAULT 0,\n"
    "  num_sources INTEGER NOT NULL DEFAULT 0,\n"
    "  num_articles INTEGER NOT NULL DEFAULT 0,\n"
    "  first_event INTEGER REFERENCES events(id),\n"
    "  UNIQUE(day, source_code, target_code, cameo));\n"
    "CREATE TABLE IF NOT EXISTS events(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  doc_id TEXT NOT NULL REFERENCES documents(id),\n"
    "  sentence INTEGER NOT NULL,\n"
    "  sentence_id INTEGER REFERENCES sentences(id),\n"
    "  daily_id INTEGER NOT NULL REFERENCES daily_events(id),\n"
    "  day TEXT NOT NULL,\n"
    "  event_date TEXT, date_stated INTEGER NOT NULL,\n"
    "  source_code TEXT NOT NULL, source_country TEXT NOT NULL, source_role TEXT NOT NULL,\n"
    "  source_text TEXT, source_start INTEGER, source_end INTEGER,\n"
    "  target_code TEXT NOT NULL, target_country TEXT NOT NULL, target_role TEXT NOT NULL,\n"
    "  target_text TEXT, target_start INTEGER, target_end INTEGER,\n"
    "  cameo TEXT NOT NULL, root TEXT NOT NULL, label TEXT NOT NULL, quad INTEGER NOT NULL,\n"
    "  goldstein REAL NOT NULL, negated INTEGER NOT NULL,\n"
    "  verb_text TEXT, verb_start INTEGER, verb_end INTEGER,\n"
    "  pattern_file TEXT, pattern_line INTEGER,\n"
    "  place_name TEXT, place_country TEXT, place_lat REAL, place_lon REAL, place_start INTEGER, place_end INTEGER,\n"
    "  quote_text TEXT, quote_start INTEGER, quote_end INTEGER,\n"
    "  counts TEXT NOT NULL,\n"          /* JSON array, [{"kind":"killed","number":12}] */
    "  text TEXT,\n"                     /* the sentence, only when it differs from sentences.text */
    "  mentions INTEGER NOT NULL,\n"     /* times the document coded this event */
    "  UNIQUE(doc_id, day, source_code, target_code, cameo));\n"
    "CREATE INDEX IF NOT EXISTS events_daily ON events(daily_id, doc_id, sentence);\n"
    "CREATE TABLE IF NOT EXISTS event_mentions(\n" /* every sentence that coded an event row */
    "  event_id INTEGER NOT NULL REFERENCES events(id),\n"
    "  doc_id TEXT NOT NULL REFERENCES documents(id),\n"
    "  sentence INTEGER NOT NULL,\n"
    "  sentence_id INTEGER REFERENCES sentences(id));\n"
    "CREATE INDEX IF NOT EXISTS event_mentions_event ON event_mentions(event_id);\n"
    "CREATE INDEX IF NOT EXISTS event_mentions_doc ON event_mentions(doc_id);\n"
    "CREATE TABLE IF NOT EXISTS daily_event_docs(\n"
    "  daily_id INTEGER NOT NULL REFERENCES daily_events(id),\n"
    "  doc_id TEXT NOT NULL REFERENCES documents(id),\n"
    "  mentions INTEGER NOT NULL,\n"
    "  PRIMARY KEY(daily_id, doc_id)) WITHOUT ROWID;\n"
    "CREATE INDEX IF NOT EXISTS daily_event_docs_doc ON daily_event_docs(doc_id);\n";

/* The keys a batch changed; counted again at commit. Per connection, never on disk. */
static const char temp_sql[] = "CREATE TEMP TABLE IF NOT EXISTS touched(id INTEGER PRIMARY KEY);";

enum {
    ST_TOUCH_DOC,
    ST_DEL_MENTIONS,
    ST_DEL_FTS,
    ST_DEL_EVENTS,
    ST_DEL_SENTENCES,
    ST_DEL_DAILY_DOCS,
    ST_DEL_DOC,
    ST_INS_DOC,
    ST_INS_SENTENCE,
    ST_INS_FTS,
    ST_FIND_DAILY,
    ST_INS_DAILY,
    ST_INS_EVENT,
    ST_INS_MENTION,
    ST_HAS_DOC,
    ST_COUNT
};
_Static_assert((int)ST_COUNT <= (int)STORE_STATEMENTS, "store_int.h: STORE_STATEMENTS is too small");

static const char *const statement_sql[ST_COUNT] = {
    [ST_TOUCH_DOC] = "INSERT OR IGNORE INTO touched(id) SELECT DISTINCT daily_id FROM events WHERE doc_id = ?1",
    [ST_DEL_MENTIONS] = "DELETE FROM event_mentions WHERE doc_id = ?1",
    [ST_DEL_FTS] = "DELETE FROM sentences_fts WHERE rowid IN (SELECT id FROM sentences WHERE doc_id = ?1)",
    [ST_DEL_EVENTS] = "DELETE FROM events WHERE doc_id = ?1",
    [ST_DEL_SENTENCES] = "DELETE FROM sentences WHERE doc_id = ?1",
    [ST_DEL_DAILY_DOCS] = "DELETE FROM daily_event_docs WHERE doc_id = ?1",
    [ST_DEL_DOC] = "DELETE FROM documents WHERE id = ?1",
    [ST_INS_DOC] = "INSERT INTO documents(id, date, url, title, text, source, sentences, events) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_INS_SENTENCE] = "INSERT INTO sentences(doc_id, n, text) VALUES (?1, ?2, ?3)",
    [ST_INS_FTS] = "INSERT INTO sentences_fts(rowid, text) VALUES (?1, ?2)",
    [ST_FIND_DAILY] = "SELECT id FROM daily_events WHERE day = ?1 AND source_code = ?2 AND target_code = ?3 "
                      "AND cameo = ?4",
    [ST_INS_DAILY] = "INSERT INTO daily_events(day, source_code, target_code, cameo, root, quad, goldstein) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(day, source_code, target_code, cameo) DO NOTHING",
    [ST_INS_EVENT] =
        "INSERT INTO events(doc_id, sentence, sentence_id, daily_id, day, event_date, date_stated,"
        " source_code, source_country, source_role, source_text, source_start, source_end,"
        " target_code, target_country, target_role, target_text, target_start, target_end,"
        " cameo, root, label, quad, goldstein, negated, verb_text, verb_start, verb_end, pattern_file, pattern_line,"
        " place_name, place_country, place_lat, place_lon, place_start, place_end,"
        " quote_text, quote_start, quote_end, counts, text, mentions) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
        " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40,"
        " ?41, 1) "
        "ON CONFLICT(doc_id, day, source_code, target_code, cameo) DO UPDATE SET mentions = mentions + 1 "
        "RETURNING id",
    [ST_INS_MENTION] = "INSERT INTO event_mentions(event_id, doc_id, sentence, sentence_id) VALUES (?1, ?2, ?3, ?4)",
    [ST_HAS_DOC] = "SELECT 1 FROM documents WHERE id = ?1",
};

/* At commit: the documents, mentions, sources and first mention of every touched key,
 * set-wise (one join for the batch, not a lookup per key: PostgreSQL, whose statistics
 * lag behind a fast-growing store, planned the lookups badly). PostgreSQL runs the same
 * text (pg.c). The representative event is the one of the smallest document id, then
 * sentence; root, QuadClass and Goldstein score are its own (the CAMEO table may have
 * changed since the key was made). A key left without documents is removed. */
const char store_recount_sql[] =
    "DELETE FROM daily_event_docs WHERE daily_id IN (SELECT id FROM touched);\n"
    "INSERT INTO daily_event_docs(daily_id, doc_id, mentions)\n"
    "  SELECT daily_id, doc_id, SUM(mentions) FROM events WHERE daily_id IN (SELECT id FROM touched)\n"
    "  GROUP BY daily_id, doc_id;\n"
    "DELETE FROM daily_events WHERE id IN (SELECT id FROM touched)\n"
    "  AND NOT EXISTS (SELECT 1 FROM daily_event_docs x WHERE x.daily_id = daily_events.id);\n"
    "UPDATE daily_events SET num_mentions = c.mentions, num_articles = c.articles, num_sources = c.sources,\n"
    "    first_event = f.id, root = f.root, quad = f.quad, goldstein = f.goldstein\n"
    "  FROM (SELECT x.daily_id, SUM(x.mentions) AS mentions, COUNT(*) AS articles,\n"
    "               COUNT(DISTINCT d.source) AS sources\n"
    "        FROM daily_event_docs x JOIN documents d ON d.id = x.doc_id\n"
    "        WHERE x.daily_id IN (SELECT id FROM touched) GROUP BY x.daily_id) AS c\n"
    "  JOIN (SELECT e.id, e.daily_id, e.root, e.quad, e.goldstein,\n"
    "               ROW_NUMBER() OVER (PARTITION BY e.daily_id ORDER BY e.doc_id, e.sentence) AS n\n"
    "        FROM events e WHERE e.daily_id IN (SELECT id FROM touched)) AS f\n"
    "    ON f.daily_id = c.daily_id AND f.n = 1\n"
    "  WHERE daily_events.id = c.daily_id;\n"
    "DELETE FROM touched;\n";

const char store_counts_sql[] =
    "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences),"
    " (SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(mentions), 0) FROM events),"
    " (SELECT COUNT(*) FROM daily_events)";

/* ---- Errors -------------------------------------------------------------------------- */

int store_fail(store *s, jirga_error *err, const char *what)
{
    err->code = 1;
    snprintf(err->message, sizeof err->message, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return -1;
}

int store_exec(store *s, const char *sql, jirga_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    err->code = 1;
    snprintf(err->message, sizeof err->message, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return -1;
}

/* ---- Opening ------------------------------------------------------------------------- */

store *store_open(const char *path, bool create, jirga_error *err)
{
    if (store_is_pg_url(path)) {
        store *s = xcalloc(1, sizeof *s);
        s->dialect = &store_pg_dialect;
        if (store_pg_open(s, path, create, err) != 0) {
            store_close(s);
            return NULL;
        }
        return s;
    }
    struct stat st;
    if (!create && stat(path, &st) != 0) {
        err->code = 1;
        snprintf(err->message, sizeof err->message, "%s: no event store there (jirga ingest makes one)", path);
        return NULL;
    }
    store *s = xcalloc(1, sizeof *s);
    s->dialect = &store_sqlite_dialect;
    s->path = xstrdup(path);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        store_fail(s, err, "cannot open");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 30000);
    sqlite3_extended_result_codes(s->db, 1);
    /* WAL: readers go on while an ingest writes, and a killed writer leaves the last
     * committed batch. synchronous=NORMAL keeps that on a process crash (a power cut may
     * lose the last batches, never consistency). */
    static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
                                  "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";
    /* A schema is only made in an empty file, never added to another program's database. */
    sqlite3_stmt *tables = NULL;
    bool empty = sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM sqlite_master", -1, &tables, NULL) == SQLITE_OK &&
                 sqlite3_step(tables) == SQLITE_ROW && sqlite3_column_int(tables, 0) == 0;
    sqlite3_finalize(tables);
    if (create && empty && (store_exec(s, pragmas, err) != 0 || store_exec(s, schema_sql, err) != 0)) {
        store_close(s);
        return NULL;
    }
    /* An existing file is checked before anything is changed in it. */
    sqlite3_stmt *check = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &check, NULL) != SQLITE_OK ||
        sqlite3_step(check) != SQLITE_ROW) {
        sqlite3_finalize(check);
        err->code = 1;
        snprintf(err->message, sizeof err->message, "%s: not a jirga event store", path);
        store_close(s);
        return NULL;
    }
    bool same = strcmp((const char *)sqlite3_column_text(check, 0), STORE_SCHEMA_VERSION) == 0;
    sqlite3_finalize(check);
    if (!same) {
        err->code = 1;
        snprintf(err->message, sizeof err->message, "%s: made by another version of jirga (schema differs)", path);
        store_close(s);
        return NULL;
    }
    if ((!create && store_exec(s, pragmas, err) != 0) || store_exec(s, temp_sql, err) != 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->dialect == &store_pg_dialect) {
        store_pg_close(s);
        free(s->path);
        free(s);
        return;
    }
    if (s->in_batch)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *store_name(const store *s) { return s->path; }

/* The prepared statement i, prepared on first use. */
static sqlite3_stmt *statement(store *s, int i, jirga_error *err)
{
    if (!s->st[i] && sqlite3_prepare_v3(s->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
                         SQLITE_OK) {
        store_fail(s, err, "preparing a statement");
        return NULL;
    }
    sqlite3_reset(s->st[i]);
    sqlite3_clear_bindings(s->st[i]);
    return s->st[i];
}

/* Runs a statement that returns no rows. */
static int run(store *s, sqlite3_stmt *st, jirga_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(s, err, what);
    return 0;
}

/* ---- Writing -------------------------------------------------------------------------- */

int store_begin(store *s, jirga_error *err)
{
    if (s->pg)
        return store_pg_begin(s, err);
    if (store_exec(s, "BEGIN IMMEDIATE", err) != 0)
        return -1;
    s->in_batch = true;
    return 0;
}

static void rollback(store *s)
{
    if (s->in_batch) {
        sqlite3_exec(s->db, "ROLLBACK; DELETE FROM touched;", NULL, NULL, NULL);
        s->in_batch = false;
    }
}

int store_commit(store *s, jirga_error *err)
{
    if (s->pg)
        return store_pg_commit(s, err);
    if (store_exec(s, store_recount_sql, err) != 0 || store_exec(s, "COMMIT", err) != 0) {
        rollback(s);
        return -1;
    }
    s->in_batch = false;
    return 0;
}

bool store_has_document(store *s, const char *id)
{
    if (s->pg)
        return store_pg_has_document(s, id);
    jirga_error err;
    sqlite3_stmt *st = statement(s, ST_HAS_DOC, &err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    bool has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return has;
}

static void bind_str_or_null(sqlite3_stmt *st, int i, const char *s, int n)
{
    if (s)
        sqlite3_bind_text(st, i, s, n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Binds the words of [start, end) of the sentence, and the span; NULLs when there are none. */
static void bind_span(sqlite3_stmt *st, int i, const jirga_event *e, int start, int end)
{
    if (start < 0 || end < start || (size_t)end > e->sentence_len) {
        sqlite3_bind_null(st, i);
        sqlite3_bind_null(st, i + 1);
        sqlite3_bind_null(st, i + 2);
        return;
    }
    sqlite3_bind_text(st, i, e->sentence_text + start, end - start, SQLITE_STATIC);
    sqlite3_bind_int(st, i + 1, start);
    sqlite3_bind_int(st, i + 2, end);
}

static void bind_actor(sqlite3_stmt *st, int i, const jirga_event *e, const jirga_actor *a)
{
    sqlite3_bind_text(st, i, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 1, a->country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i + 2, a->role, -1, SQLITE_STATIC);
    if (a->code[0])
        bind_span(st, i + 3, e, a->start, a->end);
    else
        bind_span(st, i + 3, e, -1, -1);
}

/* The id of the one-a-day key of e, made when new. Most keys are new: inserting first
 * saves a lookup. */
static long long daily_key(store *s, const jirga_event *e, jirga_error *err)
{
    sqlite3_stmt *st = statement(s, ST_INS_DAILY, err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, e->event_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->source.code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->target.code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->cameo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->root, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, e->quad);
    sqlite3_bind_double(st, 7, e->goldstein);
    if (run(s, st, err, "adding an event key") != 0)
        return -1;
    if (sqlite3_changes(s->db) == 1)
        return sqlite3_last_insert_rowid(s->db);
    st = statement(s, ST_FIND_DAILY, err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, e->event_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->source.code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->target.code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->cameo, -1, SQLITE_STATIC);
    long long id = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (id < 0)
        return store_fail(s, err, "finding an event key");
    return id;
}

static char *counts_json(const jirga_event *e)
{
    json_t *arr = json_array();
    for (int k = 0; k < e->ncounts && k < JIRGA_MAX_COUNTS; k++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "kind", e->counts[k].kind, "number",
                                             (json_int_t)e->counts[k].number));
    char *s = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    return s;
}

static int put_event(store *s, const export_doc *d, const jirga_event *e, const long long *sentence_ids,
                     jirga_error *err)
{
    long long daily = daily_key(s, e, err);
    if (daily < 0)
        return -1;
    sqlite3_stmt *st = statement(s, ST_INS_EVENT, err);
    if (!st)
        return -1;
    int n = e->sentence - 1;
    bool own_text = n < 0 || n >= d->nsentences || e->sentence_text != d->sentences[n];
    sqlite3_bind_text(st, 1, d->doc.id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, e->sentence);
    if (n >= 0 && n < d->nsentences)
        sqlite3_bind_int64(st, 3, sentence_ids[n]);
    sqlite3_bind_int64(st, 4, daily);
    sqlite3_bind_text(st, 5, e->event_date, -1, SQLITE_STATIC);
    bind_str_or_null(st, 6, e->event_date[0] ? e->event_date : NULL, -1);
    sqlite3_bind_int(st, 7, e->date_stated);
    bind_actor(st, 8, e, &e->source);
    bind_actor(st, 14, e, &e->target);
    sqlite3_bind_text(st, 20, e->cameo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 21, e->root, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 22, e->label ? e->label : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 23, e->quad);
    sqlite3_bind_double(st, 24, e->goldstein);
    sqlite3_bind_int(st, 25, e->negated);
    bind_span(st, 26, e, e->verb_start, e->verb_end);
    bind_str_or_null(st, 29, e->pattern_file, -1);
    sqlite3_bind_int(st, 30, e->pattern_line);
    if (e->place.name[0]) {
        sqlite3_bind_text(st, 31, e->place.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 32, e->place.country, -1, SQLITE_STATIC);
        if (e->place.has_coords) {
            sqlite3_bind_double(st, 33, e->place.lat);
            sqlite3_bind_double(st, 34, e->place.lon);
        }
        sqlite3_bind_int(st, 35, e->place.start);
        sqlite3_bind_int(st, 36, e->place.end);
    }
    bind_span(st, 37, e, e->quote_start, e->quote_end);
    char *counts = counts_json(e);
    sqlite3_bind_text(st, 40, counts ? counts : "[]", -1, SQLITE_STATIC);
    if (own_text)
        sqlite3_bind_text(st, 41, e->sentence_text, (int)e->sentence_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    long long event_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(counts);
    if (rc != SQLITE_DONE || event_id < 0)
        return store_fail(s, err, "adding an event");
    st = statement(s, ST_INS_MENTION, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, event_id);
    sqlite3_bind_text(st, 2, d->doc.id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, e->sentence);
    if (n >= 0 && n < d->nsentences)
        sqlite3_bind_int64(st, 4, sentence_ids[n]);
    return run(s, st, err, "adding an event mention");
}

int store_put(store *s, const export_doc *d, jirga_error *err)
{
    if (s->pg)
        return store_pg_put(s, d, err);
    const char *id = d->doc.id ? d->doc.id : "";
    long long *sentence_ids = NULL;
    static const int removals[] = {ST_TOUCH_DOC, ST_DEL_MENTIONS, ST_DEL_FTS, ST_DEL_EVENTS, ST_DEL_SENTENCES, ST_DEL_DAILY_DOCS, ST_DEL_DOC};
    for (size_t i = 0; i < sizeof removals / sizeof removals[0]; i++) {
        sqlite3_stmt *st = statement(s, removals[i], err);
        if (!st)
            goto fail;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (run(s, st, err, "removing the document's old version") != 0)
            goto fail;
    }
    sqlite3_stmt *st = statement(s, ST_INS_DOC, err);
    if (!st)
        goto fail;
    char host[256];
    export_url_host(d->doc.url, host, sizeof host);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    bind_str_or_null(st, 2, d->doc.date, -1);
    bind_str_or_null(st, 3, d->doc.url, -1);
    bind_str_or_null(st, 4, d->doc.title, -1);
    sqlite3_bind_text(st, 5, d->doc.text ? d->doc.text : "", (int)d->doc.text_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, host[0] ? host : id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, d->nsentences);
    sqlite3_bind_int(st, 8, d->nevents);
    if (run(s, st, err, "adding a document") != 0)
        goto fail;
    sentence_ids = xcalloc((size_t)d->nsentences + 1, sizeof *sentence_ids);
    for (int i = 0; i < d->nsentences; i++) {
        st = statement(s, ST_INS_SENTENCE, err);
        if (!st)
            goto fail;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_text(st, 3, d->sentences[i], (int)d->sentence_lens[i], SQLITE_STATIC);
        if (run(s, st, err, "adding a sentence") != 0)
            goto fail;
        sentence_ids[i] = sqlite3_last_insert_rowid(s->db);
    }
    for (int i = 0; i < d->nevents; i++) {
        int n = d->events[i].sentence - 1;
        if (n < 0 || n >= d->nsentences || sentence_ids[n] < 0)
            continue;
        st = statement(s, ST_INS_FTS, err);
        if (!st)
            goto fail;
        sqlite3_bind_int64(st, 1, sentence_ids[n]);
        sqlite3_bind_text(st, 2, d->sentences[n], (int)d->sentence_lens[n], SQLITE_STATIC);
        if (run(s, st, err, "indexing a sentence") != 0)
            goto fail;
        sentence_ids[n] = -sentence_ids[n]; /* indexed once */
    }
    for (int i = 0; i < d->nsentences; i++)
        if (sentence_ids[i] < 0)
            sentence_ids[i] = -sentence_ids[i];
    for (int i = 0; i < d->nevents; i++)
        if (put_event(s, d, &d->events[i], sentence_ids, err) != 0)
            goto fail;
    /* the keys of the new events are counted again at commit, like those of the old */
    st = statement(s, ST_TOUCH_DOC, err);
    if (!st)
        goto fail;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (run(s, st, err, "marking the document's events") != 0)
        goto fail;
    free(sentence_ids);
    return 0;
fail:
    free(sentence_ids);
    rollback(s);
    return -1;
}
