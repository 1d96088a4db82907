/* query.c — reading the event store: selected events (one per one-a-day key, or every
 * document's), aggregates per day, week or month, and table counts. The filters of
 * `jirga query` become one WHERE clause with bound parameters; nothing the user typed is
 * pasted into SQL. */
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Filters --------------------------------------------------------------------------- */

typedef struct binds {
    char *text[24];
    int n;
} binds;

static void bind_add(binds *b, sbuf *sql, const char *value, const char *suffix)
{
    sbuf v = {0};
    sbuf_adds(&v, value);
    if (suffix)
        sbuf_adds(&v, suffix);
    b->text[b->n++] = v.data;
    sbuf_printf(sql, "?%d", b->n);
}

static void binds_free(binds *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->text[i]);
    b->n = 0;
}

static bool set(const char *s) { return s && s[0]; }

/* "peace talks" as the FTS5 query "peace" "talks": every word must occur, and no word is
 * read as FTS5 syntax. */
static char *fts_query(const char *words)
{
    sbuf q = {0};
    const char *p = words;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " \t\n");
        if (q.len)
            sbuf_addc(&q, ' ');
        sbuf_addc(&q, '"');
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '"')
                sbuf_addc(&q, '"');
            sbuf_addc(&q, p[i]);
        }
        sbuf_addc(&q, '"');
        p += n;
    }
    return q.data ? q.data : xstrdup("");
}

/* Appends " AND ..." for each filter, over events aliased e (and, when keys is true,
 * daily_events aliased k: the text filter then selects keys with any matching mention). */
static void where(sbuf *sql, binds *b, const store_filter *f, bool keys)
{
    if (set(f->from)) {
        sbuf_adds(sql, " AND e.day >= ");
        bind_add(b, sql, f->from, NULL);
    }
    if (set(f->to)) {
        sbuf_adds(sql, " AND substr(e.day, 1, length(");
        bind_add(b, sql, f->to, NULL);
        sbuf_adds(sql, ")) <= ");
        bind_add(b, sql, f->to, NULL);
    }
    if (set(f->actor)) {
        sbuf_adds(sql, " AND (e.source_code GLOB ");
        bind_add(b, sql, f->actor, "*");
        sbuf_adds(sql, " OR e.target_code GLOB ");
        bind_add(b, sql, f->actor, "*");
        sbuf_adds(sql, ")");
    }
    if (set(f->dyad_source) && set(f->dyad_target)) {
        sbuf_adds(sql, " AND ((e.source_code GLOB ");
        bind_add(b, sql, f->dyad_source, "*");
        sbuf_adds(sql, " AND e.target_code GLOB ");
        bind_add(b, sql, f->dyad_target, "*");
        sbuf_adds(sql, ")");
        if (f->both_directions) {
            sbuf_adds(sql, " OR (e.source_code GLOB ");
            bind_add(b, sql, f->dyad_target, "*");
            sbuf_adds(sql, " AND e.target_code GLOB ");
            bind_add(b, sql, f->dyad_source, "*");
            sbuf_adds(sql, ")");
        }
        sbuf_adds(sql, ")");
    }
    if (set(f->country)) {
        sbuf_adds(sql, " AND (e.source_country = ");
        bind_add(b, sql, f->country, NULL);
        sbuf_adds(sql, " OR e.target_country = ");
        bind_add(b, sql, f->country, NULL);
        sbuf_adds(sql, ")");
    }
    if (set(f->role)) { /* one of the 3-letter roles: instr at 1, 4, 7, ... */
        sbuf_adds(sql, " AND (instr(e.source_role, ");
        bind_add(b, sql, f->role, NULL);
        sbuf_adds(sql, ") % 3 = 1 OR instr(e.target_role, ");
        bind_add(b, sql, f->role, NULL);
        sbuf_adds(sql, ") % 3 = 1)");
    }
    if (set(f->cameo)) {
        sbuf_adds(sql, " AND e.cameo GLOB ");
        bind_add(b, sql, f->cameo, "*");
    }
    if (set(f->root)) {
        sbuf_adds(sql, " AND e.root = ");
        bind_add(b, sql, f->root, NULL);
    }
    if (f->quad > 0) {
        sbuf_printf(sql, " AND e.quad = %d", f->quad);
    }
    char *q = set(f->text) ? fts_query(f->text) : NULL;
    if (q && !q[0]) { /* only spaces: no filter */
        free(q);
        q = NULL;
    }
    if (q) {
        /* any sentence that coded the event, not only its first */
        if (keys)
            sbuf_adds(sql, " AND k.id IN (SELECT e2.daily_id FROM events e2 JOIN event_mentions m"
                           " ON m.event_id = e2.id WHERE m.sentence_id IN"
                           " (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ");
        else
            sbuf_adds(sql, " AND e.id IN (SELECT m.event_id FROM event_mentions m WHERE m.sentence_id IN"
                           " (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ");
        bind_add(b, sql, q, NULL);
        sbuf_adds(sql, "))");
        free(q);
    }
}

