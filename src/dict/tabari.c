/*
 * tabari.c — readers of the TABARI and PETRARCH dictionary languages (see tabari.h and
 * docs/compat.md): .actors with synonyms and date restrictions, .agents with '~' codes,
 * substitution markers and plurals, .verbs with synsets, irregular forms, compound verbs,
 * alternatives and patterns, discards, .options and .project files. A line that cannot
 * be read stops loading with "file:line: message"; what TABARI only warns about
 * (duplicates, lines it skips) is passed to the warning callback and loading goes on.
 */
#include "tabari.h"

#include "../base/base.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LINE = 4096, MAX_EXPANSIONS = 64 };

typedef struct reader {
    tab_dict *d;
    jirga_error *err;
    void (*warn)(void *, const char *);
    void *warn_ctx;
    const char *file;
    int line;
    int order;
    bool unknown_set; /* the last phrase failed on an unknown synset */
    bool bad_date;    /* the last code failed on its date restriction */
    int skipped;      /* PETRARCH lines skipped */
} reader;

static bool fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err->message, sizeof r->err->message, "%s:%d: ", r->file, r->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof r->err->message)
        vsnprintf(r->err->message + n, sizeof r->err->message - (size_t)n, fmt, ap);
    va_end(ap);
    r->err->code = 1;
    return false;
}

