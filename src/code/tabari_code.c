/*
 * tabari_code.c — codes sentences with a TABARI or PETRARCH dictionary, following the
 * TABARI manual (chapters 5-7): see tabari_code.h for the steps and docs/compat.md for
 * what differs from TABARI. Works on upper-case words of one sentence; never allocates
 * per word after the first sentences (buffers grow and are reused).
 */
#include "tabari_code.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_ACTOR = -2 }; /* the DEFAULT: source or target of the options */
enum { MAX_CODES = 8, MAX_MEMBERS = 16, MAX_ACTOR_GAP = 1000, MATCH_BUDGET = 20000 };

enum ytype { Y_NONE, Y_ACTOR, Y_AGENT, Y_VERB, Y_NOUN, Y_ADJ, Y_NULL, Y_CONJ, Y_DET, Y_PRON, Y_COMMA, Y_CONT,
             Y_TIME };

typedef struct ttok {
    int start, end; /* byte offsets in the text */
    int w, len;     /* the upper-case word in c->words */
    bool cap;       /* written with a capital letter */
    bool number;
    uint8_t type;
    int head, last; /* the phrase this token belongs to: its first and last token */
    const tab_entry *entry;
    int actor;      /* sentence actor, -1 */
    bool deleted;   /* inside a dropped comma-delimited clause */
    bool in_compound; /* a comma or conjunction joining a compound */
} ttok;

typedef struct sactor {
    int start, last;  /* tokens */
    char base[48];    /* the actor's own first code, before an agent joined it */
    char codes[MAX_CODES][48];
    int ncodes;
    int group;        /* compound group, -1 */
    bool pronoun;
    bool unnamed;     /* PETRARCH's "---" actor: an agent without an actor */
} sactor;

typedef struct group {
    int members[MAX_MEMBERS];
    int n;
} group;

struct tab_coder {
    const tab_dict *d;
    const tab_options *o;
    int date;
    const char *text;
    sbuf words;
    ttok *toks;
    size_t ntoks, cap_toks;
    sactor *actors;
    size_t nactors, cap_actors;
    group *groups;
    size_t ngroups, cap_groups;
    tab_event *events;
    size_t nevents, cap_events;
    bool *sub;   /* per event: from a subordinate code */
    bool *dom;   /* per event: from a dominant code */
    size_t cap_flags;
    bool allcaps;
    bool solo_source; /* the event's source is one actor, not its compound */
    bool within_compound; /* a compound with no other target: its pairs once, in order */
    int set_source, set_target; /* actors placed by '$' and '+' inside a synset member */
    int match_pos[32]; /* tokens matched by the words of the last root phrase tried */
    /* FORWARD: the record's story and sentence numbers, and the previous record's actor */
    long story, sent, fwd_story, fwd_sent;
    char id[64];
    char fwd_code[48];
    sbuf *trace;
    int budget;
    int status;
    char why[200];
};

static const char *W(const tab_coder *c, int i) { return c->words.data + c->toks[i].w; }
static bool is_word(const tab_coder *c, int i, const char *s)
{
    return (size_t)c->toks[i].len == strlen(s) && memcmp(W(c, i), s, (size_t)c->toks[i].len) == 0;
}

/* ---- Tokens ------------------------------------------------------------------------- */

/* Appends text[s, e) as an upper-case word; counts its letters and lower-case letters. */
static void add_word(tab_coder *c, const char *text, size_t s, size_t e, int *letters, int *lower)
{
    GROW(c->toks, c->cap_toks, c->ntoks + 1);
    ttok *t = &c->toks[c->ntoks++];
    memset(t, 0, sizeof *t);
    t->start = (int)s;
    t->end = (int)e;
    t->w = (int)c->words.len;
    t->len = (int)(e - s);
    t->cap = isupper((unsigned char)text[s]) != 0;
    t->number = isdigit((unsigned char)text[s]) != 0;
    for (size_t k = s; k < e; k++) {
        unsigned char x = (unsigned char)text[k];
        if (isalpha(x)) {
            (*letters)++;
            if (islower(x))
                (*lower)++;
        }
        sbuf_addc(&c->words, (char)toupper(x));
    }
    sbuf_addc(&c->words, 0);
}

/* Splits the text into words: upper case, hyphens and most punctuation are blanks, a
 * comma is a word of its own (not inside a number), a final full stop is dropped. */
static void tokenize(tab_coder *c, const char *text, size_t n)
{
    sbuf_reset(&c->words);
    c->ntoks = 0;
    size_t i = 0;
    int letters = 0, lower = 0;
    while (i < n) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == ',' || ch == ';' || ch == ':') {
            GROW(c->toks, c->cap_toks, c->ntoks + 1);
            ttok *t = &c->toks[c->ntoks++];
            memset(t, 0, sizeof *t);
            t->start = (int)i;
            t->end = (int)i + 1;
            t->w = (int)c->words.len;
            t->len = 1;
            sbuf_addc(&c->words, ',');
            sbuf_addc(&c->words, 0);
            t->type = Y_COMMA;
            i++;
            continue;
        }
        if (isspace(ch) || ch == '-' || ch == '_' || ch == '"' || ch == '(' || ch == ')' || ch == '[' || ch == ']' ||
            ch == '?' || ch == '!' || ch == '{' || ch == '}' || ch == '/' || ch == '*' || ch == '`') {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n) {
            unsigned char x = (unsigned char)text[i];
            if (isspace(x) || x == '-' || x == '_' || x == '"' || x == '(' || x == ')' || x == '[' || x == ']' || x == '?' ||
                x == '!' || x == ';' || x == ':' || x == '{' || x == '}' || x == '/' || x == '*' || x == '`')
                break;
            if (x == ',' && !(i > s && isdigit((unsigned char)text[i - 1]) && i + 1 < n &&
                              isdigit((unsigned char)text[i + 1])))
                break;
            i++;
        }
        size_t e = i;
        /* a full stop ends a word unless it is an abbreviation with inner stops (U.S.) */
        while (e > s && text[e - 1] == '.' && !(memchr(text + s, '.', e - 1 - s) && e - s <= 6))
            e--;
        while (e > s && (text[e - 1] == '\'' && !(e - s >= 2 && (text[e - 2] == 's' || text[e - 2] == 'S'))))
            e--;
        while (s < e && (text[s] == '\'' || text[s] == '.'))
            s++;
        if (e == s)
            continue;
        /* PETRARCH reads Penn Treebank words: "didn't" is DID N'T, "won't" WO N'T */
        size_t split = e;
        if (c->d->format == TAB_FORMAT_PETRARCH && e - s > 3 && (text[e - 3] == 'n' || text[e - 3] == 'N') &&
            text[e - 2] == '\'' && (text[e - 1] == 't' || text[e - 1] == 'T'))
            split = e - 3;
        add_word(c, text, s, split, &letters, &lower);
        if (split < e)
            add_word(c, text, split, e, &letters, &lower);
    }
    c->allcaps = letters > 0 && lower == 0;
    for (size_t k = 0; k < c->ntoks; k++) {
        c->toks[k].head = c->toks[k].last = (int)k;
        c->toks[k].actor = -1;
    }
}

/* ---- Dictionary phrases -------------------------------------------------------------- */

/* Regular endings (manual 5.2.3): plural and possessive on nouns, actors and agents;
 * S, ED, ES, EN, ING on verbs. END_POSS: the possessive only, for PETRARCH's agents, whose
 * plurals the reader generated (or not, after '{}'). */
enum { END_NONE = 0, END_NOUN = 1, END_VERB = 2, END_POSS = 3, END_PETRARCH_VERB = 4 };
static bool ending_ok(const char *rest, size_t n, int mode)
{
    if (mode == END_PETRARCH_VERB) {
        /* the regular forms PETRARCH generates for a verb: +S, +ED, +ING; +D after E;
         * +ES after S, X, Z, H, O. rest[-1] is the verb's last letter. */
        char last = rest[-1];
        if ((n == 1 && rest[0] == 'S') || (n == 2 && memcmp(rest, "ED", 2) == 0) ||
            (n == 3 && memcmp(rest, "ING", 3) == 0))
            return true;
        if (n == 1 && rest[0] == 'D')
            return last == 'E';
        if (n == 2 && memcmp(rest, "ES", 2) == 0)
            return strchr("SXZHO", last) != NULL;
        return false;
    }
    static const char *noun[] = {"'S", "S'", "'", "S", "ES"};
    static const char *verb[] = {"S", "ES", "ED", "D", "EN", "ING"};
    const char **list = mode == END_VERB ? verb : noun;
    size_t count = mode == END_VERB ? sizeof verb / sizeof verb[0] : mode == END_POSS ? 3 : sizeof noun / sizeof noun[0];
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(rest, list[i], n) == 0)
            return true;
    return false;
}

