/* plover.c — PLOVER JSON Lines: each event with its PLOVER event type, mode and context,
 * read from the plover_type, plover_mode and plover_context columns of
 * dictionaries/cameo.tsv (contexts are separated by ";" there), and its actor and
 * recipient lists. */
#include "put.h"

#include "../out/out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plover_row {
    char code[8];
    /* ,"event_type":T,"event_mode":M,"event_context":[C...] of the row, written once at
     * load: the same for every event of the code */
    char *json;
    size_t json_len;
} plover_row;

/* The row of a code, found by the code's bytes (code_key) in open addressing. */
typedef struct plover_slot {
    uint64_t key;
    const plover_row *row; /* NULL: an empty slot */
} plover_slot;

struct export_plover {
    plover_row *rows; /* sorted by code */
    size_t n, cap;
    plover_slot *slots; /* nslots, a power of two at least twice n: a probe reaches an empty one soon */
    size_t nslots;
};

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const plover_row *)a)->code, ((const plover_row *)b)->code);
}

/* The code a row or a lookup is made of, as snprintf(key, 8, "%s", code) keeps it (7
 * bytes at most, up to the first NUL), as a number: the bytes in their order, zeros
 * after. code has 8 bytes (both callers pass a char[8]); little-endian, as put_code. */
static uint64_t code_key(const char code[8])
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t x;
    memcpy(&x, code, 8);
    x &= 0x00FFFFFFFFFFFFFFULL; /* the eighth byte is never kept: there is a NUL to mask at */
    uint64_t nul = (x - ones) & ~x & highs; /* the lowest flag is the first NUL (see put_code) */
    uint64_t first = nul & (0 - nul);
    return x & ((first >> 7) - 1); /* every bit below that NUL */
}

static size_t slot_of(const export_plover *p, uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & (p->nslots - 1);
}

/* Splits line (modified) at tabs into at most max fields; returns the count. */
static int split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    return n;
}

/* A string field, or null when it is empty. */
static void string_or_null(sbuf *b, const char *s)
{
    if (s && s[0])
        out_json_string(b, s, strlen(s));
    else
        sbuf_adds(b, "null");
}

/* "a; b" as ["a","b"]. */
static void context_list(sbuf *b, const char *s)
{
    sbuf_addc(b, '[');
    int n = 0;
    while (s && *s) {
        while (*s == ' ' || *s == ';' || *s == ',')
            s++;
        size_t len = strcspn(s, ";,");
        while (len > 0 && s[len - 1] == ' ')
            len--;
        if (len) {
            if (n++)
                sbuf_addc(b, ',');
            out_json_string(b, s, len);
        }
        s += len;
        while (*s && *s != ';' && *s != ',')
            s++;
    }
    sbuf_addc(b, ']');
}

/* The type, mode and context of a code without a row (or without PLOVER columns). */
static const char no_row_json[] = ",\"event_type\":null,\"event_mode\":null,\"event_context\":[]";

static void row_json(plover_row *r, const char *type, const char *mode, const char *context)
{
    sbuf b = {0};
    sbuf_adds(&b, ",\"event_type\":");
    string_or_null(&b, type);
    sbuf_adds(&b, ",\"event_mode\":");
    string_or_null(&b, mode);
    sbuf_adds(&b, ",\"event_context\":");
    context_list(&b, context);
    r->json = b.data;
    r->json_len = b.len;
}

/* The slots: each code's row is the one bsearch finds for it in the sorted rows, as the
 * writer looked it up before, so a code given twice keeps the row it had. */
static void index_rows(export_plover *p)
{
    p->nslots = 16;
    while (p->nslots < 2 * p->n)
        p->nslots *= 2;
    p->slots = xcalloc(p->nslots, sizeof *p->slots);
    for (size_t i = 0; i < p->n; i++) {
        uint64_t key = code_key(p->rows[i].code);
        size_t s = slot_of(p, key);
        while (p->slots[s].row && p->slots[s].key != key)
            s = (s + 1) & (p->nslots - 1);
        if (!p->slots[s].row)
            p->slots[s] = (plover_slot){key, bsearch(&p->rows[i], p->rows, p->n, sizeof *p->rows, row_cmp)};
    }
}