static void warn(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(reader *r, const char *fmt, ...)
{
    if (!r->warn)
        return;
    char msg[700];
    int n = snprintf(msg, sizeof msg, "%s:%d: warning: ", r->file, r->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof msg)
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    r->warn(r->warn_ctx, msg);
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* ---- Codes -------------------------------------------------------------------------- */

/* YYMMDD (pivot: 00-30 is 2000-2030) or YYYYMMDD to YYYYMMDD; 0 when malformed. */
static int parse_tab_date(const char *s, size_t n)
{
    if (n != 6 && n != 8)
        return 0;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (n == 6) {
        int yy = v / 10000;
        v += (yy <= 30 ? 20000000 : 19000000);
    } else if (n != 8)
        return 0;
    int m = v / 100 % 100, dd = v % 100;
    if (m < 1 || m > 12 || dd < 1 || dd > 31)
        return 0;
    return v;
}

/* Reads the inside of one [...] block: a code with '?', '!', ':code2', or ---, ###, +++,
 * and for actors a date restriction ("HOB <950601", "HOBGOV 950601 - 990815"). */
static bool parse_code(reader *r, const char *in, tab_dated *out, bool dates)
{
    memset(out, 0, sizeof *out);
    r->bad_date = false;
    char buf[256];
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < sizeof buf; p++)
        if (*p != ' ' && *p != '\t')
            buf[n++] = *p;
    buf[n] = 0;
    char *date = NULL;
    if (dates) {
        char *lt = strpbrk(buf, "<>");
        if (lt)
            date = lt;
        else {
            /* a range at the end: digits '-' digits */
            char *dash = strrchr(buf, '-');
            if (dash && dash > buf && isdigit((unsigned char)dash[-1]) && isdigit((unsigned char)dash[1])) {
                char *q = dash;
                while (q > buf && isdigit((unsigned char)q[-1]))
                    q--;
                date = q;
            }
        }
    }
    char code[128];
    size_t cn = date ? (size_t)(date - buf) : n;
    if (cn >= sizeof code)
        return fail(r, "code too long");
    memcpy(code, buf, cn);
    code[cn] = 0;
    if (cn && strspn(code, "-") == cn) {
        out->code.special = TC_NULL;
        strcpy(out->code.code, "---");
    } else if (strcmp(code, "###") == 0) {
        out->code.special = TC_DISCARD;
        strcpy(out->code.code, "###");
    } else if (strcmp(code, "+++") == 0) {
        out->code.special = TC_COMPLEX;
        strcpy(out->code.code, "+++");
    } else {
        if (!cn)
            return fail(r, date ? "date restriction without a code" : "empty code block []");
        size_t len = cn;
        if (len && code[len - 1] == '?') {
            out->code.subordinate = true;
            code[--len] = 0;
        }
        if (len && code[len - 1] == '!') {
            out->code.dominant = true;
            code[--len] = 0;
        }
        char *colon = strchr(code, ':');
        if (colon) {
            *colon = 0;
            if (strlen(colon + 1) >= sizeof out->code.code2)
                return fail(r, "code '%s' is too long", colon + 1);
            str_copy(out->code.code2, sizeof out->code.code2, colon + 1);
        }
        if (strlen(code) >= sizeof out->code.code)
            return fail(r, "code '%s' is too long", code);
        str_copy(out->code.code, sizeof out->code.code, code);
        for (const char *q = in; *q; q++)
            if (!isalnum((unsigned char)*q) && !strchr("~/-_:?!<> \t", *q))
                return fail(r, "bad character '%c' in code block [%s]", *q, in);
        if (!out->code.code[0] && !out->code.code2[0])
            return fail(r, "empty code block []");
    }
    if (!date)
        return true;
    if (date[0] == '<' || date[0] == '>') {
        int v = parse_tab_date(date + 1, strlen(date + 1));
        if (!v)
            return r->bad_date = true, fail(r, "bad date restriction '%s'", date);
        if (date[0] == '<')
            out->until = v;
        else
            out->from = v;
        return true;
    }
    char *dash = strchr(date, '-');
    int a = dash ? parse_tab_date(date, (size_t)(dash - date)) : 0, b = dash ? parse_tab_date(dash + 1, strlen(dash + 1)) : 0;
    if (!a || !b)
        return r->bad_date = true, fail(r, "bad date restriction '%s'", date);
    out->from = a;
    out->until = b;
    return true;
}

const tab_code *tab_code_on(const tab_codes *c, int date)
{
    const tab_code *fallback = NULL;
    for (int i = 0; i < c->n; i++) {
        const tab_dated *x = &c->codes[i];
        if (!x->from && !x->until) {
            if (!fallback)
                fallback = &x->code;
            continue;
        }
        if (date && (!x->from || date >= x->from) && (!x->until || date <= x->until))
            return &x->code;
    }
    return fallback;
}

/* ---- Phrases ------------------------------------------------------------------------ */

static int find_set(const tab_dict *d, const char *name, size_t n)
{
    for (size_t i = 0; i < d->nsets; i++)
        if (strlen(d->sets[i].name) == n && memcmp(d->sets[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

static void free_phrase(tab_phrase *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->words[i].text);
    free(p->words);
    p->words = NULL;
    p->n = 0;
}

/* Parses "A_B C~_D *_BY_$ &SET" into elements. Slots are allowed when patterns is true. */
static bool parse_phrase(reader *r, const char *text, tab_phrase *out, bool patterns)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *tok = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t tlen = (size_t)(p - tok);
        bool first_piece = true;
        size_t i = 0;
        while (i < tlen) {
            size_t j = i;
            while (j < tlen && tok[j] != '_')
                j++;
            size_t plen = j - i;
            const char *piece = tok + i;
            bool followed = j < tlen; /* an '_' follows this piece */
            if (plen > 0) {
                GROW(out->words, cap, (size_t)out->n + 1);
                tab_word *w = &out->words[out->n];
                memset(w, 0, sizeof *w);
                w->adjacent = !first_piece && out->n > 0;
                bool slot = plen == 1 && strchr("*$+%^", piece[0]);
                if (slot) {
                    if (!patterns)
                        return free_phrase(out), fail(r, "'%c' outside a pattern", piece[0]);
                    w->kind = piece[0] == '*'   ? TW_VERB
                              : piece[0] == '$' ? TW_SOURCE
                              : piece[0] == '+' ? TW_TARGET
                              : piece[0] == '%' ? TW_COMPOUND
                                                : TW_SKIP;
                } else if (piece[0] == '&') {
                    int s = find_set(r->d, piece + 1, plen - 1);
                    if (s < 0) {
                        r->unknown_set = true;
                        return free_phrase(out), fail(r, "unknown synset '&%.*s'", (int)(plen - 1), piece + 1);
                    }
                    w->kind = TW_SET;
                    w->set = s;
                } else {
                    w->kind = TW_WORD;
                    size_t wl = plen;
                    bool stem_tilde = piece[wl - 1] == '~';
                    if (stem_tilde)
                        wl--;
                    if (wl && piece[wl - 1] == '=') {
                        w->noend = true;
                        w->exact = true;
                        wl--;
                    }
                    if (wl == 0)
                        return free_phrase(out), fail(r, "empty word in '%.*s'", (int)tlen, tok);
                    w->text = xstrndup(piece, wl);
                    upper(w->text);
                    if (followed && !stem_tilde)
                        w->exact = true;
                }
                out->n++;
                first_piece = false;
            } else if (i == 0 && j < tlen) {
                /* a token starting with '_': joined to the previous token */
                first_piece = false;
            }
            i = j + 1;
        }
    }
    if (out->n == 0)
        return free_phrase(out), fail(r, "empty phrase");
    return true;
}

/* Canonical text of a phrase, for duplicate warnings. */
static void phrase_key(const tab_phrase *p, sbuf *b)
{
    sbuf_reset(b);
    for (int i = 0; i < p->n; i++) {
        const tab_word *w = &p->words[i];
        if (i)
            sbuf_addc(b, w->adjacent ? '_' : ' ');
        if (w->kind == TW_WORD)
            sbuf_adds(b, w->text);
        else
            sbuf_printf(b, "#%d.%d", w->kind, w->set);
        if (w->exact)
            sbuf_addc(b, '=');
    }
}

/* '+' before a word marks the verb of a compound verb ("+CORDON_OFF", "ASK_+FOR"): removes
 * it from buf and returns the index of that word (0 without a '+'). */
static int plus_verb_word(char *buf)
{
    char *plus = strchr(buf, '+');
    if (!plus)
        return 0;
    int words = 0;
    for (char *p = buf; p < plus; p++)
        if ((*p == '_' || *p == ' ') && p > buf && p[-1] != '_' && p[-1] != ' ')
            words++;
    memmove(plus, plus + 1, strlen(plus));
    return words;
}

static tab_entry *add_entry(reader *r, tab_phrase *ph, int kind, int index)
{
    tab_dict *d = r->d;
    GROW(d->entries, d->cap_entries, d->nentries + 1);
    tab_entry *e = &d->entries[d->nentries++];
    memset(e, 0, sizeof *e);
    e->ph = *ph;
    memset(ph, 0, sizeof *ph);
    e->kind = (uint8_t)kind;
    e->index = index;
    e->order = r->order++;
    e->file = r->file;
    e->line = r->line;
    return e;
}

static int new_codes(tab_dict *d)
{
    GROW(d->codes, d->cap_codes, d->ncodes + 1);
    memset(&d->codes[d->ncodes], 0, sizeof d->codes[0]);
    return (int)d->ncodes++;
}

static void add_code(tab_dict *d, int index, const tab_dated *c)
{
    tab_codes *cs = &d->codes[index];
    cs->codes = xrealloc(cs->codes, sizeof *cs->codes * (size_t)(cs->n + 1));
    cs->codes[cs->n++] = *c;
}

/* Splits "PHRASE [code] [code] {forms}" into the phrase, the code blocks and the forms. */
typedef struct split {
    char phrase[MAX_LINE];
    char codes[8][256];
    int ncodes;
    char forms[MAX_LINE];
    bool has_forms;
} split;

static bool split_line(reader *r, const char *line, split *s)
{
    memset(s, 0, sizeof *s);
    size_t pn = 0, fn = 0;
    for (const char *p = line; *p; p++) {
        if (*p == '[') {
            const char *end = strchr(p, ']');
            if (!end)
                return fail(r, "missing ']'");
            if (s->ncodes == 8)
                return fail(r, "more than 8 code blocks");
            size_t n = (size_t)(end - p - 1);
            if (n >= sizeof s->codes[0])
                return fail(r, "code block too long");
            memcpy(s->codes[s->ncodes], p + 1, n);
            s->codes[s->ncodes++][n] = 0;
            p = end;
        } else if (*p == ']') {
            return fail(r, "missing '['");
        } else if (*p == '{' && !strchr(p, '|')) {
            const char *end = strchr(p, '}');
            if (!end)
                return fail(r, "missing '}'");
            s->has_forms = true;
            size_t n = (size_t)(end - p - 1);
            if (fn + n + 2 >= sizeof s->forms)
                return fail(r, "forms too long");
            memcpy(s->forms + fn, p + 1, n);
            fn += n;
            s->forms[fn++] = ' ';
            s->forms[fn] = 0;
            p = end;
        } else if (pn + 1 < sizeof s->phrase) {
            s->phrase[pn++] = *p;
        }
    }
    s->phrase[pn] = 0;
    char *t = str_trim(s->phrase);
    memmove(s->phrase, t, strlen(t) + 1);
    return true;
}

/* Hyphens in dictionary words are underscores (TABARI 0.7.3 and later). */
static void hyphens(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '-' && p > s && isalnum((unsigned char)p[-1]) && p[1] != '-')
            *p = '_';
}

/* ---- Files -------------------------------------------------------------------------- */

typedef bool (*line_fn)(reader *r, char *line, bool indented, void *ctx);

/* Reads a file line by line, dropping comments ('#' or '/' at the start; ';' and for
 * PETRARCH '#' outside [...] blocks; <!-- ... --> blocks) and stopping at ~FINISH. */
static bool read_lines(reader *r, const char *text, size_t n, line_fn fn, void *ctx)
{
    char line[MAX_LINE];
    size_t pos = 0;
    bool in_comment = false;
    r->line = 0;
    while (pos < n) {
        size_t end = pos;
        while (end < n && text[end] != '\n')
            end++;
        size_t len = end - pos;
        r->line++;
        if (len >= sizeof line)
            return fail(r, "line longer than %d bytes", MAX_LINE - 1);
        memcpy(line, text + pos, len);
        line[len] = 0;
        pos = end + 1;
        if (memchr(line, 0, len))
            return fail(r, "NUL byte in line");
        if (in_comment) {
            if (strstr(line, "-->"))
                in_comment = false;
            continue;
        }
        char *open = strstr(line, "<!--");
        if (open) {
            if (!strstr(open, "-->"))
                in_comment = true;
            *open = 0;
        }
        bool indented = line[0] == ' ' || line[0] == '\t';
        /* comments */
        int depth = 0;
        for (char *p = line; *p; p++) {
            if (*p == '[')
                depth++;
            else if (*p == ']' && depth)
                depth--;
            else if (!depth && (*p == ';' || (*p == '#' && r->d->format == TAB_FORMAT_PETRARCH))) {
                *p = 0;
                break;
            }
        }
        char *t = str_trim(line);
        if (!*t || t[0] == '#' || (t[0] == '/' && t[1] == '/') || (t[0] == '/' && r->d->format == TAB_FORMAT_TABARI))
            continue;
        if (t[0] == '~' && strncmp(t, "~~FINISH", 8) == 0)
            break;
        if (strncmp(t, "~FINISH", 7) == 0)
            break;
        if (!fn(r, t, indented, ctx)) {
            if (r->d->format != TAB_FORMAT_PETRARCH)
                return false;
            /* PETRARCH skips a line it cannot read: jirga warns with the reason and goes on */
            char msg[sizeof r->err->message];
            str_copy(msg, sizeof msg, r->err->message);
            memset(r->err, 0, sizeof *r->err);
            const char *why = strstr(msg, ": ");
            warn(r, "line skipped: %s", why ? why + 2 : msg);
            r->skipped++;
        }
    }
    return true;
}

static char *slurp(const char *path, size_t *n, jirga_error *err)
{
    char *text = read_file(path, n);
    if (!text) {
        snprintf(err->message, sizeof err->message, "%s: cannot open", path);
        err->code = 1;
    }
    return text;
}

/* ---- Actors ------------------------------------------------------------------------- */

/* TABARI skips a code whose date it cannot read (manual 6.5.2); so does jirga, warning. */
static bool skip_bad_date(reader *r)
{
    if (!r->bad_date)
        return false;
    char msg[sizeof r->err->message];
    const char *colon = strstr(r->err->message, ": bad");
    str_copy(msg, sizeof msg, colon ? colon + 2 : r->err->message);
    memset(r->err, 0, sizeof *r->err);
    warn(r, "code skipped: %s", msg);
    return true;
}

typedef struct actor_ctx {
    int section;   /* 0, TK_NOUN, TK_ADJ */
    int group;     /* codes index of the current actor, -1 none */
    bool agents;   /* reading an .agents file */
    char subst[16][2][64]; /* PETRARCH agents: !NAME! and its replacement list */
    char substv[16][512];
    int nsubst;
} actor_ctx;

static bool add_phrase_text(reader *r, const char *text, int kind, int index)
{
    char buf[MAX_LINE];
    str_copy(buf, sizeof buf, text);
    hyphens(buf);
    tab_phrase ph;
    if (!parse_phrase(r, buf, &ph, false))
        return false;
    if (r->d->format == TAB_FORMAT_PETRARCH)
        for (int i = 0; i < ph.n; i++)
            ph.words[i].exact = true; /* PETRARCH matches whole words, not stems */
    add_entry(r, &ph, kind, index);
    return true;
}

/* A PETRARCH agent's plurals: +S, Y -> IES, S/SS/SH/CH/X -> +ES. */
static bool add_plural(reader *r, const char *phrase, int kind, int index)
{
    char buf[MAX_LINE];
    size_t n = strlen(phrase);
    if (n < 2 || n + 4 >= sizeof buf)
        return true;
    memcpy(buf, phrase, n + 1);
    while (n && buf[n - 1] == '_')
        buf[--n] = 0;
    if (n < 2)
        return true; /* "S_": too short to have a plural */
    char last = (char)toupper((unsigned char)buf[n - 1]), prev = (char)toupper((unsigned char)buf[n - 2]);
    if (last == 'Y' && !strchr("AEIOU", prev))
        strcpy(buf + n - 1, "IES_");
    else if (last == 'S' || last == 'X' || (last == 'H' && (prev == 'S' || prev == 'C')))
        strcpy(buf + n, "ES_");
    else
        strcpy(buf + n, "S_");
    return add_phrase_text(r, buf, kind, index);
}

/* The codes of an actor or agent line ("[USA] [RUS 900101-]"), added to the current
 * entry; an unreadable date is warned about and skipped where the format allows. */
static bool add_line_codes(reader *r, const actor_ctx *c, const split *s)
{
    for (int i = 0; i < s->ncodes; i++) {
        tab_dated x;
        if (!parse_code(r, s->codes[i], &x, !c->agents)) {
            if (!skip_bad_date(r))
                return false;
            continue;
        }
        add_code(r->d, c->group, &x);
    }
    return true;
}

static bool actor_line(reader *r, char *line, bool indented, void *vctx)
{
    actor_ctx *c = vctx;
    tab_dict *d = r->d;
    if (line[0] == '<') {
        char tag[64];
        str_copy(tag, sizeof tag, line);
        upper(tag);
        if (strncmp(tag, "<NOUN", 5) == 0)
            c->section = TK_NOUN;
        else if (strncmp(tag, "<ADJ", 4) == 0)
            c->section = TK_ADJ;
        else if (strncmp(tag, "</", 2) == 0)
            c->section = 0;
        else
            warn(r, "unknown section %s skipped", line);
        return true;
    }
    if (c->section) {
        if (strchr(line, '['))
            warn(r, "code on a noun or adjective ignored");
        split s;
        if (!split_line(r, line, &s))
            return false;
        return add_phrase_text(r, s.phrase, c->section, -1);
    }
    if (line[0] == '!' && strchr(line + 1, '!') && strchr(line, '=')) {
        /* !PERSON! = MAN, MEN, ... */
        if (c->nsubst == 16)
            return fail(r, "more than 16 substitution markers");
        char *bang = strchr(line + 1, '!');
        str_copy(c->subst[c->nsubst][0], sizeof c->subst[0][0], line);
        c->subst[c->nsubst][0][bang - line + 1 < 63 ? bang - line + 1 : 63] = 0;
        str_copy(c->substv[c->nsubst], sizeof c->substv[0], strchr(line, '=') + 1);
        c->nsubst++;
        return true;
    }
    split s;
    if (!split_line(r, line, &s))
        return false;
    bool synonym = s.phrase[0] == '+';
    if (indented && !s.phrase[0]) {
        if (c->group < 0)
            return fail(r, "date restriction without an actor");
        return add_line_codes(r, c, &s);
    }
    if (!s.phrase[0])
        return fail(r, "code without a phrase");
    if (strchr(s.phrase, '&')) {
        /* TABARI warns about '&' in an actor or agent and leaves the entry out */
        warn(r, "'&' in an actor or agent entry: skipped");
        if (!synonym)
            c->group = new_codes(d); /* its synonyms and date lines go nowhere */
        return true;
    }
    const char *phrase = synonym ? s.phrase + 1 : s.phrase;
    while (*phrase == ' ')
        phrase++;
    if (synonym) {
        if (c->group < 0)
            return fail(r, "synonym '+%s' without an actor", phrase);
        if (s.ncodes)
            warn(r, "code on a synonym ignored");
    } else {
        c->group = new_codes(d);
        if (!add_line_codes(r, c, &s))
            return false;
    }
    int kind = c->agents ? TK_AGENT : TK_ACTOR;
    if (!c->agents && s.ncodes && strchr(s.codes[0], '~'))
        kind = TK_AGENT;
    /* Substitution markers expand into one phrase per replacement. */
    const char *bang = strchr(phrase, '!');
    if (bang && c->agents) {
        for (int k = 0; k < c->nsubst; k++) {
            size_t ml = strlen(c->subst[k][0]);
            if (strncmp(bang, c->subst[k][0], ml) != 0)
                continue;
            char list[512];
            str_copy(list, sizeof list, c->substv[k]);
            for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
                char *t = str_trim(tok);
                char buf[MAX_LINE];
                snprintf(buf, sizeof buf, "%.*s%s%s", (int)(bang - phrase), phrase, t, bang + ml);
                if (!add_phrase_text(r, buf, kind, c->group))
                    return false;
            }
            return true;
        }
        return fail(r, "unknown substitution marker in '%s'", phrase);
    }
    if (!add_phrase_text(r, phrase, kind, c->group))
        return false;
    if (c->agents && r->d->format == TAB_FORMAT_PETRARCH) {
        if (s.has_forms) {
            char *t = str_trim(s.forms);
            for (char *tok = strtok(t, " \t"); tok; tok = strtok(NULL, " \t"))
                if (!add_phrase_text(r, tok, kind, c->group))
                    return false;
        } else if (!add_plural(r, phrase, kind, c->group))
            return false;
    }
    return true;
}