/* Does dictionary word dw match text token k? last: the phrase's last word. */
static bool word_matches(const tab_coder *c, const tab_word *dw, int k, int last)
{
    /* last < 0: a pattern word, exact without endings */
    const ttok *t = &c->toks[k];
    if (t->type == Y_COMMA)
        return false;
    const char *w = W(c, k);
    size_t dl = strlen(dw->text), tl = (size_t)t->len;
    if (tl < dl || memcmp(w, dw->text, dl) != 0)
        return false;
    if (!dw->exact || tl == dl)
        return true;
    if (dw->noend || last <= 0 || dl == 0) /* dl == 0: no letter before the ending to read */
        return false;
    return ending_ok(w + dl, tl - dl, last);
}

static bool set_match(tab_coder *c, int set, int pos, int limit, int *end, int depth);

/* Matches phrase p at token i (its first word there); words joined by a space may have up
 * to gap other words between them. *end is the last token matched. */
static bool phrase_at(tab_coder *c, const tab_phrase *p, int i, int limit, int gap, int *end, int depth, int ending)
{
    int pos = i;
    for (int k = 0; k < p->n; k++) {
        const tab_word *w = &p->words[k];
        int last = k == p->n - 1 ? ending : END_NONE;
        int from = k == 0 ? i : pos + 1;
        int to = (k == 0 || w->adjacent) ? from : from + gap;
        if (to >= limit)
            to = limit - 1;
        bool found = false;
        for (int q = from; q <= to && !found; q++) {
            if (c->toks[q].type == Y_COMMA && k > 0)
                break;
            if (w->kind == TW_WORD) {
                if (word_matches(c, w, q, last)) {
                    pos = q;
                    found = true;
                    if (depth == 0 && k < 32)
                        c->match_pos[k] = q;
                }
            } else if (w->kind == TW_SET) {
                int e;
                if (set_match(c, w->set, q, limit, &e, depth + 1)) {
                    pos = e;
                    found = true;
                }
            } else if ((w->kind == TW_SOURCE || w->kind == TW_TARGET) && c->toks[q].actor >= 0 &&
                       c->actors[c->toks[q].actor].start == q) {
                /* '$' or '+' inside a synset member ("+PESO_$") */
                if (w->kind == TW_SOURCE)
                    c->set_source = c->toks[q].actor;
                else
                    c->set_target = c->toks[q].actor;
                pos = c->actors[c->toks[q].actor].last;
                found = true;
            } else if (w->kind != TW_SOURCE && w->kind != TW_TARGET)
                return false;
        }
        if (!found)
            return false;
    }
    *end = pos;
    return true;
}

static bool set_match(tab_coder *c, int set, int pos, int limit, int *end, int depth)
{
    if (depth > 8 || pos >= limit)
        return false;
    const tab_set *s = &c->d->sets[set];
    int best = -1;
    /* PETRARCH matches a member's words in a row ("AUSTRIAN FLORIN" is not "Austrian gold
     * florin"); TABARI lets words come between them */
    int gap = c->d->format == TAB_FORMAT_PETRARCH ? 0 : MAX_ACTOR_GAP;
    for (int m = 0; m < s->n; m++) {
        int e;
        if (phrase_at(c, &s->members[m], pos, limit, gap, &e, depth, END_NONE) && e > best)
            best = e;
    }
    if (best < 0)
        return false;
    *end = best;
    return true;
}

typedef struct lookup_ctx {
    tab_coder *c;
    int i;
    const tab_entry *best;
    int best_end, best_words, best_chars;
    int pos[32]; /* the tokens the best phrase's words matched */
    bool multi_only;
} lookup_ctx;

static void consider(void *vctx, const tab_entry *e)
{
    lookup_ctx *x = vctx;
    if (x->multi_only && e->ph.n < 2)
        return;
    int end;
    int gap = e->kind == TK_DISCARD ? 0 : MAX_ACTOR_GAP;
    bool petrarch = x->c->d->format == TAB_FORMAT_PETRARCH;
    int ending = e->kind == TK_VERB                ? (petrarch ? END_PETRARCH_VERB : END_VERB)
                 : e->kind == TK_AGENT && petrarch ? END_POSS
                                                   : END_NOUN;
    if (!phrase_at(x->c, &e->ph, x->i, (int)x->c->ntoks, gap, &end, 0, ending))
        return;
    int chars = 0, adj = 0;
    for (int k = 0; k < e->ph.n; k++) {
        if (e->ph.words[k].text)
            chars += (int)strlen(e->ph.words[k].text);
        adj += e->ph.words[k].adjacent;
    }
    /* Longest phrase first; then the longer stem; then adjacent words; then file order. */
    bool better = !x->best || e->ph.n > x->best_words ||
                  (e->ph.n == x->best_words && chars > x->best_chars) ||
                  (e->ph.n == x->best_words && chars == x->best_chars && end < x->best_end) ||
                  (e->ph.n == x->best_words && chars == x->best_chars && end == x->best_end && e->order < x->best->order &&
                   adj >= 0);
    if (better) {
        x->best = e;
        x->best_end = end;
        memcpy(x->pos, x->c->match_pos, sizeof x->pos);
        x->best_words = e->ph.n;
        x->best_chars = chars;
    }
}

static int literal_type(const tab_coder *c, int i)
{
    static const char *conj[] = {"AND", "BUT", "OR", "NOR"};
    static const char *det[] = {"THE", "A", "AN"};
    static const char *pron[] = {"HE", "SHE", "IT", "ITS", "HIS", "HER", "THEY", "THEM", "THEIR", "HIM"};
    for (size_t k = 0; k < 4; k++)
        if (is_word(c, i, conj[k]))
            return Y_CONJ;
    for (size_t k = 0; k < 3; k++)
        if (is_word(c, i, det[k]))
            return Y_DET;
    for (size_t k = 0; k < sizeof pron / sizeof pron[0]; k++)
        if (is_word(c, i, pron[k]))
            return Y_PRON;
    return Y_NONE;
}

