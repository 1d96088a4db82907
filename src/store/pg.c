/* pg.c — the event store in PostgreSQL (libpq): the same tables, deduplication and
 * queries as the SQLite store of store.c, for many `jirga ingest` processes on many
 * machines writing into one database at once. store.c hands a postgresql:// or
 * postgres:// URL here; query.c reads through the row cursor at the end of this file.
 *
 * A batch (store_begin, store_put..., store_commit) is kept in memory until commit, then
 * written in one transaction: the documents, sentences and events go in by COPY (into
 * the sentences table, and into temporary staging tables), and set-based statements do
 * the rest. Concurrent writers stay exact by locks taken in one order:
 *   1. the batch's document rows, by id (INSERT ... ON CONFLICT DO UPDATE locks them),
 *      so two writers of one document run one after the other;
 *   2. the one-a-day keys the batch adds to or removes from, by key (the same upsert);
 *   3. while holding them, the counts of those keys are computed again from what is
 *      committed (store_recount_sql, shared with SQLite). Whoever changes a key's events
 *      counts it again later under its lock, so the last count sees every event.
 * A deadlock or serialization failure (which the order above should prevent) rolls the
 * transaction back and runs it again. */
#include "store_int.h"

#include "../text/text.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    FETCH_ROWS = 2000,       /* rows per FETCH of a large query */
    COPY_CHUNK = 1 << 20,    /* bytes sent to COPY at a time */
    COMMIT_ATTEMPTS = 20,    /* tries of a batch that meets a deadlock */
};

struct store_pg {
    PGconn *conn;
    const export_doc **docs; /* the batch, borrowed until store_commit */
    size_t ndocs, cap;
    unsigned cursors; /* names cursors apart */
};

/* ---- The schema ------------------------------------------------------------------------- */