/* ---- Verbs -------------------------------------------------------------------------- */

typedef struct verb_ctx {
    int section;   /* 0, 1 synsets, 2 time, 3 other skipped section */
    int verb;      /* current verb, -1 none */
    int block;     /* current block, -1 none */
    int set;       /* current synset, -1 none */
    bool petrarch_block; /* inside a '--- NAME ---' block */
    tab_code block_code;
} verb_ctx;

static int new_block(tab_dict *d)
{
    GROW(d->blocks, d->cap_blocks, d->nblocks + 1);
    memset(&d->blocks[d->nblocks], 0, sizeof d->blocks[0]);
    return (int)d->nblocks++;
}

static int pattern_length(const tab_phrase *p, const tab_dict *d)
{
    (void)d;
    int n = 0;
    for (int i = 0; i < p->n; i++) {
        if (p->words[i].kind == TW_WORD)
            n += (int)strlen(p->words[i].text);
        /* a synset counts for nothing: plain words are tried first */
    }
    return n;
}

/* Expands "{ A | B }" alternatives into separate pattern texts. */
static int expand_alternatives(const char *text, char out[][MAX_LINE], int max)
{
    const char *open = strchr(text, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close || !memchr(open, '|', (size_t)(close - open))) {
        str_copy(out[0], MAX_LINE, text);
        return 1;
    }
    int n = 0;
    const char *alt = open + 1;
    while (alt < close && n < max) {
        const char *bar = alt;
        while (bar < close && *bar != '|')
            bar++;
        const char *a = alt, *b = bar;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        char buf[MAX_LINE];
        snprintf(buf, sizeof buf, "%.*s%.*s%s", (int)(open - text), text, (int)(b - a), a, close + 1);
        n += expand_alternatives(buf, out + n, max - n);
        alt = bar + 1;
    }
    return n;
}

