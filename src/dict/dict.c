/*
 * dict.c — loads the project's dictionary language into the dictionary model and builds
 * the lookup tables (phrases and patterns indexed by word id). Any line that cannot be
 * read stops loading with "file:line: message"; duplicates only warn.
 */
#include "dict.h"

#include "../base/base.h"
#include "tabari.h"
#include "../text/text.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct loader {
    jirga_dict *d;
    jirga_error *err;
    const jirga_dict_options *opts;
    const char *file;
    int line;
    token *tokens;
    size_t cap_tokens;
    dated_code *codes; /* an entry's codes while its line is read */
    size_t cap_codes;
} loader;

static bool fail(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(loader *ld, const char *fmt, ...)
{
    int n = snprintf(ld->err->message, sizeof ld->err->message, "%s:%d: ", ld->file, ld->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof ld->err->message)
        vsnprintf(ld->err->message + n, sizeof ld->err->message - (size_t)n, fmt, ap);
    va_end(ap);
    ld->err->code = 1;
    return false;
}

static void warn(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(loader *ld, const char *fmt, ...)
{
    if (!ld->opts || !ld->opts->warn)
        return;
    char msg[600];
    int n = snprintf(msg, sizeof msg, "%s:%d: warning: ", ld->file, ld->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof msg)
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    ld->opts->warn(ld->opts->warn_ctx, msg);
}

/* ---- Memory ------------------------------------------------------------------------- */

/* The many small strings and arrays that live as long as the dictionary (pattern
 * elements, codes, place names: 100,000 of them) are carved from large blocks, all freed
 * together: a malloc and a free each cost more than the carving. Built with
 * -DJIRGA_ARENA_MALLOC=1, or under AddressSanitizer, each is a block of its own, so that
 * the sanitizer sees where each ends. */
#ifndef JIRGA_ARENA_MALLOC
#if defined(__SANITIZE_ADDRESS__)
#define JIRGA_ARENA_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JIRGA_ARENA_MALLOC 1
#endif
#endif
#endif
#ifndef JIRGA_ARENA_MALLOC
#define JIRGA_ARENA_MALLOC 0
#endif

struct dict_block {
    dict_block *next;
    size_t used, cap;
    max_align_t data[]; /* cap bytes, aligned as malloc aligns */
};
enum { BLOCK_BYTES = 64 * 1024, ARENA_ALIGN = 16 };

/* n bytes, aligned to ARENA_ALIGN (as malloc's), owned by the dictionary. */
static void *arena_alloc(jirga_dict *d, size_t n)
{
    size_t need = JIRGA_ARENA_MALLOC ? n : (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    dict_block *b = d->blocks;
    if (!b || b->cap - b->used < need) {
        size_t cap = JIRGA_ARENA_MALLOC || need > BLOCK_BYTES ? need : BLOCK_BYTES;
        b = xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        b->next = d->blocks;
        d->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    return p;
}

static char *arena_strdup(jirga_dict *d, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(arena_alloc(d, n), s, n);
}

static void arena_free(jirga_dict *d)
{
    for (dict_block *b = d->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    d->blocks = NULL;
}

/* The rest of f, NUL-terminated, and its length in *len; a read error ends it early, as
 * it would end a loop of fgets. Free with free(). */
static char *read_rest(FILE *f, size_t *len)
{
    struct stat st;
    /* two bytes over the size: the NUL, and room for the read that meets the end */
    size_t cap = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 2 : 4096, n = 0, got;
    char *text = xmalloc(cap);
    while ((got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            text = xrealloc(text, cap);
        }
    }
    text[n] = 0;
    *len = n;
    return text;
}

/* ---- CAMEO table -------------------------------------------------------------------- */

static bool load_cameo(jirga_dict *d, const char *path, jirga_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err->message, sizeof err->message, "%s: cannot open the CAMEO code table: %s", path,
                 strerror(errno));
        err->code = 1;
        return false;
    }
    char line[1024];
    size_t cap = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (lineno == 1 || line[0] == '\n')
            continue; /* header */
        char *fields[4] = {0};
        char *p = line;
        for (int i = 0; i < 4 && p; i++) {
            fields[i] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        if (!fields[3] || strlen(fields[0]) >= sizeof d->cameo[0].code) {
            snprintf(err->message, sizeof err->message, "%s:%d: expected code, label, goldstein, quad_class",
                     path, lineno);
            err->code = 1;
            fclose(f);
            return false;
        }
        char *end = NULL;
        double goldstein = strtod(fields[2], &end);
        int quad = atoi(fields[3]);
        if (end == fields[2] || !(goldstein >= -10 && goldstein <= 10) || quad < 1 || quad > 4 ||
            strspn(fields[0], "0123456789") != strlen(fields[0]) || !fields[0][0]) {
            snprintf(err->message, sizeof err->message,
                     "%s:%d: a code of digits, a Goldstein score from -10 to 10 and a quad class from 1 to 4",
                     path, lineno);
            err->code = 1;
            fclose(f);
            return false;
        }
        GROW(d->cameo, cap, d->ncameo + 1);
        cameo_code *c = &d->cameo[d->ncameo++];
        memset(c, 0, sizeof *c);
        strcpy(c->code, fields[0]);
        c->label = arena_strdup(d, fields[1]);
        c->goldstein = goldstein;
        c->quad = quad;
    }
    fclose(f);
    return true;
}

/* A code of two to four digits as a number that tells lengths apart ("01", "010" and
 * "0100" differ): an index into cameo_by_number. -1 for any other string. Reads no byte
 * past the code's NUL, nor past its fifth byte. */
static int cameo_number(const char *code)
{
    int n = 0, len = 0;
    for (; code[len]; len++) {
        if (len == 4 || code[len] < '0' || code[len] > '9')
            return -1;
        n = n * 10 + (code[len] - '0');
    }
    return len < 2 ? -1 : len == 2 ? n : len == 3 ? 100 + n : 1100 + n;
}
enum { CAMEO_NUMBERS = 11100 }; /* 100 of two digits, 1000 of three, 10000 of four */

static const cameo_code *cameo_search(const jirga_dict *d, const char *code)
{
    size_t lo = 0, hi = d->ncameo;
    while (lo < hi) { /* the table is sorted by code as a string */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->cameo[mid].code, code);
        if (c == 0)
            return &d->cameo[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Every event looks its code up: a code of digits is found by its number, with the
 * entry the binary search finds (index_cameo), other strings by the search. */
const cameo_code *dict_cameo(const jirga_dict *d, const char *code)
{
    int k = d->cameo_by_number ? cameo_number(code) : -1;
    if (k < 0)
        return cameo_search(d, code);
    return d->cameo_by_number[k] ? &d->cameo[d->cameo_by_number[k] - 1] : NULL;
}

static int cmp_cameo(const void *a, const void *b)
{
    return strcmp(((const cameo_code *)a)->code, ((const cameo_code *)b)->code);
}

/* Sorts the table by code, then numbers its codes of digits (dict_cameo). */
static void index_cameo(jirga_dict *d)
{
    if (d->ncameo > 1)
        qsort(d->cameo, d->ncameo, sizeof *d->cameo, cmp_cameo);
    d->cameo_by_number = xcalloc(CAMEO_NUMBERS, sizeof *d->cameo_by_number);
    for (size_t i = 0; i < d->ncameo; i++) {
        int k = cameo_number(d->cameo[i].code);
        if (k >= 0) /* of equal codes, the one the search finds, as before the index */
            d->cameo_by_number[k] = (uint32_t)(cameo_search(d, d->cameo[i].code) - d->cameo) + 1;
    }
}

/* ---- Intent table ----------------------------------------------------------------------- */

static bool load_intents(jirga_dict *d, const char *path, jirga_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return true; /* optional: without it, future actions are simply not coded */
    char line[256];
    int lineno = 0;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char a[16], b[16], c[16];
        if (sscanf(line, "%15s %15s %15s", a, b, c) != 3 || (strcmp(b, "-") && !dict_cameo(d, b)) ||
            (strcmp(c, "-") && !dict_cameo(d, c))) {
            snprintf(err->message, sizeof err->message,
                     "%s:%d: expected an action code prefix, an intent code and a refusal code (CAMEO codes or -)",
                     path, lineno);
            err->code = 1;
            fclose(f);
            return false;
        }
        GROW(d->intents, cap, d->nintents + 1);
        intent_rule *r = &d->intents[d->nintents++];
        snprintf(r->action, sizeof r->action, "%s", a);
        snprintf(r->intent, sizeof r->intent, "%s", strcmp(b, "-") ? b : "");
        snprintf(r->refusal, sizeof r->refusal, "%s", strcmp(c, "-") ? c : "");
    }
    fclose(f);
    return true;
}

const intent_rule *dict_intent(const jirga_dict *d, const char *code)
{
    const intent_rule *best = NULL;
    for (size_t i = 0; i < d->nintents; i++) {
        size_t n = strlen(d->intents[i].action);
        if (strncmp(code, d->intents[i].action, n) == 0 && (!best || n > strlen(best->action)))
            best = &d->intents[i];
    }
    return best;
}

/* ---- Gazetteer ------------------------------------------------------------------------ */

typedef struct place_row {
    place_entry e;
    unsigned long population;
} place_row;

static int cmp_place_row(const void *a, const void *b)
{
    const place_row *x = a, *y = b;
    int c = strcmp(x->e.folded, y->e.folded);
    if (c)
        return c;
    return x->population > y->population ? -1 : x->population < y->population;
}

/* The decimal integer a gazetteer column starts with, as strtol reads it (blanks, a
 * sign, digits; 0 when none), without its call: load reads two for each of 24,000
 * places. Capped so that a runaway column stays out of range instead of overflowing. */
static long read_long(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        if (v < 1000000000000L)
            v = v * 10 + (*s - '0');
    return negative ? -v : v;
}

/* strtoul(s, NULL, 10) without the call: white space, a sign (a '-' negates in unsigned
 * arithmetic), digits; ULONG_MAX when the number does not fit. */
static unsigned long read_ulong(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    unsigned long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned digit = (unsigned)(*s - '0');
        if (v > (ULONG_MAX - digit) / 10)
            return ULONG_MAX;
        v = v * 10 + digit;
    }
    return negative ? -v : v;
}

/* Reads a gazetteer line (split in place): name, country, latitude, longitude,
 * population, folded name. False for a line to skip: a broken row is not an error. */
static bool read_place(char *line, place_row *r)
{
    char *fields[6], *p = line;
    int nf = 0;
    while (nf < 6 && p) {
        fields[nf++] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = 0;
    }
    if (nf != 6 || strlen(fields[1]) != 3 || strlen(fields[0]) >= 256)
        return false;
    char *name = fields[0], *country = fields[1], *folded = fields[5];
    double lat = (double)read_long(fields[2]) / 10000, lon = (double)read_long(fields[3]) / 10000;
    /* coordinates on the globe, a country of three capitals, text of UTF-8 */
    bool capitals = country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' && country[1] <= 'Z' &&
                    country[2] >= 'A' && country[2] <= 'Z';
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || !capitals ||
        !text_valid_utf8(name, strlen(name)) || !text_valid_utf8(folded, strlen(folded)))
        return false;
    folded[strcspn(folded, "\n")] = 0;
    r->e.name = name;
    r->e.folded = folded;
    memcpy(r->e.country, country, 4);
    r->e.lat = lat;
    r->e.lon = lon;
    r->population = read_ulong(fields[4]);
    return true;
}

enum { PLACE_LINE = 1024 }; /* lines are read as fgets(line, PLACE_LINE) read them */

/* The next line of the gazetteer's text at *at, NUL-terminated: in place when it ends
 * within PLACE_LINE - 1 bytes (its newline becomes the NUL, which the folded name would
 * lose anyway), else its first PLACE_LINE - 1 bytes copied to piece, the rest left for
 * the next call, as fgets splits a long line. NULL at the end. */
static char *next_place_line(char *text, size_t len, size_t *at, char piece[PLACE_LINE])
{
    if (*at >= len)
        return NULL;
    char *line = text + *at;
    size_t left = len - *at, max = left < PLACE_LINE - 1 ? left : PLACE_LINE - 1;
    char *newline = memchr(line, '\n', max);
    if (newline) {
        *newline = 0;
        *at += (size_t)(newline - line) + 1;
        return line;
    }
    *at += max;
    if (max == left)
        return line; /* the last line, without a newline: text[len] is a NUL */
    memcpy(piece, line, max);
    piece[max] = 0;
    return piece;
}

/* Loads the gazetteer if it exists; a missing file only means events get no coordinates. */
static void load_places(jirga_dict *d, const char *path, const jirga_dict_options *opts)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (opts && opts->warn) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s: no gazetteer (run make to build it): events get no coordinates", path);
            opts->warn(opts->warn_ctx, msg);
        }
        return;
    }
    size_t len;
    d->places_text = read_rest(f, &len);
    fclose(f);
    place_row *rows = NULL;
    size_t n = 0, cap = 0, at = 0;
    bool sorted = true;
    char piece[PLACE_LINE];
    for (char *line; (line = next_place_line(d->places_text, len, &at, piece));) {
        GROW(rows, cap, n + 1);
        if (!read_place(line, &rows[n]))
            continue;
        if (line == piece) { /* a piece of a long line: its strings need a home */
            rows[n].e.name = arena_strdup(d, rows[n].e.name);
            rows[n].e.folded = arena_strdup(d, rows[n].e.folded);
        }
        sorted = sorted && (n == 0 || cmp_place_row(&rows[n - 1], &rows[n]) <= 0);
        n++;
    }
    /* tools/gazetteer writes the rows in this order; another file is sorted here */
    if (!sorted)
        qsort(rows, n, sizeof *rows, cmp_place_row);
    d->places = xcalloc(n + 1, sizeof *d->places);
    for (size_t i = 0; i < n; i++)
        if (!d->nplaces || strcmp(d->places[d->nplaces - 1].folded, rows[i].e.folded) != 0)
            d->places[d->nplaces++] = rows[i].e; /* else a smaller town of the same name */
    free(rows);
}

