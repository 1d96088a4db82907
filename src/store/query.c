/* query.c — reading the event store: selected events (one per one-a-day key, or every
 * document's), aggregates per day, week or month, and table counts. The filters of
 * `jirga query` become one WHERE clause with bound parameters; nothing the user typed is
 * pasted into SQL. One SQL text serves SQLite and PostgreSQL: where they differ, the
 * store's store_dialect says how; rows are read through store_rows, for either engine. */
#include "store_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Dialects and rows ---------------------------------------------------------------------- */

const store_dialect store_sqlite_dialect = {
    .param = "?%d",
    .prefix_op = "GLOB",
    .prefix_wildcard = "*",
    .strpos = "instr",
    .fts_open = "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ",
    .fts_close = "",
    .fts5_query = true,
    /* strftime %w is 0 on Sunday */
    .week = "date(%s, '-' || ((CAST(strftime('%%w', %s) AS INTEGER) + 6) %% 7) || ' days')",
};

/* Codes are letters and digits (cli_filter_option), so LIKE has nothing to escape. */
const store_dialect store_pg_dialect = {
    .param = "$%d::text",
    .prefix_op = "LIKE",
    .prefix_wildcard = "%",
    .strpos = "strpos",
    .fts_open = "SELECT id FROM sentences_fts WHERE tsv @@ plainto_tsquery('simple', ",
    .fts_close = ")",
    .fts5_query = false,
    .week = "to_char(date_trunc('week', %s::date), 'YYYY-MM-DD')",
};

struct store_rows {
    store *s;
    sqlite3_stmt *st;
    store_pg_rows *pg;
};

store_rows *store_rows_open(store *s, const char *sql, int nparams, char *const *params, bool small,
                            jirga_error *err)
{
    store_rows *r = xcalloc(1, sizeof *r);
    r->s = s;
    if (s->pg) {
        r->pg = store_pg_rows_open(s, sql, nparams, params, small, err);
        if (!r->pg) {
            free(r);
            return NULL;
        }
        return r;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &r->st, NULL) != SQLITE_OK) {
        store_fail(s, err, "preparing a query");
        free(r);
        return NULL;
    }
    for (int i = 0; i < nparams; i++)
        sqlite3_bind_text(r->st, i + 1, params[i], -1, SQLITE_STATIC);
    return r;
}

