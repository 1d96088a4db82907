/*
 * store_int.h — what store.c (SQLite: schema, writing), pg.c (PostgreSQL) and query.c
 * (reading, aggregating, for both) share inside the store module; not for other modules,
 * which use store.h.
 *
 * The two engines are one switch: a store with pg set is PostgreSQL, otherwise SQLite.
 * store.c dispatches the writing calls to pg.c; query.c builds one SQL text for both,
 * with the few differences of dialect in a store_dialect, and reads rows through the
 * store_rows cursor below, which each engine implements.
 */
#ifndef JIRGA_STORE_INT_H
#define JIRGA_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

/* Bumped when the schema changes; a store of another version is refused. */
#define STORE_SCHEMA_VERSION "1"

enum { STORE_STATEMENTS = 16 };

/* What differs between the engines' SQL in the queries of query.c. */
typedef struct store_dialect {
    const char *param;           /* printf format of bound parameter n: "?%d", "$%d::text" */
    const char *prefix_op;       /* "GLOB" or "LIKE": code prefix match ... */
    const char *prefix_wildcard; /* ... with this appended to the bound code */
    const char *strpos;          /* position of a substring: instr or strpos */
    const char *fts_open;        /* sentence ids whose text has every word of the parameter ... */
    const char *fts_close;       /* ... that follows fts_open */
    bool fts5_query;             /* the parameter is an FTS5 query ("a" "b"), else plain words */
    const char *week;            /* printf format: the Monday of the week of day %s (used twice) */
} store_dialect;

extern const store_dialect store_sqlite_dialect, store_pg_dialect;

typedef struct store_pg store_pg; /* pg.c */

struct store {
    const store_dialect *dialect;
    char *path; /* the file, or the URL without its password: for messages */
    bool in_batch;
    sqlite3 *db;                        /* SQLite; NULL for PostgreSQL */
    sqlite3_stmt *st[STORE_STATEMENTS]; /* prepared on first use, see store.c */
    store_pg *pg;                       /* PostgreSQL; NULL for SQLite */
};

/* SQL shared by both engines (store.c): at commit, the documents, mentions, sources and
 * first mention of every key in the temporary table touched; several statements. */
extern const char store_recount_sql[];
/* One row: the sizes of the tables, as store_counts has them. */
extern const char store_counts_sql[];

/* Fills err with what, the path and SQLite's message; returns -1. */
int store_fail(store *s, jirga_error *err, const char *what);
/* Runs SQL without results; returns 0, or -1 with err filled. */
int store_exec(store *s, const char *sql, jirga_error *err);

/* ---- Rows of a query, for either engine (query.c) ---------------------------------------- */

/* A cursor over the rows of one SELECT with text parameters. Owned by the caller, close
 * with store_rows_close. small says the result is a few rows (read at once); otherwise
 * PostgreSQL fetches it in chunks. */
typedef struct store_rows store_rows;
store_rows *store_rows_open(store *s, const char *sql, int nparams, char *const *params, bool small,
                            jirga_error *err);
/* 1 when a row is there, 0 at the end, -1 with err filled. */
int store_rows_next(store_rows *r, jirga_error *err);
bool store_rows_null(store_rows *r, int i);
/* Column i of the current row, borrowed until the next call; "" for NULL. */
const char *store_rows_text(store_rows *r, int i);
size_t store_rows_len(store_rows *r, int i);
long long store_rows_int(store_rows *r, int i);
double store_rows_double(store_rows *r, int i);
void store_rows_close(store_rows *r);

/* ---- PostgreSQL (pg.c) ------------------------------------------------------------------- */

/* True when path names a PostgreSQL database (postgresql:// or postgres://). */
bool store_is_pg_url(const char *path);
/* Fills s->pg (s->path and s->dialect are set); 0, or -1 with err filled. */
int store_pg_open(store *s, const char *url, bool create, jirga_error *err);
void store_pg_close(store *s);
int store_pg_begin(store *s, jirga_error *err);
int store_pg_put(store *s, const export_doc *d, jirga_error *err);
int store_pg_commit(store *s, jirga_error *err);
bool store_pg_has_document(store *s, const char *id);

typedef struct store_pg_rows store_pg_rows;
store_pg_rows *store_pg_rows_open(store *s, const char *sql, int nparams, char *const *params, bool small,
                                  jirga_error *err);
int store_pg_rows_next(store_pg_rows *r, jirga_error *err);
bool store_pg_rows_null(store_pg_rows *r, int i);
const char *store_pg_rows_text(store_pg_rows *r, int i);
size_t store_pg_rows_len(store_pg_rows *r, int i);
void store_pg_rows_close(store_pg_rows *r);

#endif