/* The SQLite schema of store.c in PostgreSQL types. Text that is sorted or compared is
 * COLLATE "C", to order as SQLite does (bytes). No foreign keys: as in SQLite (where
 * they are off), the writer keeps them, and they would add locks between writers. */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "INSERT INTO meta VALUES('schema', '" STORE_SCHEMA_VERSION "') ON CONFLICT DO NOTHING;\n"
    "CREATE TABLE IF NOT EXISTS documents(\n"
    "  id TEXT COLLATE \"C\" PRIMARY KEY,\n"
    "  date TEXT, url TEXT, title TEXT, text TEXT NOT NULL,\n"
    "  source TEXT COLLATE \"C\" NOT NULL,\n"
    "  sentences INTEGER NOT NULL,\n"
    "  events INTEGER NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS sentences(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  doc_id TEXT COLLATE \"C\" NOT NULL,\n"
    "  n INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  UNIQUE(doc_id, n));\n"
    /* the sentences that coded an event, for --text (SQLite: the FTS5 table) */
    "CREATE TABLE IF NOT EXISTS sentences_fts(id BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS sentences_fts_tsv ON sentences_fts USING GIN(tsv);\n"
    "CREATE TABLE IF NOT EXISTS daily_events(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  day TEXT COLLATE \"C\" NOT NULL, source_code TEXT COLLATE \"C\" NOT NULL,\n"
    "  target_code TEXT COLLATE \"C\" NOT NULL, cameo TEXT COLLATE \"C\" NOT NULL,\n"
    "  root TEXT NOT NULL, quad INTEGER NOT NULL, goldstein DOUBLE PRECISION NOT NULL,\n"
    "  num_mentions INTEGER NOT NULL DEFAULT 0,\n"
    "  num_sources INTEGER NOT NULL DEFAULT 0,\n"
    "  num_articles INTEGER NOT NULL DEFAULT 0,\n"
    "  first_event BIGINT,\n"
    "  UNIQUE(day, source_code, target_code, cameo));\n"
    "CREATE TABLE IF NOT EXISTS events(\n"
    "  id BIGSERIAL PRIMARY KEY,\n"
    "  doc_id TEXT COLLATE \"C\" NOT NULL,\n"
    "  sentence INTEGER NOT NULL,\n"
    "  sentence_id BIGINT,\n"
    "  daily_id BIGINT NOT NULL,\n"
    "  day TEXT COLLATE \"C\" NOT NULL,\n"
    "  event_date TEXT, date_stated INTEGER NOT NULL,\n"
    "  source_code TEXT COLLATE \"C\" NOT NULL, source_country TEXT NOT NULL, source_role TEXT NOT NULL,\n"
    "  source_text TEXT, source_start INTEGER, source_end INTEGER,\n"
    "  target_code TEXT COLLATE \"C\" NOT NULL, target_country TEXT NOT NULL, target_role TEXT NOT NULL,\n"
    "  target_text TEXT, target_start INTEGER, target_end INTEGER,\n"
    "  cameo TEXT COLLATE \"C\" NOT NULL, root TEXT NOT NULL, label TEXT NOT NULL, quad INTEGER NOT NULL,\n"
    "  goldstein DOUBLE PRECISION NOT NULL, negated INTEGER NOT NULL,\n"
    "  verb_text TEXT, verb_start INTEGER, verb_end INTEGER,\n"
    "  pattern_file TEXT, pattern_line INTEGER,\n"
    "  place_name TEXT, place_country TEXT, place_lat DOUBLE PRECISION, place_lon DOUBLE PRECISION,\n"
    "  place_start INTEGER, place_end INTEGER,\n"
    "  quote_text TEXT, quote_start INTEGER, quote_end INTEGER,\n"
    "  counts TEXT NOT NULL,\n"
    "  text TEXT,\n"
    "  mentions INTEGER NOT NULL,\n"
    "  UNIQUE(doc_id, day, source_code, target_code, cameo));\n"
    "CREATE INDEX IF NOT EXISTS events_daily ON events(daily_id, doc_id, sentence);\n"
    "CREATE TABLE IF NOT EXISTS event_mentions(\n"
    "  event_id BIGINT NOT NULL,\n"
    "  doc_id TEXT COLLATE \"C\" NOT NULL,\n"
    "  sentence INTEGER NOT NULL,\n"
    "  sentence_id BIGINT);\n"
    "CREATE INDEX IF NOT EXISTS event_mentions_event ON event_mentions(event_id);\n"
    "CREATE INDEX IF NOT EXISTS event_mentions_doc ON event_mentions(doc_id);\n"
    "CREATE TABLE IF NOT EXISTS daily_event_docs(\n"
    "  daily_id BIGINT NOT NULL,\n"
    "  doc_id TEXT COLLATE \"C\" NOT NULL,\n"
    "  mentions INTEGER NOT NULL,\n"
    "  PRIMARY KEY(daily_id, doc_id));\n"
    "CREATE INDEX IF NOT EXISTS daily_event_docs_doc ON daily_event_docs(doc_id);\n";

/* The columns of an event as the batch stages them (events without its ids and mentions,
 * with seq, the event's place in the batch). */
#define EVENT_IN_COLUMNS                                                                                    \
    "doc_id, sentence, day, event_date, date_stated,"                                                      \
    " source_code, source_country, source_role, source_text, source_start, source_end,"                    \
    " target_code, target_country, target_role, target_text, target_start, target_end,"                    \
    " cameo, root, label, quad, goldstein, negated, verb_text, verb_start, verb_end,"                      \
    " pattern_file, pattern_line, place_name, place_country, place_lat, place_lon, place_start, place_end," \
    " quote_text, quote_start, quote_end, counts, text"

