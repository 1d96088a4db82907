/*
 * parse.c — shallow parse of one sentence, in four steps:
 *   1. mentions: the longest dictionary name or agent phrase at each token;
 *   2. units: a name and an agent next to each other become one actor ("US officials",
 *      "Qatar's foreign minister", "the spokesman for the Taliban");
 *   3. groups: units joined by "and" or a list become a compound; a unit in apposition
 *      ("Abdullah Abdullah, the chairman") stays one actor;
 *   4. verb groups and clauses: the main verb with its auxiliaries (voice, negation,
 *      modality), the clause around it, its subject and, in the passive, its "by" agent.
 */
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t t_flags(const sentence *s, int i) { return s->tokens[i].flags; }

/* dict_code_on, inline for the usual entry: one code without dates, which applies on
 * every date (dict_code_on returns it after finding no dated code). */
static inline const char *code_on(const dict_entry *e, int date)
{
    if (e->ncodes == 1 && !e->codes[0].from && !e->codes[0].until)
        return e->codes[0].code;
    return dict_code_on(e, date);
}

/* str_copy into a code buffer of 24 bytes, inline: a code is short, and a unit copies two
 * or three. A source of 23 bytes or more is cut as str_copy cuts it. */
static inline void code_copy(char dst[24], const char *src)
{
    for (int k = 0; k < 23; k++) /* src[k] is read only after src[k - 1] was no NUL */
        if (!(dst[k] = src[k]))
            return;
    str_copy(dst, 24, src);
}

/* Is code exactly "GOV"? (strcmp, without the call) */
static inline bool code_is_gov(const char *code)
{
    return code[0] == 'G' && code[1] == 'O' && code[2] == 'V' && code[3] == 0;
}

/* ---- 1. Mentions -------------------------------------------------------------------- */

typedef struct mention {
    int start, end;
    bool is_actor;
    const dict_entry *entry; /* the dictionary's, or a name learned in this document */
    bool pronoun;            /* entry is the antecedent of a pronoun */
    const char *code;        /* a pronoun's code (its antecedent's) */
} mention;

/* Does phrase p match at token i? Its first word is the key parse_phrase_lookup found it
 * under, a word or lemma of token i, so that word is not compared again. */
static bool phrase_matches(const sentence *s, int i, const phrase *p)
{
    int n = p->nwords;
    /* most candidates fail on their second word: tested first */
    if (i + n > (int)s->ntokens || (n > 1 && !token_is(&s->tokens[i + 1], p->head[1])))
        return false;
    const token *t = &s->tokens[i]; /* t[0 .. n) are tokens: i + n <= ntokens */
    for (int k = 2; k < n; k++)
        if (!token_is(&t[k], phrase_word(p, k)))
            return false;
    for (int k = 0; k < n; k++) /* k < n <= 32, the bits of allcaps */
        if ((t[k].shape & T_DATELINE) || (((p->allcaps >> k) & 1) && !(t[k].shape & T_ALLCAPS)))
            return false;
    return true;
}

/* The longest phrase starting at token i; among equals, actors before agents. */
const phrase *parse_phrase_lookup(const jirga_dict *d, const sentence *s, int i, int kind_mask)
{
    const token *t = &s->tokens[i];
    word_id keys[4] = {t->word};
    int nkeys = 1;
    for (int k = 0; k < t->nlemmas; k++)
        keys[nkeys++] = t->lemmas[k];
    /* the kinds of the phrases that can go on with token i + 1 (its tags are the phrase
     * facts of its word and lemmas) */
    int follow = i + 1 < (int)s->ntokens ? (int)(s->tokens[i + 1].tags >> FACTS_SECOND) & 0xff : 0;
    const phrase *best = NULL;
    for (int k = 0; k < nkeys; k++) {
        int kinds = dict_phrase_kinds(d, keys[k]) & kind_mask;
        if (!kinds)
            continue;
        size_t n;
        const phrase *ps = dict_phrases(d, keys[k], &n);
        /* The list is sorted longest first, then by kind: the first match is the best
         * of this key, and once a phrase cannot beat the best, none after it can. When
         * no phrase of the kinds asked goes on with token i + 1, only the one-word
         * phrases at the list's end can match: skipping those before them, none of which
         * can match, changes nothing. */
        size_t j = 0;
        if (!(kinds & follow))
            for (j = n; j > 0 && ps[j - 1].nwords == 1;)
                j--;
        for (; j < n; j++) {
            const phrase *p = &ps[j];
            if (!(kind_mask & (1 << p->kind)))
                continue;
            if (best && (p->nwords < best->nwords || (p->nwords == best->nwords && p->kind >= best->kind)))
                break;
            if (phrase_matches(s, i, p)) {
                best = p;
                break;
            }
        }
    }
    return best;
}

/* ---- Names learned in the document, and pronouns ------------------------------------ */

static bool token_folds_to(const sentence *s, int i, const char *folded)
{
    char buf[64];
    const token *t = &s->tokens[i];
    size_t n = lex_fold(s->text + t->start, t->end - t->start, buf, sizeof buf);
    return n && strcmp(buf, folded) == 0;
}

/* A learned name at capitalised token i: the whole name, or its last word alone (a
 * surname). */
static int doc_name_at(const sentence *s, int i, const dict_entry **entry)
{
    const doc_context *ctx = s->ctx;
    if (!ctx)
        return 0;
    for (size_t k = ctx->nnames; k-- > 0;) { /* latest first */
        const doc_name *nm = &ctx->names[k];
        bool full = i + nm->nwords <= (int)s->ntokens;
        for (int w = 0; full && w < nm->nwords; w++)
            full = token_folds_to(s, i + w, nm->words[w]);
        if (full) {
            *entry = &nm->entry;
            return nm->nwords;
        }
        if (nm->nwords > 1 && token_folds_to(s, i, nm->words[nm->nwords - 1])) {
            *entry = &nm->entry;
            return 1;
        }
    }
    return 0;
}

/* "he", "she" and "they" as the subject of a verb stand for the latest person or group
 * of the sentences before; "it" for the latest country or organisation named before it
 * in the sentence ("Russia said it would ..."), else in the sentences before. */
static const dict_entry *pronoun_at(const jirga_dict *d, const sentence *s, int i, const char **code,
                                    const mention *ms, int nm)
{
    const doc_context *ctx = s->ctx;
    if (!ctx)
        return NULL;
    if (token_word_is(s, i, "it") && i + 1 < (int)s->ntokens) {
        const token *next = &s->tokens[i + 1];
        const token *before = i > 0 ? &s->tokens[i - 1] : NULL;
        bool object = before && (before->flags & W_VERB) && !(before->flags & (W_BE | W_HAVE | W_DO | W_MODAL)) &&
                      (next->flags & W_PREP); /* "accusing it of", "urged it to" */
        /* "Qatar said it was willing to accept", "Iran said it is ready to resume": after a
         * verb of saying, "it" + "be" + "ready/willing/prepared/open/able to" is the speaker */
        bool ready = before && (before->flags & W_SPEECH) && (next->flags & W_BE) && i + 3 < (int)s->ntokens &&
                     token_word_is(s, i + 3, "to") &&
                     (token_word_is(s, i + 2, "ready") || token_word_is(s, i + 2, "willing") ||
                      token_word_is(s, i + 2, "prepared") || token_word_is(s, i + 2, "open") ||
                      token_word_is(s, i + 2, "able") || token_word_is(s, i + 2, "determined"));
        bool acts = object || ready || (next->flags & (W_MODAL | W_HAVE | W_DO | W_NEG)) ||
                    ((next->flags & W_VERB) && !(next->flags & W_BE)) ||
                    ((next->flags & W_BE) && i + 2 < (int)s->ntokens && (s->tokens[i + 2].flags & W_VERB) &&
                     (s->tokens[i + 2].shape & T_WORD) && s->tokens[i + 2].nlemmas > 0);
        if (!acts)
            return NULL; /* "it is", "it was clear": no actor */
        for (int k = nm; k-- > 0;)
            if (ms[k].is_actor && !ms[k].pronoun && !ms[k].entry->person) {
                *code = code_on(ms[k].entry, s->date);
                return ms[k].entry;
            }
        (void)d;
        if (ctx->group) {
            *code = ctx->group_code;
            return ctx->group;
        }
        return NULL;
    }
    if (token_word_is(s, i, "he") || token_word_is(s, i, "she") || token_word_is(s, i, "him")) {
        /* "Putin said he saw grounds for hope", "convicted Gershkovich and sentenced him":
         * the latest person of this sentence first */
        for (int k = nm; k-- > 0;)
            if (ms[k].is_actor && !ms[k].pronoun && ms[k].entry->person) {
                *code = code_on(ms[k].entry, s->date);
                return ms[k].entry;
            }
    }
    if ((token_word_is(s, i, "he") || token_word_is(s, i, "she") || token_word_is(s, i, "him")) && ctx->person) {
        *code = ctx->person_code;
        return ctx->person;
    }
    if (token_word_is(s, i, "them") && i > 0 && (s->tokens[i - 1].flags & W_VERB) &&
        !(s->tokens[i - 1].flags & (W_BE | W_HAVE | W_DO | W_MODAL))) {
        /* "accusing them of meddling", "ordered them out": the latest actor of the sentence */
        for (int k = nm; k-- > 0;)
            if (ms[k].is_actor && !ms[k].pronoun && !ms[k].entry->person) {
                *code = code_on(ms[k].entry, s->date);
                return ms[k].entry;
            }
    }
    if (token_word_is(s, i, "they")) {
        /* "the Taliban said they would ...", "Hamas officials say that they": after a verb
         * of saying, the latest actor of this sentence that is not one person */
        int v = i - 1;
        if (v > 0 && token_word_is(s, v, "that"))
            v--;
        for (int k = v >= 0 && (s->tokens[v].flags & W_SPEECH) ? nm : 0; k-- > 0;)
            if (ms[k].is_actor && !ms[k].pronoun && !ms[k].entry->person) {
                *code = code_on(ms[k].entry, s->date);
                return ms[k].entry;
            }
        if (ctx->group) {
            *code = ctx->group_code;
            return ctx->group;
        }
    }
    return NULL;
}

