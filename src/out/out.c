/* out.c — the JSON Lines event writer (the event record of DESIGN.md). */
#include "out.h"

#include <string.h>

/* The characters of s escaped for JSON, without the quotes. */
static void json_chars(sbuf *b, const char *s, size_t n);

void out_json_string(sbuf *b, const char *s, size_t n)
{
    sbuf_addc(b, '"');
    json_chars(b, s, n);
    sbuf_addc(b, '"');
}

static void json_chars(sbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0, i = 0;
    for (;;) {
        i = ascii_run_end(u, i, n, '"', '\\', '\\'); /* copied as they are */
        if (i >= n)
            break;
        unsigned char ch = u[i];
        if (ch >= 0x80) { /* a file name may be in any encoding: bad bytes become U+FFFD */
            size_t len = utf8_valid_length(u, i, n);
            if (len) {
                i += len;
                continue;
            }
            sbuf_add(b, s + run, i - run);
            run = ++i;
            sbuf_add(b, "\\ufffd", 6);
            continue;
        }
        sbuf_add(b, s + run, i - run);
        run = ++i;
        switch (ch) {
        case '"': sbuf_add(b, "\\\"", 2); break;
        case '\\': sbuf_add(b, "\\\\", 2); break;
        case '\n': sbuf_add(b, "\\n", 2); break;
        case '\t': sbuf_add(b, "\\t", 2); break;
        case '\r': sbuf_add(b, "\\r", 2); break;
        default: sbuf_printf(b, "\\u%04x", ch); break;
        }
    }
    sbuf_add(b, s + run, n - run);
}

static void span(sbuf *b, int start, int end)
{
    sbuf_adds(b, "[");
    sbuf_add_long(b, start);
    sbuf_addc(b, ',');
    sbuf_add_long(b, end);
    sbuf_addc(b, ']');
}

static void actor(sbuf *b, const char *name, const jirga_event *e, const jirga_actor *a)
{
    sbuf_addc(b, '"');
    sbuf_adds(b, name);
    sbuf_adds(b, "\":");
    if (!a->code[0]) {
        sbuf_adds(b, "null");
        return;
    }
    sbuf_adds(b, "{\"code\":\"");
    sbuf_adds(b, a->code);
    sbuf_adds(b, "\",\"country\":\"");
    sbuf_adds(b, a->country);
    sbuf_adds(b, "\",\"role\":\"");
    sbuf_adds(b, a->role);
    sbuf_adds(b, "\",\"text\":");
    out_json_string(b, e->sentence_text + a->start, (size_t)(a->end - a->start));
    sbuf_adds(b, ",\"span\":");
    span(b, a->start, a->end);
    sbuf_addc(b, '}');
}

void out_jsonl_event(sbuf *b, const jirga_doc *doc, const jirga_event *e)
{
    sbuf_adds(b, "{\"doc\":");
    const char *id = doc->id ? doc->id : "";
    out_json_string(b, id, strlen(id));
    sbuf_adds(b, ",\"sentence\":");
    sbuf_add_long(b, e->sentence);
    sbuf_adds(b, ",\"date\":");
    if (doc->date && doc->date[0])
        out_json_string(b, doc->date, strlen(doc->date));
    else
        sbuf_adds(b, "null");
    sbuf_adds(b, ",\"event_date\":");
    if (e->event_date[0]) {
        sbuf_addc(b, '"');
        sbuf_adds(b, e->event_date);
        sbuf_addc(b, '"');
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, e->date_stated ? ",\"date_stated\":true," : ",\"date_stated\":false,");
    actor(b, "source", e, &e->source);
    sbuf_addc(b, ',');
    actor(b, "target", e, &e->target);
    sbuf_adds(b, ",\"cameo\":\"");
    sbuf_adds(b, e->cameo);
    sbuf_adds(b, "\",\"root\":\"");
    sbuf_adds(b, e->root);
    sbuf_adds(b, "\",\"label\":");
    out_json_string(b, e->label, strlen(e->label));
    sbuf_adds(b, ",\"quad\":");
    sbuf_add_long(b, e->quad);
    sbuf_adds(b, ",\"goldstein\":");
    sbuf_add_fixed(b, e->goldstein, 1);
    sbuf_adds(b, e->negated ? ",\"negated\":true" : ",\"negated\":false");
    sbuf_adds(b, ",\"verb\":{\"text\":");
    out_json_string(b, e->sentence_text + e->verb_start, (size_t)(e->verb_end - e->verb_start));
    sbuf_adds(b, ",\"span\":");
    span(b, e->verb_start, e->verb_end);
    sbuf_adds(b, "},\"pattern\":\"");
    json_chars(b, e->pattern_file, strlen(e->pattern_file));
    sbuf_addc(b, ':');
    sbuf_add_long(b, e->pattern_line);
    sbuf_adds(b, "\",\"place\":");
    if (e->place.name[0]) {
        sbuf_adds(b, "{\"name\":");
        out_json_string(b, e->place.name, strlen(e->place.name));
        sbuf_adds(b, ",\"country\":\"");
        sbuf_adds(b, e->place.country);
        sbuf_adds(b, "\",");
        if (e->place.has_coords) {
            sbuf_adds(b, "\"lat\":");
            sbuf_add_fixed(b, e->place.lat, 4);
            sbuf_adds(b, ",\"lon\":");
            sbuf_add_fixed(b, e->place.lon, 4);
        } else {
            sbuf_adds(b, "\"lat\":null,\"lon\":null");
        }
        sbuf_adds(b, ",\"span\":");
        span(b, e->place.start, e->place.end);
        sbuf_addc(b, '}');
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, ",\"quote\":");
    if (e->quote_start >= 0) {
        sbuf_adds(b, "{\"speaker\":");
        out_json_string(b, e->sentence_text + e->source.start, (size_t)(e->source.end - e->source.start));
        sbuf_adds(b, ",\"speaker_code\":\"");
        sbuf_adds(b, e->source.code);
        sbuf_adds(b, "\",\"text\":");
        out_json_string(b, e->sentence_text + e->quote_start, (size_t)(e->quote_end - e->quote_start));
        sbuf_adds(b, ",\"span\":");
        span(b, e->quote_start, e->quote_end);
        sbuf_addc(b, '}');
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, ",\"counts\":[");
    for (int k = 0; k < e->ncounts; k++) {
        sbuf_adds(b, k ? ",{\"kind\":\"" : "{\"kind\":\"");
        sbuf_adds(b, e->counts[k].kind);
        sbuf_adds(b, "\",\"number\":");
        sbuf_add_long(b, e->counts[k].number);
        sbuf_addc(b, '}');
    }
    sbuf_adds(b, "],\"text\":");
    out_json_string(b, e->sentence_text, e->sentence_len);
    sbuf_adds(b, "}\n");
}