/* Per connection, emptied at each commit or rollback. */
static const char temp_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS touched(id BIGINT PRIMARY KEY) ON COMMIT DELETE ROWS;\n"
    "CREATE TEMP TABLE IF NOT EXISTS doc_in(id TEXT COLLATE \"C\", date TEXT, url TEXT, title TEXT,"
    " text TEXT, source TEXT COLLATE \"C\", sentences INTEGER, events INTEGER) ON COMMIT DELETE ROWS;\n"
    "CREATE TEMP TABLE IF NOT EXISTS old_keys(day TEXT COLLATE \"C\", source_code TEXT COLLATE \"C\","
    " target_code TEXT COLLATE \"C\", cameo TEXT COLLATE \"C\", root TEXT, quad INTEGER,"
    " goldstein DOUBLE PRECISION) ON COMMIT DELETE ROWS;\n"
    "CREATE TEMP TABLE IF NOT EXISTS event_in(seq INTEGER, LIKE events EXCLUDING ALL) ON COMMIT DELETE ROWS;\n"
    "ALTER TABLE event_in DROP COLUMN IF EXISTS id, DROP COLUMN IF EXISTS sentence_id,"
    " DROP COLUMN IF EXISTS daily_id, DROP COLUMN IF EXISTS mentions;\n";

/* After the documents are staged in doc_in: lock them (in id order) and take away their
 * old version, noting the keys its events had. The old daily_event_docs rows go at the
 * recount of those keys, under their locks. */
static const char replace_docs_sql[] =
    "INSERT INTO documents SELECT * FROM doc_in ORDER BY id ON CONFLICT (id) DO UPDATE SET\n"
    "  date = EXCLUDED.date, url = EXCLUDED.url, title = EXCLUDED.title, text = EXCLUDED.text,\n"
    "  source = EXCLUDED.source, sentences = EXCLUDED.sentences, events = EXCLUDED.events;\n"
    "INSERT INTO old_keys SELECT k.day, k.source_code, k.target_code, k.cameo, k.root, k.quad, k.goldstein\n"
    "  FROM daily_events k WHERE k.id IN (SELECT daily_id FROM events WHERE doc_id IN (SELECT id FROM doc_in));\n"
    "DELETE FROM event_mentions WHERE doc_id IN (SELECT id FROM doc_in);\n"
    "DELETE FROM sentences_fts WHERE id IN (SELECT s.id FROM sentences s JOIN doc_in d ON d.id = s.doc_id);\n"
    "DELETE FROM events WHERE doc_id IN (SELECT id FROM doc_in);\n"
    "DELETE FROM sentences WHERE doc_id IN (SELECT id FROM doc_in);\n";

/* After the sentences and the events (event_in) are in: lock every key, old and new, in
 * key order; add the events (one row per document and key: the first mention, counted),
 * their mentions and the sentences to search; lock the keys again by id (they are already
 * ours) and count them again. */
#define KEY "day, source_code, target_code, cameo"
static const char add_events_sql[] =
    "ANALYZE event_in;\n"
    "WITH k AS (INSERT INTO daily_events(" KEY ", root, quad, goldstein)\n"
    "  SELECT DISTINCT ON (" KEY ") " KEY ", root, quad, goldstein FROM\n"
    "    (SELECT " KEY ", root, quad, goldstein, seq FROM event_in\n"
    "     UNION ALL SELECT " KEY ", root, quad, goldstein, -1 FROM old_keys) u\n"
    "  ORDER BY " KEY ", seq\n"
    "  ON CONFLICT (" KEY ") DO UPDATE SET num_mentions = daily_events.num_mentions RETURNING id)\n"
    "INSERT INTO touched SELECT id FROM k ON CONFLICT DO NOTHING;\n"
    "INSERT INTO events(" EVENT_IN_COLUMNS ", sentence_id, daily_id, mentions)\n"
    "  SELECT DISTINCT ON (i.doc_id, i.day, i.source_code, i.target_code, i.cameo)\n"
    "    i.doc_id, i.sentence, i.day, i.event_date, i.date_stated,\n"
    "    i.source_code, i.source_country, i.source_role, i.source_text, i.source_start, i.source_end,\n"
    "    i.target_code, i.target_country, i.target_role, i.target_text, i.target_start, i.target_end,\n"
    "    i.cameo, i.root, i.label, i.quad, i.goldstein, i.negated, i.verb_text, i.verb_start, i.verb_end,\n"
    "    i.pattern_file, i.pattern_line, i.place_name, i.place_country, i.place_lat, i.place_lon,\n"
    "    i.place_start, i.place_end, i.quote_text, i.quote_start, i.quote_end, i.counts, i.text,\n"
    "    s.id, k.id, COUNT(*) OVER (PARTITION BY i.doc_id, i.day, i.source_code, i.target_code, i.cameo)\n"
    "  FROM event_in i\n"
    "  JOIN daily_events k ON k.day = i.day AND k.source_code = i.source_code\n"
    "    AND k.target_code = i.target_code AND k.cameo = i.cameo\n"
    "  LEFT JOIN sentences s ON s.doc_id = i.doc_id AND s.n = i.sentence\n"
    "  ORDER BY i.doc_id, i.day, i.source_code, i.target_code, i.cameo, i.seq;\n"
    "INSERT INTO event_mentions(event_id, doc_id, sentence, sentence_id)\n"
    "  SELECT e.id, i.doc_id, i.sentence, s.id FROM event_in i\n"
    "  JOIN events e ON e.doc_id = i.doc_id AND e.day = i.day AND e.source_code = i.source_code\n"
    "    AND e.target_code = i.target_code AND e.cameo = i.cameo\n"
    "  LEFT JOIN sentences s ON s.doc_id = i.doc_id AND s.n = i.sentence;\n"
    "INSERT INTO sentences_fts(id, tsv) SELECT s.id, to_tsvector('simple', s.text) FROM sentences s\n"
    "  WHERE s.id IN (SELECT s2.id FROM event_in i JOIN sentences s2 ON s2.doc_id = i.doc_id AND s2.n = i.sentence);\n"
    "SELECT id FROM daily_events WHERE id IN (SELECT id FROM touched) ORDER BY id FOR UPDATE;\n"
    /* the recount's plan wants to know that few keys are touched */
    "ANALYZE touched;\n";