/* Are the last two actors mentioned joined by "and" ("the Taliban and top US officials")?
 * Sets *first and *second to their mention indexes. Role words may follow each. */
static bool joined_pair(const sentence *s, const mention *ms, int nm, int *first, int *second)
{
    int kb = nm - 1;
    while (kb >= 0 && !ms[kb].is_actor)
        kb--;
    int ka = kb - 1;
    while (ka >= 0 && !ms[ka].is_actor)
        ka--;
    if (ka < 0)
        return false;
    int conj = 0, k = ms[ka].end, m = ka + 1;
    while (k < ms[kb].start) {
        if (m < kb && ms[m].start == k) { /* a role word: "US officials and ..." */
            k = ms[m++].end;
            continue;
        }
        if (token_word_is(s, k, "and"))
            conj++;
        else if (!(s->tokens[k].flags & (W_DET | W_ADJ | W_QUANT)))
            return false;
        k++;
    }
    *first = ka;
    *second = kb;
    return conj == 1;
}

static void combine(char out[24], const char *actor, const char *role);

/* The code of actor mention k with the role word right after it ("US officials"). */
static void pair_code(const sentence *s, const mention *ms, int nm, int k, char out[24])
{
    const char *code = ms[k].pronoun ? ms[k].code : code_on(ms[k].entry, s->date);
    if (k + 1 < nm && !ms[k + 1].is_actor && ms[k + 1].start == ms[k].end)
        combine(out, code, code_on(ms[k + 1].entry, s->date));
    else
        code_copy(out, code);
}

/* "the group", "the country", "the two sides" (refer entries): mentions of the actors
 * they point back to, when the document has named them. */
static bool add_reference(const jirga_dict *d, const sentence *s, mention *ms, int *nm, int i, const phrase *ref)
{
    const doc_context *ctx = s->ctx;
    int end = i + ref->nwords;
    /* "the group of experts" is no reference; "accusing its neighbour of ..." is one: after
     * a possessive the "of" belongs to the verb */
    if (end < (int)s->ntokens && token_word_is(s, end, "of") && !(s->tokens[i].flags & W_POSS))
        return false;
    switch (d->refers[ref->entry].refer) {
    case REFER_GROUP:
        for (int k = *nm; !ctx->org && k-- > 0;) {
            /* "a move the agency condemned": an organisation named earlier in the sentence */
            const char *code = ms[k].pronoun ? ms[k].code : code_on(ms[k].entry, s->date);
            if (ms[k].is_actor && dict_is_organisation(code)) {
                ms[(*nm)++] = (mention){i, end, true, ms[k].entry, true, code};
                return true;
            }
        }
        if (!ctx->org)
            return false;
        ms[(*nm)++] = (mention){i, end, true, ctx->org, true, ctx->org_code};
        return true;
    case REFER_COUNTRY: {
        /* "Algeria cut ties with Morocco, accusing its neighbour of ...": a possessive
         * reference is another country than the one that owns it, which opens the sentence
         * as its subject; the sentence's first actor is not a candidate */
        int first = -1;
        for (int k = 0; first < 0 && k < *nm; k++)
            if (ms[k].is_actor)
                first = k;
        bool possessive = (s->tokens[i].flags & W_POSS) != 0;
        for (int k = *nm; !ctx->country && k-- > 0;) {
            /* "Iranian protesters demanded that the country's rulers": a country named
             * earlier in the sentence, before any the document named */
            const char *code = ms[k].pronoun ? ms[k].code : code_on(ms[k].entry, s->date);
            if (possessive && k == first)
                break;
            if (ms[k].is_actor && !ms[k].entry->person && str_len_is(code, 3) && strcmp(code, "IGO") != 0 &&
                strcmp(code, "NGO") != 0) {
                ms[(*nm)++] = (mention){i, end, true, ms[k].entry, true, code};
                return true;
            }
        }
        if (!ctx->country || possessive)
            return false;
        ms[(*nm)++] = (mention){i, end, true, ctx->country, true, ctx->country_code};
        return true;
    }
    case REFER_PAIR: {
        /* "X met Y in Beijing, and the two sides signed": as the subject of a clause joined
         * by "and", the latest two actors of this sentence that are not of one country,
         * before the pair of the sentences before */
        int a = -1, b = -1, after = end;
        while (after < (int)s->ntokens && (s->tokens[after].flags & W_ADV))
            after++;
        bool subject = i > 0 && token_word_is(s, i - 1, "and") && after < (int)s->ntokens &&
                       (s->tokens[after].flags & (W_VERB | W_HAVE | W_MODAL | W_BE));
        for (int k = subject ? *nm : 0; b < 0 && k-- > 0;) {
            if (!ms[k].is_actor || ms[k].pronoun)
                continue;
            const char *code = code_on(ms[k].entry, s->date);
            if (!str_len_at_least(code, 3))
                continue;
            if (a < 0)
                a = k;
            else if (strncmp(code, code_on(ms[a].entry, s->date), 3) != 0 ||
                     (!strncmp(code, "IGO", 3) && strcmp(code, code_on(ms[a].entry, s->date)) != 0))
                b = k;
        }
        if (b >= 0) {
            const char *cb = code_on(ms[b].entry, s->date), *ca = code_on(ms[a].entry, s->date);
            ms[(*nm)++] = (mention){i, end, true, ms[b].entry, true, cb};
            ms[(*nm)++] = (mention){i, end, true, ms[a].entry, true, ca};
            return true;
        }
    }
        if (!ctx->pair[0] || !ctx->pair[1])
            return false;
        ms[(*nm)++] = (mention){i, end, true, ctx->pair[0], true, ctx->pair_code[0]};
        ms[(*nm)++] = (mention){i, end, true, ctx->pair[1], true, ctx->pair_code[1]};
        return true;
    default:
        if (!ctx->person)
            return false;
        ms[(*nm)++] = (mention){i, end, true, ctx->person, true, ctx->person_code};
        return true;
    }
}

/* After a title ("Taliban spokesman", "Qatar's foreign minister") the capitalised words
 * up to the next mention are the holder's name: returns how many (0 to 4). */
static int name_after(const sentence *s, int from, int limit)
{
    int k = from;
    while (k < limit && k < from + 4 && (s->tokens[k].shape & T_CAP) && (s->tokens[k].shape & T_WORD) &&
           !(s->tokens[k].flags & (W_DET | W_PREP | W_CONJ | W_PRON | W_POSS | W_BE | W_HAVE | W_DO | W_MODAL |
                                   W_NEG | W_BOUNDARY | W_TIME | W_QUANT | W_ADV | W_VERB)))
        k++;
    return k - from;
}

/* ---- 2. Units ----------------------------------------------------------------------- */


/* The code of an actor with an agent's role: a country takes the role ("AFG" + "GOV");
 * a capital standing for the government gives way to a more specific role ("court in
 * Islamabad" is PAKJUD, "Kabul police" AFGCOP); a group keeps its own code ("Taliban
 * spokesman" stays AFGINS, "UN peacekeepers" IGOUNO). */
static void combine(char out[24], const char *actor, const char *role)
{
    if (str_len_is(actor, 3) || (str_len_is(actor, 6) && strcmp(actor + 3, "GOV") == 0 && strncmp(actor, "IGO", 3) != 0)) {
        size_t r = strlen(role) < 20 ? strlen(role) : 20; /* the country and the role, cut to fit */
        memcpy(out, actor, 3);
        memcpy(out + 3, role, r);
        out[3 + r] = 0;
    } else {
        code_copy(out, actor);
    }
}

/* A lower-case word that is neither a verb nor a grammar word. */
static bool is_plain_word(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    return (t->shape & T_WORD) && !(t->shape & T_CAP) && !(t->flags & (W_VERB | W_DET | W_PREP | W_CONJ | W_PRON |
                                                                      W_BE | W_HAVE | W_DO | W_MODAL | W_NEG |
                                                                      W_BOUNDARY | W_TIME));
}

