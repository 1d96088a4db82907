/*
 * store_int.h — what store.c (schema, writing) and query.c (reading, aggregating) share
 * inside the store module; not for other modules, which use store.h.
 */
#ifndef JIRGA_STORE_INT_H
#define JIRGA_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

/* Bumped when the schema changes; a store of another version is refused. */
#define STORE_SCHEMA_VERSION "1"

enum { STORE_STATEMENTS = 16 };

struct store {
    sqlite3 *db;
    char *path;
    bool in_batch;
    sqlite3_stmt *st[STORE_STATEMENTS]; /* prepared on first use, see store.c */
};

/* Fills err with what, the path and SQLite's message; returns -1. */
int store_fail(store *s, jirga_error *err, const char *what);
/* Runs SQL without results; returns 0, or -1 with err filled. */
int store_exec(store *s, const char *sql, jirga_error *err);

#endif
