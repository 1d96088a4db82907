/*
 * code.c — from clauses to events. For each clause: the verb's patterns, most specific
 * first, are matched against the clause in active order (a passive clause is turned
 * around); when none matches, nominal patterns are tried on the clause's words. A match
 * gives an event for each source and target; negated and hypothetical verbs are not
 * coded. Every decision is written to the trace when asked (jirga explain).
 */
#include "code.h"
#include "tabari_code.h"

#include "../base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORD_GAP = 12, TARGET_GAP = 6, MAX_ITEMS = 512, MATCH_BUDGET = 4096 };

enum { MAX_DOC_NAMES = 256 };

struct jirga_coder {
    const jirga_dict *d;
    tab_coder *peer;   /* the TABARI coder, for peer dictionaries (tabari_code.h) */
    jirga_coder_options opts;
    sbuf clean;
    text_span *spans;
    size_t cap_spans;
    int nsentences;
    sentence sent;
    jirga_event *events;
    size_t nevents, cap_events;
    sbuf trace;
    int doc_date;
    char date_text[11];
    const clause *current; /* the clause being coded: its date applies to its events */
    const clause *dated;   /* the clause whose date clause_date holds; NULL at each sentence,
                              whose clauses reuse the memory of the sentence before */
    char clause_date[11];
    bool clause_date_stated;
    /* Named actors seen so far in the document, latest last: antecedents for "the
     * insurgents", "the ministry". */
    char (*seen)[24];
    size_t nseen, cap_seen;
    doc_context ctx;   /* names learned and antecedents, for the next sentence */
    doc_name *names;   /* MAX_DOC_NAMES, allocated once: entries point into it */
    word_id be_word;   /* "be", for copula patterns */
    /* Verb lemmas some rules name, as word ids: a pattern's anchor is compared with them
     * instead of its text (ids are interned, so equal ids are equal words; 0 when the
     * dictionary lacks the word, and an anchor is never 0 when compared). */
    word_id storm_word, raid_word, kill_word;
    word_id toll_words[14]; /* TOLL_LEMMAS */
    int future_set;    /* the dictionary's FUTURE set ("is scheduled to"), or -1 */
    int hearsay_set;   /* HEARSAY ("reports that ..."), or -1 */
    int condition_set; /* CONDITION ("if ..."), or -1 */
    int wish_set;      /* WISH ("demanded that ..."), or -1 */
    int reciprocal_set; /* RECIPROCAL ("A and B fought"), or -1 */
    int means_sets[16]; /* MEANS_<code> sets ("suicide bomber" for 1831) */
    int nmeans;
    jirga_count sent_counts[JIRGA_MAX_COUNTS]; /* counts of the sentence being coded */
    int nsent_counts;
    jirga_name learned[MAX_DOC_NAMES]; /* the names learned, for jirga_learned_names */
    /* Scratch, sized when the coder is made: the set-anchored nominal patterns a clause
     * may match, and the verb patterns it may match, a bit each (for the verb that has the
     * most patterns). */
    const pattern **set_nominals;
    uint64_t *picked;
};

static const char LEARNED[] = "learned in sentence"; /* the file of a name learned in the document */

/* ", killing 21 people", ", cutting power to ...", ", forcing thousands to flee": verbs
 * whose participle tells the toll of the act before (code_verb_clause). */
static const char *const TOLL_LEMMAS[] = {"kill", "wound", "injure", "leave", "destroy", "damage", "cut",
                                          "force", "displace", "join", "spark", "trigger", "cause", "end"};

/* Is s exactly YYYY-MM-DD in digits, the form nearly every document's date has? */
static bool plain_date(const char *s)
{
    for (int k = 0; k < 10; k++) /* stops at a NUL: no byte past s's end is read */
        if (k == 4 || k == 7 ? s[k] != '-' : s[k] < '0' || s[k] > '9')
            return false;
    return s[10] == 0;
}

int code_parse_date(const char *s)
{
    if (!s)
        return 0;
    int y, m, d;
    char extra;
    if (plain_date(s)) { /* what the first sscanf below reads from it, without its cost */
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
        d = (s[8] - '0') * 10 + (s[9] - '0');
        return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 ? y * 10000 + m * 100 + d : 0;
    }
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 || sscanf(s, "%4d%2d%2d%c", &y, &m, &d, &extra) == 3)
        if (y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
            return y * 10000 + m * 100 + d;
    return 0;
}

/* ---- Trace -------------------------------------------------------------------------- */

/* Only jirga explain traces: the test comes before the arguments are evaluated and the
 * line formatted, since coding without a trace is the hot path. The test is marked
 * unlikely, so the compiler moves the tracing branches out of the hot code, which then
 * takes fewer lines of the instruction cache. */
#define TRACE(c, ...)                              \
    do {                                           \
        if (__builtin_expect((c)->opts.trace, 0)) \
            trace_line((c), __VA_ARGS__);          \
    } while (0)

