/* gdelt.c — GDELT 2.0 event rows: 61 tab-separated columns, no header, in the order of
 * the GDELT 2.0 Event Codebook. Columns jirga cannot know (ethnic and religion codes,
 * AvgTone, the actors' own locations, ADM1/ADM2 codes, feature ids) are left empty;
 * docs/store.md lists every column and where it comes from. */
#include "export.h"

#include <string.h>

static void tab(sbuf *b) { sbuf_addc(b, '\t'); }

/* n in `width` digits, zero-padded, as printf's %0*d for 0 <= n < 10^width (the parts of
 * a date that export_date_parts gives), without printf's cost. */
static void digits(sbuf *b, int n, int width)
{
    char d[4];
    for (int i = width - 1; i >= 0; i--, n /= 10)
        d[i] = (char)('0' + n % 10);
    sbuf_add(b, d, (size_t)width);
}

/* Appends the 3-letter chunk k of code (after skip bytes), or nothing. */
static void chunk(sbuf *b, const char *code, size_t skip, int k)
{
    size_t n = strlen(code), at = skip + (size_t)k * 3;
    if (at + 3 <= n)
        sbuf_add(b, code + at, 3);
}

/* The 10 actor columns: Code, Name, CountryCode, KnownGroupCode, EthnicCode,
 * Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code. */
static void actor(sbuf *b, const jirga_event *e, const jirga_actor *a)
{
    size_t n;
    const char *text = export_actor_text(e, a, &n);
    bool intl = export_is_international(a->country);
    size_t skip = strlen(a->country);
    if (skip > strlen(a->code) || strncmp(a->code, a->country, skip) != 0)
        skip = 0;
    sbuf_adds(b, a->code);
    tab(b);
    export_tsv_text(b, text, n);
    tab(b);
    if (!intl)
        sbuf_adds(b, a->country);
    tab(b);
    if (intl)
        chunk(b, a->code, skip, 0); /* KnownGroupCode: the body, IGOUNO -> UNO */
    sbuf_adds(b, "\t\t\t\t"); /* EthnicCode, Religion1Code, Religion2Code: not coded */
    if (intl) {
        sbuf_adds(b, a->country); /* Type1Code: the class, IGO */
        tab(b);
        chunk(b, a->code, skip, 1);
        tab(b);
        chunk(b, a->code, skip, 2);
    } else {
        for (int k = 0; k < 3; k++) {
            if (k)
                tab(b);
            chunk(b, a->code, skip, k);
        }
    }
}

/* The 8 geography columns: Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long,
 * FeatureID. Only the event's place is known (ActionGeo); the actors' are left empty. */
static void geo(sbuf *b, const jirga_place *p)
{
    if (!p || !p->name[0]) {
        sbuf_adds(b, "\t\t\t\t\t\t\t");
        return;
    }
    int type = !p->has_coords ? 1 : strcmp(p->country, "USA") == 0 ? 3 : 4;
    sbuf_addc(b, (char)('0' + type));
    tab(b);
    export_tsv_text(b, p->name, strlen(p->name));
    tab(b);
    sbuf_adds(b, p->country);
    sbuf_adds(b, "\t\t\t");
    if (p->has_coords)
        sbuf_printf(b, "%.4f\t%.4f\t", p->lat, p->lon);
    else
        sbuf_adds(b, "\t\t");
}

void export_gdelt_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    /* 1-5: GLOBALEVENTID, SQLDATE, MonthYear, Year, FractionDate */
    sbuf_printf(b, "%lld\t", e->id);
    int y, m, d;
    if (export_date_parts(ev->event_date, &y, &m, &d)) {
        if (d == 0)
            d = 1; /* a month alone: its first day */
        digits(b, y, 4);
        digits(b, m, 2);
        digits(b, d, 2);
        tab(b);
        digits(b, y, 4);
        digits(b, m, 2);
        tab(b);
        digits(b, y, 4);
        sbuf_printf(b, "\t%.4f\t", y + ((m - 1) * 30 + d) / 365.0);
    } else {
        sbuf_adds(b, "\t\t\t\t");
    }
    /* 6-25: the two actors */
    actor(b, ev, &ev->source);
    tab(b);
    actor(b, ev, &ev->target);
    tab(b);
    /* 26-31: IsRootEvent, EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale */
    sbuf_adds(b, ev->sentence <= 2 ? "1\t" : "0\t");
    sbuf_adds(b, ev->cameo);
    tab(b);
    sbuf_add(b, ev->cameo, strnlen(ev->cameo, 3));
    tab(b);
    sbuf_adds(b, ev->root);
    tab(b);
    sbuf_add_long(b, ev->quad);
    sbuf_printf(b, "\t%.1f\t", ev->goldstein); /* printf's rounding, kept as it was */
    /* 32-35: NumMentions, NumSources, NumArticles, AvgTone (not computed) */
    sbuf_add_long(b, e->mentions);
    tab(b);
    sbuf_add_long(b, e->sources);
    tab(b);
    sbuf_add_long(b, e->articles);
    sbuf_adds(b, "\t\t");
    /* 36-59: Actor1Geo_*, Actor2Geo_*, ActionGeo_* */
    geo(b, NULL);
    tab(b);
    geo(b, NULL);
    tab(b);
    geo(b, &ev->place);
    tab(b);
    /* 60-61: DATEADDED (the article's date, at midnight), SOURCEURL (else the document id) */
    if (export_date_parts(e->doc.date, &y, &m, &d) && d) {
        digits(b, y, 4);
        digits(b, m, 2);
        digits(b, d, 2);
        sbuf_adds(b, "000000");
    }
    tab(b);
    const char *url = e->doc.url && e->doc.url[0] ? e->doc.url : e->doc.id ? e->doc.id : "";
    export_tsv_text(b, url, strlen(url));
    sbuf_addc(b, '\n');
}
