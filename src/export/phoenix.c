/* phoenix.c — Phoenix-style TSV: the 26 columns of the Phoenix real-time event data
 * (EventID, Date, Year, Month, Day, the source and target actor as full code, entity,
 * role and attribute, EventCode, EventRootCode, QuadClass, GoldsteinScore, Issues, Lat,
 * Lon, LocationName, StateName, CountryCode, SentenceID, URLs, NewsSources), tab-separated,
 * no header. docs/store.md says where each comes from. */
#include "put.h"

#include <string.h>

/* Full code, entity (the country or class), role (the first role), attribute (the rest),
 * as they are. */
static char *actor(char *p, const jirga_actor *a)
{
    size_t skip = export_country_prefix(a);
    char *code = p;
    p = PUT_CODE(p, a->code);
    size_t n = (size_t)(p - code) - skip; /* strlen of the roles */
    *p++ = '\t';
    p = PUT_CODE(p, a->country);
    *p++ = '\t';
    memcpy(p, a->code + skip, n < 3 ? n : 3);
    p += n < 3 ? n : 3;
    *p++ = '\t';
    if (n > 3) {
        memcpy(p, a->code + skip + 3, n - 3);
        p += n - 3;
    }
    return p;
}

/* The host of each document's URL, ";"-separated, each once, in the order of the
 * documents. */
static char *hosts(sbuf *b, char *p, const export_event *e)
{
    for (int i = 0, n = 0; i < e->ndocs; i++) {
        char host[256];
        export_url_host(e->docs[i].url, host, sizeof host);
        if (!host[0])
            continue;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++) {
            char other[256];
            export_url_host(e->docs[j].url, other, sizeof other);
            seen = strcmp(other, host) == 0;
        }
        if (seen)
            continue;
        if (n++)
            *p++ = ';';
        p = put_tsv(b, p, host, strlen(host));
    }
    return p;
}

/* The n digits at s without their leading zeros (one is kept), as %d writes the number. */
static char *put_unpadded(char *p, const char *s, size_t n)
{
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    memcpy(p, s, n);
    return p + n;
}

void export_phoenix_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    char *p = put_begin(b, PUT_FIXED_MAX);
    p = fmt_long(p, e->id);
    *p++ = '\t';
    int y, m, d;
    if (export_date_parts(ev->event_date, &y, &m, &d)) {
        const char *date = ev->event_date;
        p = put_month(put_year(p, date), date);
        if (d)
            p = put_day(p, date);
        *p++ = '\t';
        p = put_unpadded(p, date, 4);
        *p++ = '\t';
        p = put_unpadded(p, date + 5, 2);
        *p++ = '\t';
        if (d)
            p = put_unpadded(p, date + 8, 2);
        *p++ = '\t';
    } else {
        p = PUT(p, "\t\t\t\t");
    }
    p = actor(p, &ev->source);
    *p++ = '\t';
    p = actor(p, &ev->target);
    /* EventCode, EventRootCode, QuadClass, GoldsteinScore, Issues (not coded) */
    *p++ = '\t';
    p = PUT_CODE(p, ev->cameo);
    *p++ = '\t';
    p = PUT_CODE(p, ev->root);
    *p++ = '\t';
    p = put_int(p, ev->quad);
    *p++ = '\t';
    p = put_fixed(b, p, ev->goldstein, 1);
    p = PUT(p, "\t\t");
    /* Lat, Lon, LocationName, StateName (not known), CountryCode */
    if (ev->place.name[0] && ev->place.has_coords) {
        p = put_fixed(b, p, ev->place.lat, 4);
        *p++ = '\t';
        p = put_fixed(b, p, ev->place.lon, 4);
        *p++ = '\t';
    } else {
        p = PUT(p, "\t\t");
    }
    p = put_tsv(b, p, ev->place.name, strlen(ev->place.name));
    p = PUT(p, "\t\t");
    if (ev->place.name[0])
        p = PUT_CODE(p, ev->place.country);
    *p++ = '\t';
    /* SentenceID: document id and sentence number */
    const char *id = e->doc.id ? e->doc.id : "";
    p = put_tsv(b, p, id, strlen(id));
    *p++ = '_';
    p = put_int(p, ev->sentence);
    *p++ = '\t';
    /* URLs and NewsSources of every document that reported the event, ";"-separated */
    for (int i = 0, n = 0; i < e->ndocs; i++) {
        if (!e->docs[i].url[0])
            continue;
        if (n++)
            *p++ = ';';
        p = put_tsv(b, p, e->docs[i].url, strlen(e->docs[i].url));
    }
    *p++ = '\t';
    p = hosts(b, p, e);
    *p++ = '\n';
    put_end(b, p);
}