static void trace_line(jirga_coder *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace_line(jirga_coder *c, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sbuf_adds(&c->trace, buf);
}

static void trace_span(jirga_coder *c, int from, int to)
{
    const sentence *s = &c->sent;
    if (from >= to || from < 0) {
        TRACE(c, "-");
        return;
    }
    int a = (int)s->tokens[from].start, b = (int)s->tokens[to - 1].end;
    TRACE(c, "%.*s", b - a, s->text + a);
}

static void trace_pattern(jirga_coder *c, const pattern *p)
{
    if (!c->opts.trace)
        return;
    TRACE(c, "%s:%d  ", p->file, p->line);
    for (int i = 0; i < p->nelems; i++) {
        const pattern_elem *e = &p->elems[i];
        const char *sep = i == 0 ? "" : e->adjacent ? "_" : " ";
        switch (e->kind) {
        case E_SOURCE: TRACE(c, "%s$", sep); break;
        case E_TARGET: TRACE(c, "%s+", sep); break;
        case E_COMPOUND: TRACE(c, "%s%%", sep); break;
        case E_SET: TRACE(c, "%s&%s", sep, c->d->sets[e->set].name); break;
        default: TRACE(c, "%s%s", sep, lex_word(c->d->lex, e->word)); break;
        }
    }
    TRACE(c, " = %s%s%s", p->code, p->code2[0] ? ":" : "", p->code2);
}

static void trace_parse(jirga_coder *c)
{
    const sentence *s = &c->sent;
    const lexicon *lex = c->d->lex;
    TRACE(c, "  tokens:");
    for (size_t i = 0; i < s->ntokens; i++) {
        const token *t = &s->tokens[i];
        TRACE(c, " %.*s", (int)(t->end - t->start), s->text + t->start);
        if (t->nlemmas) {
            TRACE(c, "/");
            for (int k = 0; k < t->nlemmas; k++)
                TRACE(c, "%s%s", k ? "," : "", lex_word(lex, t->lemmas[k]));
        }
    }
    TRACE(c, "\n");
    if (s->headline_case) {
        TRACE(c, "  title-case headline: capitals read as verbs:");
        for (size_t i = 1; i < s->ntokens; i++) {
            const token *t = &s->tokens[i];
            if ((t->flags & W_VERB) && !(t->shape & (T_CAP | T_ALLCAPS)) && s->text[t->start] >= 'A' && s->text[t->start] <= 'Z')
                TRACE(c, " %.*s", (int)(t->end - t->start), s->text + t->start);
        }
        TRACE(c, "\n");
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        const actor_group *grp = &s->groups[g];
        TRACE(c, "  actors %zu: ", g + 1);
        for (int u = grp->first; u < grp->first + grp->count; u++) {
            const actor_unit *unit = &s->units[u];
            TRACE(c, "%s[", u > grp->first ? " + " : "");
            trace_span(c, unit->start, unit->end);
            TRACE(c, "] %s", unit->code);
            if (unit->actor && unit->actor->file == LEARNED)
                TRACE(c, " (%s %d)", LEARNED, unit->actor->line);
            else if (unit->actor)
                TRACE(c, " (%s:%d)", unit->actor->file, unit->actor->line);
            if (unit->agent)
                TRACE(c, " (agent %s:%d)", unit->agent->file, unit->agent->line);
            size_t cl = strlen(unit->code);
            if (cl >= 3 && !strcmp(unit->code + cl - 3, "ELI") && unit->agent &&
                (!unit->actor || !strstr(dict_code_on(unit->actor, s->date), "ELI")))
                TRACE(c, " (ELI: a former, ousted or deposed official)");
        }
        TRACE(c, "%s\n", grp->count > 1 ? "  [compound]" : "");
    }
    for (size_t k = 0; k < s->nclauses; k++) {
        const clause *cl = &s->clauses[k];
        TRACE(c, "  clause %zu: ", k + 1);
        trace_span(c, cl->left, cl->right);
        TRACE(c, "\n");
        if (cl->vg >= 0) {
            const verb_group *vg = &s->vgs[cl->vg];
            TRACE(c, "    verb: ");
            trace_span(c, vg->start, vg->end);
            TRACE(c, "%s%s%s\n", vg->passive ? " [passive]" : " [active]", vg->negated ? " [negated]" : "",
                  vg->hypothetical ? " [hypothetical]" : "");
        } else {
            TRACE(c, "    verb: none (nominal patterns only)\n");
        }
        TRACE(c, "    subject: ");
        if (cl->subject >= 0)
            trace_span(c, s->groups[cl->subject].start, s->groups[cl->subject].end);
        else
            TRACE(c, "none");
        TRACE(c, "%s%s\n", cl->subject_inherited ? " (shared with the clause before)" : "",
              cl->subject_possessor ? " (owner of a speaker no dictionary knows: \"X's Africa Command said\")" : "");
        if (cl->agent >= 0) {
            TRACE(c, "    by-agent: ");
            trace_span(c, s->groups[cl->agent].start, s->groups[cl->agent].end);
            TRACE(c, "\n");
        }
    }
}

/* ---- Items: a clause seen as words and actor groups ---------------------------------- */

enum { ITEM_TOKEN, ITEM_GROUP };

typedef struct item {
    int kind, index;
} item;

typedef struct match_state {
    const sentence *s;
    const jirga_dict *d;
    const item *items;
    int nitems;
    int target, compound, source; /* bound groups, -1 */
    int compound_last;            /* the last group of a compound list */
    int word_group;               /* a group whose role word a pattern word matched, -1 */
    int word_group_elem;          /* the pattern element that matched it, -1 */
    int budget;                   /* steps left for this pattern */
    int first_word;               /* token of the first word matched, -1 */
    bool past_amount;             /* the target was reached across an amount (amount_words) */
    bool prep_past_amount;        /* a preposition of the pattern was reached across an amount */
} match_state;

static bool word_is_by(const sentence *s, int k)
{
    const token *t = &s->tokens[k];
    return t->end - t->start == 2 && (s->text[t->start] | 0x20) == 'b' && (s->text[t->start + 1] | 0x20) == 'y';
}

static match_state new_match(const sentence *s, const jirga_dict *d, const item *items, int n, int source)
{
    return (match_state){.s = s, .d = d, .items = items, .nitems = n, .target = -1, .compound = -1,
                         .source = source, .compound_last = -1, .word_group = -1, .word_group_elem = -1, .budget = MATCH_BUDGET,
                         .first_word = -1};
}

static int push_items(const sentence *s, item *items, int n, int from, int to, int skip_group)
{
    for (int k = from; k < to && n < MAX_ITEMS;) {
        int g = s->group_at[k];
        if (g >= 0) {
            if (g != skip_group)
                items[n++] = (item){ITEM_GROUP, g};
            k = s->groups[g].end;
            continue;
        }
        if (skip_group >= 0 && word_is_by(s, k)) {
            int a = k + 1; /* "by the insurgents": drop "by" and its determiners */
            while (a < to && (s->tokens[a].flags & (W_DET | W_ADJ | W_QUANT)))
                a++;
            if (a < to && s->group_at[a] == skip_group) {
                k = a;
                continue;
            }
        }
        items[n++] = (item){ITEM_TOKEN, k};
        k++;
    }
    return n;
}

/* Adds a word to a clause's filter and, when the token may start a set's member
 * (sets), the bits of the sets whose members it starts. */
static inline void filter_word(const jirga_dict *d, word_filter *f, word_id w, bool sets)
{
    if (!w)
        return;
    word_filter_add(f, w);
    size_t nmasks = 0;
    const filter_mask *masks = sets ? dict_set_masks(d, w, &nmasks) : NULL;
    for (size_t k = 0; k < nmasks; k++)
        f->bits[masks[k].word] |= masks[k].bits; /* word < 16: build_set_masks */
}

/* Adds a token's words (its form and up to three lemmas) to a clause's filter. */
static inline void filter_token(const jirga_dict *d, word_filter *f, const token *t)
{
    bool sets = t->phrase_kinds & STARTS_SET_MEMBER;
    filter_word(d, f, t->word, sets);
    for (int k = 0; k < t->nlemmas && k < 3; k++)
        filter_word(d, f, t->lemmas[k], sets);
}

static void filter_items(const jirga_dict *d, word_filter *f, const sentence *s, const item *items, int n)
{
    for (int i = 0; i < n; i++) {
        int k = items[i].index;
        if (items[i].kind == ITEM_GROUP) {
            const actor_group *g = &s->groups[k];
            const actor_unit *u = &s->units[g->first];
            if (g->count != 1 || !u->agent)
                continue;
            k = u->end - 1; /* a role word may be a pattern word */
        }
        filter_token(d, f, &s->tokens[k]); /* the one call: inlined */
    }
}

/* Can a member of the set start at token t? The set's first-word filter rejects most
 * tokens at once. */
static bool set_may_start(const word_set *ws, const token *t)
{
    bool maybe = word_filter_has(&ws->first, t->word);
    for (int k = 0; k < t->nlemmas && !maybe; k++)
        maybe = word_filter_has(&ws->first, t->lemmas[k]);
    return maybe;
}

static bool set_matches_at(const match_state *m, int set, int pos, int *len)
{
    const word_set *ws = &m->d->sets[set];
    const item *at = &m->items[pos];
    if (at->kind != ITEM_TOKEN)
        return false;
    if (!set_may_start(ws, &m->s->tokens[at->index]))
        return false;
    for (int i = 0; i < ws->nmembers; i++) {
        const phrase *p = &ws->members[i];
        if (pos + p->nwords > m->nitems)
            continue;
        bool ok = true;
        for (int k = 0; k < p->nwords && ok; k++) {
            const item *it = &m->items[pos + k];
            ok = it->kind == ITEM_TOKEN && token_is(&m->s->tokens[it->index], phrase_word(p, k));
        }
        if (ok) {
            *len = p->nwords;
            return true;
        }
    }
    return false;
}

/* Is a code held in an array of eight bytes or more (a pattern's, an event's, an actor's)
 * exactly lit, a literal of at most seven characters? The bytes compared, lit's NUL
 * included, lie within the array; a memcmp of a constant size is a comparison or two,
 * where strcmp is a call. */
static bool code_is(const char code[8], const char *lit) { return memcmp(code, lit, strlen(lit) + 1) == 0; }

/* Is the string s exactly lit? For a code that may lie in a shorter string (a set's name,
 * a literal): stopping at the first difference, it reads no byte past s's NUL. */
static bool str_is(const char *s, const char *lit)
{
    size_t k = 0;
    while (lit[k] && s[k] == lit[k])
        k++;
    return s[k] == lit[k];
}

/* An event's root as a number, what atoi gives, without its call: emit and the
 * statement check ask it of every event. */
static int root_number(const char root[3])
{
    if (root[0] >= '0' && root[0] <= '9' && root[1] >= '0' && root[1] <= '9')
        return (root[0] - '0') * 10 + (root[1] - '0');
    return atoi(root);
}

/* Material conflict (roots 14-20): where force lands is its target ("struck targets in
 * Iraq"); where people meet is not a party to the meeting ("met in Hanoi"). */
static bool material(const pattern *p) { return (p->code[0] - '0') * 10 + (p->code[1] - '0') >= 14; }

/* Is the group at item j introduced by a place preposition (skipping determiners) that
 * the pattern did not match itself (items before pos are the pattern's)? */
static bool after_preposition(const match_state *m, int j, int pos)
{
    int k = j - 1;
    while (k >= 0 && m->items[k].kind == ITEM_TOKEN &&
           (m->s->tokens[m->items[k].index].flags & (W_DET | W_ADJ | W_QUANT | W_POSS)))
        k--;
    if (k < pos || m->items[k].kind != ITEM_TOKEN)
        return false;
    static const char *const locative[] = {"in", "near", "inside", "outside", "across", "around", "throughout",
                                           "within", "during", "at"};
    int at = (int)m->items[k].index;
    return (m->s->tokens[at].flags & W_PREP) &&
           token_word_among(m->s, at, locative, (int)(sizeof locative / sizeof locative[0])) >= 0;
}

/* Is token t (its form or a lemma) a one-word member of the set? */
static bool set_has_word(const word_set *ws, const token *t)
{
    for (int i = 0; set_may_start(ws, t) && i < ws->nmembers; i++)
        if (ws->members[i].nwords == 1 && token_is(t, ws->members[i].head[0]))
            return true;
    return false;
}

/* Does a group that is one role word ("troops", "police") match a word or set element? */
static bool role_word_matches(const match_state *m, int group, const pattern_elem *el)
{
    const actor_group *g = &m->s->groups[group];
    const actor_unit *u = &m->s->units[g->first];
    if (g->count != 1 || !u->agent)
        return false;
    const token *head = &m->s->tokens[u->end - 1];
    if (el->kind == E_WORD)
        return token_is(head, el->word);
    return set_has_word(&m->d->sets[el->set], head);
}

/* An amount between a preposition and its object counts as no words: the currency sign,
 * the number and "million"/"billion" of "on $34 billion of Chinese imports". */
static int amount_words(const match_state *m, int from, int to)
{
    int n = 0;
    for (int j = from; j <= to + n && j < m->nitems && m->items[j].kind == ITEM_TOKEN; j++) {
        int k = (int)m->items[j].index;
        if ((m->s->tokens[k].shape & T_NUM) || token_word_is(m->s, k, "$") || token_word_is(m->s, k, "%") ||
            token_word_is(m->s, k, "million") || token_word_is(m->s, k, "billion") ||
            token_word_is(m->s, k, "trillion") || token_word_is(m->s, k, "percent") ||
            token_word_is(m->s, k, "cent"))
            n++;
    }
    return n;
}

/* Matches elems[e..] against items[pos..]; prev_word tells whether a word was matched
 * just before (gaps apply only between words). Backtracks over word positions. */
static bool match_from(match_state *m, const pattern *p, int e, int pos, bool anchored)
{
    /* Backtracking is bounded: a pattern of sixty repeated words must not take forever. */
    if (--m->budget < 0)
        return false;
    if (e == p->nelems)
        return true;
    const pattern_elem *el = &p->elems[e];
    /* A preposition of the pattern, and the target after it, stay close: "carried out
     * strikes on X" must not take the "on" of "on Monday" twelve words on. */
    bool after_prep = e > 0 && p->elems[e - 1].prep;
    bool is_prep = el->prep;
    int gap = el->kind == E_TARGET ? (after_prep ? 3 : TARGET_GAP) : is_prep ? 4 : WORD_GAP;
    int limit = anchored || el->adjacent ? pos : pos + gap;
    if (el->kind == E_TARGET && after_prep && !anchored && !el->adjacent)
        limit += amount_words(m, pos, limit); /* "tariffs on $34 billion of Chinese imports" */
    /* "tariffs of up to 212 percent on Australian wine": the words of an amount do not
     * count against the gap before a preposition that follows a noun of the pattern
     * (not the verb's own: "pledged $3 billion in aid to Sudan to support" is not
     * "pledge to support"). */
    bool amount_prep = false;
    if (el->kind == E_WORD && is_prep && e >= 3 && p->elems[e - 1].kind != E_TARGET && !anchored && !el->adjacent) {
        int extra = amount_words(m, pos, limit);
        limit += extra;
        amount_prep = extra > 0;
    }
    if (limit >= m->nitems)
        limit = m->nitems - 1;
    switch (el->kind) {
    case E_WORD:
    case E_SET: {
        int tries = 0; /* at most two places per word: matching stays linear in practice */
        for (int j = pos; j <= limit && tries < 2; j++) {
            const item *it = &m->items[j];
            int len = 1;
            if (it->kind != ITEM_TOKEN) {
                /* "deployed troops": a role word alone is also a word of the pattern */
                if (!role_word_matches(m, it->index, el))
                    continue;
                m->word_group = it->index; /* "expelled 45 Russian diplomats" */
                m->word_group_elem = e;
            } else if (el->kind == E_WORD ? !token_is(&m->s->tokens[it->index], el->word)
                                          : !set_matches_at(m, el->set, j, &len)) {
                continue;
            }
            int saved_first = m->first_word;
            if (m->first_word < 0) /* a token: the head of a role word's group */
                m->first_word = it->kind == ITEM_TOKEN ? it->index
                                                       : m->s->units[m->s->groups[it->index].first].end - 1;
            tries++;
            bool saved_prep_past = m->prep_past_amount;
            if (amount_prep && j > pos + gap)
                m->prep_past_amount = true;
            if (match_from(m, p, e + 1, j + len, false))
                return true;
            m->prep_past_amount = saved_prep_past;
            m->first_word = saved_first;
        }
        return false;
    }
    case E_TARGET:
    case E_COMPOUND:
    case E_SOURCE:
        for (int j = pos; j <= limit; j++) {
            const item *it = &m->items[j];
            if (it->kind != ITEM_GROUP)
                continue;
            /* "met in Hanoi", "attacked a convoy near Kandahar": a place after a
             * preposition the pattern did not name is not the target. */
            if (el->kind == E_TARGET && !material(p) && after_preposition(m, j, pos))
                continue;

            int *slot = el->kind == E_TARGET ? &m->target : el->kind == E_COMPOUND ? &m->compound : &m->source;
            int saved = *slot, next = j + 1;
            bool saved_past = m->past_amount;
            *slot = it->index;
            if (el->kind == E_TARGET && j > pos + gap)
                m->past_amount = true;
            if (el->kind == E_COMPOUND) {
                /* "between A, head of B, and the delegation with them, C and D": a
                 * list goes on while a comma or "and" leads to the next group. */
                m->compound_last = it->index;
                while (next < m->nitems && e == p->nelems - 1) {
                    int k = next, seps = 0;
                    while (k < m->nitems && k - next < 6 && m->items[k].kind == ITEM_TOKEN) {
                        const token *t = &m->s->tokens[m->items[k].index];
                        seps += (t->shape & T_COMMA) || (t->flags & W_CONJ);
                        k++;
                    }
                    if (k >= m->nitems || m->items[k].kind != ITEM_GROUP || !seps)
                        break;
                    m->compound_last = m->items[k].index;
                    next = k + 1;
                }
            }
            if (el->kind == E_COMPOUND &&
                m->s->groups[m->compound_last].first + m->s->groups[m->compound_last].count -
                        m->s->groups[it->index].first < 2) {
                *slot = saved; /* a compound needs two parties */
                break;
            }
            if (match_from(m, p, e + 1, next, false))
                return true;
            *slot = saved;
            m->past_amount = saved_past;
            break; /* a slot binds the first group it meets */
        }
        /* A target at the end of a pattern is optional. */
        return el->kind == E_TARGET && e == p->nelems - 1;
    }
    return false;
}

/* ---- Events ------------------------------------------------------------------------- */

static void fill_actor(const sentence *s, const actor_unit *u, jirga_actor *a)
{
    memset(a, 0, sizeof *a);
    a->start = a->end = -1;
    if (!u)
        return;
    size_t n = strlen(u->code);
    if (n < sizeof a->code) /* what str_copy does, its length counted once */
        memcpy(a->code, u->code, n + 1);
    else
        str_copy(a->code, sizeof a->code, u->code);
    if (n >= 6 || (n == 3 && u->actor)) {
        memcpy(a->country, u->code, 3);
        size_t r = n - 3 < 6 ? n - 3 : 6; /* the role: up to six letters after the country */
        memcpy(a->role, u->code + 3, r);
        a->role[r] = 0;
    } else {
        memcpy(a->role, u->code, n + 1); /* a lone agent: no country; n < 6 fits role[8] */
    }
    a->start = (int)s->tokens[u->start].start;
    a->end = (int)s->tokens[u->end - 1].end;
}

/* ---- Quotes ------------------------------------------------------------------------- */

/* What a statement said: the words in quotation marks, else what follows "said (that)",
 * else, for "..., X said", what precedes the speaker. Byte offsets, or -1. */
static void find_quote(const sentence *s, const verb_group *vg, const clause *cl, int *start, int *end)
{
    *start = *end = -1;
    int open = -1, close = -1;
    for (size_t k = 0; k < s->ntokens; k++)
        if (s->tokens[k].shape & T_QUOTE) {
            if (open < 0)
                open = (int)k;
            else
                close = (int)k;
        }
    while (close > open + 1 && (s->tokens[close - 1].shape & T_PUNCT))
        close--; /* “We will not negotiate,” he said: without the comma */
    if (open >= 0 && close > open + 1) {
        *start = (int)s->tokens[open + 1].start;
        *end = (int)s->tokens[close - 1].end;
        return;
    }
    int a = vg->end, b = (int)s->ntokens;
    while (b > a && (s->tokens[b - 1].shape & T_PUNCT))
        b--;
    if (a < b && token_word_is(s, a, "that"))
        a++;
    if (b - a >= 3 && cl->right > a) {
        *start = (int)s->tokens[a].start;
        *end = (int)s->tokens[b - 1].end;
        return;
    }
    int left = cl->subject >= 0 ? s->groups[cl->subject].start : vg->start; /* "..., the ministry said." */
    while (left > 0 && (s->tokens[left - 1].flags & (W_DET | W_ADJ)))
        left--;
    while (left > 0 && (s->tokens[left - 1].shape & (T_COMMA | T_PUNCT)))
        left--;
    if (left >= 3) {
        *start = (int)s->tokens[0].start;
        *end = (int)s->tokens[left - 1].end;
    }
}

/* ---- Places ------------------------------------------------------------------------- */

static bool is_place_preposition(const sentence *s, int k)
{
    static const char *const words[] = {"in", "near", "at", "outside", "around", "inside"};
    /* most tokens: no string comparison */
    return (s->tokens[k].flags & W_PREP) && token_word_among(s, k, words, (int)(sizeof words / sizeof words[0])) >= 0;
}

/* A place named by tokens [from, to); the gazetteer's name for a capital, else the words. */
static void set_place(const sentence *s, jirga_place *out, int from, int to, const char *country,
                      const place_entry *pl, const char *capital)
{
    if (capital) {
        str_copy(out->name, sizeof out->name, capital);
    } else {
        /* the words as written, up to 127 bytes and the first NUL (what "%.*s" gave) */
        const char *text = s->text + s->tokens[from].start;
        char name[128];
        size_t n = strnlen(text, s->tokens[to - 1].end - s->tokens[from].start);
        n = n < sizeof name - 1 ? n : sizeof name - 1;
        memcpy(name, text, n);
        name[n] = 0;
        str_copy(out->name, sizeof out->name, name);
    }
    memcpy(out->country, country, 3);
    out->country[3] = 0;
    out->has_coords = pl != NULL;
    out->lat = pl ? pl->lat : 0;
    out->lon = pl ? pl->lon : 0;
    out->start = (int)s->tokens[from].start;
    out->end = (int)s->tokens[to - 1].end;
}

/* The place of an event: "in Doha", "near Kandahar", "in the capital" (of the source's
 * country), "in Afghanistan" (a country, without coordinates), the first in its clause. */
static bool find_place(const jirga_coder *c, const clause *cl, const char *source_country, jirga_place *out)
{
    const sentence *s = &c->sent;
    for (int k = cl->left; k + 1 < cl->right; k++) {
        if (!is_place_preposition(s, k))
            continue;
        int j = k + 1;
        if (j < cl->right && token_word_is(s, j, "the"))
            j++;
        if (j >= cl->right)
            continue;
        const token *t = &s->tokens[j];
        if (token_word_is(s, j, "capital") && source_country[0]) {
            const place_entry *cap = dict_capital(c->d, source_country);
            if (cap) {
                set_place(s, out, j, j + 1, cap->country, cap, cap->name);
                return true;
            }
            continue;
        }
        if (!(t->shape & T_CAP))
            continue;
        for (int len = 4; len >= 1; len--) {
            if (j + len > cl->right)
                continue;
            char folded[256];
            size_t n = 0;
            bool ok = true;
            for (int w = 0; w < len && ok; w++) {
                const token *tw = &s->tokens[j + w];
                ok = (tw->shape & T_WORD) && n + (tw->end - tw->start) * 2 + 2 < sizeof folded;
                if (!ok)
                    break;
                if (w)
                    folded[n++] = ' ';
                size_t got = lex_fold(s->text + tw->start, tw->end - tw->start, folded + n, sizeof folded - n);
                ok = got > 0;
                n += got;
            }
            if (!ok)
                continue;
            folded[n] = 0;
            int g = s->group_at[j];
            const actor_unit *u = g >= 0 ? &s->units[s->groups[g].first] : NULL;
            const place_entry *pl = dict_place(c->d, folded);
            if (u && u->start == j && u->end == j + len && str_len_at_least(u->code, 3) && u->actor &&
                (!pl || strncmp(pl->country, u->code, 3) != 0)) {
                if (str_len_is(u->code, 3)) { /* a country: "in Afghanistan" */
                    set_place(s, out, j, j + len, u->code, NULL, NULL);
                    return true;
                }
                if (!pl)
                    continue;
            }
            if (pl) {
                set_place(s, out, j, j + len, pl->country, pl, NULL);
                return true;
            }
        }
    }
    return false;
}

static bool same_event(const jirga_event *a, const jirga_event *b)
{
    return a->sentence == b->sentence && strcmp(a->cameo, b->cameo) == 0 &&
           strcmp(a->source.code, b->source.code) == 0 && strcmp(a->target.code, b->target.code) == 0;
}

/* Does the unit name a diplomatic mission ("Mexico's embassy", "the embassy of Mexico")? */
static bool mission_in(const sentence *s, const actor_unit *u)
{
    for (int k = u->start; k < u->end; k++)
        if (token_word_is(s, k, "embassy") || token_word_is(s, k, "consulate"))
            return true;
    return false;
}

/* Force is coded by who uses it on whom (coding guide, section 10; verbs/19.txt): a
 * pattern cannot see the roles, so "stormed", "attacked", "clashed with" are 19x. Used by
 * protesters, students, workers or farmers it is a riot (145); used by police or troops on
 * protesters it is repression (175); storming a diplomatic mission is seizing property
 * (171); gunmen or gangs who kill outside combat commit 1823. Returns the code to emit. */
static const char *force_by_roles(jirga_coder *c, const char *code, const pattern *p, const actor_unit *src,
                                  const actor_unit *tgt)
{
    const sentence *s = &c->sent;
    word_id verb = p->anchor; /* compared only when not 0: an anchorless pattern has no lemma */
    if (tgt && ((code[0] == '1' && code[1] == '9') || str_is(code, "170")) && verb &&
        (verb == c->storm_word || verb == c->raid_word) &&
        mission_in(s, tgt)) {
        /* "police stormed Mexico's embassy": forcing into a diplomatic mission is seizing
         * property (171), not military force; by protesters it is a riot (below) */
        TRACE(c, "      %s becomes 171: %s stormed or raided a diplomatic mission\n", code, src->code);
        code = "171";
    }
    if ((code[0] == '1' && code[1] == '9') || !strncmp(code, "171", 3)) {
        size_t sl = strlen(src->code), tl = tgt ? strlen(tgt->code) : 0;
        const char *srole = sl >= 3 ? src->code + sl - 3 : "";
        const char *trole = tl >= 3 ? tgt->code + tl - 3 : "";
        const char *by_role = NULL;
        if (str_is(srole, "OPP") || str_is(srole, "EDU") || str_is(srole, "LAB") || str_is(srole, "AGR"))
            by_role = "145";
        else if ((str_is(srole, "COP") || str_is(srole, "MIL")) && str_is(trole, "OPP") && code[1] == '9')
            by_role = "175";
        /* "gangs killed 62 people", "gunmen abducted and killed 11 miners": gunmen, gangs or
         * militants who are themselves the subject of "killed" kill outside combat, 1823;
         * not soldiers or police as targets, nor "rockets fired by Hamas killed" */
        else if (str_is(code, "190") && verb && verb == c->kill_word &&
                 (str_is(srole, "UAF") || str_is(srole, "CRM") || str_is(srole, "INS")) &&
                 !str_is(trole, "MIL") && !str_is(trole, "COP") &&
                 !(src->start > 0 && token_word_is(s, src->start - 1, "by"))) {
            int k = src->end;
            while (k < (int)s->ntokens && (s->tokens[k].flags & (W_ADV | W_HAVE | W_BE | W_MODAL)))
                k++;
            if (k < (int)s->ntokens && (s->tokens[k].flags & W_VERB) && s->group_at[k] < 0)
                by_role = "1823";
        }
        if (by_role) {
            TRACE(c, "      %s becomes %s: force used by %s%s%s\n", code, by_role, src->code, tgt ? " on " : "",
                  tgt ? tgt->code : "");
            code = by_role;
        }
    }
    return code;
}

/* The date of the clause being coded: the one it states (or, in a sentence of one clause,
 * the sentence states), else the article's. Writes it to out (11 bytes) and tells whether
 * it was stated. The same for each event of the clause, so found once per clause. */
static bool clause_date(jirga_coder *c, char out[11])
{
    const sentence *s = &c->sent;
    if (c->dated != c->current) {
        c->dated = c->current;
        str_copy(c->clause_date, sizeof c->clause_date, c->date_text);
        char stated[11];
        int at = date_find(s, c->current->left, c->current->right, c->doc_date, stated);
        if (at < 0 && s->nclauses == 1)
            at = date_find(s, 0, (int)s->ntokens, c->doc_date, stated);
        c->clause_date_stated = at >= 0;
        if (at >= 0)
            memcpy(c->clause_date, stated, sizeof c->clause_date);
    }
    memcpy(out, c->clause_date, sizeof c->clause_date);
    return c->clause_date_stated;
}

static void emit(jirga_coder *c, const char *code, const actor_unit *src, const actor_unit *tgt,
                 const pattern *p, int verb_token, const verb_group *vg)
{
    const sentence *s = &c->sent;
    if (!src) {
        TRACE(c, "      no event: no source actor\n");
        return;
    }
    /* "the two sides" stands for two actors in the same words: they are not one actor */
    if (tgt && src->start == tgt->start && !(src->pronoun && tgt->pronoun && src->actor != tgt->actor)) {
        TRACE(c, "      no event: source and target are the same words\n");
        return;
    }
    if (tgt && code[0] == '1' && code[1] == '5' && str_len_at_least(src->code, 3) && strncmp(src->code, tgt->code, 3) == 0 &&
        strncmp(src->code, "IGO", 3) != 0 && strncmp(src->code, "NGO", 3) != 0) {
        /* "put its air force on high alert": a show of force has no target of its own side */
        tgt = NULL;
    }
    code = force_by_roles(c, code, p, src, tgt);
    /* The event is built in place after the others and kept by counting it. What decides
     * whether it is kept (sentence, code, actors, negation) is filled first; the date,
     * quote and place only for an event that stays. */
    if (c->nevents == c->cap_events) /* the test inline: a call per event otherwise */
        GROW(c->events, c->cap_events, c->nevents + 1);
    jirga_event *ev = &c->events[c->nevents];
    memset(ev, 0, sizeof *ev);
    ev->sentence = c->nsentences;
    fill_actor(s, src, &ev->source);
    fill_actor(s, tgt, &ev->target);
    size_t code_len = strlen(code);
    if (code_len < sizeof ev->cameo) /* what str_copy does, without its call */
        memcpy(ev->cameo, code, code_len + 1);
    else
        str_copy(ev->cameo, sizeof ev->cameo, code);
    ev->negated = vg && vg->negated;
    for (size_t i = 0; i < c->nevents; i++)
        if (same_event(&c->events[i], ev)) {
            TRACE(c, "      same event as before: %s %s -> %s\n", code, ev->source.code, ev->target.code);
            return;
        }
    if (ev->negated && !c->opts.keep_negated) {
        TRACE(c, "      not coded: the verb is negated: %s %s -> %s\n", code, ev->source.code,
              ev->target.code[0] ? ev->target.code : "(none)");
        return;
    }
    ev->sentence_text = s->text;
    ev->sentence_len = s->len;
    memcpy(ev->root, code, 2);
    const cameo_code *cc = dict_cameo(c->d, code);
    ev->label = cc ? cc->label : "";
    ev->quad = cc ? cc->quad : 0;
    ev->goldstein = cc ? cc->goldstein : 0;
    ev->verb_start = (int)s->tokens[verb_token].start;
    ev->verb_end = (int)s->tokens[verb_token].end;
    ev->pattern_file = p->file;
    ev->pattern_line = p->line;
    if (c->current)
        ev->date_stated = clause_date(c, ev->event_date);
    else
        str_copy(ev->event_date, sizeof ev->event_date, c->date_text);
    ev->quote_start = ev->quote_end = -1;
    if (c->current && vg && code[0] == '0' && code[1] == '1' && (s->tokens[vg->verb].flags & W_SPEECH))
        find_quote(s, vg, c->current, &ev->quote_start, &ev->quote_end);
    if (c->current)
        find_place(c, c->current, ev->source.country, &ev->place);
    /* Counts go with material events; troop numbers with any event of the sentence. */
    for (int k = 0; k < c->nsent_counts; k++)
        if (strcmp(c->sent_counts[k].kind, "troops") == 0 || root_number(ev->root) >= 14)
            ev->counts[ev->ncounts++] = c->sent_counts[k];
    TRACE(c, "      EVENT %s %s (%s) %s -> %s%s\n", code, ev->label, ev->root, ev->source.code,
          ev->target.code[0] ? ev->target.code : "(none)", ev->negated ? " [negated]" : "");
    c->nevents++;
}

static const actor_unit *unit_of(const sentence *s, int group, int k)
{
    return group >= 0 ? &s->units[s->groups[group].first + k] : NULL;
}

static int group_size(const sentence *s, int group) { return group >= 0 ? s->groups[group].count : 0; }

static bool in_set(const jirga_coder *c, int set_index, const token *t)
{
    return set_index >= 0 && set_has_word(&c->d->sets[set_index], t);
}

/* Every source-target pair of a match, and the reversed pair for paired codes. */
static bool has_target_slot(const pattern *p)
{
    for (int e = 0; e < p->nelems; e++)
        if (p->elems[e].kind == E_TARGET)
            return true;
    return false;
}

static void emit_match(jirga_coder *c, const pattern *p, const match_state *m, int source_group,
                       int verb_token, const verb_group *vg)
{
    const sentence *s = &c->sent;
    /* "Indian and Chinese soldiers fought": a reciprocal verb with two subjects and no
     * target is coded both ways, as a compound. */
    bool reciprocal = m->target < 0 && m->word_group < 0 && group_size(s, source_group) >= 2 &&
                      p->elems[0].kind == E_SOURCE && in_set(c, c->reciprocal_set, &s->tokens[verb_token]);
    if (m->compound >= 0 || (p->elems[0].kind == E_COMPOUND) || reciprocal) {
        int g = m->compound >= 0 ? m->compound : source_group;
        int last = m->compound >= 0 ? m->compound_last : g;
        /* Every named party meets every other; an agent alone ("their team", "the
         * delegation") is counted only when fewer than two named parties take part. */
        const actor_unit *parties[64];
        int n = 0, named = 0;
        for (int k = s->groups[g].first; k < s->groups[last].first + s->groups[last].count && n < 64; k++) {
            parties[n++] = &s->units[k];
            named += s->units[k].actor != NULL;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j || strcmp(parties[i]->code, parties[j]->code) == 0)
                    continue;
                if (named >= 2 && (!parties[i]->actor || !parties[j]->actor))
                    continue;
                emit(c, p->code, parties[i], parties[j], p, verb_token, vg);
            }
        return;
    }
    /* "Poland expelled 45 Russian diplomats": the role word the pattern named is also the
     * target, when it belongs to another country than the source. */
    match_state bound = *m;
    if (bound.target < 0 && bound.word_group >= 0 && source_group >= 0) {
        const actor_unit *w = unit_of(s, bound.word_group, 0), *src = unit_of(s, source_group, 0);
        /* a protest (root 14) is aimed at the protesters' own institutions: "Kenyan
         * protesters stormed Kenya's parliament" */
        bool protest = strncmp(p->code, "14", 2) == 0 && strcmp(w->code, src->code) != 0;
        if (w->actor && (strncmp(w->code, src->code, 3) != 0 || protest))
            bound.target = bound.word_group;
    }
    /* "expelled Russian diplomats on Monday in solidarity with Britain": when the word just
     * before a closing '+' is the role word of the object's own group, and that group names
     * another country than the source, the object is the target, not an actor found later
     * in an adjunct. Only for a closing '+' that directly follows that word. */
    if (bound.target >= 0 && bound.word_group >= 0 && source_group >= 0 && p->nelems >= 2 &&
        bound.word_group_elem == p->nelems - 2 && p->elems[p->nelems - 1].kind == E_TARGET &&
        s->groups[bound.target].start > s->groups[bound.word_group].start) {
        const actor_unit *w = unit_of(s, bound.word_group, 0), *src = unit_of(s, source_group, 0);
        if (w->actor && strncmp(w->code, src->code, 3) != 0) {
            const actor_group *wg = &s->groups[bound.word_group], *tg = &s->groups[bound.target];
            TRACE(c, "      target: %.*s, whose role word the pattern names, not the later %.*s\n",
                  (int)(s->tokens[wg->end - 1].end - s->tokens[wg->start].start), s->text + s->tokens[wg->start].start,
                  (int)(s->tokens[tg->end - 1].end - s->tokens[tg->start].start), s->text + s->tokens[tg->start].start);
            bound.target = bound.word_group;
        }
    }
    /* "rejected United Nations calls", "struck Hezbollah positions in Lebanon", "rejected
     * Trump's offer": an actor that owns the object the pattern named is the target,
     * before any actor found after that object. */
    if (bound.first_word > 0 && has_target_slot(p) && !(vg && vg->passive) &&
        (bound.target < 0 || s->groups[bound.target].start > bound.first_word)) {
        int k = bound.first_word - 1;
        if (k > 0 && token_word_is(s, k, "'s"))
            k--;
        int g = s->group_at[k];
        /* the object is a noun ("positions", not "along"); an owner without a country
         * ("army base") does not displace a named target found after it */
        bool noun = !(s->tokens[bound.first_word].flags & (W_PREP | W_DET | W_CONJ | W_BOUNDARY));
        if (g >= 0 && noun && g != source_group && s->groups[g].end == k + 1 && s->groups[g].start > verb_token &&
            (bound.target < 0 || unit_of(s, g, 0)->actor)) {
            TRACE(c, "      target: %.*s, whose %.*s the pattern names\n",
                  (int)(s->tokens[s->groups[g].end - 1].end - s->tokens[s->groups[g].start].start),
                  s->text + s->tokens[s->groups[g].start].start,
                  (int)(s->tokens[bound.first_word].end - s->tokens[bound.first_word].start),
                  s->text + s->tokens[bound.first_word].start);
            bound.target = g;
        }
    }
    m = &bound;
    int ns = group_size(s, source_group), nt = group_size(s, m->target);
    if (ns == 0)
        TRACE(c, "      no event: no source actor\n");
    bool forward = !code_is(p->code, "---"); /* "---:072": only the reverse event */
    for (int i = 0; i < ns; i++) {
        if (nt == 0 && forward)
            emit(c, p->code, unit_of(s, source_group, i), NULL, p, verb_token, vg);
        for (int j = 0; j < nt; j++) {
            if (forward)
                emit(c, p->code, unit_of(s, source_group, i), unit_of(s, m->target, j), p, verb_token, vg);
            if (p->code2[0])
                emit(c, p->code2, unit_of(s, m->target, j), unit_of(s, source_group, i), p, verb_token, vg);
        }
    }
}

