/*
 * gazetteer.c — builds dictionaries/gen/places.tsv, jirga's gazetteer, from Debian's
 * libgeonames (about 24,000 cities with coordinates and population) and iso-codes
 * (ISO 3166 alpha-2 to alpha-3). Run by `make`; the output is generated, never edited.
 *
 * Output: one city per line, sorted by folded name, then population (largest first), then
 * name and country, the order jirga keeps the gazetteer in (a file in that order is not
 * sorted again at load):
 *   name <TAB> alpha-3 country <TAB> latitude <TAB> longitude <TAB> population <TAB> folded name
 * Coordinates are in ten-thousandths of a degree (integers parse fast); the folded name
 * (utf8proc case folding, as jirga folds text) saves folding 24,000 names at load.
 */
#include <geonames.h>
#include <jansson.h>
#include <utf8proc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct place {
    char *name;
    char *folded; /* NULL when the name cannot be written (a tab) or folded */
    char country[4];
    double lat, lon;
    unsigned population;
} place;

static int cmp_place(const void *a, const void *b)
{
    const place *x = a, *y = b;
    int c = strcmp(x->folded ? x->folded : "", y->folded ? y->folded : "");
    if (c)
        return c;
    if (x->population != y->population)
        return x->population > y->population ? -1 : 1;
    c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->country, y->country);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gazetteer ISO_3166-1.json OUT.tsv\n");
        return 2;
    }
    json_error_t jerr;
    json_t *iso = json_load_file(argv[1], 0, &jerr);
    json_t *list = iso ? json_object_get(iso, "3166-1") : NULL;
    if (!json_is_array(list)) {
        fprintf(stderr, "gazetteer: %s: cannot read ISO 3166-1 codes: %s\n", argv[1], jerr.text);
        return 1;
    }
    int n = geonames_get_n_cities();
    place *places = calloc((size_t)n, sizeof *places);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        GeonamesCity *city = geonames_get_city(i);
        const char *a2 = geonames_city_get_country_code(city);
        const char *a3 = NULL;
        for (size_t k = 0; a2 && k < json_array_size(list); k++) {
            json_t *c = json_array_get(list, k);
            if (strcmp(json_string_value(json_object_get(c, "alpha_2")), a2) == 0) {
                a3 = json_string_value(json_object_get(c, "alpha_3"));
                break;
            }
        }
        if (a3 && strlen(a3) == 3) {
            place *p = &places[kept++];
            p->name = strdup(geonames_city_get_name(city));
            memcpy(p->country, a3, 4);
            p->lat = geonames_city_get_latitude(city);
            p->lon = geonames_city_get_longitude(city);
            p->population = geonames_city_get_population(city);
            utf8proc_uint8_t *folded = NULL;
            if (!strchr(p->name, '\t') &&
                utf8proc_map((const utf8proc_uint8_t *)p->name, 0, &folded,
                             UTF8PROC_NULLTERM | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE) >= 0)
                p->folded = (char *)folded;
        }
        geonames_city_free(city);
    }
    qsort(places, (size_t)kept, sizeof *places, cmp_place);
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    for (int i = 0; i < kept; i++) {
        if (places[i].folded)
            fprintf(out, "%s\t%s\t%ld\t%ld\t%u\t%s\n", places[i].name, places[i].country,
                    lround(places[i].lat * 10000), lround(places[i].lon * 10000), places[i].population,
                    places[i].folded);
        free(places[i].folded);
        free(places[i].name);
    }
    free(places);
    json_decref(iso);
    return fclose(out) == 0 ? 0 : 1;
}