const place_entry *dict_place(const jirga_dict *d, const char *folded)
{
    size_t lo = 0, hi = d->nplaces;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->places[mid].folded, folded);
        if (c == 0)
            return &d->places[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The capitals are sorted by country once found (find_capitals), one per country: a
 * binary search finds the one the scan of the unsorted list found. */
const place_entry *dict_capital(const jirga_dict *d, const char *country)
{
    size_t lo = 0, hi = d->ncapitals;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->capitals[mid], country);
        if (c == 0)
            return &d->places[d->capital_of[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool has_capital(const jirga_dict *d, const char *country)
{
    for (size_t i = 0; i < d->ncapitals; i++)
        if (strcmp(d->capitals[i], country) == 0)
            return true;
    return false;
}

typedef struct capital_row {
    char country[4];
    size_t place;
} capital_row;

static int cmp_capital_row(const void *a, const void *b)
{
    return strcmp(((const capital_row *)a)->country, ((const capital_row *)b)->country);
}

/* A capital is a city the gazetteer knows that the actors name as a government. */
static void find_capitals(jirga_dict *d)
{
    for (size_t i = 0; i < d->nphrases; i++) {
        const phrase *p = &d->phrases[i];
        if (p->kind != PHRASE_ACTOR)
            continue;
        const char *code = dict_code_on(&d->actors[p->entry], 0);
        if (strlen(code) != 6 || strcmp(code + 3, "GOV") != 0)
            continue;
        sbuf name = {0};
        for (int k = 0; k < p->nwords; k++)
            sbuf_printf(&name, "%s%s", k ? " " : "", lex_word(d->lex, phrase_word(p, k)));
        const place_entry *pl = dict_place(d, name.data);
        sbuf_free(&name);
        if (!pl || strncmp(pl->country, code, 3) != 0 || has_capital(d, pl->country))
            continue;
        d->capitals = xrealloc(d->capitals, (d->ncapitals + 1) * sizeof *d->capitals);
        d->capital_of = xrealloc(d->capital_of, (d->ncapitals + 1) * sizeof *d->capital_of);
        memcpy(d->capitals[d->ncapitals], pl->country, 4);
        d->capital_of[d->ncapitals++] = (size_t)(pl - d->places);
    }
    /* sorted for dict_capital's binary search */
    capital_row *rows = xmalloc((d->ncapitals + 1) * sizeof *rows);
    for (size_t i = 0; i < d->ncapitals; i++) {
        memcpy(rows[i].country, d->capitals[i], sizeof rows[i].country);
        rows[i].place = d->capital_of[i];
    }
    if (d->ncapitals > 1)
        qsort(rows, d->ncapitals, sizeof *rows, cmp_capital_row);
    for (size_t i = 0; i < d->ncapitals; i++) {
        memcpy(d->capitals[i], rows[i].country, sizeof rows[i].country);
        d->capital_of[i] = rows[i].place;
    }
    free(rows);
}

/* ---- Words and phrases --------------------------------------------------------------- */

/* Tokenizes text as the coder would and interns each folded token. */
static int intern_words(loader *ld, const char *text, word_id *out, uint8_t *caps, int max)
{
    size_t n = text_tokenize(text, strlen(text), &ld->tokens, &ld->cap_tokens);
    if ((int)n > max)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const token *t = &ld->tokens[i];
        char fold[256];
        size_t len = lex_fold(text + t->start, t->end - t->start, fold, sizeof fold);
        if (len == 0)
            return -1;
        out[i] = lex_intern(ld->d->lex, fold, len);
        if (caps)
            caps[i] = (t->shape & T_ALLCAPS) ? 1 : 0;
    }
    return (int)n;
}

/* A phrase of the n words (0 < n <= 32), the first PHRASE_HEAD in the record; caps[k]
 * says whether word k must be in capitals (NULL: none must). */
static phrase make_phrase(jirga_dict *d, const word_id *words, const uint8_t *caps, int n)
{
    phrase p = {.nwords = (uint8_t)n};
    for (int k = 0; k < n && k < PHRASE_HEAD; k++)
        p.head[k] = words[k];
    if (n > PHRASE_HEAD) {
        p.rest = arena_alloc(d, (size_t)(n - PHRASE_HEAD) * sizeof *p.rest);
        memcpy(p.rest, words + PHRASE_HEAD, (size_t)(n - PHRASE_HEAD) * sizeof *p.rest);
    }
    for (int k = 0; caps && k < n; k++)
        p.allcaps |= (uint32_t)caps[k] << k;
    return p;
}

static bool add_phrase(loader *ld, const char *text, int kind, int entry)
{
    word_id words[32];
    uint8_t caps[32];
    int n = intern_words(ld, text, words, caps, 32); /* at most 32: one allcaps bit each */
    if (n <= 0)
        return fail(ld, "cannot read the name '%s' (empty, or over 32 words)", text);
    jirga_dict *d = ld->d;
    GROW(d->phrases, d->cap_phrases, d->nphrases + 1);
    phrase *p = &d->phrases[d->nphrases++];
    *p = make_phrase(d, words, caps, n);
    p->kind = (uint8_t)kind;
    p->entry = entry;
    return true;
}

/* ---- Fields ------------------------------------------------------------------------- */

/* The next field of *rest, as strtok_r(NULL, delimiters) gives it: the delimiters a and b
 * (the same twice for one; NUL for none) before the field are skipped, the one after it
 * becomes a NUL and *rest moves past it; NULL when no field is left. strtok_r makes two
 * library calls (strspn, strcspn) per field, and load splits 400,000 fields. */
static inline char *next_field(char **rest, char a, char b)
{
    char *p = *rest;
    while (*p && (*p == a || *p == b))
        p++;
    if (!*p) {
        *rest = p;
        return NULL;
    }
    char *field = p;
    while (*p && *p != a && *p != b)
        p++;
    if (*p)
        *p++ = 0;
    *rest = p;
    return field;
}

/* ---- Codes -------------------------------------------------------------------------- */

/* scanf's %Nd: white space, then at most width characters: a sign and digits, one digit
 * at least. */
static bool scan_int(const char **s, int width, int *out)
{
    const char *p = *s;
    while (isspace((unsigned char)*p))
        p++;
    bool negative = *p == '-';
    if (*p == '-' || *p == '+') {
        p++;
        width--;
    }
    int v = 0, digits = 0;
    for (; digits < width && *p >= '0' && *p <= '9'; digits++, p++)
        v = v * 10 + (*p - '0');
    *out = negative ? -v : v;
    *s = p;
    return digits > 0;
}

static bool scan_char(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

/* YYYY-MM-DD as sscanf(s, "%4d-%2d-%2d%c", ...) == 3 accepts it (nothing after the day),
 * without sscanf's cost: 2,000 instructions a date. */
static bool parse_date(const char *s, int *out)
{
    int y, m, dd;
    if (!scan_int(&s, 4, &y) || !scan_char(&s, '-') || !scan_int(&s, 2, &m) || !scan_char(&s, '-') ||
        !scan_int(&s, 2, &dd) || *s || m < 1 || m > 12 || dd < 1 || dd > 31)
        return false;
    *out = y * 10000 + m * 100 + dd;
    return true;
}

static bool valid_actor_code(const char *c)
{
    size_t n = strlen(c);
    if (n == 0 || n % 3 != 0 || n >= sizeof ((dated_code *)0)->code)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)c[i]) && !isdigit((unsigned char)c[i]))
            return false;
    return true;
}