/* ---- Clauses ------------------------------------------------------------------------ */

/* "will", "would", "'ll", "won't", "shall": the actor's stated future, coded as intent
 * (or refusal, when negated) by dictionaries/intent.tsv; "could", "may", "might",
 * "should" stay hypothetical. NULL when nothing is to be coded. */
static const char *intended_code(const jirga_coder *c, const verb_group *vg, const char *action)
{
    const sentence *s = &c->sent;
    static const char *const intent_modals[] = {"will", "would", "'ll", "wo", "shall"};
    if (token_word_among(s, vg->modal_token, intent_modals, (int)(sizeof intent_modals / sizeof intent_modals[0])) < 0)
        return NULL;
    int root = (action[0] - '0') * 10 + (action[1] - '0');
    if (root == 3 || (root >= 10 && root <= 13))
        return vg->negated ? NULL : action; /* already an intent, a demand or a threat */
    const intent_rule *r = dict_intent(c->d, action);
    if (!r)
        return NULL;
    const char *code = vg->negated ? r->refusal : r->intent;
    return code[0] ? code : NULL;
}

/* Verb patterns: the clause in active order, after the verb. Returns true on a match. */
/* "..., rights groups said.", "..., witnesses said.": a speaker after the report, with no
 * country, whose role is to witness or report, is the report's source (coding guide,
 * section 6), not an actor making a statement. */
