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

/* ---- The capture: one allocation ----------------------------------------------------------- */

/* A capture is one block: the export_doc, its events, its arrays, then its strings. It
 * used to be a malloc for each string and each sentence, and the frees that go with
 * them, for every document the exports and the store take. */

static size_t align_up(size_t n, size_t align) { return (n + align - 1) / align * align; }

/* Where each part of the block starts. */
typedef struct capture_layout {
    size_t events, sentences, sentence_lens, extra, chars, size;
} capture_layout;

static capture_layout layout(int nsentences, int nevents, size_t chars)
{
    capture_layout l;
    l.events = align_up(sizeof(export_doc), _Alignof(jirga_event));
    l.sentences = align_up(l.events + (size_t)nevents * sizeof(jirga_event), _Alignof(char *));
    l.sentence_lens = align_up(l.sentences + ((size_t)nsentences + 1) * sizeof(char *), _Alignof(size_t));
    l.extra = align_up(l.sentence_lens + ((size_t)nsentences + 1) * sizeof(size_t), _Alignof(char *));
    l.chars = l.extra + ((size_t)nevents + 1) * sizeof(char *);
    l.size = l.chars + chars;
    return l;
}

/* Is the text of event e its sentence of the coder (which has nsentences)? Normally it
 * is, the very bytes; a sentence cut at max_sentence_bytes is not, and gets its own copy. */
static bool same_sentence(const jirga_coder *coder, int nsentences, const jirga_event *e)
{
    if (e->sentence < 1 || e->sentence > nsentences)
        return false;
    size_t len;
    const char *s = jirga_sentence_text(coder, e->sentence, &len);
    return len == e->sentence_len && (s == e->sentence_text || memcmp(s, e->sentence_text, len) == 0);
}

/* Copies n bytes of s and a NUL to *at, moving it on; returns the copy. */
static char *copy_at(char **at, const char *s, size_t n)
{
    char *copy = *at;
    if (n)
        memcpy(copy, s, n);
    copy[n] = 0;
    *at += n + 1;
    return copy;
}

/* The string s copied to *at, or NULL for NULL; str_size(s) is the room it takes. */
static size_t str_size(const char *s) { return s ? strlen(s) + 1 : 0; }
static char *copy_str_at(char **at, const char *s) { return s ? copy_at(at, s, strlen(s)) : NULL; }

export_doc *export_doc_capture(const jirga_doc *doc, const jirga_coder *coder, const jirga_event *events, int n)
{
    int nsentences = jirga_sentence_count(coder);
    size_t text_len = doc->text ? doc->text_len : 0;
    /* The strings' bytes, each with its NUL. */
    size_t chars = str_size(doc->id ? doc->id : "") + str_size(doc->date) + str_size(doc->title) +
                   str_size(doc->url) + text_len + 1;
    for (int i = 0; i < nsentences; i++) {
        size_t len;
        jirga_sentence_text(coder, i + 1, &len);
        chars += len + 1;
    }
    int nextra = 0;
    for (int i = 0; i < n; i++)
        if (!same_sentence(coder, nsentences, &events[i])) {
            chars += events[i].sentence_len + 1;
            nextra++;
        }
    capture_layout l = layout(nsentences, n, chars);
    char *block = xmalloc(l.size);
    export_doc *d = (export_doc *)block;
    memset(d, 0, sizeof *d);
    d->events = (jirga_event *)(block + l.events);
    d->sentences = (char **)(block + l.sentences);
    d->sentence_lens = (size_t *)(block + l.sentence_lens);
    d->extra = (char **)(block + l.extra);
    char *at = block + l.chars;
    d->doc = *doc;
    d->doc.id = copy_str_at(&at, doc->id ? doc->id : "");
    d->doc.date = copy_str_at(&at, doc->date);
    d->doc.title = copy_str_at(&at, doc->title);
    d->doc.url = copy_str_at(&at, doc->url);
    d->doc.text = copy_at(&at, doc->text ? doc->text : "", text_len);
    d->doc.text_len = text_len;
    d->nsentences = nsentences;
    for (int i = 0; i < nsentences; i++) {
        size_t len;
        const char *s = jirga_sentence_text(coder, i + 1, &len);
        d->sentences[i] = copy_at(&at, s, len);
        d->sentence_lens[i] = len;
    }
    d->sentences[nsentences] = NULL;
    d->sentence_lens[nsentences] = 0;
    d->nevents = n;
    if (n > 0)
        memcpy(d->events, events, (size_t)n * sizeof *events);
    for (int i = 0; i < n; i++) {
        jirga_event *e = &d->events[i];
        if (!nextra || same_sentence(coder, nsentences, e)) { /* no extra: all are the same */
            e->sentence_text = d->sentences[e->sentence - 1];
        } else {
            d->extra[d->nextra] = copy_at(&at, e->sentence_text, e->sentence_len);
            e->sentence_text = d->extra[d->nextra++];
        }
    }
    d->extra[d->nextra] = NULL;
    return d;
}

void export_doc_free(export_doc *d) { free(d); }

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
    src->doc_id = d->doc.id;
    src->url = d->doc.url ? d->doc.url : "";
    /* Every field set one by one (a field added to export_event must be set here too):
     * zeroing the struct first, or a compound literal, cost as much again as copying the
     * event into it. */
    out->id = id;
    out->doc = d->doc;
    out->event = d->events[i];
    out->mentions = out->sources = out->articles = 1;
    out->docs = src;
    out->ndocs = 1;
}