/* "AFGINS until 2021-08-14, AFGGOV from 2021-08-15" */
static bool parse_dated_codes(loader *ld, char *s, dict_entry *e, bool role_only)
{
    size_t ncodes = 0;
    char *rest = s;
    for (char *part; (part = next_field(&rest, ',', ','));) {
        char *words[8];
        int nw = 0;
        for (char *w; nw < 8 && (w = next_field(&part, ' ', '\t'));)
            words[nw++] = w;
        if (nw == 0)
            return fail(ld, "empty code between commas");
        dated_code c = {0};
        const char *code = words[0];
        if (role_only && code[0] == '~')
            code++; /* TABARI habit: ~GOV */
        if (!valid_actor_code(code))
            return fail(ld, "bad code '%s': expected groups of three capital letters such as AFG or AFGGOV",
                        words[0]);
        strcpy(c.code, code);
        for (int i = 1; i < nw; i += 2) {
            int *slot = strcmp(words[i], "from") == 0 ? &c.from : strcmp(words[i], "until") == 0 ? &c.until : NULL;
            if (!slot)
                return fail(ld, "unexpected '%s' after code %s: expected 'from DATE' or 'until DATE'", words[i],
                            c.code);
            if (i + 1 >= nw || !parse_date(words[i + 1], slot))
                return fail(ld, "'%s' needs a date written YYYY-MM-DD", words[i]);
        }
        if (c.from && c.until && c.from > c.until)
            return fail(ld, "code %s: 'from' date after 'until' date", c.code);
        GROW(ld->codes, ld->cap_codes, ncodes + 1);
        ld->codes[ncodes++] = c;
    }
    if (ncodes == 0)
        return fail(ld, "no code after ' = '");
    e->codes = memcpy(arena_alloc(ld->d, ncodes * sizeof *e->codes), ld->codes, ncodes * sizeof *e->codes);
    e->ncodes = (int)ncodes;
    return true;
}

const char *dict_code_on(const dict_entry *e, int date)
{
    for (int i = 0; i < e->ncodes; i++) {
        const dated_code *c = &e->codes[i];
        if (!c->from && !c->until)
            continue;
        if (date && (!c->from || date >= c->from) && (!c->until || date <= c->until))
            return c->code;
    }
    for (int i = 0; i < e->ncodes; i++)
        if (!e->codes[i].from && !e->codes[i].until)
            return e->codes[i].code;
    /* Only dated codes and none applies (or no date): the latest one is the best guess. */
    return e->ncodes ? e->codes[e->ncodes - 1].code : "";
}

/* ---- Entries ------------------------------------------------------------------------ */

typedef struct split_line {
    char *alts[256];
    int nalts;
    char *codes;
} split_line;

/* The last " = " in s (the codes follow it), or NULL. Searched from the end: p[-1] is
 * read only when p > s, and p[1] is at most s's NUL. */
static char *last_equals(char *s)
{
    for (char *p = memrchr(s, '=', strlen(s)); p; p = p > s ? memrchr(s, '=', (size_t)(p - s)) : NULL)
        if (p > s && p[-1] == ' ' && p[1] == ' ')
            return p - 1;
    return NULL;
}

static bool split_entry(loader *ld, char *body, split_line *out)
{
    char *eq = last_equals(body);
    if (!eq)
        return fail(ld, "expected ' = ' followed by codes");
    *eq = 0;
    out->codes = str_trim(eq + 3);
    out->nalts = 0;
    for (char *a, *rest = body; (a = next_field(&rest, '|', '|'));) {
        if (out->nalts == 256)
            return fail(ld, "more than 256 alternatives on one line");
        a = str_trim(a);
        if (!*a)
            return fail(ld, "empty alternative between '|'");
        out->alts[out->nalts++] = a;
    }
    if (out->nalts == 0)
        return fail(ld, "nothing before ' = '");
    return true;
}