static void trace(tab_coder *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(tab_coder *c, const char *fmt, ...)
{
    if (!c->trace)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sbuf_adds(c->trace, buf);
}

static void set_status(tab_coder *c, int status, const char *why)
{
    if (c->status == TS_CODED || (status == TS_DISCARD && c->status == TS_COMPLEX) || status == TS_STORY_DISCARD) {
        c->status = status;
        str_copy(c->why, sizeof c->why, why);
    }
}

static const tab_code *entry_code(const tab_coder *c, const tab_entry *e);

/* Classifies each word by the longest dictionary phrase starting there. */
static void classify(tab_coder *c)
{
    int n = (int)c->ntoks;
    for (int i = 0; i < n; i++) {
        ttok *t = &c->toks[i];
        if (t->type == Y_COMMA || t->type == Y_CONT)
            continue;
        lookup_ctx x = {.c = c, .i = i};
        int lit = literal_type(c, i);
        x.multi_only = lit != Y_NONE;
        tab_lookup(c->d, W(c, i), (size_t)t->len, consider, &x);
        if (!x.best) {
            t->type = (uint8_t)lit;
            continue;
        }
        const tab_entry *e = x.best;
        t->entry = e;
        /* the phrase's words are taken; words between spaced ones keep their own class,
         * and the phrase spans only its first adjacent words */
        int nw = e->ph.n < 32 ? e->ph.n : 32;
        t->last = i;
        for (int k = 1; k < nw; k++) {
            int q = x.pos[k];
            c->toks[q].type = Y_CONT;
            c->toks[q].head = i;
            if (q == t->last + 1)
                t->last = q;
        }
        switch (e->kind) {
        case TK_ACTOR: t->type = Y_ACTOR; break;
        case TK_AGENT: t->type = Y_AGENT; break;
        case TK_VERB: t->type = Y_VERB; break;
        case TK_NOUN: t->type = Y_NOUN; break;
        case TK_ADJ: t->type = Y_ADJ; break;
        case TK_TIME: {
            const tab_code *tc = entry_code(c, e);
            if (tc && (tc->special == TC_DISCARD || tc->special == TC_COMPLEX)) {
                char why[200];
                snprintf(why, sizeof why, "%s code of time phrase at %s:%d", tc->code, e->file, e->line);
                set_status(c, tc->special == TC_DISCARD ? TS_DISCARD : TS_COMPLEX, why);
            }
            t->type = Y_TIME;
            break;
        }
        case TK_DISCARD: {
            char why[200];
            snprintf(why, sizeof why, "discard phrase at %s:%d", e->file, e->line);
            set_status(c, e->story ? TS_STORY_DISCARD : TS_DISCARD, why);
            t->type = Y_NULL;
            break;
        }
        default: t->type = Y_NULL;
        }
        i = t->last;
    }
}

/* ---- Actors ------------------------------------------------------------------------- */

static int new_actor(tab_coder *c, int start, int last)
{
    GROW(c->actors, c->cap_actors, c->nactors + 1);
    sactor *a = &c->actors[c->nactors];
    memset(a, 0, sizeof *a);
    a->start = start;
    a->last = last;
    a->group = -1;
    for (int k = start; k <= last; k++)
        c->toks[k].actor = (int)c->nactors;
    return (int)c->nactors++;
}

/* Splits "GME/GMW" into codes. */
static void add_codes(sactor *a, const char *code)
{
    const char *p = code;
    while (*p && a->ncodes < MAX_CODES) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n && n < sizeof a->codes[0]) {
            memcpy(a->codes[a->ncodes], p, n);
            a->codes[a->ncodes++][n] = 0;
        }
        if (!slash)
            break;
        p = slash + 1;
    }
}

/* Combines an actor code with an agent code "~GOV" (appended) or "NGO~" (prefixed); a
 * role already in the code at a three-letter boundary is not added twice. */
static void combine(char *out, size_t cap, const char *actor, const char *agent)
{
    const char *tilde = strchr(agent, '~');
    char role[48];
    if (!tilde) {
        str_copy(out, cap, actor);
        return;
    }
    bool after = tilde == agent;
    str_copy(role, sizeof role, after ? agent + 1 : agent);
    if (!after)
        role[tilde - agent] = 0;
    size_t al = strlen(actor), rl = strlen(role);
    if (rl) {
        for (size_t k = 0; k + rl <= al; k += 3)
            if (memcmp(actor + k, role, rl) == 0 && (rl % 3 == 0 || k + rl == al)) {
                str_copy(out, cap, actor);
                return;
            }
    }
    if (after)
        snprintf(out, cap, "%s%s", actor, role);
    else
        snprintf(out, cap, "%s%s", role, actor);
}

static const tab_code *entry_code(const tab_coder *c, const tab_entry *e)
{
    if (e->index < 0 || (size_t)e->index >= c->d->ncodes)
        return NULL;
    return tab_code_on(&c->d->codes[e->index], c->date);
}

/* Actors from the actor words; null-coded ones become nouns; discards and complex codes
 * mark the sentence. */
static void find_actors(tab_coder *c)
{
    for (size_t i = 0; i < c->ntoks; i++) {
        ttok *t = &c->toks[i];
        if (t->type != Y_ACTOR)
            continue;
        const tab_code *code = entry_code(c, t->entry);
        if (!code || code->special == TC_NULL) {
            t->type = Y_NOUN;
            continue;
        }
        char why[200];
        if (code->special == TC_DISCARD || code->special == TC_COMPLEX) {
            snprintf(why, sizeof why, "%s code of actor at %s:%d", code->code, t->entry->file, t->entry->line);
            set_status(c, code->special == TC_DISCARD ? TS_DISCARD : TS_COMPLEX, why);
            t->type = Y_NOUN;
            continue;
        }
        if (strchr(code->code, '~')) {
            t->type = Y_AGENT;
            continue;
        }
        int a = new_actor(c, (int)i, t->last);
        add_codes(&c->actors[a], code->code);
        str_copy(c->actors[a].base, sizeof c->actors[a].base, c->actors[a].codes[0]);
        /* the words of a spaced name found further on ("Durthang ... Orc") stand for it too */
        for (size_t q = (size_t)t->last + 1; q < c->ntoks; q++)
            if (c->toks[q].type == Y_CONT && c->toks[q].head == (int)i)
                c->toks[q].actor = a;
    }
}

static bool skippable_before_actor(const tab_coder *c, int k)
{
    return c->toks[k].type == Y_DET || c->toks[k].type == Y_ADJ;
}

/* PETRARCH gives "the ambassadors of A, B and C" the agent on every actor of the list
 * after the first (which join_agents handles). */
static void agent_over_list(tab_coder *c, int first, const char *agent)
{
    int n = (int)c->ntoks, k = c->actors[first].last + 1;
    while (k + 1 < n && (c->toks[k].type == Y_COMMA || c->toks[k].type == Y_CONJ)) {
        int q = k + 1;
        if (q < n && c->toks[q].type == Y_CONJ)
            q++;
        while (q < n && skippable_before_actor(c, q))
            q++;
        if (q >= n || c->toks[q].actor < 0 || c->actors[c->toks[q].actor].start != q)
            break;
        sactor *a = &c->actors[c->toks[q].actor];
        for (int m = 0; m < a->ncodes; m++) {
            char buf[48];
            combine(buf, sizeof buf, a->codes[m], agent);
            str_copy(a->codes[m], sizeof a->codes[m], buf);
        }
        k = a->last + 1;
    }
}

/* Joins each agent to an actor next to it ("Arnor's president", "President Peres", "the
 * president of Arnor"); "former" makes the agent ELI. */
static void join_agents(tab_coder *c)
{
    int n = (int)c->ntoks;
    for (int i = 0; i < n; i++) {
        ttok *t = &c->toks[i];
        if (t->type != Y_AGENT)
            continue;
        const tab_code *code = entry_code(c, t->entry);
        if (!code || code->special != TC_EVENT) {
            t->type = Y_NOUN;
            continue;
        }
        char agent[48];
        str_copy(agent, sizeof agent, code->code);
        bool former = (i > 0 && is_word(c, i - 1, "FORMER")) || (i > 1 && is_word(c, i - 2, "FORMER"));
        if (former) {
            if (agent[0] == '~')
                str_copy(agent, sizeof agent, "~ELI");
            else
                str_copy(agent, sizeof agent, "ELI~");
        }
        int target = -1;
        int prev = i - 1;
        while (prev >= 0 && (c->toks[prev].type == Y_CONT || is_word(c, prev, "FORMER")))
            prev--;
        int next = t->last + 1;
        if (prev >= 0 && c->toks[prev].type == Y_CONT)
            prev = c->toks[prev].head;
        if (c->d->format == TAB_FORMAT_PETRARCH)
            /* PETRARCH reads the noun phrase: an agent a few words after its actor
             * ("Dagolath's first deputy prime minister") */
            for (int k = 0; k < 2 && prev >= 0 && c->toks[prev].actor < 0 &&
                            (c->toks[prev].type == Y_NONE || c->toks[prev].type == Y_ADJ);
                 k++)
                prev--;
        if (prev >= 0 && c->toks[prev].actor >= 0 && !c->actors[c->toks[prev].actor].pronoun)
            target = c->toks[prev].actor;
        else if (next < n && c->toks[next].actor >= 0)
            target = c->toks[next].actor;
        else if (next + 1 < n && (is_word(c, next, "OF") || is_word(c, next, "IN") ||
                                  (c->d->format == TAB_FORMAT_PETRARCH && is_word(c, next, "FROM")))) {
            int k = next + 1;
            while (k < n && skippable_before_actor(c, k))
                k++;
            if (k < n && c->toks[k].actor >= 0) {
                target = c->toks[k].actor;
                if (c->d->format == TAB_FORMAT_PETRARCH)
                    agent_over_list(c, target, agent); /* "the ambassadors of A, B and C" */
            }
        }
        if (target < 0) {
            if (c->o->convert_agents || c->d->format == TAB_FORMAT_PETRARCH) {
                /* PETRARCH codes an agent without an actor as the unknown actor "---" */
                int a = new_actor(c, i, t->last);
                if (c->d->format == TAB_FORMAT_PETRARCH) {
                    char buf[48];
                    combine(buf, sizeof buf, "---", agent);
                    add_codes(&c->actors[a], buf);
                    c->actors[a].unnamed = true;
                } else
                    add_codes(&c->actors[a], agent);
                t->type = Y_ACTOR;
            } else
                t->type = Y_NOUN;
            continue;
        }
        sactor *a = &c->actors[target];
        if (!former && a->start > 0 && a->start < i && is_word(c, a->start - 1, "FORMER"))
            /* "former" right before the actor of an actor-agent pair (manual 5.4.1) */
            str_copy(agent, sizeof agent, agent[0] == '~' ? "~ELI" : "ELI~");
        for (int k = 0; k < a->ncodes; k++) {
            char buf[48];
            combine(buf, sizeof buf, a->codes[k], agent);
            str_copy(a->codes[k], sizeof a->codes[k], buf);
        }
        /* the agent's words become part of the actor */
        int lo = a->start < i ? a->start : i, hi = a->last > t->last ? a->last : t->last;
        if (hi - lo < 12) {
            a->start = lo;
            a->last = hi;
            for (int k = lo; k <= hi; k++)
                c->toks[k].actor = target;
        }
        t->type = Y_ACTOR;
    }
    /* Every token of an actor points at its first token's type */
    for (size_t k = 0; k < c->nactors; k++) {
        sactor *a = &c->actors[k];
        for (int q = a->start; q <= a->last; q++)
            if (q != a->start && c->toks[q].type != Y_COMMA) {
                c->toks[q].type = Y_CONT;
                c->toks[q].head = a->start;
            }
        c->toks[a->start].type = Y_ACTOR;
    }
}