static bool add_pattern(reader *r, verb_ctx *c, const char *text, const tab_code *code)
{
    tab_dict *d = r->d;
    if (c->block < 0)
        return fail(r, "pattern before any verb");
    char (*alts)[MAX_LINE] = xmalloc(sizeof *alts * MAX_EXPANSIONS);
    char buf[MAX_LINE];
    str_copy(buf, sizeof buf, text);
    /* PETRARCH-2 phrase marks: '(' ')' and '{' '}' without '|' are plain grouping. */
    if (!strchr(buf, '|'))
        for (char *p = buf; *p; p++)
            if (*p == '(' || *p == ')' || *p == '{' || *p == '}')
                *p = ' ';
    for (char *p = buf; *p; p++)
        if (*p == '(' || *p == ')')
            *p = ' ';
    hyphens(buf);
    int n = expand_alternatives(buf, alts, MAX_EXPANSIONS);
    bool ok = true;
    for (int k = 0; k < n && ok; k++) {
        tab_phrase ph;
        r->unknown_set = false;
        if (!(ok = parse_phrase(r, alts[k], &ph, true))) {
            if (r->unknown_set) {
                /* PETRARCH skips such a pattern; so does jirga, with a warning */
                char msg[sizeof r->err->message];
                str_copy(msg, sizeof msg, r->err->message);
                memset(r->err, 0, sizeof *r->err);
                warn(r, "pattern skipped: %s", strstr(msg, "unknown") ? strstr(msg, "unknown") : msg);
                ok = true;
                continue;
            }
            break;
        }
        if (d->format == TAB_FORMAT_PETRARCH)
            for (int i = 0; i < ph.n; i++)
                ph.words[i].exact = true; /* PETRARCH compares a pattern's words whole */
        int verb_at = -1, nverb = 0;
        for (int i = 0; i < ph.n; i++)
            if (ph.words[i].kind == TW_VERB) {
                verb_at = i;
                nverb++;
            }
        if (nverb != 1) {
            free_phrase(&ph);
            if (nverb == 0) {
                warn(r, "pattern without the verb marker '*' skipped");
                continue;
            }
            ok = fail(r, "pattern with %d verb markers '*'", nverb);
            break;
        }
        GROW(d->patterns, d->cap_patterns, d->npatterns + 1);
        tab_pattern *p = &d->patterns[d->npatterns];
        memset(p, 0, sizeof *p);
        p->words = ph.words;
        p->n = ph.n;
        p->verb_at = verb_at;
        p->code = *code;
        p->length = pattern_length(&ph, d);
        p->file = r->file;
        p->line = r->line;
        tab_block *b = &d->blocks[c->block];
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 4;
            b->patterns = xrealloc(b->patterns, sizeof *b->patterns * (size_t)b->cap);
        }
        b->patterns[b->n++] = (int)d->npatterns++;
    }
    free(alts);
    return ok;
}

/* A verb line: "VERB [code]", "APPRECIATE POSITION [042]", "+CLEAR_UP", "KLM_NOP_+RST". */
/* The irregular forms of the current verb, "{SAID SAYS SAYING}" (PETRARCH: "{+CORDONED_OFF}"
 * marks the verb word of a compound form), each an entry of that verb. */