static int prepare(store *s, const char *sql, const binds *b, sqlite3_stmt **st, jirga_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_fail(s, err, "preparing a query");
    for (int i = 0; i < b->n; i++)
        sqlite3_bind_text(*st, i + 1, b->text[i], -1, SQLITE_STATIC);
    return 0;
}

/* ---- Events ----------------------------------------------------------------------------- */

#define EVENT_COLUMNS                                                                                      \
    "e.doc_id, e.sentence, e.event_date, e.date_stated,"                                                   \
    " e.source_code, e.source_country, e.source_role, e.source_start, e.source_end,"                      \
    " e.target_code, e.target_country, e.target_role, e.target_start, e.target_end,"                      \
    " e.cameo, e.root, e.label, e.quad, e.goldstein, e.negated,"                                           \
    " e.verb_start, e.verb_end, e.pattern_file, e.pattern_line,"                                           \
    " e.place_name, e.place_country, e.place_lat, e.place_lon, e.place_start, e.place_end,"               \
    " e.quote_start, e.quote_end, e.counts, COALESCE(e.text, s.text, ''), d.date, d.url, e.daily_id"
enum { COL_ID = 37 }; /* then id, mentions, sources, articles */

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static const char *col_text_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, i);
}

static int col_int(sqlite3_stmt *st, int i, int null_value)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? null_value : sqlite3_column_int(st, i);
}

static void copy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

static void read_actor(sqlite3_stmt *st, int i, jirga_actor *a)
{
    copy(a->code, sizeof a->code, col_text(st, i));
    copy(a->country, sizeof a->country, col_text(st, i + 1));
    copy(a->role, sizeof a->role, col_text(st, i + 2));
    a->start = col_int(st, i + 3, -1);
    a->end = col_int(st, i + 4, -1);
}

static void read_counts(const char *json, jirga_event *e)
{
    json_error_t jerr;
    json_t *arr = json_loads(json, 0, &jerr);
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        if (e->ncounts >= JIRGA_MAX_COUNTS)
            break;
        jirga_count *c = &e->counts[e->ncounts++];
        copy(c->kind, sizeof c->kind, json_string_value(json_object_get(item, "kind")));
        c->number = (long)json_integer_value(json_object_get(item, "number"));
    }
    json_decref(arr);
}

