/* out.c — the JSON Lines event writer (the event record of DESIGN.md). */
#include "out.h"

#include <string.h>

void out_json_string(sbuf *b, const char *s, size_t n)
{
    sbuf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        sbuf_add(b, s + run, i - run);
        run = i + 1;
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
    sbuf_addc(b, '"');
}

static void actor(sbuf *b, const char *name, const jirga_event *e, const jirga_actor *a)
{
    sbuf_printf(b, "\"%s\":", name);
    if (!a->code[0]) {
        sbuf_adds(b, "null");
        return;
    }
    sbuf_printf(b, "{\"code\":\"%s\",\"country\":\"%s\",\"role\":\"%s\",\"text\":", a->code, a->country, a->role);
    out_json_string(b, e->sentence_text + a->start, (size_t)(a->end - a->start));
    sbuf_printf(b, ",\"span\":[%d,%d]}", a->start, a->end);
}

void out_jsonl_event(sbuf *b, const jirga_doc *doc, const jirga_event *e)
{
    sbuf_adds(b, "{\"doc\":");
    const char *id = doc->id ? doc->id : "";
    out_json_string(b, id, strlen(id));
    sbuf_printf(b, ",\"sentence\":%d,\"date\":", e->sentence);
    if (doc->date && doc->date[0])
        out_json_string(b, doc->date, strlen(doc->date));
    else
        sbuf_adds(b, "null");
    sbuf_adds(b, ",\"event_date\":");
    if (e->event_date[0])
        sbuf_printf(b, "\"%s\"", e->event_date);
    else
        sbuf_adds(b, "null");
    sbuf_printf(b, ",\"date_stated\":%s,", e->date_stated ? "true" : "false");
    actor(b, "source", e, &e->source);
    sbuf_addc(b, ',');
    actor(b, "target", e, &e->target);
    sbuf_printf(b, ",\"cameo\":\"%s\",\"root\":\"%s\",\"label\":", e->cameo, e->root);
    out_json_string(b, e->label, strlen(e->label));
    sbuf_printf(b, ",\"quad\":%d,\"goldstein\":%.1f,\"negated\":%s,\"verb\":{\"text\":", e->quad, e->goldstein,
                e->negated ? "true" : "false");
    out_json_string(b, e->sentence_text + e->verb_start, (size_t)(e->verb_end - e->verb_start));
    sbuf_printf(b, ",\"span\":[%d,%d]},\"pattern\":", e->verb_start, e->verb_end);
    sbuf b2 = {0};
    sbuf_printf(&b2, "%s:%d", e->pattern_file, e->pattern_line);
    out_json_string(b, b2.data, b2.len);
    sbuf_free(&b2);
    sbuf_adds(b, ",\"place\":");
    if (e->place.name[0]) {
        sbuf_adds(b, "{\"name\":");
        out_json_string(b, e->place.name, strlen(e->place.name));
        sbuf_printf(b, ",\"country\":\"%s\",", e->place.country);
        if (e->place.has_coords)
            sbuf_printf(b, "\"lat\":%.4f,\"lon\":%.4f", e->place.lat, e->place.lon);
        else
            sbuf_adds(b, "\"lat\":null,\"lon\":null");
        sbuf_printf(b, ",\"span\":[%d,%d]}", e->place.start, e->place.end);
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, ",\"quote\":");
    if (e->quote_start >= 0) {
        sbuf_adds(b, "{\"speaker\":");
        out_json_string(b, e->sentence_text + e->source.start, (size_t)(e->source.end - e->source.start));
        sbuf_printf(b, ",\"speaker_code\":\"%s\",\"text\":", e->source.code);
        out_json_string(b, e->sentence_text + e->quote_start, (size_t)(e->quote_end - e->quote_start));
        sbuf_printf(b, ",\"span\":[%d,%d]}", e->quote_start, e->quote_end);
    } else {
        sbuf_adds(b, "null");
    }
    sbuf_adds(b, ",\"counts\":[");
    for (int k = 0; k < e->ncounts; k++)
        sbuf_printf(b, "%s{\"kind\":\"%s\",\"number\":%ld}", k ? "," : "", e->counts[k].kind, e->counts[k].number);
    sbuf_adds(b, "],\"text\":");
    out_json_string(b, e->sentence_text, e->sentence_len);
    sbuf_adds(b, "}\n");
}
