/* plover.c — PLOVER JSON Lines: each event with its PLOVER event type, mode and context,
 * read from the plover_type, plover_mode and plover_context columns of
 * dictionaries/cameo.tsv (contexts are separated by ";" there), and its actor and
 * recipient lists. */
#include "export.h"

#include "../out/out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plover_row {
    char code[8];
    char *type, *mode, *context;
} plover_row;

struct export_plover {
    plover_row *rows; /* sorted by code */
    size_t n, cap;
};

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const plover_row *)a)->code, ((const plover_row *)b)->code);
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
        snprintf(r->code, sizeof r->code, "%s", fields[col_code]);
        r->type = xstrdup(col_type < nf ? fields[col_type] : "");
        r->mode = xstrdup(col_mode < nf ? fields[col_mode] : "");
        r->context = xstrdup(col_context < nf ? fields[col_context] : "");
    }
    free(line);
    fclose(f);
    if (p->n)
        qsort(p->rows, p->n, sizeof *p->rows, row_cmp);
    return p;
}

void export_plover_free(export_plover *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].type);
        free(p->rows[i].mode);
        free(p->rows[i].context);
    }
    free(p->rows);
    free(p);
}

static const plover_row *lookup(const export_plover *p, const char *code)
{
    if (!p || !p->n)
        return NULL;
    plover_row key;
    snprintf(key.code, sizeof key.code, "%s", code);
    return bsearch(&key, p->rows, p->n, sizeof *p->rows, row_cmp);
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

static void actor_list(sbuf *b, const jirga_event *e, const jirga_actor *a)
{
    if (!a->code[0]) {
        sbuf_adds(b, "[]");
        return;
    }
    size_t n;
    const char *text = export_actor_text(e, a, &n);
    sbuf_printf(b, "[{\"code\":\"%s\",\"country\":\"%s\",\"role\":\"%s\",\"text\":", a->code, a->country, a->role);
    out_json_string(b, text, n);
    sbuf_adds(b, "}]");
}

void export_plover_write(sbuf *b, const export_event *e, const export_plover *plover)
{
    const jirga_event *ev = &e->event;
    const plover_row *r = lookup(plover, ev->cameo);
    sbuf_printf(b, "{\"id\":%lld,\"date\":", e->id);
    string_or_null(b, ev->event_date);
    sbuf_adds(b, ",\"event_type\":");
    string_or_null(b, r ? r->type : NULL);
    sbuf_adds(b, ",\"event_mode\":");
    string_or_null(b, r ? r->mode : NULL);
    sbuf_adds(b, ",\"event_context\":");
    context_list(b, r ? r->context : NULL);
    sbuf_adds(b, ",\"actors\":");
    actor_list(b, ev, &ev->source);
    sbuf_adds(b, ",\"recipients\":");
    actor_list(b, ev, &ev->target);
    sbuf_printf(b, ",\"cameo\":\"%s\",\"quad\":%d,\"goldstein\":%.1f,\"location\":", ev->cameo, ev->quad,
                ev->goldstein);
    if (ev->place.name[0]) {
        sbuf_adds(b, "{\"name\":");
        out_json_string(b, ev->place.name, strlen(ev->place.name));
        sbuf_printf(b, ",\"country\":\"%s\",", ev->place.country);
        if (ev->place.has_coords)
            sbuf_printf(b, "\"lat\":%.4f,\"lon\":%.4f}", ev->place.lat, ev->place.lon);
        else
            sbuf_adds(b, "\"lat\":null,\"lon\":null}");
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, ",\"counts\":[");
    for (int k = 0; k < ev->ncounts; k++)
        sbuf_printf(b, "%s{\"kind\":\"%s\",\"number\":%ld}", k ? "," : "", ev->counts[k].kind, ev->counts[k].number);
    sbuf_printf(b, "],\"mentions\":%d,\"sources\":%d,\"articles\":%d,\"documents\":[", e->mentions, e->sources,
                e->articles);
    for (int i = 0; i < e->ndocs; i++) {
        sbuf_adds(b, i ? ",{\"id\":" : "{\"id\":");
        out_json_string(b, e->docs[i].doc_id, strlen(e->docs[i].doc_id));
        sbuf_adds(b, ",\"url\":");
        string_or_null(b, e->docs[i].url);
        sbuf_addc(b, '}');
    }
    sbuf_adds(b, "],\"doc\":");
    const char *id = e->doc.id ? e->doc.id : "";
    out_json_string(b, id, strlen(id));
    sbuf_printf(b, ",\"sentence\":%d,\"text\":", ev->sentence);
    out_json_string(b, ev->sentence_text, ev->sentence_len);
    sbuf_adds(b, "}\n");
}