/* Fills x from the current row; strings stay borrowed from the statement. */
static void read_event(sqlite3_stmt *st, export_event *x)
{
    memset(x, 0, sizeof *x);
    jirga_event *e = &x->event;
    x->doc.id = col_text(st, 0);
    e->sentence = sqlite3_column_int(st, 1);
    copy(e->event_date, sizeof e->event_date, col_text(st, 2));
    e->date_stated = sqlite3_column_int(st, 3) != 0;
    read_actor(st, 4, &e->source);
    read_actor(st, 9, &e->target);
    copy(e->cameo, sizeof e->cameo, col_text(st, 14));
    copy(e->root, sizeof e->root, col_text(st, 15));
    e->label = col_text(st, 16);
    e->quad = sqlite3_column_int(st, 17);
    e->goldstein = sqlite3_column_double(st, 18);
    e->negated = sqlite3_column_int(st, 19) != 0;
    e->verb_start = col_int(st, 20, 0);
    e->verb_end = col_int(st, 21, 0);
    e->pattern_file = col_text(st, 22);
    e->pattern_line = sqlite3_column_int(st, 23);
    if (sqlite3_column_type(st, 24) != SQLITE_NULL) {
        copy(e->place.name, sizeof e->place.name, col_text(st, 24));
        copy(e->place.country, sizeof e->place.country, col_text(st, 25));
        e->place.has_coords = sqlite3_column_type(st, 26) != SQLITE_NULL;
        e->place.lat = sqlite3_column_double(st, 26);
        e->place.lon = sqlite3_column_double(st, 27);
        e->place.start = col_int(st, 28, -1);
        e->place.end = col_int(st, 29, -1);
    } else {
        e->place.start = e->place.end = -1;
    }
    e->quote_start = col_int(st, 30, -1);
    e->quote_end = col_int(st, 31, -1);
    read_counts(col_text(st, 32), e);
    e->sentence_text = col_text(st, 33);
    e->sentence_len = (size_t)sqlite3_column_bytes(st, 33);
    x->doc.date = col_text_or_null(st, 34);
    x->doc.url = col_text_or_null(st, 35);
    x->id = sqlite3_column_int64(st, COL_ID);
    x->mentions = sqlite3_column_int(st, COL_ID + 1);
    x->sources = sqlite3_column_int(st, COL_ID + 2);
    x->articles = sqlite3_column_int(st, COL_ID + 3);
    /* Spans that do not fit the sentence are dropped rather than read out of bounds. */
    int len = (int)e->sentence_len;
    if (e->verb_end > len || e->verb_start > e->verb_end)
        e->verb_start = e->verb_end = 0;
    jirga_actor *actors[2] = {&e->source, &e->target};
    for (int k = 0; k < 2; k++)
        if (actors[k]->end > len || actors[k]->start > actors[k]->end)
            actors[k]->start = actors[k]->end = -1;
    if (e->quote_end > len || e->quote_start > e->quote_end || e->quote_start < 0)
        e->quote_start = e->quote_end = -1;
}

/* The documents that reported a key, in id order; strings copied into *docs. */
typedef struct doc_list {
    export_source *items;
    size_t n, cap;
} doc_list;

static void doc_list_clear(doc_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->items[i].doc_id);
        free((char *)l->items[i].url);
    }
    l->n = 0;
}

static int read_docs(store *s, sqlite3_stmt *st, long long daily_id, doc_list *l, jirga_error *err)
{
    doc_list_clear(l);
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, daily_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        GROW(l->items, l->cap, l->n + 1);
        l->items[l->n].doc_id = xstrdup(col_text(st, 0));
        l->items[l->n].url = xstrdup(col_text(st, 1));
        l->n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, err, "reading an event's documents");
}