static bool sourcing(const sentence *s, int group)
{
    /* medics, aid agencies, traders, scientists, workers, farmers, refugees report too */
    static const char *const roles[] = {"HRI", "MED", "CVL", "NGO", "HLH", "DEV", "BUS", "EDU", "LAB", "AGR", "REF"};
    const actor_group *g = &s->groups[group];
    int k = g->start - 1;
    while (k >= 0 && (s->tokens[k].flags & (W_DET | W_ADJ | W_QUANT)))
        k--;
    if (k < 0 || !(s->tokens[k].shape & T_COMMA))
        return false;
    for (int u = g->first; u < g->first + g->count; u++) {
        const actor_unit *unit = &s->units[u];
        if (unit->actor)
            return false; /* a named actor is never a source: its role is not read */
        bool role = false;
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
            role = role || memcmp(unit->code, roles[r], 4) == 0; /* three letters and the NUL */
        /* "..., diplomats said", "..., a government source said": unnamed diplomats and
         * sources of no country are sourcing as well (coding guide, section 6) */
        int last = unit->end - 1;
        role = role || token_word_is(s, last, "diplomats") || token_word_is(s, last, "diplomat") ||
               token_word_is(s, last, "source") || token_word_is(s, last, "sources");
        if (!role)
            return false;
    }
    return true;
}

/* "X accused Y of ..., a claim Kyiv dismissed"; "Iran expelled inspectors, a move the
 * agency condemned": a reaction told in an apposition to the main clause answers the
 * main clause's actor. Returns that actor's group when the subject group follows ", a
 * NOUN (that)", else -1. */