static bool add_verb_forms(reader *r, const verb_ctx *c, char *forms)
{
    char *t = str_trim(forms);
    for (char *tok = strtok(t, " \t"); tok; tok = strtok(NULL, " \t")) {
        tab_phrase fp;
        hyphens(tok);
        int form_verb_word = plus_verb_word(tok);
        if (!parse_phrase(r, tok, &fp, false))
            return false;
        if (form_verb_word >= fp.n)
            form_verb_word = 0;
        tab_entry *fe = add_entry(r, &fp, TK_VERB, c->verb);
        fe->verb_word = form_verb_word;
    }
    return true;
}

static bool add_verb(reader *r, verb_ctx *c, split *s)
{
    tab_dict *d = r->d;
    tab_code code = {.special = TC_NONE};
    if (s->ncodes) {
        tab_dated x;
        if (!parse_code(r, s->codes[0], &x, false))
            return false;
        code = x.code;
    } else if (c->petrarch_block)
        code = c->block_code;
    if (!c->petrarch_block)
        c->block = new_block(d);
    GROW(d->verbs, d->cap_verbs, d->nverbs + 1);
    tab_verb *v = &d->verbs[d->nverbs];
    v->code = code;
    v->block = c->block;
    v->file = r->file;
    v->line = r->line;
    c->verb = (int)d->nverbs++;
    char buf[MAX_LINE];
    str_copy(buf, sizeof buf, s->phrase);
    hyphens(buf);
    int verb_word = plus_verb_word(buf);
    tab_phrase ph;
    if (!parse_phrase(r, buf, &ph, false))
        return false;
    if (verb_word >= ph.n)
        verb_word = 0;
    if (d->format == TAB_FORMAT_PETRARCH)
        for (int i = 0; i < ph.n; i++)
            ph.words[i].exact = true; /* whole words; regular verb endings still apply */
    tab_entry *e = add_entry(r, &ph, TK_VERB, c->verb);
    e->verb_word = verb_word;
    return !s->has_forms || add_verb_forms(r, c, s->forms);
}

static bool verb_line(reader *r, char *line, bool indented, void *vctx)
{
    (void)indented;
    verb_ctx *c = vctx;
    tab_dict *d = r->d;
    if (line[0] == '<') {
        char tag[64];
        str_copy(tag, sizeof tag, line);
        upper(tag);
        if (strncmp(tag, "<SYNSET", 7) == 0)
            c->section = 1;
        else if (strncmp(tag, "<TIME", 5) == 0)
            c->section = 2;
        else if (strncmp(tag, "</", 2) == 0)
            c->section = 0;
        else
            c->section = 3;
        c->set = -1;
        return true;
    }
    if (c->section == 3)
        return true;
    if (c->section == 2) {
        /* <TIME> phrases: their ### and +++ codes count; date shifts are not applied */
        if (line[0] == '-')
            return true;
        split s;
        if (!split_line(r, line, &s))
            return false;
        if (!s.phrase[0] || !s.ncodes)
            return true;
        tab_dated x;
        if (!parse_code(r, s.codes[0], &x, false)) {
            memset(r->err, 0, sizeof *r->err);
            x.code.special = TC_NONE; /* a shift like [-7] or [+1] */
            strcpy(x.code.code, "time");
        }
        int g = new_codes(d);
        add_code(d, g, &x);
        char buf[MAX_LINE];
        str_copy(buf, sizeof buf, s.phrase);
        hyphens(buf);
        tab_phrase ph;
        if (!parse_phrase(r, buf, &ph, false))
            return false;
        add_entry(r, &ph, TK_TIME, g);
        return true;
    }
    if (line[0] == '~') {
        d->transformations++; /* PETRARCH-2 transformation rules: read, not applied */
        return true;
    }
    if (line[0] == '&') {
        char name[128];
        size_t n = 0;
        for (const char *p = line + 1; *p && *p != ' ' && *p != '\t' && n + 1 < sizeof name; p++)
            name[n++] = *p;
        while (n && name[n - 1] == '_')
            n--;
        name[n] = 0;
        upper(name);
        if (!n)
            return fail(r, "synset without a name");
        int s = find_set(d, name, n);
        if (s >= 0) {
            warn(r, "synset &%s defined twice; the members are added", name);
            c->set = s;
            return true;
        }
        GROW(d->sets, d->cap_sets, d->nsets + 1);
        tab_set *set = &d->sets[d->nsets];
        memset(set, 0, sizeof *set);
        set->name = xstrdup(name);
        c->set = (int)d->nsets++;
        return true;
    }
    /* PETRARCH defines synsets between verb blocks too: '+' lines after '&NAME' are members */
    if (line[0] == '+' && c->set >= 0 &&
        (r->d->format == TAB_FORMAT_PETRARCH || ((c->section == 1 || c->verb < 0) && (c->section == 1 || c->block < 0)))) {
        char buf[MAX_LINE];
        str_copy(buf, sizeof buf, str_trim(line + 1));
        hyphens(buf);
        tab_phrase ph;
        if (!parse_phrase(r, buf, &ph, true))
            return false;
        if (d->format == TAB_FORMAT_PETRARCH)
            for (int i = 0; i < ph.n; i++)
                ph.words[i].exact = true; /* as in a pattern: whole words */
        tab_set *set = &d->sets[c->set];
        for (int i = 0; i < ph.n; i++)
            if (ph.words[i].kind == TW_SET && ph.words[i].set == c->set) {
                free_phrase(&ph);
                return fail(r, "synset &%s refers to itself", set->name);
            }
        set->members = xrealloc(set->members, sizeof *set->members * (size_t)(set->n + 1));
        set->members[set->n++] = ph;
        return true;
    }
    c->set = -1;
    if (strncmp(line, "---", 3) == 0 && line[3] != ']' && strlen(line) > 6 &&
        strcmp(line + strlen(line) - 3, "---") == 0) {
        /* PETRARCH-1/2 block: --- NAME [code] --- */
        char buf[MAX_LINE];
        str_copy(buf, sizeof buf, line + 3);
        /* the closing dashes are the last ones: the code may be [---] */
        size_t bl = strlen(buf);
        while (bl && (buf[bl - 1] == ' ' || buf[bl - 1] == '\t'))
            buf[--bl] = 0;
        while (bl && buf[bl - 1] == '-')
            buf[--bl] = 0;
        split s;
        if (!split_line(r, buf, &s))
            return false;
        c->block_code = (tab_code){.special = TC_NONE};
        if (s.ncodes) {
            tab_dated x;
            if (!parse_code(r, s.codes[0], &x, false))
                return false;
            c->block_code = x.code;
        }
        c->petrarch_block = true;
        c->block = new_block(d);
        c->verb = -1;
        return true;
    }
    if (line[0] == '-' || (line[0] == '_' && line[1] == ' ')) {
        split s;
        if (!split_line(r, line + 1, &s))
            return false;
        if (!s.ncodes) {
            warn(r, "pattern without a code skipped");
            return true;
        }
        tab_dated x;
        if (!parse_code(r, s.codes[0], &x, false))
            return false;
        if (s.has_forms && !strchr(line, '|')) {
            /* PETRARCH-2 {noun phrase}: keep its words */
            char buf[MAX_LINE];
            snprintf(buf, sizeof buf, "%s %s", s.phrase, s.forms);
            return add_pattern(r, c, buf, &x.code);
        }
        /* split_line dropped '{ A | B }' groups only when they have no '|' */
        return add_pattern(r, c, s.phrase, &x.code);
    }
    if (line[0] == '{') {
        if (c->verb < 0)
            return fail(r, "verb forms before any verb");
        split s;
        if (!split_line(r, line, &s))
            return false;
        return add_verb_forms(r, c, s.forms);
    }
    split s;
    if (!split_line(r, line, &s))
        return false;
    if (!s.phrase[0])
        return fail(r, "code without a verb");
    return add_verb(r, c, &s);
}