/* Tokens that may stand between a name and its agent: "Afghan peace negotiators" is not
 * allowed, "US top officials" and "Qatar's foreign minister" are. */
static bool is_modifier(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    return (t->flags & (W_ADJ | W_QUANT)) != 0;
}

static void add_unit(sentence *s, int start, int end, const char *code, const dict_entry *actor,
                     const dict_entry *agent)
{
    GROW(s->units, s->cap_units, s->nunits + 1);
    actor_unit *u = &s->units[s->nunits++];
    memset(u, 0, sizeof *u);
    u->start = start;
    u->end = end;
    code_copy(u->code, code);
    u->actor = actor;
    u->agent = agent;
}

static const char *entry_code(const jirga_dict *d, const mention *m, int date)
{
    (void)d;
    return code_on(m->entry, date);
}

static const dict_entry *mention_entry(const jirga_dict *d, const mention *m)
{
    (void)d;
    return m->entry;
}

/* Skips determiners and modifiers from token i onward; returns the first other token. */
static int skip_determiners(const sentence *s, int i, int limit)
{
    while (i < limit && (s->tokens[i].flags & (W_DET | W_POSS | W_ADJ | W_QUANT)) &&
           !(s->tokens[i].flags & W_NEG))
        i++;
    return i;
}

/* Only titles (and their stops) in [from, to): "President", "Prime Minister", "Dr." */
static bool titles_between(const sentence *s, int from, int to)
{
    for (int k = from; k < to; k++)
        if (!(s->tokens[k].flags & W_TITLE) && !token_word_is(s, k, "."))
            return false;
    return true;
}

/* "former President X", "ousted prime minister X", "Pakistan's former prime minister": a
 * "former", "ousted" or "deposed" modifier of the unit in [start, end), written in it or
 * right before it (after "the"). */
static bool out_of_office(const sentence *s, int start, int end)
{
    for (int k = start >= 2 ? start - 2 : 0; k < end; k++) {
        if (!token_word_is(s, k, "former") && !token_word_is(s, k, "ousted") && !token_word_is(s, k, "deposed"))
            continue;
        bool near = true;
        for (int j = k + 1; j < start; j++)
            near = near && (s->tokens[j].flags & (W_DET | W_ADJ));
        if (near)
            return true;
    }
    return false;
}

static void build_units(const jirga_dict *d, sentence *s, const mention *ms, int nm)
{
    s->nunits = 0;
    for (int i = 0; i < nm; i++) {
        const mention *m = &ms[i];
        bool is_actor = m->is_actor;
        const char *code = m->pronoun ? m->code : entry_code(d, m, s->date);
        int start = m->start, end = m->end;
        const dict_entry *actor = is_actor ? mention_entry(d, m) : NULL;
        const dict_entry *agent = is_actor ? NULL : mention_entry(d, m);
        char combined[24];
        code_copy(combined, code);
        if (i + 1 < nm) {
            const mention *n = &ms[i + 1];
            bool next_actor = n->is_actor;
            int gap = m->end;
            bool possessive = gap < n->start && token_word_is(s, gap, "'s");
            if (possessive)
                gap++;
            int loose = 0; /* lower-case words that are not verbs: "Russia's deputy defence minister" */
            while (gap < n->start && (is_modifier(s, gap) || (loose < 2 && is_plain_word(s, gap)))) {
                loose += !is_modifier(s, gap);
                gap++;
            }
            if (is_actor && !next_actor && gap == n->start) {
                /* "US officials", "Qatar's foreign minister", "Kabul police" */
                combine(combined, code, entry_code(d, n, s->date));
                agent = mention_entry(d, n);
                end = n->end;
                i++;
                while (i + 1 < nm && !ms[i + 1].is_actor && ms[i + 1].start == end) {
                    end = ms[i + 1].end; /* "U.S. forces spokesman": one actor */
                    i++;
                }
            } else if (is_actor && next_actor && gap == n->start && str_len_is(code, 3) &&
                       strncmp(code_on(n->entry, s->date), code, 3) == 0) {
                /* "Iranian Revolutionary Guards": a country before one of its own actors */
                code_copy(combined, entry_code(d, n, s->date));
                actor = mention_entry(d, n);
                end = n->end;
                i++;
            } else if (is_actor && next_actor && possessive && gap == n->start) {
                /* "Russia's Wagner Group": the possessed names the actor */
                code_copy(combined, entry_code(d, n, s->date));
                actor = mention_entry(d, n);
                end = n->end;
                i++;
            } else if (!is_actor && !next_actor && gap == n->start && !possessive) {
                /* "opposition negotiators", "government troops", "army spokesman": the
                 * first role unless it is the generic GOV */
                if (code_is_gov(code))
                    code_copy(combined, entry_code(d, n, s->date));
                end = n->end;
                i++;
            } else if (!is_actor && !next_actor && i + 2 < nm && ms[i + 2].is_actor && ms[i + 2].entry->person &&
                       m->end < n->start && token_word_is(s, m->end, "of") &&
                       skip_determiners(s, m->end + 1, n->start) == n->start &&
                       titles_between(s, n->end, ms[i + 2].start)) {
                /* "the forces of President Bashar al-Assad", "the government of Prime
                 * Minister Prayuth": the agent is of the titled person's country */
                const char *person = entry_code(d, &ms[i + 2], s->date);
                char country[4];
                snprintf(country, sizeof country, "%.3s", person);
                combine(combined, country, code);
                actor = mention_entry(d, &ms[i + 2]);
                end = ms[i + 2].end;
                i += 2;
            } else if (!is_actor && next_actor && m->end < n->start &&
                       (token_word_is(s, m->end, "of") || token_word_is(s, m->end, "for") || token_word_is(s, m->end, "from") ||
                        (token_word_is(s, m->end, "in") &&
                         !(m->start > 0 && token_word_is(s, m->start - 1, "the") && str_len_is(n->entry->codes[0].code, 3)))) &&
                       skip_determiners(s, m->end + 1, n->start) == n->start) {
                /* "the foreign minister of Qatar", "spokesman for the Taliban" */
                combine(combined, entry_code(d, n, s->date), code);
                actor = mention_entry(d, n);
                end = n->end;
                i++;
            }
        }
        /* A name right after the unit, with only titles between ("the special
         * representative of the U.S. Dr. Zalmay Khalilzad"), is the same person. */
        while (i + 1 < nm) {
            const mention *n = &ms[i + 1];
            int k = end;
            while (k < n->start && ((s->tokens[k].flags & W_TITLE) || token_word_is(s, k, ".")))
                k++;
            /* Only titles between, or nothing after a title-like agent ("Turkish President
             * Tayyip Erdogan", "Hamas political leader Ismail Haniyeh"). */
            if (k != n->start || !n->is_actor || (k == end && !agent))
                break;
            if (k == end && agent && actor) { /* the named holder of the title is more precise */
                code_copy(combined, entry_code(d, n, s->date));
                actor = mention_entry(d, n);
                end = n->end;
                i++;
                continue;
            }
            if (!actor) { /* the named person is more precise than a lone agent */
                code_copy(combined, entry_code(d, n, s->date));
                actor = mention_entry(d, n);
            }
            end = n->end;
            i++;
        }
        if (actor && i + 1 < nm && !ms[i + 1].is_actor && end < ms[i + 1].start && token_word_is(s, end, "'s") &&
            skip_determiners(s, end + 1, ms[i + 1].start) == ms[i + 1].start) {
            /* "Prime Minister Narendra Modi's government": a person's agent is of the
             * person's country */
            char owner[24];
            if (actor->person)
                snprintf(owner, sizeof owner, "%.3s", combined);
            else
                code_copy(owner, combined);
            agent = mention_entry(d, &ms[i + 1]);
            combine(combined, owner, entry_code(d, &ms[i + 1], s->date));
            end = ms[++i].end;
        }
        if (!actor && agent && start > 0 && (token_word_is(s, start - 1, "his") || token_word_is(s, start - 1, "her"))) {
            /* "Scholz said his government would": the latest person's country */
            for (int k = i; k-- > 0;)
                if (ms[k].is_actor && ms[k].entry->person) {
                    const char *owner = ms[k].pronoun ? ms[k].code : code_on(ms[k].entry, s->date);
                    char country[4];
                    snprintf(country, sizeof country, "%.3s", owner);
                    if (str_len_is(country, 3))
                        combine(combined, country, code);
                    break;
                }
        }
        if (!actor && agent && start > 0 && (token_word_is(s, start - 1, "its") || token_word_is(s, start - 1, "their"))) {
            /* "Russia pulled back its troops": the owner is the latest country or group */
            for (int k = i; k-- > 0;)
                if (ms[k].is_actor && !ms[k].entry->person) {
                    const char *owner = ms[k].pronoun ? ms[k].code : code_on(ms[k].entry, s->date);
                    combine(combined, owner, code);
                    actor = ms[k].entry;
                    break;
                }
        }
        int name_start = -1, name_end = -1;
        if (agent && !m->pronoun) {
            /* "Taliban spokesman Mohammad Naeem", "Qatar's foreign minister X" */
            int k = end;
            while (k < (int)s->ntokens && ((s->tokens[k].flags & W_TITLE) || token_word_is(s, k, ".")))
                k++;
            int limit = i + 1 < nm ? ms[i + 1].start : (int)s->ntokens;
            int n = name_after(s, k, limit);
            bool strange = false; /* a name has a word no dictionary knows: not "Department" */
            for (int w = k; w < k + n; w++)
                strange = strange || (s->tokens[w].word == 0 && s->tokens[w].nlemmas == 0);
            if (n > 0 && strange && (k + n >= (int)s->ntokens || !(s->tokens[k + n].shape & T_CAP))) {
                name_start = k;
                name_end = end = k + n;
            } else if (start >= 3 && (s->tokens[start - 1].flags & W_DET) && (s->tokens[start - 2].shape & T_COMMA)) {
                /* "Mohammad Naeem, the Taliban spokesman" */
                int e = start - 2, b = e;
                int floor = s->nunits ? s->units[s->nunits - 1].end : 0;
                while (b > floor && e - b < 4 && name_after(s, b - 1, e) == e - b + 1)
                    b--;
                /* not "Separately, the U.S. Treasury ...": one word opening the sentence
                 * is an adverb, not a name */
                if (b < e && (b == 0 || !(s->tokens[b - 1].shape & T_CAP)) && !(b == 0 && e - b == 1)) {
                    name_start = b;
                    name_end = e;
                    start = b;
                }
            }
        }
        size_t clen = strlen(combined);
        if (agent && code_is_gov(code_on(agent, s->date)) && out_of_office(s, start, end) &&
            (clen == 3 || (clen == 6 && strcmp(combined + 3, "GOV") == 0) || (clen == 6 && actor && actor->person)) &&
            strncmp(combined, "IGO", 3) != 0 && strncmp(combined, "NGO", 3) != 0)
            /* an official out of office is an elite, ELI (coding guide, sections 2 and 3):
             * "ousted leader Aung San Suu Kyi", "former justice minister X" */
            str_copy(combined + clen - 3, 4, "ELI");
        add_unit(s, start, end, combined, actor, agent);
        actor_unit *u = &s->units[s->nunits - 1];
        u->name_start = name_start;
        u->name_end = name_end;
        u->pronoun = m->pronoun;
        if (m->pronoun && actor && actor->person)
            for (int k = 0; k + 1 < (int)s->nunits; k++)
                if (s->units[k].actor == actor && !s->units[k].pronoun) {
                    /* "convicted former Prime Minister Imran Khan and sentenced him": the
                     * person as this sentence has coded him (ELI), not his dictionary code */
                    code_copy(u->code, s->units[k].code);
                    break;
                }
        u->person = name_start >= 0 || (actor && actor->person) ||
                    (m->pronoun && s->ctx && actor == s->ctx->person);
    }
}