export_plover *export_plover_load(const char *path, jirga_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        err->code = 1;
        snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    export_plover *p = xcalloc(1, sizeof *p);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int col_code = -1, col_type = -1, col_mode = -1, col_context = -1;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        char *fields[32];
        int nf = split_tabs(line, fields, 32);
        if (lineno == 1) {
            for (int i = 0; i < nf; i++) {
                if (strcmp(fields[i], "code") == 0)
                    col_code = i;
                else if (strcmp(fields[i], "plover_type") == 0)
                    col_type = i;
                else if (strcmp(fields[i], "plover_mode") == 0)
                    col_mode = i;
                else if (strcmp(fields[i], "plover_context") == 0)
                    col_context = i;
            }
            if (col_code < 0 || col_type < 0 || col_mode < 0 || col_context < 0) {
                err->code = 1;
                snprintf(err->message, sizeof err->message,
                         "%s:1: the header lacks code, plover_type, plover_mode or plover_context", path);
                free(line);
                fclose(f);
                export_plover_free(p);
                return NULL;
            }
            continue;
        }
        if (len == 0 || line[0] == '#' || nf <= col_code)
            continue;
        GROW(p->rows, p->cap, p->n + 1);
        plover_row *r = &p->rows[p->n++];
        memset(r->code, 0, sizeof r->code);
        snprintf(r->code, sizeof r->code, "%s", fields[col_code]);
        row_json(r, col_type < nf ? fields[col_type] : "", col_mode < nf ? fields[col_mode] : "",
                 col_context < nf ? fields[col_context] : "");
    }
    free(line);
    fclose(f);
    if (p->n)
        qsort(p->rows, p->n, sizeof *p->rows, row_cmp);
    index_rows(p);
    return p;
}

void export_plover_free(export_plover *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->rows[i].json);
    free(p->rows);
    free(p->slots);
    free(p);
}

static const plover_row *lookup(const export_plover *p, const char code[8])
{
    if (!p || !p->n)
        return NULL;
    uint64_t key = code_key(code);
    for (size_t s = slot_of(p, key);; s = (s + 1) & (p->nslots - 1))
        if (!p->slots[s].row || p->slots[s].key == key)
            return p->slots[s].row;
}

/* ---- The record ------------------------------------------------------------------------ */

/* s (n bytes) as a JSON string; plain says it is plain ASCII, which JSON takes as it
 * is. Makes its own room and leaves PUT_FIXED_MAX after it. */
static char *put_json(sbuf *b, char *p, bool plain, const char *s, size_t n)
{
    if (plain || !put_any(s, n, put_json_stops)) {
        p = put_room(b, p, n + 2 + PUT_FIXED_MAX);
        *p++ = '"';
        memcpy(p, s, n);
        p += n;
        *p++ = '"';
        return p;
    }
    /* Escapes and UTF-8: out.c's writer, at the end of the line written so far. */
    b->len = (size_t)(p - b->data);
    out_json_string(b, s, n);
    return put_room(b, b->data + b->len, PUT_FIXED_MAX);
}

/* A string, or null when it is NULL or empty. */
static char *put_string_or_null(sbuf *b, char *p, const char *s)
{
    if (s && s[0])
        return put_json(b, p, false, s, strlen(s));
    return PUT(p, "null");
}

/* The actor as a list of one, or []; plain: the sentence is plain ASCII. Its codes are
 * written as they are, as printf's %s wrote them. */
static char *actor_list(sbuf *b, char *p, const jirga_event *e, bool plain, const jirga_actor *a)
{
    if (!a->code[0])
        return PUT(p, "[]");
    size_t n;
    const char *text = export_actor_text(e, a, &n);
    p = PUT(p, "[{\"code\":\"");
    p = PUT_CODE(p, a->code);
    p = PUT(p, "\",\"country\":\"");
    p = PUT_CODE(p, a->country);
    p = PUT(p, "\",\"role\":\"");
    p = PUT_CODE(p, a->role);
    p = PUT(p, "\",\"text\":");
    p = put_json(b, p, plain, text, n);
    return PUT(p, "}]");
}