static dict_entry *new_entry(loader *ld, dict_entry **arr, size_t *n, size_t *cap)
{
    GROW(*arr, *cap, *n + 1);
    dict_entry *e = &(*arr)[(*n)++];
    memset(e, 0, sizeof *e);
    e->file = ld->file;
    e->line = ld->line;
    return e;
}

static bool load_names(loader *ld, char *body, int kind)
{
    split_line sl;
    if (!split_entry(ld, body, &sl))
        return false;
    jirga_dict *d = ld->d;
    dict_entry *e;
    size_t index;
    if (kind == PHRASE_ACTOR) {
        e = new_entry(ld, &d->actors, &d->nactors, &d->cap_actors);
        index = d->nactors - 1;
    } else if (kind == PHRASE_AGENT) {
        e = new_entry(ld, &d->agents, &d->nagents, &d->cap_agents);
        index = d->nagents - 1;
    } else if (kind == PHRASE_COUNT) {
        e = new_entry(ld, &d->counts, &d->ncounts, &d->cap_counts);
        index = d->ncounts - 1;
    } else if (kind == PHRASE_REFER) {
        e = new_entry(ld, &d->refers, &d->nrefers, &d->cap_refers);
        index = d->nrefers - 1;
    } else {
        e = new_entry(ld, &d->discards, &d->ndiscards, &d->cap_discards);
        index = d->ndiscards - 1;
    }
    if (kind == PHRASE_REFER) {
        static const char *const kinds[] = {"GROUP", "COUNTRY", "PAIR", "PERSON"};
        e->refer = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(sl.codes, kinds[k]) == 0)
                e->refer = k;
        if (e->refer < 0)
            return fail(ld, "a reference ends with '= GROUP', '= COUNTRY', '= PAIR' or '= PERSON', not '%s'", sl.codes);
    } else if (kind == PHRASE_COUNT) {
        size_t n = strlen(sl.codes);
        bool ok = n > 0 && n < sizeof e->codes->code;
        for (size_t k = 0; ok && k < n; k++)
            ok = sl.codes[k] >= 'a' && sl.codes[k] <= 'z';
        if (!ok)
            return fail(ld, "a count ends with '= KIND', a lower-case word such as killed, not '%s'", sl.codes);
        e->codes = memset(arena_alloc(d, sizeof *e->codes), 0, sizeof *e->codes);
        strcpy(e->codes[0].code, sl.codes);
        e->ncodes = 1;
    } else if (kind == PHRASE_DISCARD) {
        if (strcmp(sl.codes, "sentence") != 0 && strcmp(sl.codes, "document") != 0)
            return fail(ld, "a discard ends with '= sentence' or '= document', not '%s'", sl.codes);
        e->whole_document = strcmp(sl.codes, "document") == 0;
    } else if (!parse_dated_codes(ld, sl.codes, e, kind == PHRASE_AGENT)) {
        return false;
    }
    for (int i = 0; i < sl.nalts; i++)
        if (!add_phrase(ld, sl.alts[i], kind, (int)index))
            return false;
    return true;
}

/* Sets are found by name through the lexicon: "&NAME" is interned, and set_of maps its
 * word id to the set. */
/* "&NAME", the word a set is interned as, into key[256]; its length, or 0 when it does
 * not fit. (A copy, not snprintf: load asks this for each of 18,000 set references.) */
static size_t set_key(char key[256], const char *name)
{
    size_t n = strlen(name);
    if (n + 2 > 256)
        return 0;
    key[0] = '&';
    memcpy(key + 1, name, n + 1);
    return n + 1;
}

static int find_set(const jirga_dict *d, const char *name)
{
    char key[256];
    size_t n = set_key(key, name);
    if (!n)
        return -1;
    word_id id = lex_find(d->lex, key, n);
    return id && id < d->cap_set_of ? d->set_of[id] - 1 : -1;
}

static void remember_set(jirga_dict *d, const char *name, int index)
{
    char key[256];
    size_t n = set_key(key, name); /* name is at most 200 bytes (load_set) */
    word_id id = lex_intern(d->lex, key, n);
    if (id >= d->cap_set_of) {
        size_t old = d->cap_set_of, cap = id + 1024;
        d->set_of = xrealloc(d->set_of, cap * sizeof *d->set_of);
        memset(d->set_of + old, 0, (cap - old) * sizeof *d->set_of);
        d->cap_set_of = cap;
    }
    d->set_of[id] = index + 1;
}

static bool load_set(loader *ld, char *body)
{
    split_line sl;
    /* "set NAME = a | b": the name is before ' = ', the members after. */
    char *eq = strstr(body, " = ");
    if (!eq)
        return fail(ld, "expected 'set NAME = word | word'");
    *eq = 0;
    char *name = str_trim(body);
    if (*name == '&')
        name++;
    if (!*name || strchr(name, ' '))
        return fail(ld, "a set name is one word, such as AGREEMENT");
    if (strlen(name) > 200)
        return fail(ld, "a set name is at most 200 bytes");
    jirga_dict *d = ld->d;
    if (find_set(d, name) >= 0)
        return fail(ld, "set '%s' is defined twice", name);
    char *members = eq + 3;
    char tmp[8192];
    snprintf(tmp, sizeof tmp, "%s = x", members);
    if (!split_entry(ld, tmp, &sl))
        return false;
    GROW(d->sets, d->cap_sets, d->nsets + 1);
    word_set *s = &d->sets[d->nsets++];
    memset(s, 0, sizeof *s);
    s->name = arena_strdup(d, name);
    remember_set(d, name, (int)(d->nsets - 1));
    s->file = ld->file;
    s->line = ld->line;
    size_t members_size = (size_t)sl.nalts * sizeof *s->members;
    s->members = memset(arena_alloc(d, members_size), 0, members_size);
    for (int i = 0; i < sl.nalts; i++) {
        word_id words[16];
        int n = intern_words(ld, sl.alts[i], words, NULL, 16);
        if (n <= 0)
            return fail(ld, "cannot read set member '%s'", sl.alts[i]);
        s->members[i] = make_phrase(d, words, NULL, n);
        s->nmembers++;
        word_filter_add(&s->first, words[0]);
    }
    return true;
}

static bool load_form(loader *ld, char *body)
{
    split_line sl;
    if (!split_entry(ld, body, &sl))
        return false;
    if (strchr(sl.codes, ' '))
        return fail(ld, "a form's lemma is one word");
    char lemma[256], form[256];
    if (!lex_fold(sl.codes, strlen(sl.codes), lemma, sizeof lemma))
        return fail(ld, "lemma too long");
    for (int i = 0; i < sl.nalts; i++) {
        if (strchr(sl.alts[i], ' '))
            return fail(ld, "a form is one word");
        if (!lex_fold(sl.alts[i], strlen(sl.alts[i]), form, sizeof form))
            return fail(ld, "form too long");
        lex_add_form(ld->d->lex, form, lemma);
        ld->d->nforms++;
    }
    return true;
}

static bool parse_pattern_code(loader *ld, const char *codes, pattern *p)
{
    if (strcmp(codes, "---") == 0) {
        strcpy(p->code, "---");
        return true;
    }
    char a[16] = {0}, b[16] = {0};
    const char *colon = strchr(codes, ':');
    size_t la = colon ? (size_t)(colon - codes) : strlen(codes);
    if (la >= sizeof a || (colon && strlen(colon + 1) >= sizeof b))
        return fail(ld, "bad CAMEO code '%s'", codes);
    memcpy(a, codes, la);
    if (colon)
        strcpy(b, colon + 1);
    /* "---:041": only the reverse event ("received a call from X": X called the source) */
    if (colon && strcmp(a, "---") == 0 && dict_cameo(ld->d, b)) {
        strcpy(p->code, a);
        strcpy(p->code2, b);
        return true;
    }
    if (!dict_cameo(ld->d, a))
        return fail(ld, "unknown CAMEO code '%s' (see dictionaries/cameo.tsv)", a);
    if (colon && !dict_cameo(ld->d, b))
        return fail(ld, "unknown CAMEO code '%s' (see dictionaries/cameo.tsv)", b);
    strcpy(p->code, a);
    strcpy(p->code2, b);
    return true;
}