/* The actor starting at or after k past determiners and adjectives; -1 when none. */
static int np_actor(const tab_coder *c, int k, int *after)
{
    int n = (int)c->ntoks, unknown = 0;
    /* PETRARCH's parser takes "the evil awful Gondor" as one noun phrase: up to three
     * unknown words; TABARI one */
    int max_unknown = c->d->format == TAB_FORMAT_PETRARCH ? 3 : 1;
    while (k < n && (skippable_before_actor(c, k) || c->toks[k].type == Y_NONE) && c->toks[k].actor < 0) {
        if (c->toks[k].type == Y_NONE && ++unknown > max_unknown)
            return -1;
        if (c->toks[k].type == Y_NONE && max_unknown == 1 && !(k + 1 < n && c->toks[k + 1].actor >= 0))
            return -1;
        k++;
    }
    if (k >= n || c->toks[k].actor < 0)
        return -1;
    int a = c->toks[k].actor;
    if (c->actors[a].start != k)
        return -1;
    *after = c->actors[a].last + 1;
    return a;
}

/* Parsed compounds: "A and B", "A, B and C" (actors possibly after determiners and
 * adjectives); compound nouns and adjectives keep their conjunction too. */
static void find_compounds(tab_coder *c)
{
    int n = (int)c->ntoks;
    for (int i = 0; i < n; i++) {
        if (c->toks[i].actor < 0 || c->toks[i].type != Y_ACTOR)
            continue;
        int first = c->toks[i].actor;
        if (c->actors[first].group >= 0)
            continue;
        int members[MAX_MEMBERS], nm = 0, joins[MAX_MEMBERS], nj = 0;
        members[nm++] = first;
        int k = c->actors[first].last + 1;
        bool closed = false;
        while (k < n && nm < MAX_MEMBERS) {
            int after, a;
            if (c->toks[k].type == Y_COMMA) {
                if (k + 1 < n && c->toks[k + 1].type == Y_CONJ && is_word(c, k + 1, "AND")) {
                    a = np_actor(c, k + 2, &after);
                    if (a < 0)
                        break;
                    joins[nj++] = k;
                    joins[nj++] = k + 1;
                    members[nm++] = a;
                    k = after;
                    closed = true;
                    break;
                }
                a = np_actor(c, k + 1, &after);
                if (a < 0)
                    break;
                joins[nj++] = k;
                members[nm++] = a;
                k = after;
                continue;
            }
            if (c->toks[k].type == Y_CONJ && (is_word(c, k, "AND") || is_word(c, k, "OR") || is_word(c, k, "NOR"))) {
                a = np_actor(c, k + 1, &after);
                if (a < 0)
                    break;
                joins[nj++] = k;
                members[nm++] = a;
                k = after;
                closed = true;
                break;
            }
            break;
        }
        if (!closed || nm < 2)
            continue;
        GROW(c->groups, c->cap_groups, c->ngroups + 1);
        group *g = &c->groups[c->ngroups];
        g->n = nm;
        for (int m = 0; m < nm; m++) {
            g->members[m] = members[m];
            c->actors[members[m]].group = (int)c->ngroups;
        }
        for (int j = 0; j < nj; j++)
            c->toks[joins[j]].in_compound = true;
        c->ngroups++;
        i = k - 1;
    }
    /* compound nouns and adjectives: noun CONJ adj* noun, adj CONJ adj */
    for (int i = 1; i + 1 < n; i++) {
        if (c->toks[i].type != Y_CONJ || c->toks[i].in_compound)
            continue;
        int p = i - 1;
        if (c->toks[p].type == Y_CONT)
            p = c->toks[p].head;
        int q = i + 1;
        if (c->toks[p].type == Y_ADJ && c->toks[q].type == Y_ADJ) {
            c->toks[i].in_compound = true;
            continue;
        }
        if (c->toks[p].type != Y_NOUN)
            continue;
        while (q < n && c->toks[q].type == Y_ADJ)
            q++;
        if (q < n && c->toks[q].type == Y_NOUN)
            c->toks[i].in_compound = true;
    }
}

static int actor_group(const tab_coder *c, int a) { return a >= 0 ? c->actors[a].group : -1; }

/* FORWARD: is pronoun token i before every actor of a sentence that follows the previous
 * one of the same story? */
static bool forward_here(const tab_coder *c, int i)
{
    if (!c->o->forward[0] || !c->fwd_code[0] || c->story < 0 || c->story != c->fwd_story ||
        c->sent != c->fwd_sent + 1)
        return false;
    for (int k = 0; k < i; k++)
        if (c->toks[k].actor >= 0)
            return false;
    return true;
}

/* Remembers the first actor of the sentence (its own code, without agents) for the next
 * record. As in TABARI, a forwarded pronoun does not forward again: the first actor
 * named is kept. */
static void remember_forward(tab_coder *c)
{
    c->fwd_code[0] = 0;
    c->fwd_story = c->story;
    c->fwd_sent = c->sent;
    for (size_t k = 0; k < c->ntoks; k++) {
        int a = c->toks[k].actor;
        if (a >= 0 && !c->actors[a].pronoun && c->actors[a].start == (int)k) {
            str_copy(c->fwd_code, sizeof c->fwd_code, c->actors[a].base[0] ? c->actors[a].base : c->actors[a].codes[0]);
            return;
        }
    }
}

void tab_coder_set_id(tab_coder *c, const char *id) { str_copy(c->id, sizeof c->id, id ? id : ""); }

/* Reads the story and sentence numbers of the record id by the FORWARD format: '^'
 * leading blanks (already trimmed), '*' any character, 'N' the story, 'S' the sentence. */
static void read_sequence(tab_coder *c)
{
    c->story = c->sent = -1;
    const char *id = c->id;
    if (!c->o->forward[0] || !id[0])
        return;
    const char *f = c->o->forward;
    while (*f == '^')
        f++;
    long story = 0, sent = 0;
    size_t n = strlen(id);
    for (size_t k = 0; f[k]; k++) {
        if (k >= n)
            return;
        if (f[k] == 'N' || f[k] == 'S') {
            if (!isdigit((unsigned char)id[k]))
                return;
            if (f[k] == 'N')
                story = story * 10 + (id[k] - '0');
            else
                sent = sent * 10 + (id[k] - '0');
        }
    }
    c->story = story;
    c->sent = sent;
}