/* ---- 3. Groups ---------------------------------------------------------------------- */

static bool unit_has_country(const actor_unit *u) { return u->actor != NULL; }

static bool is_conj(const sentence *s, int i) { return token_word_is(s, i, "and") || token_word_is(s, i, "or"); }

/* What joins unit a to unit b: 0 nothing, 1 a conjunction (compound), 2 a comma only. */
static int join_kind(const sentence *s, const actor_unit *a, const actor_unit *b)
{
    if (b->start < a->end)
        return 1; /* "the two sides": two actors in the same words */
    int conj = 0, comma = 0;
    for (int k = a->end; k < b->start; k++) {
        const token *t = &s->tokens[k];
        if (is_conj(s, k))
            conj++;
        else if (t->shape & T_COMMA)
            comma++;
        else if (token_word_is(s, k, "as") && k + 2 < b->start && token_word_is(s, k + 1, "well") && token_word_is(s, k + 2, "as")) {
            conj++;
            k += 2;
        } else if (!(t->flags & (W_DET | W_POSS | W_ADJ | W_QUANT)) || (t->flags & W_NEG))
            return 0;
    }
    if (conj)
        return 1;
    return comma == 1 ? 2 : 0;
}

static void build_groups(sentence *s)
{
    s->ngroups = 0;
    GROW(s->group_at, s->cap_group_at, s->ntokens + 1);
    for (size_t i = 0; i < s->ntokens; i++)
        s->group_at[i] = -1;
    size_t i = 0;
    while (i < s->nunits) {
        size_t j = i + 1;
        while (j < s->nunits) {
            int kind = join_kind(s, &s->units[j - 1], &s->units[j]);
            if (kind == 1 && j == i + 1 && s->units[j].start >= 2 && s->units[j].start >= s->units[j - 1].end &&
                is_conj(s, s->units[j].start - 1) &&
                (s->tokens[s->units[j].start - 2].shape & T_COMMA) && s->units[j].end < (int)s->ntokens &&
                (s->tokens[s->units[j].end].flags & W_VERB) && !(s->tokens[s->units[j].end].shape & T_CAP))
                break; /* "... killed 33 soldiers in Idlib, and Ankara retaliated": ", and" before an
                          actor and its verb joins clauses, not actors (a list has a comma before too) */
            if (kind == 1) {
                j++;
                continue;
            }
            if (kind == 2) {
                /* A list "A, B and C" continues; otherwise a comma is apposition:
                 * "Abdullah Abdullah, the chairman", merged into one unit. */
                actor_unit *a = &s->units[j - 1], *b = &s->units[j];
                if (b->end < (int)s->ntokens && (s->tokens[b->end].flags & W_VERB) &&
                    !(s->tokens[b->end].shape & T_CAP))
                    break; /* "... border with China, Indian officials said": a new clause */
                /* Two names are a list ("Baradar, Haqqani"); a name and a title phrase
                 * are one actor ("Sergei Lavrov, Russia's foreign minister"). */
                bool a_title = a->agent && !a->person, b_title = b->agent && !b->person;
                bool list = (j + 1 < s->nunits && join_kind(s, &s->units[j], &s->units[j + 1]) != 0) ||
                            (a->actor && b->actor && a_title == b_title);
                if (list) { /* two names: "Baradar, Haqqani" are two people */
                    j++;
                    continue;
                }
                if ((!unit_has_country(a) && unit_has_country(b)) || (b->person && !a->person)) {
                    memcpy(a->code, b->code, sizeof a->code);
                    a->actor = b->actor;
                }
                a->end = b->end;
                memmove(&s->units[j], &s->units[j + 1], (s->nunits - j - 1) * sizeof *s->units);
                s->nunits--;
                continue;
            }
            break;
        }
        /* "Indian and Pakistani troops": a country before "and" shares the role of the
         * titled actor after it. */
        for (size_t k = i; k + 1 < j; k++) {
            actor_unit *u = &s->units[k], *next = &s->units[k + 1];
            if (u->actor && !u->agent && str_len_is(u->code, 3) && next->agent && next->actor &&
                str_len_is(next->code, 6) && next->start == u->end + 1 && is_conj(s, u->end) &&
                strncmp(next->code, u->code, 3) != 0) {
                char code[24];
                snprintf(code, sizeof code, "%s%s", u->code, next->code + 3);
                memcpy(u->code, code, sizeof u->code);
                u->agent = next->agent;
            }
        }
        /* "Venezuelan government and opposition negotiators": a role word alone after
         * "and" shares the country of the unit before it. */
        for (size_t k = i + 1; k < j; k++) {
            actor_unit *prev = &s->units[k - 1], *u = &s->units[k];
            if (!u->actor && prev->actor && prev->agent && str_len_is(prev->code, 6) && str_len_is(u->code, 3) &&
                u->start == prev->end + 1 && is_conj(s, prev->end)) {
                char code[24];
                snprintf(code, sizeof code, "%.3s%s", prev->code, u->code);
                memcpy(u->code, code, sizeof u->code);
                u->actor = prev->actor;
            }
        }
        GROW(s->groups, s->cap_groups, s->ngroups + 1);
        actor_group *g = &s->groups[s->ngroups];
        g->first = (int)i;
        g->count = (int)(j - i);
        g->start = s->units[i].start;
        g->end = s->units[j - 1].end;
        for (int k = g->start; k < g->end; k++)
            s->group_at[k] = (int)s->ngroups;
        s->ngroups++;
        i = j;
    }
}

/* ---- 4. Verb groups and clauses ---------------------------------------------------------- */

/* Does token i end in suffix (n bytes, lower case) after at least one byte more? Called
 * through ENDS_WITH with a literal, so n is a constant and the loop unrolls. */
static inline bool ends_with_len(const sentence *s, int i, const char *suffix, size_t n)
{
    const token *t = &s->tokens[i];
    size_t len = t->end - t->start;
    if (len <= n)
        return false;
    for (size_t k = 0; k < n; k++)
        if ((s->text[t->end - n + k] | 0x20) != suffix[k])
            return false;
    return true;
}
#define ENDS_WITH(s, i, literal) ends_with_len((s), (i), (literal), sizeof(literal) - 1)