/* ---- Discards ----------------------------------------------------------------------- */

static bool discard_line(reader *r, char *line, bool indented, void *ctx)
{
    (void)indented;
    (void)ctx;
    bool story = line[0] == '+';
    split s;
    if (!split_line(r, story ? line + 1 : line, &s))
        return false;
    char buf[MAX_LINE];
    str_copy(buf, sizeof buf, str_trim(s.phrase));
    hyphens(buf);
    if (strchr(buf, '&')) {
        warn(r, "'&' in a discard entry: skipped");
        return true;
    }
    /* words in discards are whole words */
    tab_phrase ph;
    if (!parse_phrase(r, buf, &ph, false))
        return false;
    for (int i = 0; i < ph.n; i++)
        ph.words[i].exact = true;
    tab_entry *e = add_entry(r, &ph, TK_DISCARD, -1);
    e->story = story;
    return true;
}

/* ---- Options ------------------------------------------------------------------------ */

void tab_options_default(tab_options *o)
{
    memset(o, 0, sizeof *o);
    o->code_by = CODE_BY_CLAUSE;
    o->comma_min = 2;
    o->comma_max = 10;
    o->comma_bmin = 128;
    o->comma_bmax = 0;
    o->comma_emin = 2;
    o->comma_emax = 10;
    o->minimum_words = 8; /* manual 8.2.3 */
}

static int bracket_number(const char *s, const char *key)
{
    const char *p = strstr(s, key);
    if (!p)
        return -1;
    p += strlen(key);
    while (*p == ' ')
        p++;
    if (*p != '[')
        return -1;
    return atoi(p + 1);
}

static int keyed_number(const char *s, const char *key, int dflt)
{
    const char *p = s;
    size_t kl = strlen(key);
    while ((p = strstr(p, key)) != NULL) {
        /* a whole key: not the MIN inside BMIN */
        if (p == s || !isalpha((unsigned char)p[-1])) {
            p += kl;
            while (*p == ' ')
                p++;
            if (*p == '=') {
                p++;
                return atoi(p);
            }
        } else
            p += kl;
    }
    return dflt;
}

bool tab_options_apply(tab_options *o, const char *in)
{
    char s[512];
    str_copy(s, sizeof s, in);
    upper(s);
    char *line = str_trim(s);
    if (strncmp(line, "COMPLEX:", 8) == 0) {
        const char *a = line + 8;
        int v;
        o->complex_verbs = (v = bracket_number(a, "VERBS")) >= 0 ? v : 0;
        o->complex_actors = (v = bracket_number(a, "ACTORS")) >= 0 ? v : 0;
        o->complex_pronouns = (v = bracket_number(a, "PRONOUNS")) >= 0 ? v : 0;
        o->complex_conj = (v = bracket_number(a, "CONJ")) >= 0 ? v : 0;
        o->complex_comma = (v = bracket_number(a, "COMMA")) >= 0 ? v : 0;
        o->complex_lateverb = (v = bracket_number(a, "LATEVERB")) >= 0 ? v : 0;
        o->noactprior = strstr(a, "NOACTPRIOR") != NULL;
        o->noactafter = strstr(a, "NOACTAFTER") != NULL;
        o->noverb = strstr(a, "NOVERB") != NULL;
        o->nosource = strstr(a, "NOSOURCE") != NULL;
        o->notarget = strstr(a, "NOTARGET") != NULL;
        o->noevent = strstr(a, "NOEVENT") != NULL;
        return true;
    }
    if (strncmp(line, "COMMA:", 6) == 0) {
        const char *a = line + 6;
        if (strstr(a, "OFF")) {
            o->comma_off = true;
            return true;
        }
        o->comma_off = false;
        o->comma_min = keyed_number(a, "MIN", o->comma_min);
        o->comma_max = keyed_number(a, "MAX", o->comma_max);
        o->comma_bmin = keyed_number(a, "BMIN", o->comma_bmin);
        o->comma_bmax = keyed_number(a, "BMAX", o->comma_bmax);
        o->comma_emin = keyed_number(a, "EMIN", o->comma_emin);
        o->comma_emax = keyed_number(a, "EMAX", o->comma_emax);
        return true;
    }
    if (strncmp(line, "DEFAULT:", 8) == 0) {
        const char *a = line + 8;
        if (strstr(a, "OFF")) {
            o->default_source[0] = o->default_target[0] = 0;
            return true;
        }
        const char *src = strstr(a, "SOURCE"), *tgt = strstr(a, "TARGET");
        if (src) {
            const char *b = strchr(src, '['), *e = b ? strchr(b, ']') : NULL;
            if (b && e && (!tgt || b < tgt)) {
                snprintf(o->default_source, sizeof o->default_source, "%.*s", (int)(e - b - 1), b + 1);
                char *t = str_trim(o->default_source);
                memmove(o->default_source, t, strlen(t) + 1);
                o->default_source_prior = strstr(e, "PRIOR") && (!tgt || strstr(e, "PRIOR") < tgt);
            }
        }
        if (tgt) {
            const char *b = strchr(tgt, '['), *e = b ? strchr(b, ']') : NULL;
            if (b && e) {
                snprintf(o->default_target, sizeof o->default_target, "%.*s", (int)(e - b - 1), b + 1);
                char *t = str_trim(o->default_target);
                memmove(o->default_target, t, strlen(t) + 1);
                o->default_target_after = strstr(e, "AFTER") != NULL;
            }
        }
        return true;
    }
    if (strncmp(line, "SET:", 4) == 0) {
        char *a = str_trim(line + 4);
        char *eq = strchr(a, '=');
        bool val = !eq || strstr(eq, "T") == eq + strspn(eq + 1, " ") + 1 || strstr(eq, "TRUE");
        if (strncmp(a, "CODE BY", 7) == 0 || strncmp(a, "CODE ALL", 8) == 0) {
            if (strstr(a, "SENTENCE"))
                o->code_by = CODE_BY_SENTENCE;
            else if (strstr(a, "ALL"))
                o->code_by = CODE_ALL;
            else
                o->code_by = CODE_BY_CLAUSE;
            return true;
        }
        if (strncmp(a, "CONVERT AGENTS", 14) == 0 || strncmp(a, "CONVERT AGENT", 13) == 0) {
            o->convert_agents = eq && strstr(eq, "T") && !strstr(eq, "FALSE");
            return true;
        }
        if (strncmp(a, "MINIMUM WORDS", 13) == 0) {
            o->minimum_words = eq ? atoi(eq + 1) : 0;
            if (eq && strstr(eq, "FALSE"))
                o->minimum_words = 8; /* manual 8.2.3 */
            return true;
        }
        if (strncmp(a, "FBIS", 4) == 0) {
            o->fbis = eq && !strstr(eq, "F");
            return true;
        }
        if (strncmp(a, "YYYY", 4) == 0) {
            o->yyyy = eq && !strstr(eq, "F");
            return true;
        }
        (void)val;
        return true; /* LABEL, USAGE, DUP WARNING, SKIP RECORDS, TIME SHIFT, HAIKU: no effect here */
    }
    if (strncmp(line, "FORWARD:", 8) == 0) {
        char *a = str_trim(line + 8);
        o->forward[0] = 0;
        if (!strstr(a, "OFF")) {
            size_t n = strcspn(a, " \t");
            if (n >= sizeof o->forward)
                n = sizeof o->forward - 1;
            memcpy(o->forward, a, n);
            o->forward[n] = 0;
        }
        return true;
    }
    if (strncmp(line, "LABEL:", 6) == 0 || strncmp(line, "OUTPUT:", 7) == 0 ||
        strncmp(line, "NONEVENTS", 9) == 0 || strncmp(line, "ISSUES", 6) == 0)
        return true;
    return false;
}