/* HE, SHE, IT: the first actor of the sentence; ITS, HIS, HER: the first actor before
 * the pronoun; THEY, THEM, THEIR: the first compound, else the first actor. */
static void pronouns(tab_coder *c)
{
    int n = (int)c->ntoks;
    for (int i = 0; i < n; i++) {
        if (c->toks[i].type != Y_PRON)
            continue;
        int ref = -1;
        bool plural = is_word(c, i, "THEY") || is_word(c, i, "THEM") || is_word(c, i, "THEIR");
        for (int k = 0; k < i && ref < 0; k++) {
            int a = c->toks[k].actor;
            if (a < 0 || c->actors[a].pronoun)
                continue;
            if (plural) {
                if (c->actors[a].group >= 0)
                    ref = a;
            } else
                ref = a;
        }
        if (plural && ref < 0)
            for (int k = 0; k < i && ref < 0; k++)
                if (c->toks[k].actor >= 0 && !c->actors[c->toks[k].actor].pronoun)
                    ref = c->toks[k].actor;
        if (forward_here(c, i)) {
            int a = new_actor(c, i, i);
            sactor *x = &c->actors[a];
            x->pronoun = true;
            x->group = -1;
            str_copy(x->codes[0], sizeof x->codes[0], c->fwd_code);
            x->ncodes = 1;
            c->toks[i].type = Y_ACTOR;
            trace(c, "  pronoun %s -> %s (forwarded)\n", W(c, i), c->fwd_code);
            continue;
        }
        if (ref < 0)
            continue;
        int a = new_actor(c, i, i);
        sactor *r = &c->actors[ref];
        sactor *x = &c->actors[a];
        x->pronoun = true;
        x->ncodes = r->ncodes;
        memcpy(x->codes, r->codes, sizeof x->codes);
        x->group = -1;
        if (plural && r->group >= 0)
            x->group = r->group; /* stands for the whole compound */
        c->toks[i].type = Y_ACTOR;
        trace(c, "  pronoun %s -> %s\n", W(c, i), r->codes[0]);
    }
}

/* ---- Clauses ------------------------------------------------------------------------ */

static int words_between(const tab_coder *c, int from, int to)
{
    int n = 0;
    for (int k = from; k < to; k++)
        if (c->toks[k].type != Y_COMMA)
            n++;
    return n;
}

/* Drops comma-delimited nonrestrictive clauses (manual 7.8, COMMA options). */
static int drop_commas(tab_coder *c)
{
    const tab_options *o = c->o;
    if (o->comma_off)
        return 0;
    int n = (int)c->ntoks, dropped = 0;
    int commas[256], nc = 0;
    for (int k = 0; k < n && nc < 256; k++)
        if (c->toks[k].type == Y_COMMA && !c->toks[k].in_compound)
            commas[nc++] = k;
    if (!nc)
        return 0;
    /* beginning */
    int len = words_between(c, 0, commas[0]);
    if (len >= o->comma_bmin && len <= o->comma_bmax) {
        for (int k = 0; k <= commas[0]; k++)
            c->toks[k].deleted = true;
        dropped++;
    }
    int open = 0; /* the comma that opens the next phrase */
    bool last_consumed = false;
    while (open + 1 < nc) {
        len = words_between(c, commas[open] + 1, commas[open + 1]);
        if (len > o->comma_min && len <= o->comma_max) {
            for (int k = commas[open]; k <= commas[open + 1]; k++)
                c->toks[k].deleted = true;
            dropped++;
            if (open + 1 == nc - 1)
                last_consumed = true;
            open += 2;
        } else
            open++;
    }
    len = words_between(c, commas[nc - 1] + 1, n);
    if (!last_consumed && len > o->comma_emin && len <= o->comma_emax) {
        for (int k = commas[nc - 1]; k < n; k++)
            c->toks[k].deleted = true;
        dropped++;
    }
    return dropped;
}

/* ---- Patterns ----------------------------------------------------------------------- */

typedef struct match {
    const tab_pattern *p;
    int verb_tok, verb_last; /* the verb phrase */
    int lo, hi;              /* the clause: tokens [lo, hi) */
    int source, target;      /* actors, -1 */
    bool compound;           /* '%' matched: source and target are the compound */
} match;

/* next live token at or after k (skipping dropped ones), < hi; -1 none */
static int live(const tab_coder *c, int k, int hi)
{
    while (k < hi && c->toks[k].deleted)
        k++;
    return k < hi ? k : -1;
}

static bool match_elem(tab_coder *c, match *m, int e, int pos);
static bool actor_here(const tab_coder *c, int a, int k);

/* Element e may start at token q (q after the previous element). */
static bool try_at(tab_coder *c, match *m, int e, int q)
{
    const tab_pattern *p = m->p;
    const tab_word *w = &p->words[e];
    bool last_word = e == p->n - 1 || p->words[e + 1].kind != TW_WORD || !p->words[e + 1].adjacent;
    switch (w->kind) {
    case TW_VERB:
        if (q != m->verb_tok)
            return false;
        return match_elem(c, m, e + 1, m->verb_last + 1);
    case TW_WORD:
        if (c->toks[q].type == Y_COMMA || !word_matches(c, w, q, last_word ? -1 : 0))
            return false;
        return match_elem(c, m, e + 1, q + 1);
    case TW_SET: {
        int end;
        c->set_source = c->set_target = -1;
        if (!set_match(c, w->set, q, m->hi, &end, 0))
            return false;
        int save_s = m->source, save_t = m->target;
        if (c->set_source >= 0)
            m->source = c->set_source;
        if (c->set_target >= 0)
            m->target = c->set_target;
        if (match_elem(c, m, e + 1, end + 1))
            return true;
        m->source = save_s;
        m->target = save_t;
        return false;
    }
    case TW_SOURCE:
    case TW_TARGET:
    case TW_COMPOUND:
    case TW_SKIP: {
        int a = c->toks[q].actor;
        if (a < 0 || c->actors[a].start != q)
            return false;
        if (w->kind == TW_COMPOUND && actor_group(c, a) < 0)
            return false;
        int save_s = m->source, save_t = m->target;
        bool save_c = m->compound;
        int end = c->actors[a].last;
        /* a compound is passed over as one */
        int g = actor_group(c, a);
        if (g >= 0 && !c->actors[a].pronoun) {
            const group *gr = &c->groups[g];
            int lastm = gr->members[gr->n - 1];
            if (c->actors[lastm].last > end)
                end = c->actors[lastm].last;
        }
        if (w->kind == TW_SOURCE)
            m->source = a;
        else if (w->kind == TW_TARGET)
            m->target = a;
        else if (w->kind == TW_COMPOUND && c->d->format == TAB_FORMAT_PETRARCH && e > m->p->verb_at)
            m->target = a; /* PETRARCH: '%' after the verb is a compound target ("- * WITH %") */
        else if (w->kind == TW_COMPOUND) {
            m->source = m->target = a;
            m->compound = true;
        }
        if (match_elem(c, m, e + 1, end + 1))
            return true;
        m->source = save_s;
        m->target = save_t;
        m->compound = save_c;
        return false;
    }
    }
    return false;
}

/* The words before the verb are matched from the verb backwards, as TABARI does: '$'
 * takes the nearest actor before what follows it. right: the first token of element
 * e + 1. */