int store_query(store *s, const store_filter *f, bool all, store_event_fn fn, void *ctx, jirga_error *err)
{
    sbuf sql = {0};
    binds b = {0};
    if (all)
        sbuf_adds(&sql, "SELECT " EVENT_COLUMNS ", e.id, e.mentions, 1, 1 FROM events e"
                        " JOIN documents d ON d.id = e.doc_id LEFT JOIN sentences s ON s.id = e.sentence_id"
                        " WHERE 1");
    else
        sbuf_adds(&sql, "SELECT " EVENT_COLUMNS ", k.id, k.num_mentions, k.num_sources, k.num_articles"
                        " FROM daily_events k JOIN events e ON e.id = k.first_event"
                        " JOIN documents d ON d.id = e.doc_id LEFT JOIN sentences s ON s.id = e.sentence_id"
                        " WHERE 1");
    where(&sql, &b, f, !all);
    sbuf_adds(&sql, all ? " ORDER BY e.day, e.source_code, e.target_code, e.cameo, e.doc_id, e.sentence"
                        : " ORDER BY k.day, k.source_code, k.target_code, k.cameo");
    sqlite3_stmt *st = NULL, *docs = NULL;
    int status = prepare(s, sql.data, &b, &st, err);
    if (status == 0 && !all &&
        sqlite3_prepare_v2(s->db,
                           "SELECT x.doc_id, COALESCE(d.url, '') FROM daily_event_docs x"
                           " JOIN documents d ON d.id = x.doc_id WHERE x.daily_id = ?1 ORDER BY x.doc_id",
                           -1, &docs, NULL) != SQLITE_OK)
        status = store_fail(s, err, "preparing a query");
    doc_list list = {0};
    int rc = SQLITE_DONE;
    while (status == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        export_event x;
        read_event(st, &x);
        export_source one;
        if (all) {
            one.doc_id = x.doc.id;
            one.url = x.doc.url ? x.doc.url : "";
            x.docs = &one;
            x.ndocs = 1;
        } else {
            if (read_docs(s, docs, x.id, &list, err) != 0) {
                status = -1;
                break;
            }
            x.docs = list.items;
            x.ndocs = (int)list.n;
        }
        if (fn(ctx, &x) != 0)
            break;
    }
    if (status == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = store_fail(s, err, "reading events");
    doc_list_clear(&list);
    free(list.items);
    sqlite3_finalize(st);
    sqlite3_finalize(docs);
    binds_free(&b);
    sbuf_free(&sql);
    return status;
}

/* ---- Aggregates ---------------------------------------------------------------------------- */

int store_stats(store *s, const store_filter *f, store_period by, sbuf *out, long *skipped, jirga_error *err)
{
    static const char *const periods[] = {
        [STORE_DAY] = "k.day",
        /* the Monday of the week: strftime %w is 0 on Sunday */
        [STORE_WEEK] = "date(k.day, '-' || ((CAST(strftime('%w', k.day) AS INTEGER) + 6) % 7) || ' days')",
        [STORE_MONTH] = "substr(k.day, 1, 7)",
    };
    int min_len = by == STORE_MONTH ? 7 : 10;
    sbuf sql = {0};
    binds b = {0};
    sbuf_printf(&sql, "SELECT %s, COUNT(*), SUM(k.num_mentions), SUM(k.quad = 1), SUM(k.quad = 2), "
                      "SUM(k.quad = 3), SUM(k.quad = 4), SUM(k.goldstein), AVG(k.goldstein)",
                periods[by]);
    for (int r = 1; r <= 20; r++)
        sbuf_printf(&sql, ", SUM(k.root = '%02d')", r);
    sbuf_printf(&sql, " FROM daily_events k JOIN events e ON e.id = k.first_event WHERE length(k.day) >= %d",
                min_len);
    where(&sql, &b, f, true);
    sbuf_adds(&sql, " GROUP BY 1 ORDER BY 1");
    sqlite3_stmt *st = NULL;
    int status = prepare(s, sql.data, &b, &st, err);
    if (status == 0) {
        sbuf_adds(out, "period,events,mentions,quad1,quad2,quad3,quad4,goldstein_sum,goldstein_mean");
        for (int r = 1; r <= 20; r++)
            sbuf_printf(out, ",root%02d", r);
        sbuf_addc(out, '\n');
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            sbuf_printf(out, "%s,%lld,%lld,%lld,%lld,%lld,%lld,%.1f,%.2f", col_text(st, 0),
                        (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2),
                        (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4),
                        (long long)sqlite3_column_int64(st, 5), (long long)sqlite3_column_int64(st, 6),
                        sqlite3_column_double(st, 7) + 0.0, sqlite3_column_double(st, 8) + 0.0);
            for (int r = 0; r < 20; r++)
                sbuf_printf(out, ",%lld", (long long)sqlite3_column_int64(st, 9 + r));
            sbuf_addc(out, '\n');
        }
        if (rc != SQLITE_DONE)
            status = store_fail(s, err, "aggregating events");
    }
    sqlite3_finalize(st);
    st = NULL;
    binds_free(&b);
    /* What the periods left out: events dated only by month (day and week), or not at all. */
    *skipped = 0;
    if (status == 0) {
        sbuf_reset(&sql);
        sbuf_printf(&sql, "SELECT COUNT(*) FROM daily_events k JOIN events e ON e.id = k.first_event"
                          " WHERE length(k.day) < %d",
                    min_len);
        where(&sql, &b, f, true);
        status = prepare(s, sql.data, &b, &st, err);
        if (status == 0 && sqlite3_step(st) == SQLITE_ROW)
            *skipped = (long)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        binds_free(&b);
    }
    sbuf_free(&sql);
    return status;
}

int store_get_counts(store *s, store_counts *c, jirga_error *err)
{
    static const char sql[] = "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences),"
                              " (SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(mentions), 0) FROM events),"
                              " (SELECT COUNT(*) FROM daily_events)";
    sqlite3_stmt *st = NULL;
    memset(c, 0, sizeof *c);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "counting");
    int status = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        c->documents = (long)sqlite3_column_int64(st, 0);
        c->sentences = (long)sqlite3_column_int64(st, 1);
        c->events = (long)sqlite3_column_int64(st, 2);
        c->mentions = (long)sqlite3_column_int64(st, 3);
        c->daily_events = (long)sqlite3_column_int64(st, 4);
    } else {
        status = store_fail(s, err, "counting");
    }
    sqlite3_finalize(st);
    return status;
}