static char *location(sbuf *b, char *p, const jirga_place *pl)
{
    if (!pl->name[0])
        return PUT(p, "null");
    p = PUT(p, "{\"name\":");
    p = put_json(b, p, false, pl->name, strlen(pl->name));
    p = PUT(p, ",\"country\":\"");
    p = PUT_CODE(p, pl->country);
    p = PUT(p, "\",");
    if (!pl->has_coords)
        return PUT(p, "\"lat\":null,\"lon\":null}");
    p = PUT(p, "\"lat\":");
    p = put_fixed(b, p, pl->lat, 4);
    p = PUT(p, ",\"lon\":");
    p = put_fixed(b, p, pl->lon, 4);
    *p++ = '}';
    return p;
}

static char *documents(sbuf *b, char *p, const export_event *e)
{
    for (int i = 0; i < e->ndocs; i++) {
        p = i ? PUT(p, ",{\"id\":") : PUT(p, "{\"id\":");
        p = put_json(b, p, false, e->docs[i].doc_id, strlen(e->docs[i].doc_id));
        p = PUT(p, ",\"url\":");
        p = put_string_or_null(b, p, e->docs[i].url);
        *p++ = '}';
    }
    return p;
}

void export_plover_write(sbuf *b, const export_event *e, const export_plover *plover)
{
    const jirga_event *ev = &e->event;
    const plover_row *r = lookup(plover, ev->cameo);
    /* the actors' words are parts of the sentence: plain when it is */
    bool plain = !put_any(ev->sentence_text, ev->sentence_len, put_json_stops);
    char *p = put_begin(b, PUT_FIXED_MAX);
    p = PUT(p, "{\"id\":");
    p = fmt_long(p, e->id);
    p = PUT(p, ",\"date\":");
    p = put_string_or_null(b, p, ev->event_date);
    p = r ? put_bytes(b, p, r->json, r->json_len) : PUT(p, no_row_json);
    p = PUT(p, ",\"actors\":");
    p = actor_list(b, p, ev, plain, &ev->source);
    p = PUT(p, ",\"recipients\":");
    p = actor_list(b, p, ev, plain, &ev->target);
    p = PUT(p, ",\"cameo\":\"");
    p = PUT_CODE(p, ev->cameo);
    p = PUT(p, "\",\"quad\":");
    p = put_int(p, ev->quad);
    p = PUT(p, ",\"goldstein\":");
    p = put_fixed(b, p, ev->goldstein, 1);
    p = PUT(p, ",\"location\":");
    p = location(b, p, &ev->place);
    p = PUT(p, ",\"counts\":[");
    for (int k = 0; k < ev->ncounts; k++) {
        p = put_room(b, p, PUT_FIXED_MAX);
        p = k ? PUT(p, ",{\"kind\":\"") : PUT(p, "{\"kind\":\"");
        p = PUT_CODE(p, ev->counts[k].kind);
        p = PUT(p, "\",\"number\":");
        p = fmt_long(p, ev->counts[k].number);
        *p++ = '}';
    }
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, "],\"mentions\":");
    p = put_int(p, e->mentions);
    p = PUT(p, ",\"sources\":");
    p = put_int(p, e->sources);
    p = PUT(p, ",\"articles\":");
    p = put_int(p, e->articles);
    p = PUT(p, ",\"documents\":[");
    p = documents(b, p, e);
    p = PUT(p, "],\"doc\":");
    const char *id = e->doc.id ? e->doc.id : "";
    p = put_json(b, p, false, id, strlen(id));
    p = PUT(p, ",\"sentence\":");
    p = put_int(p, ev->sentence);
    p = PUT(p, ",\"text\":");
    p = put_json(b, p, plain, ev->sentence_text, ev->sentence_len);
    p = PUT(p, "}\n");
    put_end(b, p);
}
