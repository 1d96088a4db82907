/* write.c — the writers' dispatch, what they share, and the three simple formats: the
 * JSON Lines event record with the store's counts, plain CSV, and a terminal table. */
#include "put.h"

#include "../out/out.h"

#include <stdio.h>
#include <string.h>

/* ---- Helpers shared by the writers ------------------------------------------------------ */

char *put_tsv(sbuf *b, char *p, const char *s, size_t n)
{
    p = put_room(b, p, n + PUT_FIXED_MAX);
    memcpy(p, s, n);
    if (put_any(s, n, put_tsv_stops)) /* rare: the sentence splitter keeps few of them */
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
                p[i] = ' ';
    return p + n;
}

char *put_fixed_printf(sbuf *b, char *p, double v, int decimals)
{
    int n = snprintf(NULL, 0, "%.*f", decimals, v);
    if (n < 0)
        return p;
    p = put_room(b, p, (size_t)n + PUT_FIXED_MAX);
    snprintf(p, (size_t)n + 1, "%.*f", decimals, v);
    return p + n;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool export_date_parts(const char *s, int *year, int *month, int *day)
{
    *year = *month = *day = 0;
    /* Each byte is read only after those before it matched, none of them a NUL, so no
     * byte past the string's end is read. */
    if (!s || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) || !is_digit(s[3]) || s[4] != '-' ||
        !is_digit(s[5]) || !is_digit(s[6]))
        return false;
    bool with_day = s[7] == '-';
    if (with_day ? !is_digit(s[8]) || !is_digit(s[9]) || s[10] : s[7])
        return false;
    *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *month = (s[5] - '0') * 10 + (s[6] - '0');
    if (with_day)
        *day = (s[8] - '0') * 10 + (s[9] - '0');
    return *month >= 1 && *month <= 12 && (!with_day || (*day >= 1 && *day <= 31));
}

/* ---- JSON Lines: the event record and the store's counts ----------------------------------- */

static void jsonl_write(sbuf *b, const export_event *e)
{
    size_t start = b->len;
    out_jsonl_event(b, &e->doc, &e->event);
    /* The record ends with "}\n"; the counts go inside the object. */
    if (b->len >= start + 2 && b->data[b->len - 2] == '}' && b->data[b->len - 1] == '\n')
        b->len -= 2;
    sbuf_printf(b, ",\"id\":%lld,\"mentions\":%d,\"sources\":%d,\"articles\":%d,\"docs\":[", e->id, e->mentions,
                e->sources, e->articles);
    for (int i = 0; i < e->ndocs; i++) {
        if (i)
            sbuf_addc(b, ',');
        out_json_string(b, e->docs[i].doc_id, strlen(e->docs[i].doc_id));
    }
    sbuf_adds(b, "]}\n");
}

/* ---- CSV --------------------------------------------------------------------------------- */

/* s (n bytes) with each '"' doubled, for the inside of a quoted field; p has room for 2n. */
static char *csv_doubled(char *p, const char *s, size_t n)
{
    const char *quote;
    while ((quote = memchr(s, '"', n)) != NULL) {
        size_t run = (size_t)(quote - s) + 1;
        memcpy(p, s, run);
        p += run;
        *p++ = '"';
        s += run;
        n -= run;
    }
    memcpy(p, s, n);
    return p + n;
}

/* A field: as it is, or quoted (with '"' doubled) when it holds a comma, a quote or a line
 * break. Makes its own room and leaves PUT_FIXED_MAX after it. */
static char *csv_field(sbuf *b, char *p, const char *s, size_t n)
{
    p = put_room(b, p, 2 * n + 2 + PUT_FIXED_MAX);
    if (!put_any(s, n, put_csv_stops)) {
        memcpy(p, s, n);
        return p + n;
    }
    *p++ = '"';
    p = csv_doubled(p, s, n);
    *p++ = '"';
    return p;
}

static char *csv_str(sbuf *b, char *p, const char *s) { return csv_field(b, p, s ? s : "", s ? strlen(s) : 0); }