/* ---- Errors ------------------------------------------------------------------------------- */

/* Fills err with the URL, what was being done and PostgreSQL's message; returns -1. */
static int pg_fail(store *s, jirga_error *err, const char *what, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg[0])
        msg = PQerrorMessage(s->pg->conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    err->code = 1;
    snprintf(err->message, sizeof err->message, "%s: %s: %.*s", s->path, what, (int)n, msg);
    return -1;
}

/* Runs SQL (one or more statements, no parameters). 0, or -1 with err filled; *state
 * gets the SQLSTATE of a failure when state is not NULL. */
static int pg_exec(store *s, const char *sql, const char *what, jirga_error *err, char state[6])
{
    PGresult *res = PQexec(s->pg->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = pg_fail(s, err, what, res);
        if (state) {
            const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            snprintf(state, 6, "%s", code ? code : "");
        }
    }
    PQclear(res);
    return rc;
}

/* ---- Opening ------------------------------------------------------------------------------ */

bool store_is_pg_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* The URL for messages: a password (user:password@, or ?password=) becomes "***". */
static char *redact(const char *url)
{
    const char *rest = strstr(url, "://") + 3;
    const char *at = strchr(rest, '@'), *colon = strchr(rest, ':'), *slash = strchr(rest, '/');
    sbuf b = {0};
    if (at && colon && colon < at && !(slash && slash < at)) {
        sbuf_add(&b, url, (size_t)(colon + 1 - url));
        sbuf_adds(&b, "***");
        sbuf_adds(&b, at);
    } else {
        sbuf_adds(&b, url);
    }
    sbuf out = {0};
    const char *p = b.data, *key;
    while ((key = strstr(p, "password=")) != NULL) {
        key += 9;
        sbuf_add(&out, p, (size_t)(key - p));
        if (key - 10 >= b.data && (key[-10] == '?' || key[-10] == '&')) {
            sbuf_adds(&out, "***");
            key += strcspn(key, "&");
        }
        p = key;
    }
    sbuf_adds(&out, p);
    sbuf_free(&b);
    return out.data;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Makes the schema in an empty database; checks the version of an existing one. */
static int check_schema(store *s, bool create, jirga_error *err)
{
    PGresult *res = PQexec(s->pg->conn, "SELECT to_regclass('meta') IS NOT NULL,"
                                        " (SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema())");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail(s, err, "reading the schema", res);
        PQclear(res);
        return -1;
    }
    bool has_meta = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    long tables = atol(PQgetvalue(res, 0, 1));
    PQclear(res);
    if (!has_meta) {
        err->code = 1;
        if (!create)
            snprintf(err->message, sizeof err->message, "%s: no event store there (jirga ingest makes one)",
                     s->path);
        else if (tables > 0)
            snprintf(err->message, sizeof err->message,
                     "%s: not a jirga event store (the database has other tables: give jirga an empty one)",
                     s->path);
        else if (pg_exec(s, schema_sql, "making the schema", err, NULL) == 0)
            err->code = 0;
        if (err->code)
            return -1;
    }
    res = PQexec(s->pg->conn, "SELECT value FROM meta WHERE key = 'schema'");
    int rc = 0;
    err->code = 1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        snprintf(err->message, sizeof err->message, "%s: not a jirga event store", s->path);
    else if (strcmp(PQgetvalue(res, 0, 0), STORE_SCHEMA_VERSION) != 0)
        snprintf(err->message, sizeof err->message, "%s: made by another version of jirga (schema differs)",
                 s->path);
    else
        err->code = 0;
    rc = err->code ? -1 : 0;
    PQclear(res);
    return rc;
}