static bool option_line(reader *r, char *line, bool indented, void *ctx)
{
    (void)indented;
    (void)ctx;
    if (!tab_options_apply(&r->d->options, line))
        warn(r, "option not understood: %s", line);
    return true;
}

/* ---- Index -------------------------------------------------------------------------- */

static uint64_t word_hash(const char *s, size_t n) { return hash_bytes(s, n); }

static void build_index(tab_dict *d)
{
    size_t n = 16;
    while (n < d->nentries * 2)
        n *= 2;
    d->nslots = n;
    d->slots = xcalloc(n, sizeof *d->slots);
    d->next = xcalloc(d->nentries ? d->nentries : 1, sizeof *d->next);
    /* Insert in reverse so that chains come out in file order. */
    for (size_t i = d->nentries; i-- > 0;) {
        const tab_entry *e = &d->entries[i];
        if (!e->ph.n || e->ph.words[0].kind != TW_WORD)
            continue;
        const char *w = e->ph.words[0].text;
        size_t h = (size_t)word_hash(w, strlen(w)) & (n - 1);
        d->next[i] = d->slots[h];
        d->slots[h] = (uint32_t)i + 1;
    }
}

void tab_lookup(const tab_dict *d, const char *w, size_t n, void (*fn)(void *, const tab_entry *), void *ctx)
{
    if (!d->nslots)
        return;
    for (size_t len = n; len > 0; len--) {
        size_t h = (size_t)word_hash(w, len) & (d->nslots - 1);
        for (uint32_t k = d->slots[h]; k; k = d->next[k - 1]) {
            const tab_entry *e = &d->entries[k - 1];
            const char *t = e->ph.words[0].text;
            if (strlen(t) == len && memcmp(t, w, len) == 0)
                fn(ctx, e);
        }
    }
}

static int cmp_pattern_len(const void *a, const void *b, void *ctx)
{
    const tab_dict *d = ctx;
    const tab_pattern *x = &d->patterns[*(const int *)a], *y = &d->patterns[*(const int *)b];
    if (x->length != y->length)
        return y->length - x->length;
    return *(const int *)a - *(const int *)b;
}

typedef struct dup_key {
    char *key;
    size_t entry;
} dup_key;