static int reaction_to(const sentence *s, int subject)
{
    int k = s->groups[subject].start - 1;
    while (k >= 0 && (s->tokens[k].flags & W_DET) && !token_word_is(s, k, "a") && !token_word_is(s, k, "an"))
        k--; /* "the agency" */
    if (k >= 0 && (token_word_is(s, k, "that") || token_word_is(s, k, "which")))
        k--;
    int nouns = 0;
    while (k >= 0 && nouns < 3 && (s->tokens[k].shape & T_WORD) && !(s->tokens[k].shape & T_CAP) &&
           !(s->tokens[k].flags & (W_DET | W_PREP | W_CONJ | W_PRON)) && s->group_at[k] < 0) {
        k--;
        nouns++;
    }
    if (!nouns || k < 1 || !(token_word_is(s, k, "a") || token_word_is(s, k, "an")) ||
        !(s->tokens[k - 1].shape & T_COMMA) || s->nclauses == 0)
        return -1;
    int main = s->clauses[0].subject;
    return main >= 0 && main != subject && s->groups[main].end <= k ? main : -1;
}

/* "A suicide bomber killed 13 soldiers", "An Israeli air strike destroyed the consulate":
 * when the subject phrase names the means of an attack, a generic act of force (190),
 * killing (1823), bombing (183) or destruction (1712) takes the code of the means, from the
 * dictionary's MEANS_<code> sets (coding guide 10: the code follows the words that describe
 * the act). The means must open the clause ("A US drone strike"), not sit in a phrase
 * before it ("After a suicide bombing, troops attacked"). Returns the code, or NULL. */
static const char *means_of_subject(jirga_coder *c, const clause *cl, int subject, const char code[8])
{
    const sentence *s = &c->sent;
    if (!code_is(code, "190") && !code_is(code, "1823") && !code_is(code, "183") && !code_is(code, "1712"))
        return NULL;
    int from = cl->left, stop = s->vgs[cl->vg].start;
    /* "A roadside bomb planted by militants killed ...": the means opens the reduced
     * relative clause that ends at "by" */
    for (size_t o = 0; token_word_is(s, from, "by") && o < s->nclauses; o++) {
        const clause *r = &s->clauses[o];
        if (r != cl && r->vg >= 0 && s->vgs[r->vg].passive && r->right >= from - 1 && r->right <= from + 1 &&
            r->left < from) {
            from = r->left;
            stop = s->vgs[r->vg].start;
        }
    }
    for (int pos = from; pos < stop && pos < from + 6; pos++) {
        const token *t = &s->tokens[pos];
        if ((t->flags & W_PREP) || token_word_is(s, pos, ","))
            return NULL;
        for (int i = 0; i < c->nmeans; i++) {
            const word_set *ws = &c->d->sets[c->means_sets[i]];
            if (!set_may_start(ws, t))
                continue;
            for (int k = 0; k < ws->nmembers; k++) {
                const phrase *ph = &ws->members[k];
                bool ok = pos + ph->nwords <= stop;
                for (int w = 0; w < ph->nwords && ok; w++)
                    ok = token_is(&s->tokens[pos + w], phrase_word(ph, w));
                if (!ok)
                    continue;
                const char *by = ws->name + 6;
                if (!strcmp(by, code))
                    return NULL;
                TRACE(c, "      the subject names the means ('%.*s', %s:%d): %s, not %s\n",
                      (int)(s->tokens[pos + ph->nwords - 1].end - t->start), s->text + t->start, ws->file,
                      ws->line, by, code);
                /* "A US drone strike": the role word modifies the event noun after it, not a
                 * unit; the country acts alone (coding guide 2: event nouns are not
                 * military) */
                actor_unit *u = subject >= 0 && s->groups[subject].count == 1
                                    ? &c->sent.units[s->groups[subject].first] : NULL;
                if (u && u->agent && u->end - 1 >= pos && u->end - 1 < pos + ph->nwords - 1 && str_len_at_least(u->code, 4)) {
                    TRACE(c, "      source: '%.*s' names the means, not a unit: %.3s, not %s\n",
                          (int)(s->tokens[u->end - 1].end - s->tokens[u->start].start), s->text + s->tokens[u->start].start,
                          u->code, u->code);
                    u->code[3] = 0;
                }
                return by;
            }
        }
    }
    return NULL;
}

/* Asks for what pick_verb_patterns reads first of verb w: its groups, or its first
 * patterns' filters. */
static void prefetch_verb_patterns(const jirga_dict *d, word_id w)
{
    const pattern_buckets *b = dict_verb_buckets(d, w);
    if (b) {
        for (size_t line = 0; line < sizeof *b; line += 64)
            __builtin_prefetch((const char *)b + line);
        return;
    }
    size_t np;
    const pattern *ps = dict_verb_patterns(d, w, &np);
    if (np)
        __builtin_prefetch(d->verb_needs + (ps - d->patterns));
}

/* Asks for where the groups of verb w start (bucket_start), which pick_verb_patterns
 * reads for each group the clause has; its groups (prefetch_verb_patterns) were asked
 * for before. */
static void prefetch_verb_groups(const jirga_dict *d, word_id w)
{
    const pattern_buckets *b = dict_verb_buckets(d, w);
    if (!b)
        return;
    const char *from = (const char *)&d->bucket_start[b->bucket], *to = (const char *)&d->bucket_start[b->unfiltered + 1];
    for (; from < to + 64; from += 64) /* the line of to included */
        __builtin_prefetch(from);
}

/* Marks pattern i of the verb in picked and asks for it and its elements: the picked
 * patterns' misses overlap, where matching them one by one would wait for each. */
static inline void pick_pattern(uint64_t *picked, size_t i, const pattern *ps, const pattern_elem *elems)
{
    picked[i / 64] |= 1ULL << (i % 64);
    __builtin_prefetch(&ps[i]);
    __builtin_prefetch(elems);
}

/* Picks the patterns of group g whose other filter bits the clause has. */
static void pick_group(const jirga_dict *d, uint32_t g, const pattern *ps, const word_filter *have, uint64_t *picked)
{
    for (uint32_t k = d->bucket_start[g]; k < d->bucket_start[g + 1]; k++) {
        const bucket_member *m = &d->bucket_members[k]; /* index < np: built from this verb's patterns */
        if (word_filter_has_bits(have, m->bit, 3)) /* the group's bit is the first */
            pick_pattern(picked, m->index, ps, m->elems);
    }
}

/* Marks in picked, one bit per pattern of the verb ((np + 63) / 64 words), the patterns
 * whose filter words the clause has (pick_pattern). A verb with many patterns has them
 * grouped by their first filter bit (pattern_buckets): only the groups whose bit the
 * clause has are read, which gives the same patterns as testing each. */
static void pick_verb_patterns(const jirga_dict *d, word_id verb, const pattern *ps, const pattern_needs *needs,
                               size_t np, const word_filter *have, uint64_t *picked)
{
    memset(picked, 0, (np + 63) / 64 * sizeof *picked);
    const pattern_buckets *b = dict_verb_buckets(d, verb);
    if (!b) {
        for (size_t i = 0; i < np; i++)
            if (word_filter_passes(have, &needs[i]))
                pick_pattern(picked, i, ps, needs[i].elems);
        return;
    }
    /* The groups the clause has, found first and their members asked for, then read:
     * the members' misses overlap. A clause has at most a few dozen of its verb's groups;
     * past GROUPS_AHEAD they are read as they come. */
    enum { GROUPS_AHEAD = 32 };
    uint32_t groups[GROUPS_AHEAD];
    int ngroups = 0;
    for (int w = 0; w < 16; w++)
        for (uint64_t hit = b->first_bits[w] & have->bits[w]; hit; hit &= hit - 1) {
            uint32_t g = dict_bucket_of(b, (uint16_t)(w * 64 + __builtin_ctzll(hit)));
            if (ngroups < GROUPS_AHEAD) {
                __builtin_prefetch(&d->bucket_members[d->bucket_start[g]]);
                groups[ngroups++] = g;
                continue;
            }
            pick_group(d, g, ps, have, picked);
        }
    for (int i = 0; i < ngroups; i++)
        pick_group(d, groups[i], ps, have, picked);
    for (uint32_t k = d->bucket_start[b->unfiltered]; k < d->bucket_start[b->unfiltered + 1]; k++)
        pick_pattern(picked, d->bucket_members[k].index, ps, d->bucket_members[k].elems);
}

/* Is the pattern's verb one whose participle tells the toll of the act before? */
static bool tells_toll(const jirga_coder *c, const pattern *p)
{
    for (size_t t = 0; p->anchor && t < sizeof c->toll_words / sizeof c->toll_words[0]; t++)
        if (p->anchor == c->toll_words[t])
            return true;
    return false;
}

/* A verb pattern matched: codes the clause's events, or tells why there are none. The
 * clause is then coded, whatever the outcome. */
static void code_verb_match(jirga_coder *c, const clause *cl, int subject, const pattern *p, match_state *m)
{
    const sentence *s = &c->sent;
    const verb_group *vg = &s->vgs[cl->vg];
    TRACE(c, "    matched ");
    trace_pattern(c, p);
    TRACE(c, "\n");
    if (m->past_amount)
        TRACE(c, "      target found past an amount ('on $34 billion of X'): the amount counts as no words\n");
    if (m->prep_past_amount)
        TRACE(c, "      preposition found past an amount ('tariffs of up to 212 percent on X'): the amount counts as no words\n");
    if (code_is(p->code, "---") && (!p->code2[0] || vg->hypothetical)) {
        TRACE(c, "      no event: the pattern says so\n");
        return;
    }
    if (code_is(p->code, "010") && sourcing(s, subject)) {
        TRACE(c, "      no event: '..., rights groups said' names a source, not an actor\n");
        return;
    }
    int root = (p->code[0] - '0') * 10 + (p->code[1] - '0');
    if (m->target < 0 && root >= 1 && root <= 13) {
        int about = reaction_to(s, subject);
        if (about >= 0) {
            TRACE(c, "      target: the actor of the main clause, whose act '..., a claim X dismissed' answers\n");
            m->target = about;
        }
    }
    if (vg->hypothetical) {
        const char *code = intended_code(c, vg, p->code);
        /* "Putin will not attend the summit, South Africa's presidency said": what
         * another country's speaker says an actor will not do is a negated act,
         * not the actor's refusal (coding guide 7) */
        for (size_t o_i = 0; code && vg->negated && o_i < s->nclauses; o_i++) {
            const clause *o = &s->clauses[o_i];
            if (o == cl || o->vg < 0 || o->subject < 0 || !(s->tokens[s->vgs[o->vg].verb].flags & W_SPEECH))
                continue;
            const char *said_by = unit_of(s, o->subject, 0)->code, *actor = unit_of(s, subject, 0)->code;
            if (said_by[0] && actor[0] && strncmp(said_by, actor, 3) != 0) {
                TRACE(c, "      not coded: a refusal told by another country's speaker\n");
                return;
            }
        }
        if (!code) {
            TRACE(c, "      not coded: hypothetical ('%.*s')\n",
                  (int)(s->tokens[vg->modal_token].end - s->tokens[vg->modal_token].start),
                  s->text + s->tokens[vg->modal_token].start);
            return;
        }
        /* "Germany said it would send tanks": the actor states its intent */
        pattern intent = *p;
        str_copy(intent.code, sizeof intent.code, code);
        intent.code2[0] = 0;
        TRACE(c, "      '%.*s': coded as what the actor says it will%s do: %s\n",
              (int)(s->tokens[vg->modal_token].end - s->tokens[vg->modal_token].start),
              s->text + s->tokens[vg->modal_token].start, vg->negated ? " not" : "", code);
        verb_group said = *vg;
        said.negated = false;
        emit_match(c, &intent, m, subject, vg->verb, &said);
        return;
    }
    int proot = (p->code[0] - '0') * 10 + (p->code[1] - '0');
    /* ", placing leaders under house arrest", ", shelling the regional capital": a
     * participle naming a further act of force or coercion is an event; ", killing
     * 21 people", ", cutting power to ...", ", forcing thousands to flee" tell the
     * toll of the act before */
    if (vg->participle && (proot >= 17 ? tells_toll(c, p) : m->target < 0)) {
        /* ", killing 21 people", ", warning of unrest": told in passing; only a
         * verbal act aimed at someone (", accusing Moscow of ...") is an event */
        TRACE(c, proot >= 17 ? "      not coded: a participle telling the toll of the act before\n"
                             : "      not coded: a participle clause codes only verbal acts with a target\n");
        return;
    }
    const char *means = vg->passive ? NULL : means_of_subject(c, cl, subject, p->code);
    if (means) {
        pattern by_means = *p;
        str_copy(by_means.code, sizeof by_means.code, means);
        by_means.code2[0] = 0;
        emit_match(c, &by_means, m, subject, vg->verb, vg);
        return;
    }
    emit_match(c, p, m, subject, vg->verb, vg);
}