/* A past form: "-ed", or an irregular form whose lemma differs ("held", "met"). */
/* Verbs whose past tense is their base form: after a singular subject the form is past
 * ("Bolivia cut ties", "the army hit"), since the present would take an -s. */
static bool invariant_past(const sentence *s, int i)
{
    static const char *const verbs[] = {"hit", "cut", "put", "set", "shut", "cast", "quit", "spread", "beat",
                                        "let", "hurt", "shed", "split", "bid", "broadcast", "upset", "burst",
                                        "thrust", "undercut", "reset", "outbid"};
    for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++)
        if (token_word_is(s, i, verbs[k]))
            return true;
    return false;
}

static bool is_past_form(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    if (ENDS_WITH(s, i, "ed") || ENDS_WITH(s, i, "en"))
        return true;
    return t->nlemmas > 0 && !ENDS_WITH(s, i, "ing") && !ENDS_WITH(s, i, "s");
}


/* "has no comment", "is optimistic", "get together": be, have, do and get are the main
 * verb when no verb follows them (adverbs and "not" may stand between). */
static bool aux_is_main_verb(const sentence *s, int i)
{
    if (token_word_is(s, i, "'s") || s->group_at[i] >= 0 || (s->tokens[i].shape & T_CAP && i > 0))
        return false;
    int p = i - 1;
    while (p >= 0 && (s->tokens[p].flags & (W_ADV | W_NEG)) && !(s->tokens[p].flags & W_DET))
        p--;
    if (p < 0 || (s->tokens[p].flags & (W_DET | W_PREP | W_POSS)))
        return false;
    int k = i + 1;
    while (k < (int)s->ntokens && (s->tokens[k].flags & (W_ADV | W_NEG)) && !(s->tokens[k].flags & W_DET))
        k++;
    if (k >= (int)s->ntokens)
        return true;
    const token *next = &s->tokens[k];
    if (next->flags & (W_BE | W_HAVE | W_DO | W_MODAL))
        return false;
    if (!(next->flags & W_VERB) || s->group_at[k] >= 0 || (next->shape & T_CAP))
        return true;
    if (s->tokens[i].flags & W_DO)
        return false; /* "did meet" */
    /* "was held", "have signed", "is meeting"; but "is ready", "is open" */
    return !(ENDS_WITH(s, k, "ing") || is_past_form(s, k) || invariant_past(s, k));
}

/* A currency sign before an amount: "$", "€", "£" */
static bool is_currency(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    const char *w = s->text + t->start;
    size_t n = t->end - t->start;
    return (n == 1 && w[0] == '$') || (n == 2 && memcmp(w, "\xc2\xa3", 2) == 0) || (n == 3 && memcmp(w, "\xe2\x82\xac", 3) == 0);
}

/* Can token i be the main verb of a clause? Looks at its form and its left neighbour. */
static bool is_main_verb(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    if ((t->shape & (T_PUNCT | T_NUM)) || s->group_at[i] >= 0)
        return false;
    if (t->flags & (W_BE | W_HAVE | W_DO))
        return aux_is_main_verb(s, i);
    if (!(t->flags & W_VERB))
        return false;
    if (t->flags & (W_TIME | W_DET | W_PREP | W_PRON | W_BOUNDARY | W_CONJ | W_MODAL | W_NEG | W_POSS | W_QUANT))
        return false;
    if (i > 0 && (t->shape & T_CAP) && !(s->tokens[i - 1].shape & T_QUOTE))
        return false; /* a capitalised word inside a sentence is a name */
    int p = i - 1;
    while (p >= 0 && (s->tokens[p].flags & W_ADV))
        p--;
    if (p < 0)
        return false; /* the sentence starts with it: a noun ("Meeting took place") */
    if (s->tokens[p].end == t->start && (s->tokens[p].shape & T_PUNCT))
        return false; /* "U.S.-brokered talks": part of a compound adjective */
    const token *prev = &s->tokens[p];
    if (prev->flags & (W_DET | W_POSS | W_QUANT) && !(prev->flags & W_NEG))
        return false;
    if (token_word_is(s, p, "to"))
        return false; /* an infinitive belongs to the verb before it */
    /* "Ankara retaliated by shelling X", "Tehran responded by firing missiles": a gerund
     * after "by" right after an active verb says what the subject did; but "was hit by
     * shelling" names the cause */
    if (token_word_is(s, p, "by") && ENDS_WITH(s, i, "ing") && s->nvgs > 0) {
        const verb_group *last = &s->vgs[s->nvgs - 1];
        int q = p - 1;
        while (q >= 0 && (s->tokens[q].flags & W_ADV))
            q--;
        return q >= 0 && last->end == q + 1 && !last->passive && !(s->tokens[last->verb].flags & W_SPEECH);
    }
    if ((prev->flags & W_PREP) && !(prev->flags & W_BOUNDARY))
        return false;
    if (token_word_is(s, p, "'s") && p > 0 && s->group_at[p - 1] >= 0)
        return false; /* possessive */
    if (prev->flags & (W_MODAL | W_DO | W_NEG | W_HAVE))
        return true;
    if (prev->flags & W_BE)
        return ENDS_WITH(s, i, "ing") || is_past_form(s, i) || invariant_past(s, i);
    if (prev->flags & W_ADJ)
        return false;
    if (ENDS_WITH(s, i, "ing"))
        return (prev->shape & T_COMMA) != 0; /* ", accusing X of Y": a participle clause */
    /* "sentenced ousted leader Aung San Suu Kyi", "arrested jailed former minister X": a
     * past form right after the clause's verb and before an actor describes that actor */
    if (is_past_form(s, i) && s->nvgs > 0 && s->vgs[s->nvgs - 1].end == p + 1 && i + 1 < (int)s->ntokens &&
        s->group_at[i + 1] >= 0 && !(s->tokens[s->vgs[s->nvgs - 1].verb].flags & W_SPEECH))
        return false;
    if (is_past_form(s, i))
        return !(prev->shape & T_NUM);
    if ((prev->flags & W_PRON) && s->group_at[p] < 0)
        return true; /* "they meet", but "US demands" is not "us demands" */
    /* headlines: "U.S. air strikes hit Taliban fighters"; but in "Nicaragua cuts ties with
     * Taiwan" the word before is itself the verb, and "ties" is its object */
    if (s->group_at[p] < 0)
        return !(s->nvgs > 0 && s->vgs[s->nvgs - 1].verb == p) && (prev->shape & T_WORD) && !(prev->shape & T_CAP) && ENDS_WITH(s, p, "s") && !ENDS_WITH(s, p, "ss") &&
               !(prev->flags & (W_PREP | W_DET | W_PRON | W_BE | W_HAVE | W_DO | W_ADV | W_CONJ));
    if (ENDS_WITH(s, i, "s") && !ENDS_WITH(s, i, "ss") && !ENDS_WITH(s, i, "us") && !ENDS_WITH(s, i, "is")) {
        /* "Kabul seeks", but not "television address", nor "rejected UN calls": after the
         * object of another verb (not a verb of saying) the -s word is a noun */
        const actor_group *og = &s->groups[s->group_at[p]];
        /* "joint military drills": a role word alone after a plain word is a modifier */
        if (og->count == 1 && !s->units[og->first].actor && og->start > 0 && !(t->flags & W_SPEECH)) {
            int a = og->start - 1; /* a plain word, or one that is a verb only in its base form ("joint") */
            const token *adj = &s->tokens[a];
            if ((adj->shape & T_WORD) && !(adj->shape & T_CAP) &&
                !(adj->flags & (W_DET | W_PREP | W_CONJ | W_PRON | W_BE | W_HAVE | W_DO | W_MODAL | W_NEG |
                                W_BOUNDARY | W_TIME)) &&
                (!(adj->flags & W_VERB) || (!is_past_form(s, a) && !ENDS_WITH(s, a, "ing") && !ENDS_WITH(s, a, "s"))))
                return false;
        }
        int b = og->start - 1;
        while (b >= 0 && (s->tokens[b].flags & (W_DET | W_ADJ | W_POSS | W_QUANT)))
            b--;
        /* "camped outside the army headquarters": after a preposition's object the -s word
         * is a noun too, unless it is a verb of saying ("the embassy in Kabul says") */
        if (b >= 0 && (s->tokens[b].flags & W_PREP) && !(s->tokens[b].flags & W_BOUNDARY) && !token_word_is(s, b, "of") &&
            !(t->flags & W_SPEECH))
            return false;
        /* "struck hundreds of Hamas targets", "in retaliation for a new round of US
         * sanctions": the same after "of" and the noun before it */
        if (b >= 1 && token_word_is(s, b, "of")) {
            b--;
            /* an amount counts as one word: "on $34 billion of Chinese imports" */
            for (int k = 0; k < 3 && b >= 0 && !((s->tokens[b].flags & W_VERB) && is_past_form(s, b)) &&
                            !(s->tokens[b].flags & W_PREP) && s->group_at[b] < 0 &&
                            (!(s->tokens[b].shape & T_PUNCT) || is_currency(s, b));
                 b--)
                k += !(s->tokens[b].shape & (T_NUM | T_PUNCT)); /* the word skipped */
            if (b >= 0 && (s->tokens[b].flags & W_PREP) && !(s->tokens[b].flags & W_BOUNDARY) && !(t->flags & W_SPEECH))
                return false;
        }
        /* "by shelling Syrian government positions": after a gerund's object as well */
        return !(b >= 0 && (s->tokens[b].flags & W_VERB) && !(s->tokens[b].flags & W_SPEECH) &&
                 (is_past_form(s, b) || ENDS_WITH(s, b, "ing")));
    }
    /* A bare form needs a plural subject: "the two sides meet", "officials say", but
     * not "the Afghan war parties"; or it is the past of "cut", "hit", "set". */
    const actor_group *g = &s->groups[s->group_at[p]];
    int det = g->start - 1;
    if (det >= 0 && (token_word_is(s, det, "a") || token_word_is(s, det, "an")))
        return invariant_past(s, i); /* "at a US air base": one thing, no plural subject */
    for (int k = g->start + 1; k < g->end; k++) /* "officials in Riyadh say": the head before "in", "of" */
        if ((s->tokens[k].flags & W_PREP) && ENDS_WITH(s, k - 1, "s") && !ENDS_WITH(s, k - 1, "ss"))
            return true;
    /* "US" and "UAE" end in a capital S, not a plural */
    return g->count > 1 || (ENDS_WITH(s, g->end - 1, "s") && !(s->tokens[g->end - 1].shape & T_ALLCAPS)) ||
           invariant_past(s, i);
}