static bool match_lower(tab_coder *c, match *m, int e, int right)
{
    if (--c->budget < 0)
        return false;
    if (e < 0)
        return true;
    const tab_pattern *p = m->p;
    const tab_word *w = &p->words[e];
    bool adjacent = p->words[e + 1].adjacent;
    bool slot = w->kind == TW_SOURCE || w->kind == TW_TARGET || w->kind == TW_COMPOUND || w->kind == TW_SKIP;
    for (int q = right - 1; q >= m->lo; q--) {
        if (c->toks[q].deleted)
            continue;
        if (c->toks[q].type == Y_COMMA)
            return false; /* matching stops at commas */
        if (slot) {
            int a = c->toks[q].actor;
            if (a < 0) {
                if (adjacent)
                    return false;
                continue;
            }
            if (c->actors[a].last != q && !(actor_group(c, a) >= 0))
                continue;
            if (w->kind == TW_COMPOUND && actor_group(c, a) < 0) {
                if (adjacent)
                    return false;
                continue;
            }
            int start = c->actors[a].start;
            /* a compound is passed over as one: its first member */
            int g = actor_group(c, a);
            if (g >= 0 && !c->actors[a].pronoun) {
                int first = c->groups[g].members[0];
                if (c->actors[first].start < start)
                    start = c->actors[first].start, a = first;
            }
            int save_s = m->source, save_t = m->target;
            bool save_c = m->compound;
            if (w->kind == TW_SOURCE)
                m->source = a;
            else if (w->kind == TW_TARGET)
                m->target = a;
            else if (w->kind == TW_COMPOUND) {
                m->source = m->target = a;
                m->compound = true;
            }
            if (match_lower(c, m, e - 1, start))
                return true;
            m->source = save_s;
            m->target = save_t;
            m->compound = save_c;
            return false; /* '$' and '+' take the nearest actor only */
        }
        bool ok = false;
        int start = q;
        if (w->kind == TW_WORD)
            ok = word_matches(c, w, q, e + 1 < p->n && p->words[e + 1].kind == TW_WORD && p->words[e + 1].adjacent ? 0 : -1);
        else if (w->kind == TW_SET) {
            int end;
            c->set_source = c->set_target = -1;
            /* a synset member is several words: adjacent means it ends right before */
            ok = set_match(c, w->set, q, right, &end, 0) && (!adjacent || end == right - 1);
        }
        if (ok && match_lower(c, m, e - 1, start))
            return true;
        if (adjacent && (w->kind != TW_SET || right - q > 8))
            return false;
    }
    return false;
}

static bool match_elem(tab_coder *c, match *m, int e, int pos)
{
    if (--c->budget < 0)
        return false;
    const tab_pattern *p = m->p;
    if (e == p->n)
        return match_lower(c, m, p->verb_at - 1, m->verb_tok);
    const tab_word *w = &p->words[e];
    bool before_verb = e < p->verb_at;
    int hi = before_verb ? m->verb_tok : m->hi;
    if (w->kind == TW_VERB) {
        if (w->adjacent && e > 0) {
            int q = live(c, pos, m->hi);
            return q == m->verb_tok && try_at(c, m, e, q);
        }
        return pos <= m->verb_tok && try_at(c, m, e, m->verb_tok);
    }
    if (w->adjacent && e > 0) {
        int q = live(c, pos, hi);
        return q >= 0 && try_at(c, m, e, q);
    }
    /* '$' and '+' take the first actor found; words may be anywhere after pos */
    bool first_only = w->kind == TW_SOURCE || w->kind == TW_TARGET || w->kind == TW_COMPOUND || w->kind == TW_SKIP;
    for (int q = live(c, pos, hi); q >= 0; q = live(c, q + 1, hi)) {
        if (c->toks[q].type == Y_COMMA)
            break; /* matching stops at commas */
        if (first_only) {
            int a = c->toks[q].actor;
            if (a < 0 || c->actors[a].start != q)
                continue;
            if (w->kind == TW_COMPOUND && actor_group(c, a) < 0)
                continue; /* '%' takes the first compound */
            return try_at(c, m, e, q);
        }
        if (try_at(c, m, e, q))
            return true;
    }
    return false;
}

/* ---- Events ------------------------------------------------------------------------- */

static void codes_of(const tab_coder *c, int a, const char *out[64], int *n)
{
    *n = 0;
    if (a < 0)
        return;
    int g = c->actors[a].group;
    if (g >= 0) {
        const group *gr = &c->groups[g];
        for (int m = 0; m < gr->n; m++) {
            const sactor *x = &c->actors[gr->members[m]];
            for (int k = 0; k < x->ncodes && *n < 64; k++)
                out[(*n)++] = x->codes[k];
        }
        return;
    }
    for (int k = 0; k < c->actors[a].ncodes && *n < 64; k++)
        out[(*n)++] = c->actors[a].codes[k];
}

static void add_event(tab_coder *c, const char *src, const char *tgt, const char *code, const match *m, int sa,
                      int ta, bool sub, bool dom)
{
    if (!code[0] || strcmp(src, tgt) == 0)
        return;
    for (size_t i = 0; i < c->nevents; i++)
        if (strcmp(c->events[i].source, src) == 0 && strcmp(c->events[i].target, tgt) == 0 &&
            strcmp(c->events[i].code, code) == 0)
            return;
    GROW(c->events, c->cap_events, c->nevents + 1);
    if (c->cap_flags < c->cap_events) {
        c->sub = xrealloc(c->sub, c->cap_events * sizeof *c->sub);
        c->dom = xrealloc(c->dom, c->cap_events * sizeof *c->dom);
        c->cap_flags = c->cap_events;
    }
    tab_event *ev = &c->events[c->nevents];
    memset(ev, 0, sizeof *ev);
    str_copy(ev->source, sizeof ev->source, src);
    str_copy(ev->target, sizeof ev->target, tgt);
    str_copy(ev->code, sizeof ev->code, code);
    ev->verb_start = c->toks[m->verb_tok].start;
    ev->verb_end = c->toks[m->verb_last].end;
    ev->source_start = sa >= 0 ? c->toks[c->actors[sa].start].start : -1; /* -1: a DEFAULT actor */
    ev->source_end = sa >= 0 ? c->toks[c->actors[sa].last].end : -1;
    ev->target_start = ta >= 0 ? c->toks[c->actors[ta].start].start : -1;
    ev->target_end = ta >= 0 ? c->toks[c->actors[ta].last].end : -1;
    const tab_entry *ve = c->toks[m->verb_tok].entry;
    ev->file = m->p ? m->p->file : ve ? c->d->verbs[ve->index].file : "";
    ev->line = m->p ? m->p->line : ve ? c->d->verbs[ve->index].line : 0;
    c->sub[c->nevents] = sub;
    c->dom[c->nevents] = dom;
    c->nevents++;
    trace(c, "  EVENT %s %s %s%s\n", src, tgt, code, sub ? " (subordinate)" : "");
}

/* Emits the events of a coded verb: each source code to each target code, and the pair
 * code the other way. Returns how many were made. */
static int emit(tab_coder *c, const tab_code *code, const match *m, int sa, int ta)
{
    const char *srcs[64], *tgts[64];
    int ns, nt;
    char dsrc[16], dtgt[16];
    codes_of(c, sa, srcs, &ns);
    if (sa >= 0 && c->solo_source) {
        ns = 0;
        for (int k = 0; k < c->actors[sa].ncodes; k++)
            srcs[ns++] = c->actors[sa].codes[k];
    }
    codes_of(c, ta, tgts, &nt);
    if (sa == DEFAULT_ACTOR) {
        str_copy(dsrc, sizeof dsrc, c->o->default_source);
        srcs[0] = dsrc;
        ns = 1;
    }
    if (ta == DEFAULT_ACTOR) {
        str_copy(dtgt, sizeof dtgt, c->o->default_target);
        tgts[0] = dtgt;
        nt = 1;
    }
    if (!ns || !nt)
        return 0;
    size_t before = c->nevents;
    /* one compound both ways ('%', or a compound with no other target): each pair once
     * with the code, the other way with the pair code */
    bool same_group = sa >= 0 && sa == ta && actor_group(c, sa) >= 0;
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < nt; j++) {
            if (strcmp(srcs[i], tgts[j]) == 0 || (same_group && (code->code2[0] || c->within_compound) && j < i))
                continue;
            add_event(c, srcs[i], tgts[j], code->code, m, sa, ta, code->subordinate, code->dominant);
            if (code->code2[0])
                add_event(c, tgts[j], srcs[i], code->code2, m, ta, sa, code->subordinate, code->dominant);
        }
    return (int)(c->nevents - before);
}

static bool same_codes(const tab_coder *c, int a, int b)
{
    if (a < 0 || b < 0)
        return false;
    const char *x[64], *y[64];
    int nx, ny;
    codes_of(c, a, x, &nx);
    codes_of(c, b, y, &ny);
    if (nx != ny)
        return false;
    for (int i = 0; i < nx; i++)
        if (strcmp(x[i], y[i]) != 0)
            return false;
    return true;
}

