/* write.c — the writers' dispatch, what they share, and the three simple formats: the
 * JSON Lines event record with the store's counts, plain CSV, and a terminal table. */
#include "export.h"

#include "../out/out.h"

#include <stdio.h>
#include <string.h>

/* ---- Helpers shared by the writers ------------------------------------------------------ */

void export_tsv_text(sbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            continue;
        sbuf_add(b, s + run, i - run);
        sbuf_addc(b, ' ');
        run = i + 1;
    }
    sbuf_add(b, s + run, n - run);
}

bool export_date_parts(const char *s, int *year, int *month, int *day)
{
    *year = *month = *day = 0;
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *month = (s[5] - '0') * 10 + (s[6] - '0');
    if (n == 10)
        *day = (s[8] - '0') * 10 + (s[9] - '0');
    return *month >= 1 && *month <= 12 && (n == 7 || (*day >= 1 && *day <= 31));
}

const char *export_actor_text(const jirga_event *e, const jirga_actor *a, size_t *len)
{
    if (!a->code[0] || a->start < 0 || a->end < a->start || (size_t)a->end > e->sentence_len) {
        *len = 0;
        return "";
    }
    *len = (size_t)(a->end - a->start);
    return e->sentence_text + a->start;
}

bool export_is_international(const char *country)
{
    static const char *const classes[] = {"IGO", "NGO", "IMG", "MNC", "NGM"};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(country, classes[i]) == 0)
            return true;
    return false;
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

static void csv_field(sbuf *b, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        sbuf_add(b, s, n);
        return;
    }
    sbuf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"')
            continue;
        sbuf_add(b, s + run, i + 1 - run);
        sbuf_addc(b, '"');
        run = i + 1;
    }
    sbuf_add(b, s + run, n - run);
    sbuf_addc(b, '"');
}

static void csv_str(sbuf *b, const char *s) { csv_field(b, s ? s : "", s ? strlen(s) : 0); }

static const char csv_header[] =
    "id,date,event_date,date_stated,source,source_country,source_role,source_text,target,target_country,"
    "target_role,target_text,cameo,root,label,quad,goldstein,negated,verb,pattern,place,place_country,lat,lon,"
    "counts,mentions,sources,articles,doc,sentence,url,docs,text\n";

static void csv_actor(sbuf *b, const jirga_event *ev, const jirga_actor *a)
{
    size_t n;
    const char *text = export_actor_text(ev, a, &n);
    csv_str(b, a->code);
    sbuf_addc(b, ',');
    csv_str(b, a->country);
    sbuf_addc(b, ',');
    csv_str(b, a->role);
    sbuf_addc(b, ',');
    csv_field(b, text, n);
    sbuf_addc(b, ',');
}

static void csv_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    sbuf_printf(b, "%lld,", e->id);
    csv_str(b, e->doc.date);
    sbuf_addc(b, ',');
    csv_str(b, ev->event_date);
    sbuf_printf(b, ",%s,", ev->date_stated ? "true" : "false");
    csv_actor(b, ev, &ev->source);
    csv_actor(b, ev, &ev->target);
    sbuf_printf(b, "%s,%s,", ev->cameo, ev->root);
    csv_str(b, ev->label);
    sbuf_printf(b, ",%d,%.1f,%s,", ev->quad, ev->goldstein, ev->negated ? "true" : "false");
    if (ev->verb_start >= 0 && ev->verb_end >= ev->verb_start && (size_t)ev->verb_end <= ev->sentence_len)
        csv_field(b, ev->sentence_text + ev->verb_start, (size_t)(ev->verb_end - ev->verb_start));
    sbuf_addc(b, ',');
    sbuf b2 = {0};
    sbuf_printf(&b2, "%s:%d", ev->pattern_file ? ev->pattern_file : "", ev->pattern_line);
    csv_field(b, b2.data, b2.len);
    sbuf_free(&b2);
    sbuf_addc(b, ',');
    csv_str(b, ev->place.name);
    sbuf_addc(b, ',');
    csv_str(b, ev->place.country);
    if (ev->place.name[0] && ev->place.has_coords)
        sbuf_printf(b, ",%.4f,%.4f,", ev->place.lat, ev->place.lon);
    else
        sbuf_adds(b, ",,,");
    for (int k = 0; k < ev->ncounts; k++)
        sbuf_printf(b, "%s%s=%ld", k ? ";" : "", ev->counts[k].kind, ev->counts[k].number);
    sbuf_printf(b, ",%d,%d,%d,", e->mentions, e->sources, e->articles);
    csv_str(b, e->doc.id);
    sbuf_printf(b, ",%d,", ev->sentence);
    csv_str(b, e->doc.url);
    sbuf_addc(b, ',');
    sbuf ids = {0};
    for (int i = 0; i < e->ndocs; i++) {
        if (i)
            sbuf_addc(&ids, ';');
        sbuf_adds(&ids, e->docs[i].doc_id);
    }
    csv_field(b, ids.data ? ids.data : "", ids.len);
    sbuf_free(&ids);
    sbuf_addc(b, ',');
    csv_field(b, ev->sentence_text, ev->sentence_len);
    sbuf_addc(b, '\n');
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
    export_tsv_text(b, s, n);
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