/* The first token from i on that is a verb, or be, have or do: only those can be a main
 * verb, and most tokens are none (a short loop of its own, apart from the verb walk). */
static int next_verb_form(const sentence *s, int i)
{
    const token *t = s->tokens;
    int n = (int)s->ntokens;
    while (i < n && !(t[i].flags & (W_VERB | W_BE | W_HAVE | W_DO)))
        i++;
    return i;
}

static void build_verb_groups(sentence *s)
{
    s->nvgs = 0;
    for (int i = next_verb_form(s, 0); i < (int)s->ntokens; i = next_verb_form(s, i + 1)) {
        if (!is_main_verb(s, i))
            continue;
        verb_group vg = {.start = i, .end = i + 1, .verb = i, .neg_token = -1, .modal_token = -1};
        bool be_before = false;
        int k = i - 1;
        while (k >= 0 && s->group_at[k] < 0) { /* "Theresa May gave": a name, not a modal */
            const token *t = &s->tokens[k];
            if (t->flags & W_NEG) {
                vg.negated = true;
                vg.neg_token = k;
            } else if (t->flags & W_MODAL) {
                vg.hypothetical = true;
                vg.modal_token = k;
            } else if (t->flags & W_BE) {
                if (token_word_is(s, k, "'s") && k > 0 && s->group_at[k - 1] >= 0)
                    break;
                if (k == i - 1 || !be_before)
                    be_before = be_before || k >= i - 3;
            } else if (!(t->flags & (W_HAVE | W_DO | W_ADV))) {
                break;
            }
            vg.start = k;
            k--;
        }
        if (vg.modal_token >= 0 && token_word_is(s, vg.modal_token, "cannot")) {
            vg.negated = true;
            vg.neg_token = vg.modal_token;
        }
        vg.participle = ENDS_WITH(s, i, "ing") && vg.start == i && i > 0 && (s->tokens[i - 1].shape & T_COMMA);
        /* "a missile fired by the rebels": a participle with its agent is passive */
        if (vg.start == i && i + 1 < (int)s->ntokens && token_word_is(s, i + 1, "by") &&
            (ENDS_WITH(s, i, "ed") || ENDS_WITH(s, i, "en")) && !(t_flags(s, i) & W_SPEECH) &&
            !(i > 0 && s->group_at[i - 1] >= 0))
            vg.passive = true; /* but "Biden spoke by telephone" is active */
        /* be + past participle: passive ("was held", "have been postponed") */
        for (int j = vg.start; j < i; j++)
            if ((s->tokens[j].flags & W_BE) && !ENDS_WITH(s, i, "ing") && (is_past_form(s, i) || invariant_past(s, i)))
                vg.passive = true;
        /* "never" and "not" right after the verb ("met not with X") are rare; ignore. */
        GROW(s->vgs, s->cap_vgs, s->nvgs + 1);
        s->vgs[s->nvgs++] = vg;
    }
}

/* Does a verb group start within a few tokens after i, before another boundary word? */
static bool verb_follows(const sentence *s, int i)
{
    for (size_t v = 0; v < s->nvgs; v++)
        if (s->vgs[v].start > i && s->vgs[v].start <= i + 6)
            return true;
    return false;
}

/* Does boundary word i (W_BOUNDARY) join clauses here? */
static bool boundary_word_joins(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    /* "as", "after", "before", "since", "until", "when" join clauses only when a verb
     * follows: "as interim president" and "after talks" are phrases. */
    if ((t->flags & W_PREP) || token_word_is(s, i, "as") || token_word_is(s, i, "when"))
        return verb_follows(s, i);
    if (token_word_is(s, i, "that") && i + 1 < (int)s->ntokens && s->group_at[i + 1] < 0 &&
        !(s->tokens[i + 1].flags & (W_DET | W_PRON | W_QUANT)) && !(s->tokens[i + 1].shape & T_CAP))
        return false; /* "that meeting": a determiner */
    return true;
}

/* Inline: the clause walks ask it of nearly every token, and most are no boundary word. */
static inline bool is_boundary(const sentence *s, int i)
{
    const token *t = &s->tokens[i];
    if (t->shape & (T_QUOTE | T_CLAUSE_PUNCT))
        return true;
    return (t->flags & W_BOUNDARY) && boundary_word_joins(s, i);
}

/* The subject of a clause: the first group with a named actor in [from, to), else the
 * first group. */
static int last_group_before(const sentence *s, int from, int to);

static int find_subject(const sentence *s, int from, int to)
{
    int first = -1;
    for (int k = from; k < to; k++) {
        int g = s->group_at[k];
        if (g < 0 || s->groups[g].start < from)
            continue;
        const actor_group *grp = &s->groups[g];
        int before = grp->start - 1, plain = 0;
        while (before >= from && ((s->tokens[before].flags & (W_DET | W_ADJ | W_QUANT | W_POSS)) ||
                                  (plain < 2 && is_plain_word(s, before) && ++plain)))
            before--;
        /* "Bushfires raging across Australia": a place, not the subject; but "an air
         * strike by the coalition hit": the attack's author; and "Several European
         * countries, including Germany, France and Italy, expelled": the members named */
        if (before >= from && (s->tokens[before].flags & W_PREP) && !token_word_is(s, before, "of") &&
            !(token_word_is(s, before, "by") && grp->end == to) &&
            !(token_word_is(s, before, "including") && before > from && token_word_is(s, before - 1, ","))) {
            k = grp->end - 1;
            continue;
        }
        if (first < 0)
            first = g;
        for (int u = grp->first; u < grp->first + grp->count; u++)
            if (s->units[u].actor || str_len_at_least(s->units[u].code, 6)) /* named, or "his government" (DEUGOV) */
                return g;
        k = grp->end - 1;
    }
    /* "after a government reshuffle, diplomats said": of role words alone, the one right
     * before the verb is its subject */
    int last = last_group_before(s, from, to);
    return last >= 0 && first >= 0 ? last : first;
}

/* The group that ends last in [from, to), when only adverbs, commas and titles follow it. */
static int last_group_before(const sentence *s, int from, int to)
{
    int k = to;
    while (k > from && (s->tokens[k - 1].flags & W_ADV))
        k--;
    if (k > from && s->group_at[k - 1] >= 0 && s->groups[s->group_at[k - 1]].start >= from)
        return s->group_at[k - 1];
    return -1;
}

/* The subject of the clause of verb group vg, whose words start at left:
 *  - a verb right after "and", "but" or a comma shares the subject before it ("X met Y
 *    and discussed Z", "..., accusing Y of Z");
 *  - a clause that follows another verb's words takes the actor right before its verb
 *    ("... struck Hamas targets overnight, the Israeli military said"), else its first;
 *  - a clause that starts the sentence or follows a boundary reads it from the front
 *    ("The U.S. ministry of defense in a statement announced");
 *  - "X, who met Y": the relative pronoun's antecedent;
 *  - "the troops deployed in Kunar attacked": after a participle with no comma, the
 *    participle's subject. */