/* Are all codes of a among those of b? (a pronoun standing for one of a compound) */
static bool within(const tab_coder *c, int a, int b)
{
    if (a < 0 || b < 0)
        return false;
    const char *x[64], *y[64];
    int nx, ny;
    codes_of(c, a, x, &nx);
    codes_of(c, b, y, &ny);
    for (int i = 0; i < nx; i++) {
        bool found = false;
        for (int k = 0; k < ny && !found; k++)
            found = strcmp(x[i], y[k]) == 0;
        if (!found)
            return false;
    }
    return nx > 0;
}

/* Passive voice: WAS, WERE or BEEN one or two words before the verb and BY right after. */
static bool passive(const tab_coder *c, const match *m)
{
    bool aux = false;
    for (int k = m->verb_tok - 1; k >= m->lo && k >= m->verb_tok - 2; k--)
        if (is_word(c, k, "WAS") || is_word(c, k, "WERE") || is_word(c, k, "BEEN") || is_word(c, k, "IS") ||
            is_word(c, k, "ARE") || is_word(c, k, "BE"))
            aux = true;
    for (int k = m->verb_last + 1; k < m->hi && k <= m->verb_last + 2; k++)
        if (is_word(c, k, "BY"))
            return aux;
    return false;
}

/* Tries the verb at token v in clause [lo, hi): its patterns, longest first, then its own
 * code. Returns 1 when an event was made, 0 when the verb codes nothing, -1 on a null
 * code. *source_io carries the clause's source. */
static int code_verb(tab_coder *c, int v, int lo, int hi, int *source_io)
{
    const tab_entry *e = c->toks[v].entry;
    const tab_verb *vb = &c->d->verbs[e->index];
    const tab_block *b = &c->d->blocks[vb->block];
    match m = {.verb_tok = v, .verb_last = c->toks[v].last, .lo = lo, .hi = hi, .source = -1, .target = -1};
    const tab_code *code = NULL;
    for (int i = 0; i < b->n && !code; i++) {
        m.p = &c->d->patterns[b->patterns[i]];
        m.source = m.target = -1;
        m.compound = false;
        c->budget = MATCH_BUDGET;
        if (match_elem(c, &m, m.p->verb_at, v)) {
            code = &m.p->code;
            trace(c, "  verb %s: pattern %s:%d [%s]\n", W(c, v), m.p->file, m.p->line, code->code);
        }
    }
    if (!code) {
        m.p = NULL;
        m.source = m.target = -1;
        m.compound = false;
        if (vb->code.special == TC_NONE) {
            trace(c, "  verb %s: no pattern, no code\n", W(c, v));
            return 0;
        }
        code = &vb->code;
        trace(c, "  verb %s: its own code [%s]\n", W(c, v), code->code);
    }
    if (code->special == TC_NULL)
        return -1;
    if (code->special == TC_DISCARD || code->special == TC_COMPLEX) {
        char why[200];
        snprintf(why, sizeof why, "%s code of verb %s", code->code, W(c, v));
        set_status(c, code->special == TC_DISCARD ? TS_DISCARD : TS_COMPLEX, why);
        return 1;
    }
    int src = m.source, tgt = m.target;
    bool designated = m.p && (src >= 0 || tgt >= 0);
    c->within_compound = false;
    bool solo = false; /* a source found after the verb stands alone, not for its compound */
    const tab_options *o = c->o;
    if (m.compound) {
        src = tgt = m.source;
    } else {
        if (src == -1 && lo > 0 && *source_io >= 0 && (tgt == -1 || !same_codes(c, *source_io, tgt)))
            src = *source_io; /* a later clause keeps the sentence's source (manual 7.6) */
        if (src == -1) {
            /* the first actor before the verb (distinct from a designated target) */
            for (int k = lo; k < v && src == -1; k++) {
                if (c->toks[k].deleted)
                    continue;
                int a = c->toks[k].actor;
                if (a >= 0 && actor_here(c, a, k) && (tgt == -1 || !same_codes(c, a, tgt)))
                    src = a;
            }
            if (src == -1 && *source_io >= 0 && (tgt == -1 || !same_codes(c, *source_io, tgt)))
                src = *source_io;
            if (src == -1 && o->default_source[0] && o->default_source_prior)
                src = DEFAULT_ACTOR;
            /* greedy: a source after the verb (TABARI); PETRARCH takes the source from the
             * subject before the verb only */
            for (int k = m.verb_last + 1; k < hi && src == -1 && c->d->format != TAB_FORMAT_PETRARCH; k++) {
                int a = c->toks[k].actor;
                if (!c->toks[k].deleted && a >= 0 && actor_here(c, a, k) && a != tgt) {
                    src = a;
                    solo = true;
                }
            }
            if (src == -1 && o->default_source[0])
                src = DEFAULT_ACTOR;
        }
        if (tgt == -1) {
            int from = solo ? c->actors[src].last + 1 : m.verb_last + 1;
            bool past_comma = false;
            for (int k = from; k < hi && tgt == -1; k++) {
                past_comma |= c->toks[k].type == Y_COMMA;
                if (c->toks[k].deleted)
                    continue;
                int a = c->toks[k].actor;
                /* an unnamed actor is a target only inside the verb's phrase: after the verb,
                 * before a comma */
                if (a >= 0 && c->actors[a].unnamed && past_comma)
                    continue;
                /* THEIR standing for the source's own compound is taken (TABARI then codes
                 * the compound with itself, a quirk COMPOUND-24 keeps); other pronouns of
                 * the source are not */
                bool own_compound = a >= 0 && c->actors[a].pronoun && actor_group(c, a) >= 0 &&
                                    actor_group(c, a) == actor_group(c, src) && is_word(c, k, "THEIR") &&
                                    c->d->format == TAB_FORMAT_TABARI;
                if (a >= 0 && actor_here(c, a, k) && a != src &&
                    (own_compound || (!same_codes(c, a, src) && (solo || !within(c, a, src)))))
                    tgt = a;
            }
            if (tgt == -1 && o->default_target[0] && o->default_target_after)
                tgt = DEFAULT_ACTOR;
            /* else the nearest actor before the verb */
            for (int k = v - 1; k >= lo && tgt == -1 && src != DEFAULT_ACTOR; k--) {
                if (c->toks[k].deleted)
                    continue;
                int a = c->toks[k].actor;
                if (a >= 0 && actor_here(c, a, k) && a != src && !same_codes(c, a, src) && !c->actors[a].unnamed &&
                    (actor_group(c, a) < 0 || actor_group(c, a) != actor_group(c, src)))
                    tgt = a;
            }
            if (tgt == -1 && src >= 0 && actor_group(c, src) >= 0 && !solo) {
                tgt = src;
                c->within_compound = true; /* each pair of the compound once */
            }
            if (tgt == -1 && o->default_target[0])
                tgt = DEFAULT_ACTOR;
        }
        if (!designated && passive(c, &m)) {
            int t = src;
            src = tgt;
            tgt = t;
        }
    }
    if (src >= 0 && !solo)
        *source_io = src;
    c->solo_source = solo;
    return emit(c, code, &m, src, tgt) > 0 ? 1 : 0;
}

/* Is token k where actor a is named: its first word, or a word of its name found further
 * on? */
static bool actor_here(const tab_coder *c, int a, int k)
{
    const sactor *x = &c->actors[a];
    return x->start == k || (k > x->last && c->toks[k].type == Y_CONT && c->toks[k].head == x->start);
}

