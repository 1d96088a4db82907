/* phoenix.c — Phoenix-style TSV: the 26 columns of the Phoenix real-time event data
 * (EventID, Date, Year, Month, Day, the source and target actor as full code, entity,
 * role and attribute, EventCode, EventRootCode, QuadClass, GoldsteinScore, Issues, Lat,
 * Lon, LocationName, StateName, CountryCode, SentenceID, URLs, NewsSources), tab-separated,
 * no header. docs/store.md says where each comes from. */
#include "export.h"

#include <string.h>

/* Full code, entity (the country or class), role (the first role), attribute (the rest). */
static void actor(sbuf *b, const jirga_actor *a)
{
    size_t skip = strlen(a->country);
    if (skip > strlen(a->code) || strncmp(a->code, a->country, skip) != 0)
        skip = 0;
    const char *rest = a->code + skip;
    size_t n = strlen(rest);
    sbuf_printf(b, "%s\t%s\t%.*s\t%s", a->code, a->country, (int)(n < 3 ? n : 3), rest, n > 3 ? rest + 3 : "");
}

void export_phoenix_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    sbuf_printf(b, "%lld\t", e->id);
    int y, m, d;
    if (export_date_parts(ev->event_date, &y, &m, &d)) {
        if (d)
            sbuf_printf(b, "%04d%02d%02d\t%d\t%d\t%d\t", y, m, d, y, m, d);
        else
            sbuf_printf(b, "%04d%02d\t%d\t%d\t\t", y, m, y, m);
    } else {
        sbuf_adds(b, "\t\t\t\t");
    }
    actor(b, &ev->source);
    sbuf_addc(b, '\t');
    actor(b, &ev->target);
    /* EventCode, EventRootCode, QuadClass, GoldsteinScore, Issues (not coded) */
    sbuf_printf(b, "\t%s\t%s\t%d\t%.1f\t\t", ev->cameo, ev->root, ev->quad, ev->goldstein);
    /* Lat, Lon, LocationName, StateName (not known), CountryCode */
    if (ev->place.name[0] && ev->place.has_coords)
        sbuf_printf(b, "%.4f\t%.4f\t", ev->place.lat, ev->place.lon);
    else
        sbuf_adds(b, "\t\t");
    export_tsv_text(b, ev->place.name, strlen(ev->place.name));
    sbuf_printf(b, "\t\t%s\t", ev->place.name[0] ? ev->place.country : "");
    /* SentenceID: document id and sentence number */
    const char *id = e->doc.id ? e->doc.id : "";
    export_tsv_text(b, id, strlen(id));
    sbuf_printf(b, "_%d\t", ev->sentence);
    /* URLs and NewsSources of every document that reported the event, ";"-separated */
    for (int i = 0, n = 0; i < e->ndocs; i++) {
        if (!e->docs[i].url[0])
            continue;
        if (n++)
            sbuf_addc(b, ';');
        export_tsv_text(b, e->docs[i].url, strlen(e->docs[i].url));
    }
    sbuf_addc(b, '\t');
    /* distinct hosts, in the order of the documents */
    sbuf hosts = {0};
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
            sbuf_addc(&hosts, ';');
        sbuf_adds(&hosts, host);
    }
    if (hosts.len)
        export_tsv_text(b, hosts.data, hosts.len);
    sbuf_free(&hosts);
    sbuf_addc(b, '\n');
}