int store_pg_open(store *s, const char *url, bool create, jirga_error *err)
{
    s->path = redact(url);
    s->pg = xcalloc(1, sizeof *s->pg);
    s->pg->conn = PQconnectdb(url);
    if (PQstatus(s->pg->conn) != CONNECTION_OK)
        return pg_fail(s, err, "cannot connect to PostgreSQL", NULL);
    PQsetNoticeProcessor(s->pg->conn, quiet_notices, NULL);
    if (PQsetClientEncoding(s->pg->conn, "UTF8") != 0)
        return pg_fail(s, err, "setting the client encoding to UTF8", NULL);
    /* small statements, many times: compiling them (JIT) costs more than it saves */
    if (pg_exec(s, "SET jit = off", "setting up the session", err, NULL) != 0)
        return -1;
    /* one process at a time looks for the schema and makes it */
    if (pg_exec(s, "SELECT pg_advisory_lock(740213551)", "waiting for the schema lock", err, NULL) != 0)
        return -1;
    int rc = check_schema(s, create, err);
    jirga_error ignored;
    pg_exec(s, "SELECT pg_advisory_unlock(740213551)", "releasing the schema lock", &ignored, NULL);
    if (rc != 0)
        return -1;
    return pg_exec(s, temp_sql, "making the temporary tables", err, NULL);
}

void store_pg_close(store *s)
{
    if (!s->pg)
        return;
    PQfinish(s->pg->conn);
    free(s->pg->docs);
    free(s->pg);
    s->pg = NULL;
}

bool store_pg_has_document(store *s, const char *id)
{
    const char *params[1] = {id};
    PGresult *res = PQexecParams(s->pg->conn, "SELECT 1 FROM documents WHERE id = $1", 1, NULL, params, NULL,
                                 NULL, 0);
    bool has = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
    PQclear(res);
    return has;
}

/* ---- COPY data ---------------------------------------------------------------------------- */

/* One field of COPY's text format: backslash, tab, newline and carriage return escaped;
 * NULL as \N. PostgreSQL text holds only valid UTF-8 without NUL bytes, so text that is
 * not (a document's raw text can be: the coder repairs only its own copy) is repaired
 * as the coder does (text_clean: a bad byte becomes U+FFFD, a NUL byte goes). */
static void field(sbuf *b, const char *s, size_t n)
{
    if (b->len && b->data[b->len - 1] != '\n')
        sbuf_addc(b, '\t');
    if (!s) {
        sbuf_adds(b, "\\N");
        return;
    }
    sbuf repaired = {0};
    if (!text_valid_utf8(s, n)) {
        text_clean(s, n, &repaired);
        s = repaired.data ? repaired.data : "";
        n = repaired.len;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r' && c != 0)
            continue;
        sbuf_add(b, s + start, i - start);
        start = i + 1;
        if (c == '\\')
            sbuf_adds(b, "\\\\");
        else if (c == '\t')
            sbuf_adds(b, "\\t");
        else if (c == '\n')
            sbuf_adds(b, "\\n");
        else if (c == '\r')
            sbuf_adds(b, "\\r");
    }
    sbuf_add(b, s + start, n - start);
    sbuf_free(&repaired);
}