static bool code_verb_clause(jirga_coder *c, const clause *cl)
{
    const sentence *s = &c->sent;
    const verb_group *vg = &s->vgs[cl->vg];
    const token *verb = &s->tokens[vg->verb];
    int subject = vg->passive ? cl->agent : cl->subject;
    item items[MAX_ITEMS];
    int n = 0;
    if (vg->passive) /* "Sanctions were imposed on X by Y" reads "Y imposed sanctions on X" */
        n = push_items(s, items, n, cl->left, vg->start, -1);
    n = push_items(s, items, n, vg->end, cl->right, vg->passive ? cl->agent : -1);
    /* "Israel demanded that the Security Council condemn Hamas": the clause after "that"
     * is in reach of the pattern, so its subject can be the target. */
    if (cl->right < (int)s->ntokens && token_word_is(s, cl->right, "that"))
        n = push_items(s, items, n, cl->right, cl->right + 8 < (int)s->ntokens ? cl->right + 8 : (int)s->ntokens,
                       -1);

    if (subject < 0) {
        TRACE(c, "    no %s: verb patterns skipped\n", vg->passive ? "'by' agent" : "subject");
        return false;
    }
    word_id keys[4] = {verb->word};
    int nkeys = 1;
    for (int k = 0; k < verb->nlemmas; k++)
        keys[nkeys++] = verb->lemmas[k];
    for (int k = 0; k < nkeys; k++) /* read while the filter is built */
        prefetch_verb_groups(c->d, keys[k]);
    word_filter have = {{0}};
    const item verb_item = {ITEM_TOKEN, vg->verb};
    filter_items(c->d, &have, s, &verb_item, 1);
    filter_items(c->d, &have, s, items, n);
    /* A match whose target slot found no one is kept in reserve while a later pattern
     * of the same root may still find the target ("delivered aid to the refugees in
     * Jordan": the longer pattern's "+" came too late). */
    const pattern *reserve = NULL;
    match_state reserve_m = {0};
    for (int k = 0; k < nkeys; k++) {
        size_t np = 0;
        const pattern *ps = dict_verb_patterns(c->d, keys[k], &np);
        if (!np)
            continue;
        const pattern_needs *needs = c->d->verb_needs + (ps - c->d->patterns);
        pick_verb_patterns(c->d, keys[k], ps, needs, np, &have, c->picked);
        for (size_t w = 0; w < (np + 63) / 64; w++)
            for (uint64_t bits = c->picked[w]; bits; bits &= bits - 1) {
                const pattern *p = &ps[w * 64 + (size_t)__builtin_ctzll(bits)]; /* in pattern order */
                match_state m = new_match(s, c->d, items, n, subject);
                if (p->elems[0].kind == E_COMPOUND && group_size(s, subject) < 2)
                    continue;
                if (!match_from(&m, p, 2, 0, false))
                    continue;
                if (reserve && (m.target < 0 || strncmp(p->code, reserve->code, 2) != 0))
                    continue; /* only a same-root match with a target replaces the reserve */
                if (!reserve && m.target < 0 && m.word_group < 0 && has_target_slot(p) &&
                    !code_is(p->code, "---") && !vg->hypothetical) {
                    TRACE(c, "    matched without its target, kept in reserve: ");
                    trace_pattern(c, p);
                    TRACE(c, "\n");
                    reserve = p;
                    reserve_m = m;
                    continue;
                }
                code_verb_match(c, cl, subject, p, &m);
                return true;
            }
        if (c->opts.trace && !reserve)
            TRACE(c, "    tried %zu pattern(s) for '%s': none matched\n", np, lex_word(c->d->lex, keys[k]));
    }
    if (!reserve)
        return false;
    code_verb_match(c, cl, subject, reserve, &reserve_m); /* no later pattern did better */
    return true;
}

/* "X is concerned about Y", "X was optimistic": a passive-looking verb after "be" may be
 * an adjective; the patterns of "be" are tried on it with the active subject. */
static bool code_copula_clause(jirga_coder *c, const clause *cl)
{
    const sentence *s = &c->sent;
    const verb_group *vg = &s->vgs[cl->vg];
    if (!vg->passive || cl->agent >= 0 || cl->subject < 0 || !c->be_word)
        return false;
    item items[MAX_ITEMS];
    int n = push_items(s, items, 0, vg->verb, cl->right, -1);
    word_filter have = {{0}};
    filter_items(c->d, &have, s, items, n);
    word_filter_add(&have, c->be_word);
    size_t np;
    const pattern *ps = dict_verb_patterns(c->d, c->be_word, &np);
    const pattern_needs *needs = np ? c->d->verb_needs + (ps - c->d->patterns) : NULL;
    for (size_t i = 0; i < np; i++) {
        const pattern *p = &ps[i];
        if (!word_filter_passes(&have, &needs[i]) || p->elems[0].kind != E_SOURCE)
            continue;
        match_state m = new_match(s, c->d, items, n, cl->subject);
        if (!match_from(&m, p, 2, 0, false))
            continue;
        TRACE(c, "    as 'be' + adjective: matched ");
        trace_pattern(c, p);
        TRACE(c, "\n");
        if (code_is(p->code, "---") || vg->hypothetical)
            return true;
        emit_match(c, p, &m, cl->subject, vg->verb, vg);
        return true;
    }
    return false;
}

/* Tries nominal pattern p on the word at items[j]; true when it matched (its events, if
 * any, are then emitted). */
static bool nominal_at(jirga_coder *c, const clause *cl, const verb_group *vg, const item *items, int n, int j,
                       const pattern *p)
{
    const sentence *s = &c->sent;
    int a = 0; /* the anchor element; slots before it bind the items before j */
    while (p->elems[a].kind != E_WORD && p->elems[a].kind != E_SET)
        a++;
    if (j < a)
        return false;
    match_state m = new_match(s, c->d, items, n, -1);
    bool ok = true;
    for (int e = 0; e < a && ok; e++) {
        const item *it = &items[j - a + e];
        if (it->kind != ITEM_GROUP)
            ok = false;
        else if (p->elems[e].kind == E_TARGET)
            m.target = it->index;
        else if (p->elems[e].kind == E_SOURCE)
            m.source = it->index;
        else if (s->groups[it->index].count >= 2)
            m.compound = m.compound_last = it->index;
        else
            ok = false;
    }
    if (!ok || !match_from(&m, p, a, j, true))
        return false;
    TRACE(c, "    matched ");
    trace_pattern(c, p);
    TRACE(c, "\n");
    if (code_is(p->code, "---")) {
        TRACE(c, "      no event: the pattern says so\n");
        return true;
    }
    if (vg && vg->hypothetical) {
        TRACE(c, "      not coded: hypothetical\n");
        return true;
    }
    int source = m.source >= 0 ? m.source : vg && vg->passive ? cl->agent : cl->subject;
    emit_match(c, p, &m, source, m.first_word >= 0 ? m.first_word : items[j].index, vg);
    return true;
}

/* Nominal patterns over the clause's words in text order: at each word, those anchored
 * on the word, then those anchored on a set. */
static bool code_nominal_clause(jirga_coder *c, const clause *cl)
{
    const sentence *s = &c->sent;
    const verb_group *vg = cl->vg >= 0 ? &s->vgs[cl->vg] : NULL;
    item items[MAX_ITEMS];
    int n = push_items(s, items, 0, cl->left, cl->right, -1);
    word_filter have = {{0}};
    filter_items(c->d, &have, s, items, n);
    /* Whether the clause has a pattern's words does not depend on the word tried: the
     * set-anchored patterns that may match are picked once, in their order. */
    size_t nsets, npicked = 0;
    const pattern *set_ps = dict_set_nominal_patterns(c->d, &nsets);
    const pattern_needs *set_needs = nsets ? c->d->nominal_needs + (set_ps - c->d->nominals) : NULL;
    for (size_t i = 0; i < nsets; i++)
        if (word_filter_passes(&have, &set_needs[i]))
            c->set_nominals[npicked++] = &set_ps[i];
    for (int j = 0; j < n; j++) {
        if (items[j].kind != ITEM_TOKEN)
            continue;
        /* "clashes between X and Y killed 10" codes the clashes; but in "a resolution that
         * called for pauses in the fighting between X and Y" the fighting is background */
        if (vg && items[j].index > vg->verb)
            break;
        const token *t = &s->tokens[items[j].index];
        word_id keys[4] = {t->word};
        int nkeys = 1;
        for (int k = 0; k < t->nlemmas; k++)
            keys[nkeys++] = t->lemmas[k];
        for (int k = 0; k < nkeys; k++) {
            size_t np;
            const pattern *ps = dict_nominal_patterns(c->d, keys[k], &np);
            const pattern_needs *needs = np ? c->d->nominal_needs + (ps - c->d->nominals) : NULL;
            for (size_t i = 0; i < np; i++)
                if (word_filter_passes(&have, &needs[i]) && nominal_at(c, cl, vg, items, n, j, &ps[i]))
                    return true;
        }
        for (size_t i = 0; i < npicked; i++)
            if (nominal_at(c, cl, vg, items, n, j, c->set_nominals[i]))
                return true;
    }
    return false;
}

/* ---- Document pass: names and antecedents ------------------------------------------ */

/* Learns the names that titles introduced in this sentence, and remembers the latest
 * person, group, country and pair for the references of the next sentences. */