static bool parse_pattern(loader *ld, char *text, const char *codes)
{
    pattern p = {0};
    p.anchor_set = -1;
    p.file = ld->file;
    p.line = ld->line;
    if (!parse_pattern_code(ld, codes, &p))
        return false;
    pattern_elem elems[64];
    int n = 0;
    for (char *w, *rest = text; (w = next_field(&rest, ' ', '\t'));) {
        bool first_piece = true;
        /* '_' joins adjacent words; a set name may contain '_' itself (&R01_STATEMENT) */
        char joiner = w[0] == '&' ? 0 : '_';
        for (char *piece; (piece = next_field(&w, joiner, joiner));) {
            if (n == 64)
                return fail(ld, "pattern longer than 64 elements");
            pattern_elem e = {0};
            e.adjacent = !first_piece;
            first_piece = false;
            if (strcmp(piece, "$") == 0)
                e.kind = E_SOURCE;
            else if (strcmp(piece, "+") == 0)
                e.kind = E_TARGET;
            else if (strcmp(piece, "%") == 0)
                e.kind = E_COMPOUND;
            else if (piece[0] == '&') {
                e.kind = E_SET;
                e.set = find_set(ld->d, piece + 1);
                if (e.set < 0)
                    return fail(ld, "unknown set '%s' (sets must be defined before use, in sets.txt or "
                                    "earlier in the file)", piece);
            } else {
                char fold[256];
                size_t len = lex_fold(piece, strlen(piece), fold, sizeof fold);
                if (!len)
                    return fail(ld, "word too long in pattern");
                e.kind = E_WORD;
                e.word = lex_intern(ld->d->lex, fold, len);
            }
            elems[n++] = e;
        }
    }
    if (n == 0)
        return fail(ld, "empty pattern");
    bool has_source = false;
    for (int i = 0; i < n; i++) {
        if (elems[i].kind == E_SOURCE) {
            if (has_source)
                return fail(ld, "a pattern has at most one '$'");
            has_source = true;
        }
    }
    jirga_dict *d = ld->d;
    if (elems[0].kind == E_SOURCE || elems[0].kind == E_COMPOUND) {
        if (n < 2 || elems[1].kind != E_WORD)
            return fail(ld, "after '%s' comes the verb, a word", elems[0].kind == E_SOURCE ? "$" : "%");
        p.anchor = elems[1].word;
        if (lex_flags(d->lex, p.anchor) & (W_NEG | W_MODAL | W_DET | W_PREP | W_CONJ | W_PRON))
            return fail(ld, "the verb after '%s' is '%s', a grammar word; negation, modals and auxiliaries are "
                            "read by the engine: write the pattern with the main verb",
                        elems[0].kind == E_SOURCE ? "$" : "%", lex_word(d->lex, p.anchor));
        lex_add_flags(d->lex, p.anchor, W_VERB);
    } else {
        p.nominal = true;
        int k = 0;
        while (k < n && elems[k].kind != E_WORD && elems[k].kind != E_SET)
            k++;
        if (k == n)
            return fail(ld, "a pattern needs at least one word");
        if (elems[k].kind == E_WORD)
            p.anchor = elems[k].word;
        else
            p.anchor_set = elems[k].set;
    }
    p.elems = arena_alloc(d, (size_t)n * sizeof *p.elems);
    memcpy(p.elems, elems, (size_t)n * sizeof *elems);
    p.nelems = n;
    if (p.nominal) {
        GROW(d->nominals, d->cap_nominals, d->nnominals + 1);
        d->nominals[d->nnominals++] = p;
    } else {
        GROW(d->patterns, d->cap_patterns, d->npatterns + 1);
        d->patterns[d->npatterns++] = p;
    }
    return true;
}

static bool load_patterns(loader *ld, char *body)
{
    split_line sl;
    if (!split_entry(ld, body, &sl))
        return false;
    for (int i = 0; i < sl.nalts; i++) {
        char codes[32];
        str_copy(codes, sizeof codes, sl.codes); /* codes are ASCII: cut where snprintf would */
        if (!parse_pattern(ld, sl.alts[i], codes))
            return false;
    }
    return true;
}

/* ---- Files -------------------------------------------------------------------------- */

static bool load_line(loader *ld, char *line)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    char *s = str_trim(line);
    if (!*s)
        return true;
    char *sp = s;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    size_t klen = (size_t)(sp - s);
    char *body = str_trim(sp);
#define KIND(k) (klen == strlen(k) && strncmp(s, k, klen) == 0)
    if (KIND("actor"))
        return load_names(ld, body, PHRASE_ACTOR);
    if (KIND("person")) {
        if (!load_names(ld, body, PHRASE_ACTOR))
            return false;
        ld->d->actors[ld->d->nactors - 1].person = true;
        return true;
    }
    if (KIND("agent"))
        return load_names(ld, body, PHRASE_AGENT);
    if (KIND("discard"))
        return load_names(ld, body, PHRASE_DISCARD);
    if (KIND("count"))
        return load_names(ld, body, PHRASE_COUNT);
    if (KIND("refer"))
        return load_names(ld, body, PHRASE_REFER);
    if (KIND("pattern"))
        return load_patterns(ld, body);
    if (KIND("set"))
        return load_set(ld, body);
    if (KIND("form"))
        return load_form(ld, body);
#undef KIND
    return fail(ld, "unknown entry '%.*s': expected actor, person, agent, pattern, set, form, count, refer or discard",
                (int)klen, s);
}

/* Files are named in messages and events by the dictionary directory's last two
 * components and the path below it ("dictionaries/en/verbs/04.txt"), so output does not
 * depend on where the repository is. */
static const char *display_name(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    int slashes = 0;
    size_t k = n;
    while (k > 0) {
        if (dir[k - 1] == '/' && ++slashes == 2)
            break;
        k--;
    }
    return path + k;
}

static bool load_file(loader *ld, const char *path, const char *dir)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(ld->err->message, sizeof ld->err->message, "%s: cannot open: %s", path, strerror(errno));
        ld->err->code = 1;
        return false;
    }
    jirga_dict *d = ld->d;
    d->files = xrealloc(d->files, (d->nfiles + 1) * sizeof *d->files);
    d->files[d->nfiles++] = xstrdup(display_name(dir, path));
    ld->file = d->files[d->nfiles - 1];
    ld->line = 0;
    size_t size;
    char *text = read_rest(f, &size), *end = text + size;
    fclose(f);
    bool ok = true;
    /* line by line as getline reads them, each newline made a NUL (end is one already) */
    for (char *line = text, *next; ok && line < end; line = next) {
        char *newline = memchr(line, '\n', (size_t)(end - line));
        next = newline ? newline + 1 : end;
        if (newline)
            *newline = 0;
        size_t len = (size_t)((newline ? newline : end) - line);
        ld->line++;
        if (len == 0)
            continue;
        if (memchr(line, 0, len))
            ok = fail(ld, "a NUL byte in the line");
        else
            ok = load_line(ld, line);
    }
    free(text);
    return ok;
}

/* Collects *.txt below dir in sorted order; sets.txt first so patterns may use its sets. */
static void collect(const char *dir, char ***paths, size_t *n)
{
    struct dirent **list = NULL;
    int count = scandir(dir, &list, NULL, alphasort);
    if (count < 0)
        return;
    for (int i = 0; i < count; i++) {
        const char *name = list[i]->d_name;
        if (name[0] == '.') {
            free(list[i]);
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(path, paths, n);
        } else {
            size_t len = strlen(name);
            if (len > 4 && strcmp(name + len - 4, ".txt") == 0) {
                *paths = xrealloc(*paths, (*n + 1) * sizeof **paths);
                (*paths)[(*n)++] = xstrdup(path);
            }
        }
        free(list[i]);
    }
    free(list);
}

static bool is_sets_file(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, "sets.txt") == 0;
}

/* ---- Indexes ------------------------------------------------------------------------ */

/* The loader's sorts are counting sorts: every key is a small integer (a word id, a
 * length, a kind), so records are placed by counting, without a comparison each. */

/* Reorders the n indices of order stably by key[index] (each below nkeys); tmp has room
 * for n. */
