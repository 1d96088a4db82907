/* gdelt.c — GDELT 2.0 event rows: 61 tab-separated columns, no header, in the order of
 * the GDELT 2.0 Event Codebook. Columns jirga cannot know (ethnic and religion codes,
 * AvgTone, the actors' own locations, ADM1/ADM2 codes, feature ids) are left empty;
 * docs/store.md lists every column and where it comes from. */
#include "put.h"

#include <string.h>

/* True for the international classes that stand where a country code would (IGO, NGO,
 * IMG, MNC, NGM): GDELT puts them in Type1Code and the body in KnownGroupCode. */
static bool is_international(const char country[4])
{
    /* The array's four bytes against each class with its NUL: strcmp(country, class) == 0
     * as one compare, not a call. */
    static const char classes[][4] = {"IGO", "NGO", "IMG", "MNC", "NGM"};
    uint32_t c, k;
    memcpy(&c, country, 4);
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        memcpy(&k, classes[i], 4);
        if (c == k)
            return true;
    }
    return false;
}

/* Chunk k of 3 letters of a code of len bytes, after skip bytes, or nothing. */
static char *chunk(char *p, const char *code, size_t len, size_t skip, int k)
{
    size_t at = skip + (size_t)k * 3;
    if (at + 3 > len)
        return p;
    memcpy(p, code + at, 3);
    return p + 3;
}

/* The 10 actor columns: Code, Name, CountryCode, KnownGroupCode, EthnicCode,
 * Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code. */
static char *actor(sbuf *b, char *p, const jirga_event *e, const jirga_actor *a)
{
    size_t n;
    const char *text = export_actor_text(e, a, &n);
    bool intl = is_international(a->country);
    size_t skip = export_country_prefix(a);
    char *code = p;
    p = PUT_CODE(p, a->code);
    size_t len = (size_t)(p - code); /* strlen(a->code) */
    *p++ = '\t';
    p = put_tsv(b, p, text, n);
    *p++ = '\t';
    if (!intl)
        p = PUT_CODE(p, a->country);
    *p++ = '\t';
    if (intl)
        p = chunk(p, a->code, len, skip, 0); /* KnownGroupCode: the body, IGOUNO -> UNO */
    p = PUT(p, "\t\t\t\t"); /* EthnicCode, Religion1Code, Religion2Code: not coded */
    if (intl) {
        p = PUT_CODE(p, a->country); /* Type1Code: the class, IGO */
        *p++ = '\t';
        p = chunk(p, a->code, len, skip, 1);
        *p++ = '\t';
        p = chunk(p, a->code, len, skip, 2);
    } else {
        p = chunk(p, a->code, len, skip, 0);
        *p++ = '\t';
        p = chunk(p, a->code, len, skip, 1);
        *p++ = '\t';
        p = chunk(p, a->code, len, skip, 2);
    }
    return p;
}

/* The 8 geography columns of ActionGeo, the event's place: Type, FullName, CountryCode,
 * ADM1Code, ADM2Code, Lat, Long, FeatureID. */
static char *geo(sbuf *b, char *p, const jirga_place *pl)
{
    if (!pl->name[0])
        return PUT(p, "\t\t\t\t\t\t\t");
    uint32_t country, usa;
    memcpy(&country, pl->country, 4);
    memcpy(&usa, "USA", 4); /* with its NUL: strcmp(country, "USA") == 0 */
    *p++ = !pl->has_coords ? '1' : country == usa ? '3' : '4';
    *p++ = '\t';
    p = put_tsv(b, p, pl->name, strlen(pl->name));
    *p++ = '\t';
    p = PUT_CODE(p, pl->country);
    p = PUT(p, "\t\t\t");
    if (!pl->has_coords)
        return PUT(p, "\t\t");
    p = put_fixed(b, p, pl->lat, 4);
    *p++ = '\t';
    p = put_fixed(b, p, pl->lon, 4);
    *p++ = '\t';
    return p;
}

void export_gdelt_write(sbuf *b, const export_event *e)
{
    const jirga_event *ev = &e->event;
    char *p = put_begin(b, PUT_FIXED_MAX);
    /* 1-5: GLOBALEVENTID, SQLDATE, MonthYear, Year, FractionDate */
    p = fmt_long(p, e->id);
    *p++ = '\t';
    int y, m, d;
    if (export_date_parts(ev->event_date, &y, &m, &d)) {
        const char *date = ev->event_date;
        p = put_month(put_year(p, date), date);
        p = d ? put_day(p, date) : PUT(p, "01"); /* a month alone: its first day */
        *p++ = '\t';
        p = put_month(put_year(p, date), date);
        *p++ = '\t';
        p = put_year(p, date);
        *p++ = '\t';
        p = put_fixed(b, p, y + ((m - 1) * 30 + (d ? d : 1)) / 365.0, 4);
        *p++ = '\t';
    } else {
        p = PUT(p, "\t\t\t\t");
    }
    /* 6-25: the two actors */
    p = actor(b, p, ev, &ev->source);
    *p++ = '\t';
    p = actor(b, p, ev, &ev->target);
    *p++ = '\t';
    /* 26-31: IsRootEvent, EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale */
    p = ev->sentence <= 2 ? PUT(p, "1\t") : PUT(p, "0\t");
    p = PUT_CODE(p, ev->cameo);
    *p++ = '\t';
    memcpy(p, ev->cameo, 3); /* its first 3 bytes, or fewer up to its NUL: inside the array */
    p += strnlen(ev->cameo, 3);
    *p++ = '\t';
    p = PUT_CODE(p, ev->root);
    *p++ = '\t';
    p = put_int(p, ev->quad);
    *p++ = '\t';
    p = put_fixed(b, p, ev->goldstein, 1);
    *p++ = '\t';
    /* 32-35: NumMentions, NumSources, NumArticles, AvgTone (not computed) */
    p = put_int(p, e->mentions);
    *p++ = '\t';
    p = put_int(p, e->sources);
    *p++ = '\t';
    p = put_int(p, e->articles);
    /* 36-59: Actor1Geo_* and Actor2Geo_* (the actors' places are not known), ActionGeo_* */
    p = PUT(p, "\t\t" "\t\t\t\t\t\t\t" "\t" "\t\t\t\t\t\t\t" "\t");
    p = geo(b, p, &ev->place);
    *p++ = '\t';
    /* 60-61: DATEADDED (the article's date, at midnight), SOURCEURL (else the document id) */
    if (export_date_parts(e->doc.date, &y, &m, &d) && d) {
        p = put_day(put_month(put_year(p, e->doc.date), e->doc.date), e->doc.date);
        p = PUT(p, "000000");
    }
    *p++ = '\t';
    const char *url = e->doc.url && e->doc.url[0] ? e->doc.url : e->doc.id ? e->doc.id : "";
    p = put_tsv(b, p, url, strlen(url));
    *p++ = '\n';
    put_end(b, p);
}