static void learn_from_sentence(jirga_coder *c)
{
    const sentence *s = &c->sent;
    for (size_t g = 0; g < s->ngroups; g++) { /* "the Taliban and the United States" */
        const actor_group *grp = &s->groups[g];
        if (grp->count < 2)
            continue;
        const actor_unit *a = &s->units[grp->first], *b = &s->units[grp->first + 1];
        if (a->actor && b->actor && strcmp(a->code, b->code) != 0) {
            c->ctx.pair[0] = a->actor;
            c->ctx.pair[1] = b->actor;
            memcpy(c->ctx.pair_code[0], a->code, sizeof c->ctx.pair_code[0]);
            memcpy(c->ctx.pair_code[1], b->code, sizeof c->ctx.pair_code[1]);
        }
    }
    for (size_t u = 0; u < s->nunits; u++) {
        const actor_unit *unit = &s->units[u];
        const dict_entry *entry = unit->actor;
        if (unit->name_start >= 0 && str_len_at_least(unit->code, 3) && c->ctx.nnames < MAX_DOC_NAMES &&
            (unit->actor || str_len_at_least(unit->code, 6))) {
            doc_name *nm = &c->names[c->ctx.nnames];
            memset(nm, 0, sizeof *nm);
            for (int k = unit->name_start; k < unit->name_end && nm->nwords < 4; k++) {
                const token *t = &s->tokens[k];
                if (!lex_fold(s->text + t->start, t->end - t->start, nm->words[nm->nwords], sizeof nm->words[0]))
                    break;
                nm->nwords++;
            }
            if (nm->nwords == unit->name_end - unit->name_start) {
                str_copy(nm->code.code, sizeof nm->code.code, unit->code);
                nm->entry.codes = &nm->code;
                nm->entry.ncodes = 1;
                nm->entry.file = LEARNED;
                nm->entry.line = c->nsentences;
                nm->entry.person = true;
                jirga_name *out = &c->learned[c->ctx.nnames];
                snprintf(out->name, sizeof out->name, "%.*s",
                         (int)(s->tokens[unit->name_end - 1].end - s->tokens[unit->name_start].start),
                         s->text + s->tokens[unit->name_start].start);
                str_copy(out->code, sizeof out->code, unit->code);
                out->sentence = c->nsentences;
                c->ctx.nnames++;
                entry = &nm->entry;
                TRACE(c, "  learned: '%.*s' is %s for the rest of the document\n",
                      (int)(s->tokens[unit->name_end - 1].end - s->tokens[unit->name_start].start),
                      s->text + s->tokens[unit->name_start].start, unit->code);
            }
        }
        if (unit->pronoun) {
            TRACE(c, "  reference: '%.*s' is %s, seen earlier in the document\n",
                  (int)(s->tokens[unit->end - 1].end - s->tokens[unit->start].start),
                  s->text + s->tokens[unit->start].start, unit->code);
            continue;
        }
        size_t len = entry ? strlen(unit->code) : 0;
        if (len < 3)
            continue;
        if (len >= 6 && dict_is_organisation(unit->code)) { /* none shorter is one */
            c->ctx.org = entry;
            memcpy(c->ctx.org_code, unit->code, sizeof c->ctx.org_code);
        } else if (!unit->person && unit->actor && str_len_is(dict_code_on(unit->actor, s->date), 3)) {
            /* "Iran", "Iranian protesters": the country "the country" will mean */
            c->ctx.country = unit->actor;
            memcpy(c->ctx.country_code, unit->code, 3); /* the country of "Iranian protesters" */
            c->ctx.country_code[3] = 0;
        }
        if (unit->person) {
            c->ctx.person = entry;
            memcpy(c->ctx.person_code, unit->code, sizeof c->ctx.person_code);
        } else {
            c->ctx.group = entry;
            memcpy(c->ctx.group_code, unit->code, sizeof c->ctx.group_code);
        }
    }
}

/* ---- Document pass: definite descriptions ---------------------------------------- */

/* "the insurgents", "the ministry": an agent alone after "the" refers back to the latest
 * named actor of the same role in the document. Named actors are remembered. */
static void resolve_references(jirga_coder *c)
{
    sentence *s = &c->sent;
    size_t seen0 = c->nseen; /* actors named before this sentence */
    for (size_t u = 0; u < s->nunits; u++) {
        actor_unit *unit = &s->units[u];
        if (unit->actor) {
            if (c->nseen == c->cap_seen)
                GROW(c->seen, c->cap_seen, c->nseen + 1);
            memcpy(c->seen[c->nseen++], unit->code, sizeof unit->code);
            continue;
        }
        int after = unit->end;
        if (after < (int)s->ntokens &&
            (token_word_is(s, after, "of") || token_word_is(s, after, "for") || (s->tokens[after].flags & W_CONJ) ||
             s->group_at[after] >= 0 || (s->tokens[after].flags & W_BE && s->text[s->tokens[after].start] == '\'')))
            continue; /* "the deputy prime minister and Foreign Minister of Qatar": not a reference */
        int before = unit->start - 1;
        while (before >= 0 && (s->tokens[before].flags & W_ADJ))
            before--;
        if (!token_word_is(s, before, "the"))
            continue; /* only "the": "a spokesman" introduces someone new */
        /* the first actor with that role: "the government" of an article is the one
         * its lede named, not the visiting minister's quoted later */
        for (size_t k = 0; k < c->nseen; k++) {
            const char *code = c->seen[k];
            if (str_len_at_least(code, 6) && strcmp(code + 3, unit->code) == 0) {
                /* "Separatists killed four Cameroonian soldiers ..., the army said": a
                 * trailing attribution names the speaking institution; the soldiers it
                 * reports on are not it. With no country in its own phrase it keeps its
                 * role alone (coding guide 2); an earlier sentence's speaker still counts */
                if (k >= seen0 && before > 0 && token_word_is(s, before - 1, ",") && after < (int)s->ntokens &&
                    (s->tokens[after].flags & W_SPEECH)) {
                    TRACE(c, "  attribution: '%.*s' names a speaker with no country in its phrase; not %s of "
                             "the same sentence\n",
                          (int)(s->tokens[unit->end - 1].end - s->tokens[unit->start].start),
                          s->text + s->tokens[unit->start].start, code);
                    break;
                }
                TRACE(c, "  reference: '%.*s' is %s, seen earlier in the document\n",
                      (int)(s->tokens[unit->end - 1].end - s->tokens[unit->start].start),
                      s->text + s->tokens[unit->start].start, code);
                memcpy(unit->code, code, sizeof unit->code);
                break;
            }
        }
    }
}

/* "The summit is scheduled to take place", "Lula is expected to visit China": a verb
 * of the FUTURE set after "be" and before "to" puts the clause in the future. */

static bool is_future(const jirga_coder *c, const verb_group *vg)
{
    const sentence *s = &c->sent;
    int v = vg->verb;
    if ((s->tokens[v].flags & W_BE) && v + 1 < (int)s->ntokens && in_set(c, c->future_set, &s->tokens[v + 1]))
        v++; /* "are due to hold" */
    else {
        bool be = false;
        for (int k = vg->start; k < vg->verb; k++)
            be = be || (s->tokens[k].flags & W_BE);
        if (!be || !in_set(c, c->future_set, &s->tokens[v]))
            return false;
    }
    return v + 1 < (int)s->ntokens && token_word_is(s, v + 1, "to");
}

/* A clause that is hearsay ("reports that ..."), wished for ("demanded that ...") or a
 * condition ("if North Korea conducts a test"): the words before the clause say so. */
static bool is_unreal(const jirga_coder *c, const clause *cl)
{
    const sentence *s = &c->sent;
    if (cl->left <= 0)
        return false;
    const token *before = &s->tokens[cl->left - 1];
    if (in_set(c, c->condition_set, before))
        return true;
    return token_word_is(s, cl->left - 1, "that") && cl->left >= 2 &&
           (in_set(c, c->hearsay_set, &s->tokens[cl->left - 2]) || in_set(c, c->wish_set, &s->tokens[cl->left - 2]));
}

/* "Germany said it would send tanks": when the speaker's own intent, appeal, demand,
 * criticism, rejection or threat is coded from what it said, that is the event; the
 * plain statement (010) of the same sentence and speaker is dropped (coding guide). */
/* Is there ", and" or ", but" between two byte offsets of the sentence? ("Biden said the
 * truce should hold, and he pledged aid": the pledge is not what he said.) */
static bool coordinated_between(const sentence *s, int from, int to)
{
    for (size_t k = 1; k < s->ntokens; k++)
        if ((int)s->tokens[k].start >= from && (int)s->tokens[k].end <= to && (s->tokens[k].flags & W_CONJ) &&
            (s->tokens[k - 1].shape & T_COMMA))
            return true;
    return false;
}

/* "an investigation into war crimes committed by Israeli forces": a participle with its
 * agent right after a noun of an earlier clause describes that noun; after a verbal event
 * it is that event's content, which the coding guide does not code (section "Content of a
 * verbal event"). After a material event ("intercepted a missile fired by the rebels") it
 * is coded. */
static bool reduced_relative(const sentence *s, const verb_group *vg)
{
    if (!vg->passive || vg->start != vg->verb || vg->verb == 0)
        return false;
    const token *before = &s->tokens[vg->verb - 1];
    return (before->shape & T_WORD) && !(before->shape & T_CAP) && s->group_at[vg->verb - 1] < 0 &&
           !(before->flags & (W_BE | W_HAVE | W_DO | W_MODAL | W_NEG | W_ADV | W_CONJ | W_PREP | W_PRON));
}

/* Is the verb at byte start the verb of a participle clause (", thanking Qatar for ...")?
 * Such a clause tells another act of the speaker, not what was said. */
static bool participle_at(const sentence *s, int start)
{
    for (size_t v = 0; v < s->nvgs; v++)
        if ((int)s->tokens[s->vgs[v].verb].start == start)
            return s->vgs[v].participle;
    return false;
}

/* The sentence's index entries asked for at once, before the clauses are coded, so that
 * code_verb_clause finds them in cache instead of waiting for one miss after another:
 * first, where the set masks of each word that may start a set's member are, and each
 * clause verb's pattern range and groups; second, those masks, and the groups. */
static void prefetch_sentence_indexes(const jirga_dict *d, const sentence *s, bool second)
{
    if (!d->verb_start || !d->buckets_of || !d->set_start)
        return;
    for (size_t i = 0; i < s->ntokens; i++) {
        const token *t = &s->tokens[i];
        if (!(t->phrase_kinds & STARTS_SET_MEMBER))
            continue;
        for (int k = -1; k < t->nlemmas; k++) {
            word_id w = k < 0 ? t->word : t->lemmas[k];
            if (w && w <= d->index_words) /* set_start has index_words + 2 entries */
                __builtin_prefetch(second ? (const void *)&d->set_masks[d->set_start[w]] : &d->set_start[w]);
        }
    }
    for (size_t k = 0; k < s->nclauses; k++) {
        if (s->clauses[k].vg < 0)
            continue;
        const token *t = &s->tokens[s->vgs[s->clauses[k].vg].verb];
        for (int i = -1; i < t->nlemmas; i++) {
            word_id w = i < 0 ? t->word : t->lemmas[i];
            if (second) {
                prefetch_verb_patterns(d, w);
            } else if (w && w <= d->index_words) { /* verb_start and buckets_of: index_words + 2 entries */
                __builtin_prefetch(&d->verb_start[w]);
                __builtin_prefetch(&d->buckets_of[w]);
            }
        }
    }
}

static void drop_covered_statements(jirga_coder *c, size_t first)
{
    size_t kept = first;
    for (size_t i = first; i < c->nevents; i++) {
        const jirga_event *e = &c->events[i];
        bool covered = false;
        /* "Iran's supreme leader said Washington must lift sanctions", "Germany's
         * chancellor said Berlin would send tanks": the speaker's own verbal act (roots
         * 01-05 and 09-13: a comment, appeal, intent, consultation, praise, investigation,
         * demand, disapproval, rejection or threat), reported after the verb of saying, is
         * the event (coding guide, section 6) */
        if (code_is(e->cameo, "010") && e->source.code[0])
            for (size_t k = first; k < c->nevents && !covered; k++) {
                const jirga_event *o = &c->events[k];
                int root = root_number(o->root);
                covered = k != i && strcmp(o->source.code, e->source.code) == 0 &&
                          (o->verb_start > e->verb_start ? !coordinated_between(&c->sent, e->verb_end, o->verb_start) &&
                                                               !participle_at(&c->sent, o->verb_start)
                                                         : o->verb_start >= e->quote_start &&
                                                               o->verb_end <= e->quote_end) && /* inside the quote */
                          ((root >= 1 && root <= 5) || (root >= 9 && root <= 13)) && !code_is(o->cameo, "010");
            }
        if (covered) {
            TRACE(c, "  the statement 010 %s is covered by what it said\n", e->source.code);
            continue;
        }
        /* "convicted X of espionage and sentenced him": the same act of the same source
         * without a target adds nothing to the one with a target */
        for (size_t k = first; k < c->nevents && !e->target.code[0]; k++) {
            const jirga_event *o = &c->events[k];
            if (k != i && o->target.code[0] && strcmp(o->cameo, e->cameo) == 0 &&
                strcmp(o->source.code, e->source.code) == 0) {
                TRACE(c, "  %s %s without a target repeats %s %s -> %s\n", e->cameo, e->source.code, o->cameo,
                      o->source.code, o->target.code);
                covered = true;
                break;
            }
        }
        if (covered)
            continue;
        if (kept != i) /* most events stay where they are */
            c->events[kept] = *e;
        kept++;
    }
    c->nevents = kept;
}