static void order_by_key(uint32_t *order, uint32_t *tmp, size_t n, const uint32_t *key, size_t nkeys)
{
    uint32_t *start = xcalloc(nkeys + 1, sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[key[i] + 1]++;
    for (size_t k = 1; k <= nkeys; k++)
        start[k] += start[k - 1];
    for (size_t i = 0; i < n; i++)
        tmp[start[key[order[i]]]++] = order[i];
    memcpy(order, tmp, n * sizeof *order);
    free(start);
}

/* Sorts the n records of size bytes at base by primary[i] (each below nprimary), then by
 * secondary[i] (below nsecondary; NULL: none), then by their place in base: a stable
 * sort, as two passes of a radix sort, the minor key first. */
static void sort_records(void *base, size_t n, size_t size, const uint32_t *primary, size_t nprimary,
                         const uint32_t *secondary, size_t nsecondary)
{
    if (n < 2)
        return;
    uint32_t *order = xmalloc(n * sizeof *order), *tmp = xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    if (secondary)
        order_by_key(order, tmp, n, secondary, nsecondary);
    order_by_key(order, tmp, n, primary, nprimary);
    char *sorted = xmalloc(n * size);
    for (size_t i = 0; i < n; i++)
        memcpy(sorted + i * size, (char *)base + (size_t)order[i] * size, size);
    memcpy(base, sorted, n * size);
    free(sorted);
    free(tmp);
    free(order);
}

/* Phrases by first word, longest first, then by kind and entry. Entries are numbered in
 * the order they are read, one kind at a time, and so are their phrases: the stable sort
 * by (first word, length, kind) leaves each kind's phrases in entry order. */
static void sort_phrases(jirga_dict *d, size_t nwords)
{
    size_t n = d->nphrases;
    uint32_t *word = xmalloc((n + 1) * sizeof *word), *length_kind = xmalloc((n + 1) * sizeof *length_kind);
    for (size_t i = 0; i < n; i++) {
        const phrase *p = &d->phrases[i];
        word[i] = p->head[0]; /* a word id, at most nwords - 1 */
        length_kind[i] = (uint32_t)(32 - p->nwords) * 8 + p->kind; /* nwords 1..32, kind < 8 */
    }
    sort_records(d->phrases, n, sizeof *d->phrases, word, nwords, length_kind, 33 * 8);
    free(word);
    free(length_kind);
}

/* Patterns by anchor word, those anchored on a set last, most elements first; then in
 * the order they were read (file, then line), which the stable sort keeps. */
static void sort_patterns(pattern *ps, size_t n, size_t nwords)
{
    uint32_t *anchor = xmalloc((n + 1) * sizeof *anchor), *length = xmalloc((n + 1) * sizeof *length);
    for (size_t i = 0; i < n; i++) {
        anchor[i] = ps[i].anchor_set >= 0 ? (uint32_t)nwords : ps[i].anchor; /* anchor < nwords */
        length[i] = (uint32_t)(64 - ps[i].nelems); /* nelems 1..64 */
    }
    sort_records(ps, n, sizeof *ps, anchor, nwords + 1, length, 64);
    free(anchor);
    free(length);
}

static uint32_t *build_index(size_t nwords, size_t n, const void *items, size_t size, size_t key_offset,
                             size_t stop)
{
    uint32_t *start = xcalloc(nwords + 2, sizeof *start);
    /* count per key, then prefix sums: start[w]..start[w+1] */
    for (size_t i = 0; i < stop && i < n; i++) {
        word_id w;
        memcpy(&w, (const char *)items + i * size + key_offset, sizeof w);
        start[w + 1]++;
    }
    for (size_t w = 1; w < nwords + 2; w++)
        start[w] += start[w - 1];
    return start;
}

/* Do two phrases of equal length have the same words? */
static bool same_words(const phrase *a, const phrase *b)
{
    for (int k = 0; k < a->nwords; k++)
        if (phrase_word(a, k) != phrase_word(b, k))
            return false;
    return true;
}

static void warn_duplicates(loader *ld)
{
    jirga_dict *d = ld->d;
    for (size_t i = 1; i < d->nphrases; i++) {
        const phrase *a = &d->phrases[i - 1], *b = &d->phrases[i];
        if (a->kind != b->kind || a->nwords != b->nwords || a->kind == PHRASE_DISCARD || a->kind == PHRASE_COUNT ||
            a->kind == PHRASE_REFER)
            continue;
        if (!same_words(a, b) || a->entry == b->entry)
            continue;
        const dict_entry *ea = a->kind == PHRASE_ACTOR ? &d->actors[a->entry] : &d->agents[a->entry];
        const dict_entry *eb = b->kind == PHRASE_ACTOR ? &d->actors[b->entry] : &d->agents[b->entry];
        ld->file = eb->file;
        ld->line = eb->line;
        sbuf name = {0};
        for (int k = 0; k < a->nwords; k++)
            sbuf_printf(&name, "%s%s", k ? " " : "", lex_word(d->lex, phrase_word(a, k)));
        warn(ld, "'%s' is also defined at %s:%d; the first definition is used", name.data, ea->file, ea->line);
        sbuf_free(&name);
    }
}

/* Each pattern's filter holds up to four of its words and sets, the least common first,
 * so that a clause lacking any of them skips the pattern at once. The anchor is left
 * out: the clause has it, or the pattern would not be tried. Words other than
 * prepositions come first (the fewer patterns use a word, the rarer it is taken to be),
 * then sets, then prepositions, which nearly every clause has. */
static void choose_filter_words(jirga_dict *d, pattern *ps, size_t n, const uint32_t *uses)
{
    for (size_t i = 0; i < n; i++) {
        pattern *p = &ps[i];
        /* the four elements of least rank in rank order, the earlier first among equals:
         * each is placed after those of a rank not above its own (an insertion sort that
         * keeps four) */
        int best[4];
        uint64_t best_rank[4];
        int nbest = 0;
        for (int e = 0; e < p->nelems; e++) {
            const pattern_elem *el = &p->elems[e];
            if ((el->kind == E_WORD && el->word == p->anchor) || (el->kind != E_WORD && el->kind != E_SET))
                continue;
            uint64_t rank = el->kind == E_SET ? 1ULL << 32 : el->prep ? (2ULL << 32) + uses[el->word] : uses[el->word];
            if (nbest == 4 && rank >= best_rank[3])
                continue;
            int k = nbest < 4 ? nbest++ : 3;
            for (; k > 0 && best_rank[k - 1] > rank; k--) {
                best[k] = best[k - 1];
                best_rank[k] = best_rank[k - 1];
            }
            best[k] = e;
            best_rank[k] = rank;
        }
        p->nneed = (uint8_t)nbest;
        for (int k = 0; k < nbest; k++) {
            const pattern_elem *el = &p->elems[best[k]];
            p->need[k] = el->kind == E_SET ? d->sets[el->set].bit : dict_word_bit(el->word);
        }
    }
}

/* A set's bit, filed under the first word of one of its members. */
typedef struct word_bit {
    word_id word;
    uint16_t bit;
} word_bit;

/* The sets' own filter bits, and for each word the masks of the sets it may start: the
 * (first word, set bit) pairs of every member, sorted by word, become one mask per word of
 * the filter they fall in (a content word starts members of up to dozens of sets, whose
 * bits share fewer filter words). A word's masks are an OR of its pairs' bits, so the
 * order of its pairs does not matter. */
static void build_set_masks(jirga_dict *d, size_t nwords)
{
    for (size_t id = 1; id < d->cap_set_of; id++)
        if (d->set_of[id])
            d->sets[d->set_of[id] - 1].bit = dict_word_bit((uint32_t)id);
    word_bit *pairs = NULL;
    uint32_t *words = NULL;
    size_t npairs = 0, cap = 0, cap_words = 0;
    for (size_t i = 0; i < d->nsets; i++)
        for (int m = 0; m < d->sets[i].nmembers; m++) {
            word_id w = d->sets[i].members[m].head[0];
            if (w > nwords)
                continue;
            GROW(pairs, cap, npairs + 1);
            GROW(words, cap_words, npairs + 1);
            words[npairs] = w;
            pairs[npairs++] = (word_bit){w, d->sets[i].bit};
        }
    sort_records(pairs, npairs, sizeof *pairs, words, nwords + 1, NULL, 0);
    free(words);
    d->set_start = xcalloc(nwords + 2, sizeof *d->set_start);
    d->set_masks = xmalloc((npairs + 1) * sizeof *d->set_masks); /* a mask per pair at most */
    uint32_t n = 0;
    for (size_t w = 0, i = 0; w <= nwords; w++) {
        d->set_start[w] = n;
        uint64_t merged[16] = {0};
        for (; i < npairs && pairs[i].word == w; i++)
            merged[pairs[i].bit >> 6] |= 1ULL << (pairs[i].bit & 63);
        for (uint8_t k = 0; k < 16; k++)
            if (merged[k])
                d->set_masks[n++] = (filter_mask){merged[k], k};
    }
    d->set_start[nwords + 1] = n;
    free(pairs);
}

static void build_filters(jirga_dict *d, size_t nwords)
{
    uint32_t *uses = xcalloc(nwords + 1, sizeof *uses);
    for (size_t i = 0; i < d->npatterns + d->nnominals; i++) {
        pattern *p = i < d->npatterns ? &d->patterns[i] : &d->nominals[i - d->npatterns];
        for (int e = 0; e < p->nelems; e++) {
            pattern_elem *el = &p->elems[e];
            el->prep = el->kind == E_WORD && (lex_flags(d->lex, el->word) & W_PREP);
            if (el->kind == E_WORD)
                uses[el->word]++;
        }
    }
    build_set_masks(d, nwords);
    choose_filter_words(d, d->patterns, d->npatterns, uses);
    choose_filter_words(d, d->nominals, d->nnominals, uses);
    free(uses);
}

static pattern_needs *pattern_needs_of(const pattern *ps, size_t n)
{
    pattern_needs *needs = xcalloc(n + 1, sizeof *needs);
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++)
            needs[i].bit[k] = k < ps[i].nneed ? ps[i].need[k] : NO_FILTER_BIT;
        needs[i].elems = ps[i].elems;
    }
    return needs;
}