/* A field from one of the event's char arrays: copied as a code (put_code), and written
 * again as a field in the rare case that it needs quotes. */
static inline char *csv_code(sbuf *b, char *p, const char *s, size_t size)
{
    p = put_room(b, p, 2 * size + 2 + PUT_FIXED_MAX);
    char *end = put_code(p, s, size);
    if (!put_any(p, (size_t)(end - p), put_csv_stops))
        return end;
    return csv_field(b, p, s, (size_t)(end - p));
}
#define CSV_CODE(b, p, array) csv_code((b), (p), (array), sizeof(array))

static const char csv_header[] =
    "id,date,event_date,date_stated,source,source_country,source_role,source_text,target,target_country,"
    "target_role,target_text,cameo,root,label,quad,goldstein,negated,verb,pattern,place,place_country,lat,lon,"
    "counts,mentions,sources,articles,doc,sentence,url,docs,text\n";

static char *csv_actor(sbuf *b, char *p, const jirga_event *ev, const jirga_actor *a)
{
    size_t n;
    const char *text = export_actor_text(ev, a, &n);
    p = CSV_CODE(b, p, a->code);
    *p++ = ',';
    p = CSV_CODE(b, p, a->country);
    *p++ = ',';
    p = CSV_CODE(b, p, a->role);
    *p++ = ',';
    p = csv_field(b, p, text, n);
    *p++ = ',';
    return p;
}

/* The pattern as one field, FILE:LINE; only the file can need the quotes. */
static char *csv_pattern(sbuf *b, char *p, const jirga_event *ev)
{
    const char *file = ev->pattern_file ? ev->pattern_file : "";
    size_t n = strlen(file);
    p = put_room(b, p, 2 * n + 2 + PUT_FIXED_MAX);
    bool quote = put_any(file, n, put_csv_stops);
    if (quote) {
        *p++ = '"';
        p = csv_doubled(p, file, n);
    } else {
        memcpy(p, file, n);
        p += n;
    }
    *p++ = ':';
    p = fmt_long(p, ev->pattern_line);
    if (quote)
        *p++ = '"';
    return p;
}

/* The ids of the documents, ";"-separated, as one field: quoted when any id needs it. */
static char *csv_ids(sbuf *b, char *p, const export_event *e)
{
    size_t room = 2;
    bool quote = false;
    for (int i = 0; i < e->ndocs; i++) {
        size_t n = strlen(e->docs[i].doc_id);
        room += 2 * n + 1;
        quote = quote || put_any(e->docs[i].doc_id, n, put_csv_stops);
    }
    p = put_room(b, p, room + PUT_FIXED_MAX);
    if (quote)
        *p++ = '"';
    for (int i = 0; i < e->ndocs; i++) {
        if (i)
            *p++ = ';';
        const char *id = e->docs[i].doc_id;
        size_t n = strlen(id);
        if (quote) {
            p = csv_doubled(p, id, n);
        } else {
            memcpy(p, id, n);
            p += n;
        }
    }
    if (quote)
        *p++ = '"';
    return p;
}