int store_rows_next(store_rows *r, jirga_error *err)
{
    if (r->pg)
        return store_pg_rows_next(r->pg, err);
    int rc = sqlite3_step(r->st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : store_fail(r->s, err, "reading rows");
}

bool store_rows_null(store_rows *r, int i)
{
    return r->pg ? store_pg_rows_null(r->pg, i) : sqlite3_column_type(r->st, i) == SQLITE_NULL;
}

const char *store_rows_text(store_rows *r, int i)
{
    if (r->pg)
        return store_pg_rows_text(r->pg, i);
    const unsigned char *t = sqlite3_column_text(r->st, i);
    return t ? (const char *)t : "";
}

size_t store_rows_len(store_rows *r, int i)
{
    return r->pg ? store_pg_rows_len(r->pg, i) : (size_t)sqlite3_column_bytes(r->st, i);
}

long long store_rows_int(store_rows *r, int i)
{
    return r->pg ? strtoll(store_pg_rows_text(r->pg, i), NULL, 10) : sqlite3_column_int64(r->st, i);
}

double store_rows_double(store_rows *r, int i)
{
    return r->pg ? strtod(store_pg_rows_text(r->pg, i), NULL) : sqlite3_column_double(r->st, i);
}

void store_rows_close(store_rows *r)
{
    if (!r)
        return;
    if (r->pg)
        store_pg_rows_close(r->pg);
    else
        sqlite3_finalize(r->st);
    free(r);
}

/* ---- Filters --------------------------------------------------------------------------- */

typedef struct binds {
    char *text[24];
    int n;
} binds;

static void bind_add(const store_dialect *dl, binds *b, sbuf *sql, const char *value, const char *suffix)
{
    sbuf v = {0};
    sbuf_adds(&v, value);
    if (suffix)
        sbuf_adds(&v, suffix);
    b->text[b->n++] = v.data;
    sbuf_printf(sql, dl->param, b->n);
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
static void where(const store_dialect *dl, sbuf *sql, binds *b, const store_filter *f, bool keys)
{
    if (set(f->from)) {
        sbuf_adds(sql, " AND e.day >= ");
        bind_add(dl, b, sql, f->from, NULL);
    }
    if (set(f->to)) {
        sbuf_adds(sql, " AND substr(e.day, 1, length(");
        bind_add(dl, b, sql, f->to, NULL);
        sbuf_adds(sql, ")) <= ");
        bind_add(dl, b, sql, f->to, NULL);
    }
    if (set(f->actor)) {
        sbuf_printf(sql, " AND (e.source_code %s ", dl->prefix_op);
        bind_add(dl, b, sql, f->actor, dl->prefix_wildcard);
        sbuf_printf(sql, " OR e.target_code %s ", dl->prefix_op);
        bind_add(dl, b, sql, f->actor, dl->prefix_wildcard);
        sbuf_adds(sql, ")");
    }
    if (set(f->dyad_source) && set(f->dyad_target)) {
        sbuf_printf(sql, " AND ((e.source_code %s ", dl->prefix_op);
        bind_add(dl, b, sql, f->dyad_source, dl->prefix_wildcard);
        sbuf_printf(sql, " AND e.target_code %s ", dl->prefix_op);
        bind_add(dl, b, sql, f->dyad_target, dl->prefix_wildcard);
        sbuf_adds(sql, ")");
        if (f->both_directions) {
            sbuf_printf(sql, " OR (e.source_code %s ", dl->prefix_op);
            bind_add(dl, b, sql, f->dyad_target, dl->prefix_wildcard);
            sbuf_printf(sql, " AND e.target_code %s ", dl->prefix_op);
            bind_add(dl, b, sql, f->dyad_source, dl->prefix_wildcard);
            sbuf_adds(sql, ")");
        }
        sbuf_adds(sql, ")");
    }
    if (set(f->country)) {
        sbuf_adds(sql, " AND (e.source_country = ");
        bind_add(dl, b, sql, f->country, NULL);
        sbuf_adds(sql, " OR e.target_country = ");
        bind_add(dl, b, sql, f->country, NULL);
        sbuf_adds(sql, ")");
    }
    if (set(f->role)) { /* one of the 3-letter roles: instr at 1, 4, 7, ... */
        sbuf_printf(sql, " AND (%s(e.source_role, ", dl->strpos);
        bind_add(dl, b, sql, f->role, NULL);
        sbuf_printf(sql, ") %% 3 = 1 OR %s(e.target_role, ", dl->strpos);
        bind_add(dl, b, sql, f->role, NULL);
        sbuf_adds(sql, ") % 3 = 1)");
    }
    if (set(f->cameo)) {
        sbuf_printf(sql, " AND e.cameo %s ", dl->prefix_op);
        bind_add(dl, b, sql, f->cameo, dl->prefix_wildcard);
    }
    if (set(f->root)) {
        sbuf_adds(sql, " AND e.root = ");
        bind_add(dl, b, sql, f->root, NULL);
    }
    if (f->quad > 0) {
        sbuf_printf(sql, " AND e.quad = %d", f->quad);
    }
    char *q = set(f->text) ? (dl->fts5_query ? fts_query(f->text) : xstrdup(f->text)) : NULL;
    if (q && !q[0]) { /* only spaces: no filter */
        free(q);
        q = NULL;
    }
    if (q) {
        /* any sentence that coded the event, not only its first */
        if (keys)
            sbuf_adds(sql, " AND k.id IN (SELECT e2.daily_id FROM events e2 JOIN event_mentions m"
                           " ON m.event_id = e2.id WHERE m.sentence_id IN (");
        else
            sbuf_adds(sql, " AND e.id IN (SELECT m.event_id FROM event_mentions m WHERE m.sentence_id IN (");
        sbuf_adds(sql, dl->fts_open);
        bind_add(dl, b, sql, q, NULL);
        sbuf_adds(sql, dl->fts_close);
        sbuf_adds(sql, "))");
        free(q);
    }
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

static const char *col_text(store_rows *r, int i) { return store_rows_text(r, i); }

static const char *col_text_or_null(store_rows *r, int i)
{
    return store_rows_null(r, i) ? NULL : store_rows_text(r, i);
}

static int col_int(store_rows *r, int i, int null_value)
{
    return store_rows_null(r, i) ? null_value : (int)store_rows_int(r, i);
}

static void copy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

static void read_actor(store_rows *r, int i, jirga_actor *a)
{
    copy(a->code, sizeof a->code, col_text(r, i));
    copy(a->country, sizeof a->country, col_text(r, i + 1));
    copy(a->role, sizeof a->role, col_text(r, i + 2));
    a->start = col_int(r, i + 3, -1);
    a->end = col_int(r, i + 4, -1);
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

/* Fills x from the current row; strings stay borrowed from the rows. */
static void read_event(store_rows *r, export_event *x)
{
    memset(x, 0, sizeof *x);
    jirga_event *e = &x->event;
    x->doc.id = col_text(r, 0);
    e->sentence = (int)store_rows_int(r, 1);
    copy(e->event_date, sizeof e->event_date, col_text(r, 2));
    e->date_stated = store_rows_int(r, 3) != 0;
    read_actor(r, 4, &e->source);
    read_actor(r, 9, &e->target);
    copy(e->cameo, sizeof e->cameo, col_text(r, 14));
    copy(e->root, sizeof e->root, col_text(r, 15));
    e->label = col_text(r, 16);
    e->quad = (int)store_rows_int(r, 17);
    e->goldstein = store_rows_double(r, 18);
    e->negated = store_rows_int(r, 19) != 0;
    e->verb_start = col_int(r, 20, 0);
    e->verb_end = col_int(r, 21, 0);
    e->pattern_file = col_text(r, 22);
    e->pattern_line = (int)store_rows_int(r, 23);
    if (!store_rows_null(r, 24)) {
        copy(e->place.name, sizeof e->place.name, col_text(r, 24));
        copy(e->place.country, sizeof e->place.country, col_text(r, 25));
        e->place.has_coords = !store_rows_null(r, 26);
        e->place.lat = store_rows_double(r, 26);
        e->place.lon = store_rows_double(r, 27);
        e->place.start = col_int(r, 28, -1);
        e->place.end = col_int(r, 29, -1);
    } else {
        e->place.start = e->place.end = -1;
    }
    e->quote_start = col_int(r, 30, -1);
    e->quote_end = col_int(r, 31, -1);
    read_counts(col_text(r, 32), e);
    e->sentence_text = col_text(r, 33);
    e->sentence_len = store_rows_len(r, 33);
    x->doc.date = col_text_or_null(r, 34);
    x->doc.url = col_text_or_null(r, 35);
    x->id = store_rows_int(r, COL_ID);
    x->mentions = (int)store_rows_int(r, COL_ID + 1);
    x->sources = (int)store_rows_int(r, COL_ID + 2);
    x->articles = (int)store_rows_int(r, COL_ID + 3);
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

static int read_docs(store *s, const char *sql, long long daily_id, doc_list *l, jirga_error *err)
{
    doc_list_clear(l);
    char id[32];
    snprintf(id, sizeof id, "%lld", daily_id);
    char *params[1] = {id};
    store_rows *r = store_rows_open(s, sql, 1, params, true, err);
    if (!r)
        return -1;
    int rc;
    while ((rc = store_rows_next(r, err)) == 1) {
        GROW(l->items, l->cap, l->n + 1);
        l->items[l->n].doc_id = xstrdup(col_text(r, 0));
        l->items[l->n].url = xstrdup(col_text(r, 1));
        l->n++;
    }
    store_rows_close(r);
    return rc;
}

int store_query(store *s, const store_filter *f, bool all, store_event_fn fn, void *ctx, jirga_error *err)
{
    sbuf sql = {0}, docs_sql = {0};
    binds b = {0};
    if (all)
        sbuf_adds(&sql, "SELECT " EVENT_COLUMNS ", e.id, e.mentions, 1, 1 FROM events e"
                        " JOIN documents d ON d.id = e.doc_id LEFT JOIN sentences s ON s.id = e.sentence_id"
                        " WHERE 1 = 1");
    else
        sbuf_adds(&sql, "SELECT " EVENT_COLUMNS ", k.id, k.num_mentions, k.num_sources, k.num_articles"
                        " FROM daily_events k JOIN events e ON e.id = k.first_event"
                        " JOIN documents d ON d.id = e.doc_id LEFT JOIN sentences s ON s.id = e.sentence_id"
                        " WHERE 1 = 1");
    where(s->dialect, &sql, &b, f, !all);
    sbuf_adds(&sql, all ? " ORDER BY e.day, e.source_code, e.target_code, e.cameo, e.doc_id, e.sentence"
                        : " ORDER BY k.day, k.source_code, k.target_code, k.cameo");
    sbuf_adds(&docs_sql, "SELECT x.doc_id, COALESCE(d.url, '') FROM daily_event_docs x"
                         " JOIN documents d ON d.id = x.doc_id WHERE x.daily_id = ");
    sbuf_printf(&docs_sql, s->pg ? "$%d::bigint" : "?%d", 1);
    sbuf_adds(&docs_sql, " ORDER BY x.doc_id");
    int status = 0;
    store_rows *r = store_rows_open(s, sql.data, b.n, b.text, false, err);
    if (!r)
        status = -1;
    doc_list list = {0};
    int rc = 0;
    while (status == 0 && (rc = store_rows_next(r, err)) == 1) {
        export_event x;
        read_event(r, &x);
        export_source one;
        if (all) {
            one.doc_id = x.doc.id;
            one.url = x.doc.url ? x.doc.url : "";
            x.docs = &one;
            x.ndocs = 1;
        } else {
            if (read_docs(s, docs_sql.data, x.id, &list, err) != 0) {
                status = -1;
                break;
            }
            x.docs = list.items;
            x.ndocs = (int)list.n;
        }
        if (fn(ctx, &x) != 0)
            break;
    }
    if (status == 0 && rc < 0)
        status = -1;
    doc_list_clear(&list);
    free(list.items);
    store_rows_close(r);
    binds_free(&b);
    sbuf_free(&sql);
    sbuf_free(&docs_sql);
    return status;
}

/* ---- Aggregates ---------------------------------------------------------------------------- */

int store_stats(store *s, const store_filter *f, store_period by, sbuf *out, long *skipped, jirga_error *err)
{
    int min_len = by == STORE_MONTH ? 7 : 10;
    sbuf sql = {0};
    binds b = {0};
    sbuf_adds(&sql, "SELECT ");
    if (by == STORE_DAY)
        sbuf_adds(&sql, "k.day");
    else if (by == STORE_WEEK)
        sbuf_printf(&sql, s->dialect->week, "k.day", "k.day");
    else
        sbuf_adds(&sql, "substr(k.day, 1, 7)");
    /* CASE rather than SUM of a comparison: PostgreSQL does not sum booleans */
    sbuf_adds(&sql, ", COUNT(*), SUM(k.num_mentions)");
    for (int q = 1; q <= 4; q++)
        sbuf_printf(&sql, ", SUM(CASE WHEN k.quad = %d THEN 1 ELSE 0 END)", q);
    sbuf_adds(&sql, ", SUM(k.goldstein)");
    for (int r = 1; r <= 20; r++)
        sbuf_printf(&sql, ", SUM(CASE WHEN k.root = '%02d' THEN 1 ELSE 0 END)", r);
    sbuf_printf(&sql, " FROM daily_events k JOIN events e ON e.id = k.first_event WHERE length(k.day) >= %d",
                min_len);
    where(s->dialect, &sql, &b, f, true);
    sbuf_adds(&sql, " GROUP BY 1 ORDER BY 1");
    store_rows *r = store_rows_open(s, sql.data, b.n, b.text, false, err);
    int status = r ? 0 : -1;
    if (status == 0) {
        sbuf_adds(out, "period,events,mentions,quad1,quad2,quad3,quad4,goldstein_sum,goldstein_mean");
        for (int k = 1; k <= 20; k++)
            sbuf_printf(out, ",root%02d", k);
        sbuf_addc(out, '\n');
        int rc;
        while ((rc = store_rows_next(r, err)) == 1) {
            /* Goldstein scores have one decimal: the sum is rounded to it before the mean
             * is taken, so that the engines' different orders of adding cannot change
             * the printed mean (-0.625 against -0.62500000000000011) */
            long long events = store_rows_int(r, 1);
            double tenths = store_rows_double(r, 7) * 10.0;
            double sum = (double)(long long)(tenths + (tenths < 0 ? -0.5 : 0.5)) / 10.0;
            sbuf_printf(out, "%s,%lld,%lld,%lld,%lld,%lld,%lld,%.1f,%.2f", col_text(r, 0), events,
                        store_rows_int(r, 2), store_rows_int(r, 3), store_rows_int(r, 4), store_rows_int(r, 5),
                        store_rows_int(r, 6), sum + 0.0, events ? sum / (double)events + 0.0 : 0.0);
            for (int k = 0; k < 20; k++)
                sbuf_printf(out, ",%lld", store_rows_int(r, 8 + k));
            sbuf_addc(out, '\n');
        }
        if (rc != 0)
            status = -1;
    }
    store_rows_close(r);
    binds_free(&b);
    /* What the periods left out: events dated only by month (day and week), or not at all. */
    *skipped = 0;
    if (status == 0) {
        sbuf_reset(&sql);
        sbuf_printf(&sql, "SELECT COUNT(*) FROM daily_events k JOIN events e ON e.id = k.first_event"
                          " WHERE length(k.day) < %d",
                    min_len);
        where(s->dialect, &sql, &b, f, true);
        r = store_rows_open(s, sql.data, b.n, b.text, true, err);
        status = r ? 0 : -1;
        int rc = r ? store_rows_next(r, err) : -1;
        if (rc == 1)
            *skipped = (long)store_rows_int(r, 0);
        else if (rc < 0)
            status = -1;
        store_rows_close(r);
        binds_free(&b);
    }
    sbuf_free(&sql);
    return status;
}

int store_get_counts(store *s, store_counts *c, jirga_error *err)
{
    memset(c, 0, sizeof *c);
    store_rows *r = store_rows_open(s, store_counts_sql, 0, NULL, true, err);
    if (!r)
        return -1;
    int rc = store_rows_next(r, err);
    if (rc == 1) {
        c->documents = (long)store_rows_int(r, 0);
        c->sentences = (long)store_rows_int(r, 1);
        c->events = (long)store_rows_int(r, 2);
        c->mentions = (long)store_rows_int(r, 3);
        c->daily_events = (long)store_rows_int(r, 4);
    }
    store_rows_close(r);
    return rc == 1 ? 0 : -1;
}