/* Groups the patterns of each verb that has many by the first bit of their filters
 * (pattern_buckets): a counting sort per verb, which keeps each group in pattern order. */
static void build_buckets(jirga_dict *d, size_t nwords)
{
    d->buckets_of = xcalloc(nwords + 2, sizeof *d->buckets_of);
    size_t nbuckets = 0, cap_buckets = 0, ngroups = 0, cap_start = 0, cap_members = 0;
    uint32_t nmembers = 0, *fill = NULL;
    size_t cap_fill = 0;
    for (size_t w = 1; w <= d->index_words; w++) {
        uint32_t first = d->verb_start[w], np = d->verb_start[w + 1] - first;
        if (np < BUCKETS_MIN_PATTERNS || np > BUCKETS_MAX_PATTERNS)
            continue;
        GROW(d->buckets, cap_buckets, nbuckets + 1);
        pattern_buckets *b = &d->buckets[nbuckets++];
        memset(b, 0, sizeof *b);
        d->buckets_of[w] = (uint32_t)nbuckets;
        const pattern_needs *needs = d->verb_needs + first;
        for (uint32_t i = 0; i < np; i++)
            if (needs[i].bit[0] != NO_FILTER_BIT)
                b->first_bits[needs[i].bit[0] >> 6] |= 1ULL << (needs[i].bit[0] & 63);
        uint32_t bits = 0;
        for (int k = 0; k < 16; k++) {
            b->before[k] = (uint16_t)bits;
            bits += dict_popcount(b->first_bits[k]);
        }
        b->bucket = (uint32_t)ngroups;
        b->unfiltered = b->bucket + bits;
        ngroups += bits + 1;
        /* bucket_start[g + 1] counts group g, then becomes where group g + 1 starts */
        GROW(d->bucket_start, cap_start, ngroups + 1);
        GROW(fill, cap_fill, ngroups + 1);
        for (size_t g = b->bucket; g <= ngroups; g++)
            d->bucket_start[g] = 0;
        for (uint32_t i = 0; i < np; i++)
            d->bucket_start[(needs[i].bit[0] == NO_FILTER_BIT ? b->unfiltered : dict_bucket_of(b, needs[i].bit[0])) + 1]++;
        d->bucket_start[b->bucket] = nmembers;
        for (size_t g = b->bucket + 1; g <= ngroups; g++)
            d->bucket_start[g] += d->bucket_start[g - 1];
        memcpy(fill + b->bucket, d->bucket_start + b->bucket, (ngroups - b->bucket) * sizeof *fill);
        nmembers += np;
        GROW(d->bucket_members, cap_members, nmembers);
        for (uint32_t i = 0; i < np; i++) {
            bucket_member *m = &d->bucket_members[fill[needs[i].bit[0] == NO_FILTER_BIT ? b->unfiltered
                                                                                      : dict_bucket_of(b, needs[i].bit[0])]++];
            m->index = (uint16_t)i;
            memcpy(m->bit, needs[i].bit + 1, sizeof m->bit);
            m->elems = needs[i].elems;
        }
    }
    free(fill);
}

/* Moves the phrases to memory aligned to a cache line: a phrase record (32 bytes) then
 * lies within one line, where at malloc's alignment of 16 every other one would straddle
 * two, and a lookup would miss on both. Left where they are if there is no memory. */
static void align_phrases(jirga_dict *d)
{
    _Static_assert(64 % sizeof(phrase) == 0, "phrase records tile a cache line");
    size_t bytes = (d->nphrases * sizeof(phrase) + 63) / 64 * 64; /* aligned_alloc wants a multiple */
    phrase *aligned = bytes ? aligned_alloc(64, bytes) : NULL;
    if (!aligned)
        return;
    memcpy(aligned, d->phrases, d->nphrases * sizeof(phrase));
    free(d->phrases);
    d->phrases = aligned;
    d->cap_phrases = bytes / sizeof(phrase);
}

static void build_indexes(loader *ld)
{
    jirga_dict *d = ld->d;
    size_t nwords = lex_size(d->lex) + 1;
    d->index_words = lex_size(d->lex);
    build_filters(d, nwords);
    sort_phrases(d, nwords);
    align_phrases(d);
    warn_duplicates(ld);
    word_phrases *wp = d->word_phrases = xcalloc(nwords + 2, sizeof *d->word_phrases);
    for (size_t i = 0; i < d->nphrases; i++) {
        const phrase *p = &d->phrases[i];
        uint32_t kind = 1u << p->kind;
        wp[p->head[0] + 1].start++;
        wp[p->head[0]].facts |= kind;
        if (p->nwords > 1)
            wp[p->head[1]].facts |= kind << FACTS_SECOND;
        else
            wp[p->head[0]].facts |= kind << FACTS_ALONE;
    }
    for (size_t w = 1; w <= nwords; w++)
        if (d->set_start[w + 1] > d->set_start[w])
            wp[w].facts |= STARTS_SET_MEMBER;
    for (size_t w = 1; w < nwords + 2; w++)
        wp[w].start += wp[w - 1].start;
    /* The lexicon hands the facts to the tokens of each sentence (token.tags); set here,
     * before any coder exists, so before any form cache is filled. */
    for (word_id w = 1; w <= d->index_words; w++)
        lex_set_tag(d->lex, w, wp[w].facts);

    sort_patterns(d->patterns, d->npatterns, nwords);
    sort_patterns(d->nominals, d->nnominals, nwords);
    d->verb_start = build_index(nwords, d->npatterns, d->patterns, sizeof(pattern), offsetof(pattern, anchor),
                                d->npatterns);
    d->nominal_set_from = d->nnominals;
    for (size_t i = 0; i < d->nnominals; i++)
        if (d->nominals[i].anchor_set >= 0) {
            d->nominal_set_from = i;
            break;
        }
    d->nominal_start = build_index(nwords, d->nnominals, d->nominals, sizeof(pattern),
                                   offsetof(pattern, anchor), d->nominal_set_from);
    d->verb_needs = pattern_needs_of(d->patterns, d->npatterns);
    d->nominal_needs = pattern_needs_of(d->nominals, d->nnominals);
    build_buckets(d, nwords);
    for (size_t i = 0; i < d->npatterns; i++) {
        cameo_code *c = (cameo_code *)dict_cameo(d, d->patterns[i].code);
        if (c)
            c->patterns++;
    }
    for (size_t i = 0; i < d->nnominals; i++) {
        cameo_code *c = (cameo_code *)dict_cameo(d, d->nominals[i].code);
        if (c)
            c->patterns++;
    }
}