/* Codes the clauses of the sentence. */
static void code_clauses(tab_coder *c)
{
    int n = (int)c->ntoks;
    int lo = 0, source = -1;
    bool found_in_sentence = false;
    while (lo < n) {
        int hi = lo;
        while (hi < n && !(c->toks[hi].type == Y_CONJ && !c->toks[hi].in_compound && !c->toks[hi].deleted))
            hi++;
        /* an actor right after the conjunction is the new source */
        if (lo > 0) {
            /* within the first words after the conjunction, before a verb */
            int seen = 0;
            for (int k = live(c, lo, hi); k >= 0 && seen < 4; k = live(c, k + 1, hi), seen++) {
                if (c->toks[k].type == Y_VERB)
                    break;
                if (c->toks[k].actor >= 0 && c->actors[c->toks[k].actor].start == k) {
                    source = -1;
                    break;
                }
            }
        }
        trace(c, " clause %d-%d\n", lo, hi - 1);
        bool found = false;
        int first_actor = -1;
        for (int k = lo; k < hi; k++)
            if (!c->toks[k].deleted && c->toks[k].actor >= 0) {
                first_actor = c->toks[k].actor;
                break;
            }
        for (int v = lo; v < hi; v++) {
            if (c->toks[v].type != Y_VERB || c->toks[v].deleted)
                continue;
            if (c->o->code_by == CODE_BY_SENTENCE && found_in_sentence)
                break;
            size_t before = c->nevents;
            int r = code_verb(c, v, lo, hi, &source);
            if (r == 1) {
                bool only_sub = true;
                for (size_t i = before; i < c->nevents; i++)
                    if (!c->sub[i])
                        only_sub = false;
                if (c->nevents > before && !only_sub) {
                    found = found_in_sentence = true;
                    if (c->o->code_by != CODE_ALL)
                        break;
                }
            }
            v = c->toks[v].last;
        }
        if (!found && source < 0 && first_actor >= 0)
            source = first_actor;
        lo = hi + 1;
    }
}

/* ---- The sentence ------------------------------------------------------------------- */

static void complexity(tab_coder *c)
{
    const tab_options *o = c->o;
    int verbs = 0, conj = 0, pron = 0, actors = 0, first_verb = -1;
    for (size_t k = 0; k < c->ntoks; k++) {
        const ttok *t = &c->toks[k];
        if (t->deleted)
            continue;
        if (t->type == Y_VERB) {
            verbs++;
            /* a null-coded verb does not count as the first verb (COMPLEX-06) */
            if (first_verb < 0 && c->d->verbs[t->entry->index].code.special != TC_NULL)
                first_verb = (int)k;
        }
        if (t->type == Y_CONJ && !t->in_compound)
            conj++;
        if (t->type == Y_PRON || (t->actor >= 0 && c->actors[t->actor].pronoun))
            pron++;
        if (t->actor >= 0 && c->actors[t->actor].start == (int)k && !c->actors[t->actor].pronoun)
            actors++;
    }
    char why[200] = "";
    if (o->complex_verbs && verbs >= o->complex_verbs)
        snprintf(why, sizeof why, "%d verbs", verbs);
    else if (o->complex_conj && conj >= o->complex_conj)
        snprintf(why, sizeof why, "%d conjunctions", conj);
    else if (o->complex_pronouns && pron >= o->complex_pronouns)
        snprintf(why, sizeof why, "%d pronouns", pron);
    else if (o->complex_actors && actors >= o->complex_actors)
        snprintf(why, sizeof why, "%d actors", actors);
    else if (o->noverb && first_verb < 0)
        snprintf(why, sizeof why, "no verb");
    else if (o->complex_lateverb && (first_verb < 0 || first_verb >= o->complex_lateverb))
        snprintf(why, sizeof why, "late verb");
    else if (o->noactprior && first_verb >= 0) {
        bool prior = false;
        for (int k = 0; k < first_verb; k++)
            if (!c->toks[k].deleted && c->toks[k].actor >= 0)
                prior = true;
        if (!prior)
            snprintf(why, sizeof why, "no actor before the first verb");
    }
    if (!why[0] && o->noactafter && first_verb >= 0) {
        bool after = false;
        for (size_t k = (size_t)first_verb + 1; k < c->ntoks; k++)
            if (!c->toks[k].deleted && c->toks[k].actor >= 0)
                after = true;
        if (!after)
            snprintf(why, sizeof why, "no actor after the first verb");
    }
    if (why[0])
        set_status(c, TS_COMPLEX, why);
}

static bool is_modal(const tab_coder *c, int k)
{
    static const char *modal[] = {"CAN", "COULD", "MAY", "MIGHT", "MUST", "SHALL", "SHOULD", "WILL", "WOULD"};
    for (size_t i = 0; i < sizeof modal / sizeof modal[0]; i++)
        if (is_word(c, k, modal[i]))
            return true;
    return false;
}

static void shift_verbs_to_nouns(tab_coder *c)
{
    for (size_t k = 0; k < c->ntoks; k++) {
        ttok *t = &c->toks[k];
        if (t->type != Y_VERB)
            continue;
        int prev = (int)k - 1;
        bool det = prev >= 0 && c->toks[prev].type == Y_DET;
        bool capital = k > 0 && t->cap && !c->allcaps;
        if (det || capital)
            t->type = Y_NOUN;
        else if (c->d->format == TAB_FORMAT_PETRARCH && t->last == (int)k && is_modal(c, (int)k))
            t->type = Y_NONE; /* PETRARCH codes what its parser tags a verb: a modal is MD */
    }
}

static void trace_tokens(tab_coder *c)
{
    static const char *names[] = {"", "ACTOR", "AGENT", "VERB", "NOUN", "ADJ", "NULL", "CONJ", "DET", "PRON", "COMMA", "+", "TIME"};
    if (!c->trace)
        return;
    for (size_t k = 0; k < c->ntoks; k++) {
        const ttok *t = &c->toks[k];
        sbuf_printf(c->trace, " %s%s", t->deleted ? "~" : "", W(c, (int)k));
        if (t->type && t->type != Y_CONT)
            sbuf_printf(c->trace, "<%s", names[t->type]);
        if (t->actor >= 0 && c->actors[t->actor].start == (int)k) {
            const sactor *a = &c->actors[t->actor];
            sbuf_printf(c->trace, ":%s", a->ncodes ? a->codes[0] : "?");
            if (a->group >= 0)
                sbuf_printf(c->trace, "&%d", a->group);
        }
        if (t->in_compound)
            sbuf_addc(c->trace, '&');
        if (t->type && t->type != Y_CONT)
            sbuf_addc(c->trace, '>');
    }
    sbuf_addc(c->trace, '\n');
}

tab_coder *tab_coder_new(const tab_dict *d)
{
    tab_coder *c = xcalloc(1, sizeof *c);
    c->d = d;
    c->story = c->sent = c->fwd_story = c->fwd_sent = -1;
    return c;
}

void tab_coder_free(tab_coder *c)
{
    if (!c)
        return;
    sbuf_free(&c->words);
    free(c->toks);
    free(c->actors);
    free(c->groups);
    free(c->events);
    free(c->sub);
    free(c->dom);
    free(c);
}

void tab_code_text(tab_coder *c, const tab_options *o, const char *text, size_t n, int date, tab_result *r,
                   sbuf *tr)
{
    c->o = o ? o : &c->d->options;
    read_sequence(c);
    c->id[0] = 0;
    c->date = date;
    c->text = text;
    c->trace = tr;
    c->nactors = c->ngroups = c->nevents = 0;
    c->status = TS_CODED;
    c->why[0] = 0;
    tokenize(c, text, n);
    memset(r, 0, sizeof *r);
    if (c->o->minimum_words && (int)c->ntoks < c->o->minimum_words) {
        set_status(c, TS_SHORT, "fewer words than MINIMUM WORDS");
    } else {
        classify(c);
        shift_verbs_to_nouns(c);
        find_actors(c);
        join_agents(c);
        find_compounds(c);
        pronouns(c);
        drop_commas(c);
        trace_tokens(c);
        if (c->status == TS_CODED)
            complexity(c);
        if (c->status == TS_CODED)
            code_clauses(c);
    }
    if (c->o->forward[0])
        remember_forward(c);
    c->story = c->sent = -1;
    if (c->status != TS_CODED)
        c->nevents = 0;
    /* subordinate events only when nothing else; dominant events alone when any */
    bool any_main = false, any_dom = false;
    for (size_t i = 0; i < c->nevents; i++) {
        if (!c->sub[i])
            any_main = true;
        if (c->dom[i])
            any_dom = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->nevents; i++) {
        if ((any_main && c->sub[i]) || (any_dom && !c->dom[i]))
            continue;
        c->events[k] = c->events[i];
        c->sub[k] = c->sub[i];
        c->dom[k] = c->dom[i];
        k++;
    }
    c->nevents = k;
    r->status = c->status;
    str_copy(r->why, sizeof r->why, c->why);
    r->events = c->events;
    r->nevents = (int)c->nevents;
}