static int choose_subject(sentence *s, clause *c, const verb_group *vg, int left, int prev_end, size_t v)
{
    const clause *prev = s->nclauses > 0 ? &s->clauses[s->nclauses - 1] : NULL;
    /* "condemned a bombing that killed four policemen, and accused the insurgents": a
     * verb after a relative clause shares the subject of the clause before it */
    while (prev && (prev->relative || prev->complement) && prev > s->clauses)
        prev--; /* nor after what another verb demanded ("demanded that X stop ... and warned") */
    int p = vg->start - 1;
    while (p >= left && (s->tokens[p].flags & W_ADV))
        p--;
    if (prev && p >= 0 && (is_conj(s, p) || (s->tokens[p].shape & T_COMMA) || token_word_is(s, p, "but")) &&
        (vg->participle || p < left || s->group_at[p] < 0) &&
        (p < 1 || s->group_at[p - 1] < 0 || vg->participle || is_conj(s, p) || token_word_is(s, p, "but"))) {
        /* "X met Y and agreed": the verb after "and" is X's, even right after the object Y */
        c->subject_inherited = true;
        if (prev->vg >= 0 && s->vgs[prev->vg].passive)
            return prev->agent;
        return prev->subject;
    }
    if (prev && p >= 0 && token_word_is(s, p, "by") && ENDS_WITH(s, vg->verb, "ing") && vg->start == vg->verb &&
        prev->vg >= 0 && s->vgs[prev->vg].end <= p) {
        c->subject_inherited = prev->subject >= 0; /* "Ankara retaliated by shelling": Ankara's act */
        return prev->subject;
    }
    if (p >= 1 && p >= left && (token_word_is(s, p, "that") || token_word_is(s, p, "which") || token_word_is(s, p, "who"))) {
        /* "the bombing that killed 40 officers": the relative pronoun's antecedent, an
         * actor (not a place: "a bombing in Kandahar that killed") or no one */
        c->relative = true;
        int g = s->group_at[p - 1];
        if (g < 0) {
            /* "Spain recognised a Palestinian state, a move that drew condemnation from
             * Israel": ", a NOUN that" names the main clause's act, whose actor it is */
            int k = p - 1, nouns = 0;
            while (k >= 0 && nouns < 3 && (s->tokens[k].shape & T_WORD) && !(s->tokens[k].shape & T_CAP) &&
                   !(s->tokens[k].flags & (W_DET | W_PREP | W_CONJ | W_PRON)) && s->group_at[k] < 0) {
                k--;
                nouns++;
            }
            if (nouns && k >= 1 && (token_word_is(s, k, "a") || token_word_is(s, k, "an")) && (s->tokens[k - 1].shape & T_COMMA) &&
                s->nclauses > 0 && s->clauses[0].subject >= 0 && s->groups[s->clauses[0].subject].end < k) {
                c->subject_inherited = true;
                return s->clauses[0].vg >= 0 && s->vgs[s->clauses[0].vg].passive ? s->clauses[0].agent
                                                                                   : s->clauses[0].subject;
            }
            return -1;
        }
        int before = s->groups[g].start - 1;
        while (before >= 0 && (s->tokens[before].flags & (W_DET | W_ADJ | W_QUANT)))
            before--;
        if (before >= 0 && (s->tokens[before].flags & W_PREP) && !token_word_is(s, before, "of"))
            return -1;
        c->subject_inherited = true;
        return g;
    }
    int subject;
    if (left == prev_end && v > 0) {
        subject = last_group_before(s, left, vg->start);
        const token *before = p >= left ? &s->tokens[p] : NULL;
        if (subject < 0 && before && (before->shape & T_WORD) && !(before->shape & T_CAP) &&
            !(before->flags & (W_DET | W_PREP | W_CONJ | W_PRON | W_BE | W_HAVE | W_DO | W_MODAL | W_NEG |
                               W_BOUNDARY | W_TIME)) &&
            (s->tokens[vg->verb].flags & W_SPEECH)) {
            for (int k = left; k < p; k++)
                if (s->tokens[k].shape & T_COMMA)
                    return -1; /* "..., a monitoring group said": a speaker no dictionary knows */
        }
        /* "..., the US military's Africa Command said": a speaker no dictionary knows,
         * owned by an actor; the owner speaks (not an actor named earlier in the clause) */
        if (subject < 0 && (s->tokens[vg->verb].flags & W_SPEECH)) {
            int k = p, words = 0;
            while (k > left && words < 3 && (s->tokens[k].shape & T_WORD) && s->group_at[k] < 0 &&
                   !(s->tokens[k].flags & (W_DET | W_PREP | W_CONJ | W_PRON | W_BOUNDARY)) && !token_word_is(s, k, "'s")) {
                k--;
                words++;
            }
            if (words && k > left && token_word_is(s, k, "'s") && s->group_at[k - 1] >= 0 &&
                s->groups[s->group_at[k - 1]].start >= left) {
                c->subject_possessor = true;
                return s->group_at[k - 1];
            }
        }
        if (subject < 0)
            subject = find_subject(s, left, vg->start);
    } else {
        subject = find_subject(s, left, vg->start);
    }
    if (subject >= 0)
        return subject;
    /* "X, who on Monday met Y"; not "warned Putin that the West would": after "that" with
     * words of its own before the verb, the clause has a subject no dictionary knows */
    if (left >= 2 && (token_word_is(s, left - 1, "who") || token_word_is(s, left - 1, "which")) && s->group_at[left - 2] >= 0) {
        c->subject_inherited = true;
        return s->group_at[left - 2];
    }
    if (prev && prev->vg >= 0 && left == prev_end && left > 0 && !is_boundary(s, left - 1)) {
        const verb_group *pv = &s->vgs[prev->vg];
        bool comma = false;
        for (int k = pv->end; k < vg->start; k++)
            comma = comma || (s->tokens[k].shape & T_COMMA);
        if (!comma && pv->start == pv->verb && !(s->tokens[pv->verb].flags & W_SPEECH)) {
            c->subject_inherited = prev->subject >= 0;
            return prev->subject;
        }
    }
    return -1;
}

static void build_clauses(sentence *s)
{
    s->nclauses = 0;
    int n = (int)s->ntokens;
    int prev_end = 0;
    for (size_t v = 0; v < s->nvgs; v++) {
        const verb_group *vg = &s->vgs[v];
        clause c = {.vg = (int)v, .subject = -1, .agent = -1};
        int left = vg->start;
        while (left > prev_end && !is_boundary(s, left - 1))
            left--;
        c.left = left;
        c.complement = left >= 1 && token_word_is(s, left - 1, "that");
        int next_start = v + 1 < s->nvgs ? s->vgs[v + 1].start : n;
        int right = vg->end;
        while (right < next_start && !is_boundary(s, right))
            right++;
        /* The next clause's subject belongs to the next clause: stop before it; but in
         * "released 24 hostages held in Gaza" the participle describes this clause's
         * object, which stays in reach. */
        const verb_group *nv = v + 1 < s->nvgs ? &s->vgs[v + 1] : NULL;
        bool reduced_relative = nv && nv->start == nv->verb && is_past_form(s, nv->verb) && !ENDS_WITH(s, nv->verb, "ing") &&
                                nv->verb + 1 < n && (s->tokens[nv->verb + 1].flags & W_PREP) &&
                                !(s->tokens[nv->verb].flags & W_SPEECH);
        for (int k = vg->end; reduced_relative && k < next_start; k++) /* not ", and X responded"; but "23-year-old" */
            reduced_relative = !(s->tokens[k].flags & W_CONJ) && !(s->tokens[k].shape & (T_COMMA | T_CLAUSE_PUNCT | T_QUOTE));
        /* "executed a protester convicted of wounding ...", "released a diplomat convicted of
         * plotting": after the object of a verb that takes no clause, with no boundary word
         * between, a bare past form followed by a preposition is a passive participle, not
         * the object's own verb; without a "by" agent it codes nothing (coding guide 5). */
        if (reduced_relative && !(s->tokens[vg->verb].flags & W_SPEECH) && s->group_at[nv->start - 1] >= 0) {
            bool boundary = false;
            for (int k = vg->end; k < nv->start; k++)
                boundary = boundary || is_boundary(s, k);
            if (!boundary)
                s->vgs[v + 1].passive = true;
        }
        if (right == next_start && v + 1 < s->nvgs && !reduced_relative) {
            int k = next_start;
            while (k > vg->end && (s->tokens[k - 1].flags & (W_ADV)))
                k--;
            if (k > vg->end && s->group_at[k - 1] >= 0 && !is_conj(s, k - 1)) {
                int g = s->group_at[k - 1];
                /* only when something else stands between verb and that group */
                if (s->groups[g].start > vg->end)
                    right = s->groups[g].start;
            }
        }
        c.right = right;
        c.subject = choose_subject(s, &c, vg, left, prev_end, v);
        for (int k = left; k < vg->start; k++)
            if (s->tokens[k].end - s->tokens[k].start >= 6 && /* the length of both, first */
                (token_word_is(s, k, "neither") || token_word_is(s, k, "nobody"))) { /* "Neither Armenia nor Azerbaijan has" */
                s->vgs[v].negated = true;
                s->vgs[v].neg_token = k;
            }
        if (vg->passive)
            for (int k = vg->end; k + 1 < right; k++) {
                if (!token_word_is(s, k, "by"))
                    continue;
                int a = skip_determiners(s, k + 1, right);
                if (a < right && s->group_at[a] >= 0)
                    c.agent = s->group_at[a];
                break;
            }
        GROW(s->clauses, s->cap_clauses, s->nclauses + 1);
        s->clauses[s->nclauses++] = c;
        prev_end = vg->end;
    }
    if (s->nclauses == 0) { /* a headline or a phrase without a verb */
        GROW(s->clauses, s->cap_clauses, 1);
        s->clauses[0] = (clause){.vg = -1, .left = 0, .right = n, .subject = find_subject(s, 0, n), .agent = -1};
        s->nclauses = 1;
    }
}