static void field_str(sbuf *b, const char *s) { field(b, s, s ? strlen(s) : 0); }

static void field_int(sbuf *b, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", v);
    field(b, num, (size_t)n);
}

static void field_double(sbuf *b, double v)
{
    char num[40];
    int n = snprintf(num, sizeof num, "%.17g", v); /* exact: reads back as the same double */
    field(b, num, (size_t)n);
}

static void end_row(sbuf *b) { sbuf_addc(b, '\n'); }

/* The words of [start, end) of the sentence and the span, or three NULLs (as store.c). */
static void field_span(sbuf *b, const jirga_event *e, int start, int end)
{
    if (start < 0 || end < start || (size_t)end > e->sentence_len) {
        field(b, NULL, 0);
        field(b, NULL, 0);
        field(b, NULL, 0);
        return;
    }
    field(b, e->sentence_text + start, (size_t)(end - start));
    field_int(b, start);
    field_int(b, end);
}

static void field_actor(sbuf *b, const jirga_event *e, const jirga_actor *a)
{
    field_str(b, a->code);
    field_str(b, a->country);
    field_str(b, a->role);
    if (a->code[0])
        field_span(b, e, a->start, a->end);
    else
        field_span(b, e, -1, -1);
}

static void stage_event(sbuf *b, int seq, const export_doc *d, const char *id, const jirga_event *e)
{
    int n = e->sentence - 1;
    bool own_text = n < 0 || n >= d->nsentences || e->sentence_text != d->sentences[n];
    field_int(b, seq);
    field_str(b, id);
    field_int(b, e->sentence);
    field_str(b, e->event_date);
    field_str(b, e->event_date[0] ? e->event_date : NULL);
    field_int(b, e->date_stated);
    field_actor(b, e, &e->source);
    field_actor(b, e, &e->target);
    field_str(b, e->cameo);
    field_str(b, e->root);
    field_str(b, e->label ? e->label : "");
    field_int(b, e->quad);
    field_double(b, e->goldstein);
    field_int(b, e->negated);
    field_span(b, e, e->verb_start, e->verb_end);
    field_str(b, e->pattern_file);
    field_int(b, e->pattern_line);
    if (e->place.name[0]) {
        field_str(b, e->place.name);
        field_str(b, e->place.country);
        if (e->place.has_coords) {
            field_double(b, e->place.lat);
            field_double(b, e->place.lon);
        } else {
            field(b, NULL, 0);
            field(b, NULL, 0);
        }
        field_int(b, e->place.start);
        field_int(b, e->place.end);
    } else {
        for (int k = 0; k < 6; k++)
            field(b, NULL, 0);
    }
    field_span(b, e, e->quote_start, e->quote_end);
    json_t *arr = json_array();
    for (int k = 0; k < e->ncounts && k < JIRGA_MAX_COUNTS; k++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "kind", e->counts[k].kind, "number",
                                             (json_int_t)e->counts[k].number));
    char *counts = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    field_str(b, counts ? counts : "[]");
    free(counts);
    field(b, own_text ? e->sentence_text : NULL, e->sentence_len);
    end_row(b);
}