static void csv_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    char *p = put_begin(b, PUT_FIXED_MAX);
    p = fmt_long(p, e->id);
    *p++ = ',';
    p = csv_str(b, p, e->doc.date);
    *p++ = ',';
    p = CSV_CODE(b, p, ev->event_date);
    p = ev->date_stated ? PUT(p, ",true,") : PUT(p, ",false,");
    p = csv_actor(b, p, ev, &ev->source);
    p = csv_actor(b, p, ev, &ev->target);
    p = PUT_CODE(p, ev->cameo); /* codes as they are, as printf's %s wrote them */
    *p++ = ',';
    p = PUT_CODE(p, ev->root);
    *p++ = ',';
    p = csv_str(b, p, ev->label);
    *p++ = ',';
    p = put_int(p, ev->quad);
    *p++ = ',';
    p = put_fixed(b, p, ev->goldstein, 1);
    p = ev->negated ? PUT(p, ",true,") : PUT(p, ",false,");
    if (ev->verb_start >= 0 && ev->verb_end >= ev->verb_start && (size_t)ev->verb_end <= ev->sentence_len)
        p = csv_field(b, p, ev->sentence_text + ev->verb_start, (size_t)(ev->verb_end - ev->verb_start));
    *p++ = ',';
    p = csv_pattern(b, p, ev);
    *p++ = ',';
    p = CSV_CODE(b, p, ev->place.name);
    *p++ = ',';
    p = CSV_CODE(b, p, ev->place.country);
    if (ev->place.name[0] && ev->place.has_coords) {
        *p++ = ',';
        p = put_fixed(b, p, ev->place.lat, 4);
        *p++ = ',';
        p = put_fixed(b, p, ev->place.lon, 4);
        *p++ = ',';
    } else {
        p = PUT(p, ",,,");
    }
    for (int k = 0; k < ev->ncounts; k++) { /* kinds as they are, as printf's %s wrote them */
        p = put_room(b, p, PUT_FIXED_MAX);
        if (k)
            *p++ = ';';
        p = PUT_CODE(p, ev->counts[k].kind);
        *p++ = '=';
        p = fmt_long(p, ev->counts[k].number);
    }
    p = put_room(b, p, PUT_FIXED_MAX);
    *p++ = ',';
    p = put_int(p, e->mentions);
    *p++ = ',';
    p = put_int(p, e->sources);
    *p++ = ',';
    p = put_int(p, e->articles);
    *p++ = ',';
    p = csv_str(b, p, e->doc.id);
    *p++ = ',';
    p = put_int(p, ev->sentence);
    *p++ = ',';
    p = csv_str(b, p, e->doc.url);
    *p++ = ',';
    p = csv_ids(b, p, e);
    *p++ = ',';
    p = csv_field(b, p, ev->sentence_text, ev->sentence_len);
    *p++ = '\n';
    put_end(b, p);
}

/* ---- A table for the terminal --------------------------------------------------------------- */

/* Appends at most max bytes of s, cut at a UTF-8 character boundary, line breaks as spaces. */
static void table_text(sbuf *b, const char *s, size_t n, size_t max)
{
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    put_end(b, put_tsv(b, put_begin(b, PUT_FIXED_MAX), s, n));
}

static void table_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    sbuf_printf(b, "%-8lld %-10s %-12s %-12s %-5s %-28.28s %4d %6.1f %5d %5d  ", e->id, ev->event_date,
                ev->source.code[0] ? ev->source.code : "-", ev->target.code[0] ? ev->target.code : "-", ev->cameo,
                ev->label ? ev->label : "", ev->quad, ev->goldstein, e->mentions, e->articles);
    table_text(b, ev->sentence_text, ev->sentence_len, 100);
    sbuf_addc(b, '\n');
}

/* ---- Dispatch -------------------------------------------------------------------------------- */

void export_header(sbuf *b, export_format format)
{
    if (format == EXPORT_CSV)
        sbuf_adds(b, csv_header);
    else if (format == EXPORT_TABLE)
        sbuf_printf(b, "%-8s %-10s %-12s %-12s %-5s %-28s %4s %6s %5s %5s  %s\n", "id", "date", "source", "target",
                    "cameo", "label", "quad", "gold", "ment", "arts", "sentence");
}

void export_event_write(sbuf *b, export_format format, const export_event *e, const export_plover *plover)
{
    switch (format) {
    case EXPORT_JSONL: jsonl_write(b, e); break;
    case EXPORT_GDELT: export_gdelt_write(b, e); break;
    case EXPORT_PLOVER: export_plover_write(b, e, plover); break;
    case EXPORT_PHOENIX: export_phoenix_write(b, e); break;
    case EXPORT_CSV: csv_write(b, e); break;
    case EXPORT_TABLE: table_write(b, e); break;
    }
}