bool dict_is_organisation(const char *code)
{
    static const char *const roles[] = {"INS", "REB", "SEP", "UAF", "OPP", "PTY", "CRM", "NGO"};
    if (!str_len_at_least(code, 6))
        return false;
    /* six characters or more, none NUL: a memcmp of three bytes is strncmp's answer,
     * without a call for each role */
    if (!memcmp(code, "IGO", 3) || !memcmp(code, "NGO", 3) || !memcmp(code, "IMG", 3))
        return true;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!memcmp(code + 3, roles[i], 3))
            return true;
    return false;
}

const pattern *dict_set_nominal_patterns(const jirga_dict *d, size_t *count)
{
    if (!d->nominals) {
        *count = 0;
        return NULL;
    }
    *count = d->nnominals - d->nominal_set_from;
    return d->nominals + d->nominal_set_from;
}

/* ---- Public API --------------------------------------------------------------------- */

jirga_dict *jirga_dict_load(const char *dir, const jirga_dict_options *opts, jirga_error *err)
{
    jirga_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    jirga_dict *d = xcalloc(1, sizeof *d);
    d->lex = lex_new();
    lex_load_wordnet(d->lex, opts && opts->wordnet_dir ? opts->wordnet_dir : "/usr/share/wordnet");

    char cameo_path[4096];
    if (opts && opts->cameo_table)
        snprintf(cameo_path, sizeof cameo_path, "%s", opts->cameo_table);
    else
        snprintf(cameo_path, sizeof cameo_path, "%s/../cameo.tsv", dir);
    if (!load_cameo(d, cameo_path, err)) {
        jirga_dict_free(d);
        return NULL;
    }
    index_cameo(d);
    char intent_path[4096];
    snprintf(intent_path, sizeof intent_path, "%s/../intent.tsv", dir);
    if (!load_intents(d, intent_path, err)) {
        jirga_dict_free(d);
        return NULL;
    }

    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err->message, sizeof err->message, "%s: not a dictionary directory", dir);
        err->code = 1;
        jirga_dict_free(d);
        return NULL;
    }
    char **paths = NULL;
    size_t npaths = 0;
    collect(dir, &paths, &npaths);
    loader ld = {.d = d, .err = err, .opts = opts};
    bool ok = true;
    for (int pass = 0; pass < 2 && ok; pass++) /* sets.txt first */
        for (size_t i = 0; i < npaths && ok; i++)
            if (is_sets_file(paths[i]) == (pass == 0))
                ok = load_file(&ld, paths[i], dir);
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    free(ld.tokens);
    free(ld.codes);
    if (!ok) {
        jirga_dict_free(d);
        return NULL;
    }
    if (npaths == 0) {
        snprintf(err->message, sizeof err->message, "%s: no dictionary files (*.txt) found", dir);
        err->code = 1;
        jirga_dict_free(d);
        return NULL;
    }
    build_indexes(&ld);
    char places_path[4096];
    if (opts && opts->places)
        snprintf(places_path, sizeof places_path, "%s", opts->places);
    else
        snprintf(places_path, sizeof places_path, "%s/../gen/places.tsv", dir);
    load_places(d, places_path, opts);
    find_capitals(d);
    return d;
}

jirga_dict *jirga_dict_load_peer(const jirga_peer_files *files, const jirga_dict_options *opts, jirga_error *err)
{
    jirga_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    int format = 0;
    if (files->format && strcmp(files->format, "tabari") == 0)
        format = TAB_FORMAT_TABARI;
    else if (files->format && strcmp(files->format, "petrarch") == 0)
        format = TAB_FORMAT_PETRARCH;
    else {
        snprintf(err->message, sizeof err->message, "dictionary format is tabari or petrarch, not '%s'",
                 files->format ? files->format : "");
        err->code = 1;
        return NULL;
    }
    tab_files tf = {0};
    char paths[16][4096];
    if (files->project && !tab_read_project(files->project, &tf, paths, 16, err))
        return NULL;
    for (int i = 0; i < files->nactors && tf.nactors < 8; i++)
        tf.actors[tf.nactors++] = files->actors[i];
    if (files->agents)
        tf.agents = files->agents;
    if (files->verbs)
        tf.verbs = files->verbs;
    if (files->discards)
        tf.discards = files->discards;
    if (files->options)
        tf.options = files->options;
    jirga_dict *d = xcalloc(1, sizeof *d);
    d->lex = lex_new();
    if (opts && opts->cameo_table) {
        if (!load_cameo(d, opts->cameo_table, err)) {
            jirga_dict_free(d);
            return NULL;
        }
        index_cameo(d);
    }
    d->peer = tab_dict_load(format, &tf, opts ? opts->warn : NULL, opts ? opts->warn_ctx : NULL, err);
    if (!d->peer) {
        jirga_dict_free(d);
        return NULL;
    }
    /* which CAMEO codes the peer's verbs and patterns cover, for `jirga dict stats` */
    for (size_t i = 0; i < d->peer->npatterns + d->peer->nverbs; i++) {
        const tab_code *c = i < d->peer->npatterns ? &d->peer->patterns[i].code
                                                   : &d->peer->verbs[i - d->peer->npatterns].code;
        const char *codes[2] = {c->code, c->code2};
        for (int k = 0; k < 2; k++) {
            cameo_code *cc = (cameo_code *)dict_cameo(d, codes[k]);
            if (c->special == TC_EVENT && codes[k][0] && cc)
                cc->patterns++;
        }
    }
    return d;
}

void jirga_dict_free(jirga_dict *d)
{
    if (!d)
        return;
    lex_free(d->lex);
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    free(d->actors); /* the entries' codes, the phrases' words past the head, the patterns'
                        elements and the sets' members are in the arena */
    free(d->agents);
    free(d->discards);
    free(d->counts);
    free(d->refers);
    free(d->phrases);
    free(d->word_phrases);
    free(d->set_start);
    free(d->set_masks);
    free(d->patterns);
    free(d->verb_start);
    free(d->verb_needs);
    free(d->buckets);
    free(d->buckets_of);
    free(d->bucket_start);
    free(d->bucket_members);
    free(d->nominal_needs);
    free(d->nominals);
    free(d->nominal_start);
    free(d->sets);
    free(d->set_of);
    free(d->cameo);
    free(d->cameo_by_number);
    free(d->intents);
    free(d->places);
    free(d->places_text);
    free(d->capitals);
    free(d->capital_of);
    tab_dict_free(d->peer);
    arena_free(d);
    free(d);
}

void jirga_dict_get_stats(const jirga_dict *d, jirga_dict_stats *s)
{
    memset(s, 0, sizeof *s);
    s->actors = d->nactors;
    s->agents = d->nagents;
    for (size_t i = 0; i < d->nphrases; i++)
        if (d->phrases[i].kind == PHRASE_ACTOR)
            s->actor_names++;
    s->patterns = d->npatterns + d->nnominals;
    s->nominal_patterns = d->nnominals;
    s->sets = d->nsets;
    s->discards = d->ndiscards;
    s->forms = d->nforms;
    if (d->peer) {
        for (size_t i = 0; i < d->peer->nentries; i++) {
            int k = d->peer->entries[i].kind;
            s->actor_names += k == TK_ACTOR;
            s->agents += k == TK_AGENT;
            s->discards += k == TK_DISCARD;
            s->forms += k == TK_VERB;
        }
        s->actors = d->peer->ncodes;
        s->patterns = d->peer->npatterns;
        s->sets = d->peer->nsets;
    }
    s->cameo_codes = d->ncameo;
    for (size_t i = 0; i < d->ncameo; i++) {
        const cameo_code *c = &d->cameo[i];
        bool covered = c->patterns > 0;
        /* A root (two digits) is covered when any code under it is. */
        for (size_t k = i + 1; !covered && strlen(c->code) == 2 && k < d->ncameo &&
                               strncmp(d->cameo[k].code, c->code, 2) == 0;
             k++)
            covered = d->cameo[k].patterns > 0;
        if (!covered && s->uncovered_codes < sizeof s->uncovered / sizeof s->uncovered[0])
            s->uncovered[s->uncovered_codes++] = c->code;
    }
}

bool jirga_cameo_info(const jirga_dict *d, const char *code, const char **label, int *quad, double *goldstein)
{
    const cameo_code *c = dict_cameo(d, code);
    if (!c)
        return false;
    if (label)
        *label = c->label;
    if (quad)
        *quad = c->quad;
    if (goldstein)
        *goldstein = c->goldstein;
    return true;
}