/* Sends data to "COPY <table> FROM STDIN". */
static int copy_in(store *s, const char *copy_sql, const sbuf *data, jirga_error *err, char state[6])
{
    PGconn *c = s->pg->conn;
    PGresult *res = PQexec(c, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        pg_fail(s, err, "starting COPY", res);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    bool ok = true;
    for (size_t off = 0; ok && off < data->len; off += COPY_CHUNK) {
        size_t n = data->len - off < COPY_CHUNK ? data->len - off : COPY_CHUNK;
        ok = PQputCopyData(c, data->data + off, (int)n) == 1;
    }
    if (PQputCopyEnd(c, ok ? NULL : "jirga: sending COPY data failed") != 1)
        ok = false;
    int rc = 0;
    while ((res = PQgetResult(c)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = pg_fail(s, err, "COPY", res);
            const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            snprintf(state, 6, "%s", code ? code : "");
        }
        PQclear(res);
    }
    if (rc == 0 && !ok)
        rc = pg_fail(s, err, "COPY", NULL);
    return rc;
}

/* ---- Writing ------------------------------------------------------------------------------ */

int store_pg_begin(store *s, jirga_error *err)
{
    (void)err;
    s->pg->ndocs = 0;
    s->in_batch = true;
    return 0;
}

int store_pg_put(store *s, const export_doc *d, jirga_error *err)
{
    (void)err;
    GROW(s->pg->docs, s->pg->cap, s->pg->ndocs + 1);
    s->pg->docs[s->pg->ndocs++] = d;
    return 0;
}

static const char *doc_id(const export_doc *d) { return d->doc.id ? d->doc.id : ""; }

typedef struct staged {
    sbuf docs, sentences, events;
} staged;

/* The batch as COPY data. A document put twice counts once, as its last version. */
static void stage(store *s, staged *st)
{
    size_t n = s->pg->ndocs;
    int seq = 0;
    for (size_t i = 0; i < n; i++) {
        const export_doc *d = s->pg->docs[i];
        const char *id = doc_id(d);
        bool later = false;
        for (size_t j = i + 1; j < n && !later; j++) /* batches are small: a plain search */
            later = strcmp(doc_id(s->pg->docs[j]), id) == 0;
        if (later)
            continue;
        char host[256];
        export_url_host(d->doc.url, host, sizeof host);
        field_str(&st->docs, id);
        field_str(&st->docs, d->doc.date);
        field_str(&st->docs, d->doc.url);
        field_str(&st->docs, d->doc.title);
        field(&st->docs, d->doc.text ? d->doc.text : "", d->doc.text ? d->doc.text_len : 0);
        field_str(&st->docs, host[0] ? host : id);
        field_int(&st->docs, d->nsentences);
        field_int(&st->docs, d->nevents);
        end_row(&st->docs);
        for (int k = 0; k < d->nsentences; k++) {
            field_str(&st->sentences, id);
            field_int(&st->sentences, k + 1);
            field(&st->sentences, d->sentences[k], d->sentence_lens[k]);
            end_row(&st->sentences);
        }
        for (int k = 0; k < d->nevents; k++)
            stage_event(&st->events, seq++, d, id, &d->events[k]);
    }
}

/* One try at the batch's transaction; state gets the SQLSTATE of a failure. */
static int write_batch(store *s, const staged *st, jirga_error *err, char state[6])
{
    if (pg_exec(s, "BEGIN", "starting a transaction", err, state) != 0 ||
        copy_in(s, "COPY doc_in FROM STDIN", &st->docs, err, state) != 0 ||
        pg_exec(s, replace_docs_sql, "replacing documents", err, state) != 0 ||
        copy_in(s, "COPY sentences(doc_id, n, text) FROM STDIN", &st->sentences, err, state) != 0 ||
        copy_in(s, "COPY event_in(seq, " EVENT_IN_COLUMNS ") FROM STDIN", &st->events, err, state) != 0 ||
        pg_exec(s, add_events_sql, "adding events", err, state) != 0 ||
        pg_exec(s, store_recount_sql, "counting one-a-day events", err, state) != 0 ||
        pg_exec(s, "COMMIT", "committing", err, state) != 0)
        return -1;
    return 0;
}

int store_pg_commit(store *s, jirga_error *err)
{
    staged st = {{0}, {0}, {0}};
    stage(s, &st);
    int rc = -1;
    for (int attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
        char state[6] = "";
        rc = write_batch(s, &st, err, state);
        if (rc == 0)
            break;
        jirga_error ignored;
        pg_exec(s, "ROLLBACK", "rolling back", &ignored, NULL);
        /* deadlock_detected, serialization_failure: try again after a short, varied wait */
        if (strcmp(state, "40P01") != 0 && strcmp(state, "40001") != 0)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        usleep((useconds_t)(1000 + (ts.tv_nsec / 1000) % (10000 * (attempt + 1))));
    }
    sbuf_free(&st.docs);
    sbuf_free(&st.sentences);
    sbuf_free(&st.events);
    s->pg->ndocs = 0;
    s->in_batch = false;
    return rc;
}

/* ---- Rows of a query ---------------------------------------------------------------------- */

struct store_pg_rows {
    store *s;
    PGresult *res;
    int row, nrows;
    bool cursor, began, done;
    char name[32];
};

store_pg_rows *store_pg_rows_open(store *s, const char *sql, int nparams, char *const *params, bool small,
                                  jirga_error *err)
{
    store_pg_rows *r = xcalloc(1, sizeof *r);
    r->s = s;
    r->row = -1;
    PGconn *c = s->pg->conn;
    if (small) {
        r->res = PQexecParams(c, sql, nparams, NULL, (const char *const *)params, NULL, NULL, 0);
        if (PQresultStatus(r->res) != PGRES_TUPLES_OK) {
            pg_fail(s, err, "querying", r->res);
            store_pg_rows_close(r);
            return NULL;
        }
        r->nrows = PQntuples(r->res);
        r->done = true;
        return r;
    }
    /* a cursor, so that a big result comes in chunks and other queries can run between;
     * in one snapshot, so that what they read agrees while ingests write */
    if (PQtransactionStatus(c) == PQTRANS_IDLE) {
        if (pg_exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a transaction", err, NULL) != 0) {
            free(r);
            return NULL;
        }
        r->began = true;
    }
    r->cursor = true;
    snprintf(r->name, sizeof r->name, "jirga_rows_%u", s->pg->cursors++);
    sbuf declare = {0};
    sbuf_printf(&declare, "DECLARE %s NO SCROLL CURSOR FOR %s", r->name, sql);
    PGresult *res = PQexecParams(c, declare.data, nparams, NULL, (const char *const *)params, NULL, NULL, 0);
    sbuf_free(&declare);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        pg_fail(s, err, "querying", res);
        PQclear(res);
        r->cursor = false;
        store_pg_rows_close(r);
        return NULL;
    }
    PQclear(res);
    return r;
}