static void code_sentence(jirga_coder *c)
{
    const sentence *s = &c->sent;
    size_t first_event = c->nevents;
    c->dated = NULL;
    if (c->opts.trace) {
        TRACE(c, "sentence %d: %.*s\n", c->nsentences, (int)s->len, s->text);
        trace_parse(c);
    }
    if (s->discard >= 0) {
        const dict_entry *e = &c->d->discards[s->discard];
        TRACE(c, "  discarded by %s:%d\n", e->file, e->line);
        return;
    }
    prefetch_sentence_indexes(c->d, s, false);
    c->nsent_counts = counts_find(c->d, s, c->sent_counts, JIRGA_MAX_COUNTS);
    prefetch_sentence_indexes(c->d, s, true);
    for (int k = 0; k < c->nsent_counts; k++)
        TRACE(c, "  count: %ld %s\n", c->sent_counts[k].number, c->sent_counts[k].kind);
    for (size_t k = 0; k < s->nclauses; k++) {
        const clause *cl = &s->clauses[k];
        TRACE(c, "  coding clause %zu\n", k + 1);
        c->current = cl;
        if (is_unreal(c, cl)) {
            TRACE(c, "    not coded: the clause is a condition or hearsay ('%.*s')\n",
                  (int)(s->tokens[cl->left - 1].end - s->tokens[cl->left - 1].start),
                  s->text + s->tokens[cl->left - 1].start);
            continue;
        }
        if (cl->vg >= 0 && k > 0 && c->nevents > first_event && root_number(c->events[c->nevents - 1].root) <= 13 &&
            reduced_relative(s, &s->vgs[cl->vg])) {
            TRACE(c, "    not coded: '%.*s by ...' is the content of the verbal event before\n",
                  (int)(s->tokens[s->vgs[cl->vg].verb].end - s->tokens[s->vgs[cl->vg].verb].start),
                  s->text + s->tokens[s->vgs[cl->vg].verb].start);
            continue;
        }
        if (cl->vg >= 0 && is_future(c, &s->vgs[cl->vg])) {
            TRACE(c, "    not coded: the clause speaks of the future ('%.*s ... to')\n",
                  (int)(s->tokens[s->vgs[cl->vg].verb].end - s->tokens[s->vgs[cl->vg].verb].start),
                  s->text + s->tokens[s->vgs[cl->vg].verb].start);
            continue;
        }
        if (cl->vg >= 0 && (code_verb_clause(c, cl) || code_copula_clause(c, cl)))
            continue;
        if (!code_nominal_clause(c, cl))
            TRACE(c, "    no pattern matched\n");
    }
    c->current = NULL;
    drop_covered_statements(c, first_event);
}

/* ---- The coder ---------------------------------------------------------------------- */

jirga_coder *jirga_coder_new(const jirga_dict *dict, const jirga_coder_options *opts)
{
    jirga_coder *c = xcalloc(1, sizeof *c);
    c->d = dict;
    if (dict->peer)
        c->peer = tab_coder_new(dict->peer);
    if (opts)
        c->opts = *opts;
    if (!c->opts.max_sentence_bytes)
        c->opts.max_sentence_bytes = 8192;
    c->names = xcalloc(MAX_DOC_NAMES, sizeof *c->names);
    c->sent.cache = lex_cache_new();
    c->be_word = lex_find(dict->lex, "be", 2);
    size_t nsets, most = 0;
    dict_set_nominal_patterns(dict, &nsets);
    c->set_nominals = xcalloc(nsets + 1, sizeof *c->set_nominals);
    for (word_id w = 1; w <= dict->index_words; w++) {
        size_t np;
        dict_verb_patterns(dict, w, &np);
        most = np > most ? np : most;
    }
    c->picked = xcalloc((most + 63) / 64 + 1, sizeof *c->picked);
    c->storm_word = lex_find(dict->lex, "storm", 5);
    c->raid_word = lex_find(dict->lex, "raid", 4);
    c->kill_word = lex_find(dict->lex, "kill", 4);
    _Static_assert(sizeof TOLL_LEMMAS / sizeof TOLL_LEMMAS[0] == sizeof c->toll_words / sizeof c->toll_words[0],
                   "one word id per toll lemma");
    for (size_t t = 0; t < sizeof TOLL_LEMMAS / sizeof TOLL_LEMMAS[0]; t++)
        c->toll_words[t] = lex_find(dict->lex, TOLL_LEMMAS[t], strlen(TOLL_LEMMAS[t]));
    c->future_set = c->hearsay_set = c->condition_set = c->wish_set = c->reciprocal_set = -1;
    for (size_t i = 0; i < dict->nsets; i++) {
        if (strcmp(dict->sets[i].name, "FUTURE") == 0)
            c->future_set = (int)i;
        else if (strcmp(dict->sets[i].name, "HEARSAY") == 0)
            c->hearsay_set = (int)i;
        else if (strcmp(dict->sets[i].name, "CONDITION") == 0)
            c->condition_set = (int)i;
        else if (strcmp(dict->sets[i].name, "WISH") == 0)
            c->wish_set = (int)i;
        else if (strcmp(dict->sets[i].name, "RECIPROCAL") == 0)
            c->reciprocal_set = (int)i;
        else if (strncmp(dict->sets[i].name, "MEANS_", 6) == 0 && dict_cameo(dict, dict->sets[i].name + 6) &&
                 c->nmeans < (int)(sizeof c->means_sets / sizeof c->means_sets[0]))
            c->means_sets[c->nmeans++] = (int)i;
    }
    return c;
}

void jirga_coder_free(jirga_coder *c)
{
    if (!c)
        return;
    sbuf_free(&c->clean);
    free(c->spans);
    lex_cache_free(c->sent.cache);
    sentence_free(&c->sent);
    free(c->events);
    free(c->seen);
    free(c->names);
    free(c->set_nominals);
    free(c->picked);
    sbuf_free(&c->trace);
    tab_coder_free(c->peer);
    free(c);
}

/* A peer dictionary: each sentence is coded by the TABARI coder. */
static void fill_peer_actor(jirga_actor *a, const char *code, int start, int end)
{
    memset(a, 0, sizeof *a);
    str_copy(a->code, sizeof a->code, code);
    if (str_len_at_least(code, 3)) {
        memcpy(a->country, code, 3);
        str_copy(a->role, sizeof a->role, code + 3);
    }
    a->start = start;
    a->end = end;
}

static int code_with_peer(jirga_coder *c, const jirga_doc *doc, const jirga_event **events)
{
    size_t nspans = 0;
    if (c->clean.len)
        nspans = text_split(c->clean.data, c->clean.len, doc->first_line_is_title || (doc->title && doc->title[0]),
                            c->opts.max_sentence_bytes, &c->spans, &c->cap_spans);
    for (size_t i = 0; i < nspans; i++) {
        const text_span *sp = &c->spans[i];
        const char *text = c->clean.data + sp->start;
        size_t len = sp->end - sp->start;
        c->nsentences++;
        tab_result r;
        tab_code_text(c->peer, NULL, text, len, c->doc_date, &r, c->opts.trace ? &c->trace : NULL);
        if (r.status == TS_STORY_DISCARD) {
            TRACE(c, "sentence %d: document discarded (%s)\n", c->nsentences, r.why);
            c->nevents = 0;
            break;
        }
        if (r.status != TS_CODED)
            TRACE(c, "sentence %d: not coded (%s)\n", c->nsentences, r.why);
        for (int k = 0; k < r.nevents; k++) {
            const tab_event *te = &r.events[k];
            jirga_event ev;
            memset(&ev, 0, sizeof ev);
            ev.sentence = c->nsentences;
            ev.sentence_text = text;
            ev.sentence_len = len;
            fill_peer_actor(&ev.source, te->source, te->source_start, te->source_end);
            fill_peer_actor(&ev.target, te->target, te->target_start, te->target_end);
            str_copy(ev.cameo, sizeof ev.cameo, te->code);
            memcpy(ev.root, te->code, 2);
            ev.root[2] = 0;
            const cameo_code *cc = dict_cameo(c->d, te->code);
            ev.label = cc ? cc->label : "";
            ev.quad = cc ? cc->quad : 0;
            ev.goldstein = cc ? cc->goldstein : 0;
            ev.verb_start = te->verb_start;
            ev.verb_end = te->verb_end;
            ev.pattern_file = te->file;
            ev.pattern_line = te->line;
            str_copy(ev.event_date, sizeof ev.event_date, c->date_text);
            ev.quote_start = ev.quote_end = -1;
            GROW(c->events, c->cap_events, c->nevents + 1);
            c->events[c->nevents++] = ev;
        }
    }
    *events = c->events;
    return (int)c->nevents;
}

int jirga_code(jirga_coder *c, const jirga_doc *doc, const jirga_event **events)
{
    sbuf_reset(&c->clean);
    sbuf_reset(&c->trace);
    c->nevents = 0;
    c->nsentences = 0;
    c->nseen = 0;
    memset(&c->ctx, 0, sizeof c->ctx);
    c->ctx.names = c->names;
    c->doc_date = code_parse_date(doc->date);
    c->date_text[0] = 0;
    if (c->doc_date) /* year 1-9999, month 1-12, day 1-31 (code_parse_date): no printf */
        date_format(c->date_text, c->doc_date / 10000, c->doc_date / 100 % 100, c->doc_date % 100);
    bool title_first = doc->first_line_is_title;
    if (doc->title && doc->title[0]) {
        text_clean(doc->title, strlen(doc->title), &c->clean);
        for (size_t i = 0; i < c->clean.len; i++)
            if (c->clean.data[i] == '\n')
                c->clean.data[i] = ' ';
        sbuf_addc(&c->clean, '\n');
        title_first = true;
    }
    if (doc->text)
        text_clean(doc->text, doc->text_len, &c->clean);
    if (c->peer)
        return code_with_peer(c, doc, events);
    size_t nspans = 0;
    if (c->clean.len)
        nspans = text_split(c->clean.data, c->clean.len, title_first, c->opts.max_sentence_bytes, &c->spans,
                            &c->cap_spans);
    bool dropped = false;
    for (size_t i = 0; i < nspans && !dropped; i++) {
        const text_span *sp = &c->spans[i];
        c->nsentences++;
        parse_sentence(c->d, &c->sent, c->clean.data + sp->start, sp->end - sp->start, c->doc_date,
                       c->opts.sentences_only ? NULL : &c->ctx);
        if (c->sent.discard >= 0 && c->d->discards[c->sent.discard].whole_document) {
            const dict_entry *e = &c->d->discards[c->sent.discard];
            TRACE(c, "sentence %d: document discarded by %s:%d\n", c->nsentences, e->file, e->line);
            c->nevents = 0;
            dropped = true;
            break;
        }
        if (!c->opts.sentences_only)
            resolve_references(c);
        code_sentence(c);
        if (!c->opts.sentences_only)
            learn_from_sentence(c);
    }
    *events = c->events;
    return (int)c->nevents;
}

int jirga_sentence_count(const jirga_coder *c) { return c->nsentences; }

int jirga_learned_names(const jirga_coder *c, const jirga_name **names)
{
    *names = c->learned;
    return (int)c->ctx.nnames;
}

const char *jirga_sentence_text(const jirga_coder *c, int i, size_t *len)
{
    if (i < 1 || i > c->nsentences) {
        *len = 0;
        return "";
    }
    const text_span *sp = &c->spans[i - 1];
    *len = sp->end - sp->start;
    return c->clean.data + sp->start;
}

const char *jirga_trace(const jirga_coder *c) { return c->trace.data ? c->trace.data : ""; }
