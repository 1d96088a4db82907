/* capture.c — owned copies of a coded document, and the flat export_event made from one
 * of its events. Used by `jirga code --format` and `jirga ingest`, whose threads code
 * documents while the main thread writes them out in input order. */
#include "export.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool export_format_parse(const char *name, export_format *format)
{
    static const struct {
        const char *name;
        export_format format;
    } names[] = {{"jsonl", EXPORT_JSONL},     {"gdelt", EXPORT_GDELT}, {"plover", EXPORT_PLOVER},
                 {"phoenix", EXPORT_PHOENIX}, {"csv", EXPORT_CSV},     {"table", EXPORT_TABLE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *format = names[i].format;
            return true;
        }
    return false;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

export_doc *export_doc_capture(const jirga_doc *doc, const jirga_coder *coder, const jirga_event *events, int n)
{
    export_doc *d = xcalloc(1, sizeof *d);
    d->doc = *doc;
    d->doc.id = xstrdup(doc->id ? doc->id : "");
    d->doc.date = dup_or_null(doc->date);
    d->doc.title = dup_or_null(doc->title);
    d->doc.url = dup_or_null(doc->url);
    d->doc.text = xstrndup(doc->text ? doc->text : "", doc->text ? doc->text_len : 0);
    d->doc.text_len = doc->text ? doc->text_len : 0;
    d->nsentences = jirga_sentence_count(coder);
    d->sentences = xcalloc((size_t)d->nsentences + 1, sizeof *d->sentences);
    d->sentence_lens = xcalloc((size_t)d->nsentences + 1, sizeof *d->sentence_lens);
    for (int i = 0; i < d->nsentences; i++) {
        size_t len;
        const char *s = jirga_sentence_text(coder, i + 1, &len);
        d->sentences[i] = xstrndup(s, len);
        d->sentence_lens[i] = len;
    }
    d->nevents = n;
    d->events = xcalloc((size_t)n + 1, sizeof *d->events);
    d->extra = xcalloc((size_t)n + 1, sizeof *d->extra);
    for (int i = 0; i < n; i++) {
        jirga_event *e = &d->events[i];
        *e = events[i];
        int s = e->sentence - 1;
        /* The event's sentence is normally the coder's sentence s; a sentence cut at
         * max_sentence_bytes is not, and then gets its own copy. */
        if (s >= 0 && s < d->nsentences && d->sentence_lens[s] == e->sentence_len &&
            memcmp(d->sentences[s], e->sentence_text, e->sentence_len) == 0) {
            e->sentence_text = d->sentences[s];
        } else {
            d->extra[d->nextra] = xstrndup(e->sentence_text, e->sentence_len);
            e->sentence_text = d->extra[d->nextra++];
        }
    }
    return d;
}

void export_doc_free(export_doc *d)
{
    if (!d)
        return;
    free((char *)d->doc.id);
    free((char *)d->doc.date);
    free((char *)d->doc.title);
    free((char *)d->doc.url);
    free((char *)d->doc.text);
    for (int i = 0; i < d->nsentences; i++)
        free(d->sentences[i]);
    for (int i = 0; i < d->nextra; i++)
        free(d->extra[i]);
    free(d->sentences);
    free(d->sentence_lens);
    free(d->events);
    free(d->extra);
    free(d);
}

void export_url_host(const char *url, char *host, size_t cap)
{
    host[0] = 0;
    if (!url || cap == 0)
        return;
    const char *p = strstr(url, "://");
    if (!p)
        return;
    p += 3;
    const char *at = NULL;
    for (const char *q = p; *q && *q != '/' && *q != '?' && *q != '#'; q++)
        if (*q == '@')
            at = q;
    if (at)
        p = at + 1;
    if (strncasecmp(p, "www.", 4) == 0)
        p += 4;
    size_t n = 0;
    while (p[n] && p[n] != '/' && p[n] != ':' && p[n] != '?' && p[n] != '#' && n + 1 < cap) {
        host[n] = (char)tolower((unsigned char)p[n]);
        n++;
    }
    host[n] = 0;
}

void export_event_from_doc(const export_doc *d, int i, long long id, export_source *src, export_event *out)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    out->doc = d->doc;
    out->event = d->events[i];
    out->mentions = out->sources = out->articles = 1;
    src->doc_id = d->doc.id;
    src->url = d->doc.url ? d->doc.url : "";
    out->docs = src;
    out->ndocs = 1;
}