int store_pg_rows_next(store_pg_rows *r, jirga_error *err)
{
    if (r->res && ++r->row < r->nrows)
        return 1;
    if (r->done)
        return 0;
    PQclear(r->res);
    char fetch[64];
    snprintf(fetch, sizeof fetch, "FETCH %d FROM %s", FETCH_ROWS, r->name);
    r->res = PQexec(r->s->pg->conn, fetch);
    if (PQresultStatus(r->res) != PGRES_TUPLES_OK) {
        r->done = true;
        r->nrows = 0;
        return pg_fail(r->s, err, "reading rows", r->res);
    }
    r->nrows = PQntuples(r->res);
    r->row = 0;
    r->done = r->nrows < FETCH_ROWS;
    return r->nrows > 0 ? 1 : 0;
}

bool store_pg_rows_null(store_pg_rows *r, int i) { return PQgetisnull(r->res, r->row, i) != 0; }

const char *store_pg_rows_text(store_pg_rows *r, int i) { return PQgetvalue(r->res, r->row, i); }

size_t store_pg_rows_len(store_pg_rows *r, int i) { return (size_t)PQgetlength(r->res, r->row, i); }

void store_pg_rows_close(store_pg_rows *r)
{
    if (!r)
        return;
    PQclear(r->res);
    jirga_error ignored;
    if (r->cursor) {
        char close_sql[64];
        snprintf(close_sql, sizeof close_sql, "CLOSE %s", r->name);
        pg_exec(r->s, close_sql, "closing a cursor", &ignored, NULL);
    }
    if (r->began)
        pg_exec(r->s, "COMMIT", "ending a transaction", &ignored, NULL);
    free(r);
}