static int cmp_dup(const void *a, const void *b)
{
    const dup_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Appends the patterns of block `from` to block `to` (PETRARCH verbs listed twice). */
static void merge_block(tab_dict *d, int to, int from)
{
    tab_block *a = &d->blocks[to];
    const tab_block *b = &d->blocks[from];
    for (int k = 0; k < b->n; k++) {
        if (a->n == a->cap) {
            a->cap = a->cap ? a->cap * 2 : 4;
            a->patterns = xrealloc(a->patterns, sizeof *a->patterns * (size_t)a->cap);
        }
        a->patterns[a->n++] = b->patterns[k];
    }
}

/* Duplicate phrases: TABARI keeps the first and warns. A PETRARCH verb listed in two
 * blocks gets the patterns of both, and the later code when the first has none. */
static void duplicates(reader *r)
{
    tab_dict *d = r->d;
    if (!d->nentries)
        return;
    dup_key *keys = xmalloc(sizeof *keys * d->nentries);
    sbuf b = {0};
    for (size_t i = 0; i < d->nentries; i++) {
        phrase_key(&d->entries[i].ph, &b);
        sbuf_printf(&b, "|%d", d->entries[i].kind);
        keys[i].key = xstrdup(b.data);
        keys[i].entry = i;
    }
    qsort(keys, d->nentries, sizeof *keys, cmp_dup);
    size_t first = 0;
    for (size_t i = 1; i < d->nentries; i++) {
        if (strcmp(keys[i].key, keys[first].key) != 0) {
            first = i;
            continue;
        }
        tab_entry *e = &d->entries[keys[i].entry], *f = &d->entries[keys[first].entry];
        if (e->kind == TK_VERB && f->kind == TK_VERB && d->format == TAB_FORMAT_PETRARCH && e->index != f->index) {
            tab_verb *ve = &d->verbs[e->index], *vf = &d->verbs[f->index];
            if (ve->block != vf->block)
                merge_block(d, vf->block, ve->block);
            if ((vf->code.special == TC_NONE || vf->code.special == TC_NULL) && ve->code.special == TC_EVENT)
                vf->code = ve->code;
            continue;
        }
        r->file = e->file;
        r->line = e->line;
        warn(r, "duplicate phrase (first at %s:%d)", f->file, f->line);
    }
    for (size_t i = 0; i < d->nentries; i++)
        free(keys[i].key);
    free(keys);
    sbuf_free(&b);
}

/* qsort_r is a GNU extension; keep a portable insertion-merge via a context global-free
 * wrapper: sort each block with a simple stable merge sort. */
static void sort_block(tab_dict *d, tab_block *b)
{
    if (b->n < 2)
        return;
    int *tmp = xmalloc(sizeof *tmp * (size_t)b->n);
    for (int width = 1; width < b->n; width *= 2) {
        for (int lo = 0; lo < b->n; lo += 2 * width) {
            int mid = lo + width < b->n ? lo + width : b->n, hi = lo + 2 * width < b->n ? lo + 2 * width : b->n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_pattern_len(&b->patterns[j], &b->patterns[i], d) < 0 ? b->patterns[j++] : b->patterns[i++];
            while (i < mid)
                tmp[k++] = b->patterns[i++];
            while (j < hi)
                tmp[k++] = b->patterns[j++];
        }
        memcpy(b->patterns, tmp, sizeof *tmp * (size_t)b->n);
    }
    free(tmp);
}

/* ---- Loading ------------------------------------------------------------------------ */

static const char *keep_file(tab_dict *d, const char *path)
{
    d->files = xrealloc(d->files, sizeof *d->files * (d->nfiles + 1));
    d->files[d->nfiles] = xstrdup(path);
    return d->files[d->nfiles++];
}

static bool load_kind(reader *r, const char *kind, const char *name, const char *text, size_t n)
{
    r->file = keep_file(r->d, name);
    if (strcmp(kind, "actors") == 0 || strcmp(kind, "agents") == 0) {
        actor_ctx c = {.group = -1, .agents = strcmp(kind, "agents") == 0};
        return read_lines(r, text, n, actor_line, &c);
    }
    if (strcmp(kind, "verbs") == 0) {
        verb_ctx c = {.verb = -1, .block = -1, .set = -1};
        return read_lines(r, text, n, verb_line, &c);
    }
    if (strcmp(kind, "discards") == 0)
        return read_lines(r, text, n, discard_line, NULL);
    if (strcmp(kind, "options") == 0)
        return read_lines(r, text, n, option_line, NULL);
    return fail(r, "unknown dictionary kind '%s'", kind);
}

static void finish(reader *r)
{
    tab_dict *d = r->d;
    duplicates(r);
    for (size_t i = 0; i < d->nblocks; i++)
        sort_block(d, &d->blocks[i]);
    build_index(d);
}

static tab_dict *new_dict(int format)
{
    tab_dict *d = xcalloc(1, sizeof *d);
    d->format = format;
    tab_options_default(&d->options);
    if (format == TAB_FORMAT_PETRARCH)
        d->options.minimum_words = 0; /* PETRARCH has no minimum sentence length */
    return d;
}

tab_dict *tab_dict_load(int format, const tab_files *files, void (*warnfn)(void *, const char *), void *warn_ctx,
                        jirga_error *err)
{
    jirga_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    tab_dict *d = new_dict(format);
    reader r = {.d = d, .err = err, .warn = warnfn, .warn_ctx = warn_ctx};
    struct load_step {
        const char *kind, *path;
    } order[12];
    int n = 0;
    if (files->options)
        order[n++] = (struct load_step){"options", files->options};
    if (files->verbs)
        order[n++] = (struct load_step){"verbs", files->verbs};
    for (int i = 0; i < files->nactors && i < 8; i++)
        order[n++] = (struct load_step){"actors", files->actors[i]};
    if (files->agents)
        order[n++] = (struct load_step){"agents", files->agents};
    if (files->discards)
        order[n++] = (struct load_step){"discards", files->discards};
    if (n == 0) {
        snprintf(err->message, sizeof err->message, "no dictionary files named");
        err->code = 1;
        tab_dict_free(d);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        size_t len;
        char *text = slurp(order[i].path, &len, err);
        if (!text) {
            tab_dict_free(d);
            return NULL;
        }
        bool ok = load_kind(&r, order[i].kind, order[i].path, text, len);
        free(text);
        if (!ok) {
            tab_dict_free(d);
            return NULL;
        }
    }
    finish(&r);
    return d;
}

tab_dict *tab_dict_load_text(int format, const char *kind, const char *text, size_t n, jirga_error *err)
{
    jirga_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    tab_dict *d = new_dict(format);
    reader r = {.d = d, .err = err};
    if (!load_kind(&r, kind, kind, text, n)) {
        tab_dict_free(d);
        return NULL;
    }
    finish(&r);
    return d;
}

void tab_dict_free(tab_dict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    for (size_t i = 0; i < d->nentries; i++)
        free_phrase(&d->entries[i].ph);
    free(d->entries);
    for (size_t i = 0; i < d->ncodes; i++)
        free(d->codes[i].codes);
    free(d->codes);
    free(d->verbs);
    for (size_t i = 0; i < d->nblocks; i++)
        free(d->blocks[i].patterns);
    free(d->blocks);
    for (size_t i = 0; i < d->npatterns; i++) {
        tab_phrase p = {d->patterns[i].words, d->patterns[i].n};
        free_phrase(&p);
    }
    free(d->patterns);
    for (size_t i = 0; i < d->nsets; i++) {
        for (int k = 0; k < d->sets[i].n; k++)
            free_phrase(&d->sets[i].members[k]);
        free(d->sets[i].members);
        free(d->sets[i].name);
    }
    free(d->sets);
    free(d->slots);
    free(d->next);
    free(d);
}

/* ---- Project files ------------------------------------------------------------------ */

bool tab_read_project(const char *path, tab_files *files, char paths[][4096], int npaths, jirga_error *err)
{
    memset(files, 0, sizeof *files);
    size_t n;
    char *text = slurp(path, &n, err);
    if (!text)
        return false;
    char dir[4096];
    str_copy(dir, sizeof dir, path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = 0;
    else
        dir[0] = 0;
    int used = 0, line = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *t = str_trim(l);
        if (t[0] != '<')
            continue;
        char *close = strchr(t, '>');
        if (!close)
            continue;
        char tag[64];
        snprintf(tag, sizeof tag, "%.*s", (int)(close - t - 1), t + 1);
        char *value = str_trim(close + 1);
        const char **slot = NULL;
        if (strcmp(tag, "actorsfile") == 0) {
            if (files->nactors < 8)
                slot = &files->actors[files->nactors++];
        } else if (strcmp(tag, "verbsfile") == 0)
            slot = &files->verbs;
        else if (strcmp(tag, "agentsfile") == 0)
            slot = &files->agents;
        else if (strcmp(tag, "optionsfile") == 0)
            slot = &files->options;
        else if (strcmp(tag, "textfile") == 0)
            slot = &files->text;
        else if (strcmp(tag, "discardfile") == 0 || strcmp(tag, "discardsfile") == 0)
            slot = &files->discards;
        if (!slot || !*value)
            continue;
        if (used == npaths) {
            snprintf(err->message, sizeof err->message, "%s:%d: too many files", path, line);
            err->code = 1;
            free(text);
            return false;
        }
        char *sp = value;
        while (*sp && *sp != ' ' && *sp != '\t')
            sp++;
        *sp = 0;
        if (value[0] == '/')
            snprintf(paths[used], 4096, "%s", value);
        else
            snprintf(paths[used], 4096, "%.2048s%.2000s", dir, value);
        *slot = paths[used++];
    }
    free(text);
    if (!files->nactors && !files->verbs) {
        snprintf(err->message, sizeof err->message, "%s: names no <actorsfile> or <verbsfile>", path);
        err->code = 1;
        return false;
    }
    return true;
}