/* ---- Phrase kinds per token ----------------------------------------------------------- */

/* Sets each token's phrase_kinds: the kinds of the phrases that can start there, which are
 * those of one word and those of more whose second word the next token can be (most
 * phrases that start with a token fail on the next word: parse_phrase_at then skips the
 * lookup); and STARTS_SET_MEMBER as the dictionary gives it. Returns the kinds of all
 * tokens together: a sentence no discard can start in needs no search for one. */
static int mark_phrase_kinds(sentence *s)
{
    uint32_t next = 0; /* the facts of token i + 1 */
    int all = 0;
    token *tokens = s->tokens; /* in a local: the byte stores below could alias s->tokens */
    for (size_t i = s->ntokens; i-- > 0;) {
        token *t = &tokens[i];
        /* The phrase facts of the token's word and lemmas, ORed: the dictionary tags each
         * word with its facts (lex_set_tag), and the lexicon stage gives the token its
         * words' tags from the form cache, with no load from the dictionary here. */
        uint32_t facts = t->tags;
        uint32_t alone = (facts >> FACTS_ALONE) & 0xff, follow = (next >> FACTS_SECOND) & 0xff;
        t->phrase_kinds = (uint8_t)(facts & (STARTS_SET_MEMBER | alone | follow));
        all |= t->phrase_kinds;
        next = facts;
    }
    return all;
}

/* ---- Discards ----------------------------------------------------------------------- */

static int find_discard(const jirga_dict *d, const sentence *s)
{
    for (size_t i = 0; i < s->ntokens; i++) {
        const phrase *p = parse_phrase_at(d, s, (int)i, 1 << PHRASE_DISCARD);
        if (p)
            return p->entry;
    }
    return -1;
}

/* ---- The parse ---------------------------------------------------------------------- */

/* A headline in title case ("Russia Expels Two Estonian Diplomats", "Japan and Britain Agree
 * to Deepen Defence Ties"): every word of four letters or more after the first is
 * capitalised, so a capital marks no name there, and "Expels" must still be read as the verb.
 * In such a sentence a capitalised verb (not all capitals) loses its capital; names are still
 * found, as everywhere, by the dictionary, which ignores case. Returns the number of words
 * changed (jirga explain lists them). */
static int mark_headline_case(sentence *s)
{
    int long_words = 0;
    for (size_t i = 1; i < s->ntokens; i++) {
        const token *t = &s->tokens[i];
        if (!(t->shape & T_WORD) || (t->shape & T_NUM) || t->end - t->start < 4)
            continue;
        if (!(t->shape & T_CAP))
            return 0;
        long_words++;
    }
    if (long_words < 3)
        return 0;
    int changed = 0;
    for (size_t i = 1; i < s->ntokens; i++) {
        token *t = &s->tokens[i];
        if ((t->flags & W_VERB) && (t->shape & T_CAP) && !(t->shape & T_ALLCAPS)) {
            t->shape &= ~(uint32_t)T_CAP;
            changed++;
        }
    }
    return changed;
}

/* The first token from i on that may start a mention: one that starts a phrase of the
 * kinds of a mention, a capitalised word (a learned name), a pronoun (an antecedent), or a
 * word of four bytes ("they", for two actors). The mention walk skips the others, most of
 * a sentence, in this short loop. */
/* Asks for the codes of a mention's entry (an actor's code is two dependent misses,
 * entry then codes). A mention found in the dictionary has its entry asked for when it is
 * found, and its codes when the next mention is, or after the walk for the last: the
 * entry has come by then, and the codes come while the walk goes on. */
static void prefetch_codes(const mention *m)
{
    if (!m->pronoun && m->entry->codes)
        __builtin_prefetch(m->entry->codes);
}

static int next_mention_start(const sentence *s, int i)
{
    const token *t = s->tokens;
    int n = (int)s->ntokens;
    while (i < n && !(t[i].phrase_kinds & ((1 << PHRASE_ACTOR) | (1 << PHRASE_AGENT) | (1 << PHRASE_REFER))) &&
           !(t[i].shape & T_CAP) && !(t[i].flags & W_PRON) && t[i].end - t[i].start != 4)
        i++;
    return i;
}

void parse_sentence(const jirga_dict *d, sentence *s, const char *text, size_t len, int date,
                    const doc_context *ctx)
{
    s->ctx = ctx;
    s->text = text;
    s->len = len;
    s->date = date;
    s->ntokens = text_tokenize(text, len, &s->tokens, &s->cap_tokens);
    lex_annotate(d->lex, s->cache, text, s->tokens, s->ntokens);
    int kinds = mark_phrase_kinds(s);
    s->discard = kinds & (1 << PHRASE_DISCARD) ? find_discard(d, s) : -1;
    s->headline_case = mark_headline_case(s);

    mention ms_small[64];
    /* build_units reads only the nm mentions stored below, but GCC 12 cannot tell and
     * warns (-Wmaybe-uninitialized) that ms_small may be read unset: one is set here */
    ms_small[0] = (mention){0};
    mention *ms = ms_small;
    size_t cap = 64;
    int nm = 0;
    bool heap = false;
    for (int i = 0; i < (int)s->ntokens;) {
        i = next_mention_start(s, i);
        if (i >= (int)s->ntokens)
            break;
        const phrase *ref = s->ctx ? parse_phrase_at(d, s, i, 1 << PHRASE_REFER) : NULL;
        if (ref && (nm + 2 <= (int)cap) && add_reference(d, s, ms, &nm, i, ref)) {
            i += ref->nwords;
            continue;
        }
        int pa, pb;
        if (s->ctx && nm >= 2 && (size_t)nm + 2 <= cap && token_word_is(s, i, "they") && joined_pair(s, ms, nm, &pa, &pb)) {
            /* "between the Taliban and US officials, where they discussed": both */
            char *codes = s->pair_codes[0], *codes2 = s->pair_codes[1];
            pair_code(s, ms, nm, pa, codes);
            pair_code(s, ms, nm, pb, codes2);
            ms[nm] = (mention){i, i + 1, true, ms[pa].entry, true, codes};
            ms[nm + 1] = (mention){i, i + 1, true, ms[pb].entry, true, codes2};
            nm += 2;
            i++;
            continue;
        }
        const phrase *p = parse_phrase_at(d, s, i, (1 << PHRASE_ACTOR) | (1 << PHRASE_AGENT));
        const dict_entry *learned = NULL, *antecedent = NULL;
        const char *pronoun_code = NULL;
        /* only a capitalised word starts a learned name, only a pronoun has an antecedent */
        int learned_len = !p && (s->tokens[i].shape & T_CAP) ? doc_name_at(s, i, &learned) : 0;
        if (!p && !learned_len && (s->tokens[i].flags & W_PRON))
            antecedent = pronoun_at(d, s, i, &pronoun_code, ms, nm);
        if (!p && !learned_len && !antecedent) {
            i++;
            continue;
        }
        if ((size_t)nm == cap) {
            mention *bigger = xmalloc(cap * 2 * sizeof *bigger);
            memcpy(bigger, ms, cap * sizeof *ms);
            if (heap)
                free(ms);
            ms = bigger;
            cap *= 2;
            heap = true;
        }
        if (p) {
            const dict_entry *e = p->kind == PHRASE_ACTOR ? &d->actors[p->entry] : &d->agents[p->entry];
            __builtin_prefetch(e);
            if (nm > 0)
                prefetch_codes(&ms[nm - 1]);
            ms[nm++] = (mention){i, i + p->nwords, p->kind == PHRASE_ACTOR, e, false, NULL};
            i += p->nwords;
        } else if (learned_len) {
            ms[nm++] = (mention){i, i + learned_len, true, learned, false, NULL};
            i += learned_len;
        } else {
            ms[nm++] = (mention){i, i + 1, true, antecedent, true, pronoun_code};
            i++;
        }
    }
    if (nm > 0)
        prefetch_codes(&ms[nm - 1]);
    build_units(d, s, ms, nm);
    if (heap)
        free(ms);
    build_groups(s);
    build_verb_groups(s);
    build_clauses(s);
}

void sentence_free(sentence *s)
{
    free(s->tokens);
    free(s->units);
    free(s->groups);
    free(s->group_at);
    free(s->vgs);
    free(s->clauses);
    memset(s, 0, sizeof *s);
}
