/*
 * lexicon.c — word interning (open addressing over a string pool), word classes, and
 * WordNet-style morphology. The grammar word list at the end is the only English the C
 * code knows; everything else comes from dictionaries/.
 */
#include "lexicon.h"

#include "../base/base.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { MAX_FORM_LEMMAS = 2 };
#define GRAMMAR_FLAGS (W_DET | W_PREP | W_CONJ | W_PRON | W_POSS | W_BE | W_HAVE | W_DO | W_MODAL | W_NEG)

typedef struct word_entry {
    uint32_t offset; /* into the string pool */
    uint32_t len;
    uint32_t flags;
    uint32_t tag; /* lex_set_tag */
    word_id irregular[MAX_FORM_LEMMAS]; /* lemmas when this is an irregular form */
} word_entry;

struct lexicon {
    sbuf pool;          /* NUL-separated words */
    word_entry *words;  /* index = word id; words[0] unused */
    size_t count, cap;
    uint32_t *slots;    /* hash slots holding word ids, 0 = empty */
    size_t nslots;
};

lexicon *lex_new(void)
{
    lexicon *lex = xcalloc(1, sizeof *lex);
    GROW(lex->words, lex->cap, 1);
    memset(&lex->words[0], 0, sizeof lex->words[0]);
    lex->count = 1;
    lex->nslots = 1 << 16; /* the project's dictionaries hold some 26,000 words: no rehash on the way */
    lex->slots = xcalloc(lex->nslots, sizeof *lex->slots);
    sbuf_addc(&lex->pool, 0); /* offset 0 is the empty word */
    lex_load_grammar(lex);
    return lex;
}

void lex_free(lexicon *lex)
{
    if (!lex)
        return;
    sbuf_free(&lex->pool);
    free(lex->words);
    free(lex->slots);
    free(lex);
}

size_t lex_fold(const char *s, size_t n, char *out, size_t cap)
{
    if (n < cap) { /* ASCII, most of the news: lowered in one pass without the locale */
        size_t i = 0;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x80)
                break;
            out[i] = (char)(c | ((unsigned)(c - 'A') < 26u ? 0x20 : 0));
        }
        if (i == n) {
            out[n] = 0;
            return n;
        }
    } else {
        bool ascii = true;
        for (size_t i = 0; i < n && ascii; i++)
            ascii = (unsigned char)s[i] < 0x80;
        if (ascii)
            return 0;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                                        UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    size_t got = 0;
    if (len >= 0 && (size_t)len < cap) {
        memcpy(out, folded, (size_t)len);
        out[len] = 0;
        got = (size_t)len;
    }
    free(folded);
    /* Typographic apostrophes fold to ASCII so "Kabul’s" and "Kabul's" agree. */
    for (size_t i = 0; got >= 3 && i + 2 < got; i++) {
        if ((unsigned char)out[i] == 0xE2 && (unsigned char)out[i + 1] == 0x80 &&
            (unsigned char)out[i + 2] == 0x99) {
            out[i] = '\'';
            memmove(out + i + 1, out + i + 3, got - i - 3);
            got -= 2;
            out[got] = 0;
        }
    }
    return got;
}

static size_t slot_of(const lexicon *lex, const char *s, size_t n)
{
    size_t mask = lex->nslots - 1;
    size_t i = (size_t)hash_bytes(s, n) & mask;
    for (;;) {
        uint32_t id = lex->slots[i];
        if (!id)
            return i;
        const word_entry *w = &lex->words[id];
        if (w->len == n && memcmp(lex->pool.data + w->offset, s, n) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

word_id lex_find(const lexicon *lex, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    return lex->slots[slot_of(lex, s, n)];
}

static void rehash(lexicon *lex)
{
    size_t n = lex->nslots * 2;
    free(lex->slots);
    lex->slots = xcalloc(n, sizeof *lex->slots);
    lex->nslots = n;
    for (size_t id = 1; id < lex->count; id++) {
        const word_entry *w = &lex->words[id];
        lex->slots[slot_of(lex, lex->pool.data + w->offset, w->len)] = (uint32_t)id;
    }
}

word_id lex_intern(lexicon *lex, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t slot = slot_of(lex, s, n);
    if (lex->slots[slot])
        return lex->slots[slot];
    GROW(lex->words, lex->cap, lex->count + 1);
    word_entry *w = &lex->words[lex->count];
    memset(w, 0, sizeof *w);
    w->offset = (uint32_t)lex->pool.len;
    w->len = (uint32_t)n;
    sbuf_add(&lex->pool, s, n);
    sbuf_addc(&lex->pool, 0);
    word_id id = (word_id)lex->count++;
    lex->slots[slot] = id;
    if (lex->count * 2 > lex->nslots)
        rehash(lex);
    return id;
}

const char *lex_word(const lexicon *lex, word_id id)
{
    if (id == 0 || id >= lex->count)
        return "";
    return lex->pool.data + lex->words[id].offset;
}

size_t lex_size(const lexicon *lex) { return lex->count - 1; }

uint32_t lex_flags(const lexicon *lex, word_id id) { return id && id < lex->count ? lex->words[id].flags : 0; }

void lex_add_flags(lexicon *lex, word_id id, uint32_t flags)
{
    if (id && id < lex->count)
        lex->words[id].flags |= flags;
}

void lex_set_tag(lexicon *lex, word_id id, uint32_t tag)
{
    if (id && id < lex->count)
        lex->words[id].tag = tag;
}

static uint32_t lex_tag(const lexicon *lex, word_id id) { return id && id < lex->count ? lex->words[id].tag : 0; }

void lex_add_form(lexicon *lex, const char *form, const char *lemma)
{
    if (strcmp(form, lemma) == 0)
        return;
    word_id l = lex_intern(lex, lemma, strlen(lemma));
    word_id f = lex_intern(lex, form, strlen(form));
    word_entry *w = &lex->words[f];
    for (int i = 0; i < MAX_FORM_LEMMAS; i++) {
        if (w->irregular[i] == l)
            return;
        if (!w->irregular[i]) {
            w->irregular[i] = l;
            return;
        }
    }
}

/* ---- WordNet ------------------------------------------------------------------------ */

static void load_exceptions(lexicon *lex, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* "form lemma ...": the first two words, split by hand (sscanf cost 5 million
         * instructions at every load) */
        char *save = NULL, *form = strtok_r(line, " \t\r\n", &save);
        char *lemma = form ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        if (!lemma)
            continue;
        /* WordNet joins multi-word entries with '_'; jirga's forms are single words. */
        if (strchr(form, '_') || strchr(lemma, '_'))
            continue;
        lex_add_form(lex, form, lemma);
    }
    fclose(f);
}

static void load_verb_index(lexicon *lex, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == ' ')
            continue; /* licence header */
        char *sp = strchr(line, ' ');
        char *underscore = strchr(line, '_');
        if (!sp || (underscore && underscore < sp))
            continue; /* multi-word verbs are written as patterns */
        word_id id = lex_intern(lex, line, (size_t)(sp - line));
        lex_add_flags(lex, id, W_VERB);
    }
    fclose(f);
}

void lex_load_wordnet(lexicon *lex, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/verb.exc", dir);
    load_exceptions(lex, path);
    snprintf(path, sizeof path, "%s/noun.exc", dir);
    load_exceptions(lex, path);
    snprintf(path, sizeof path, "%s/index.verb", dir);
    load_verb_index(lex, path);
}

/* ---- Morphology --------------------------------------------------------------------- */

typedef struct suffix_rule {
    const char *suffix, *replace;
    size_t suffix_len, replace_len;
} suffix_rule;

/* WordNet's morphy rules for nouns and verbs. */
#define RULE(a, b) {a, b, sizeof a - 1, sizeof b - 1}
static const suffix_rule rules[] = {
    RULE("ies", "y"), RULE("ses", "s"), RULE("xes", "x"), RULE("zes", "z"), RULE("ches", "ch"),
    RULE("shes", "sh"), RULE("men", "man"), RULE("es", "e"), RULE("es", ""), RULE("s", ""),
    RULE("ed", "e"), RULE("ed", ""), RULE("ing", "e"), RULE("ing", ""),
};
#undef RULE

static int add_unique(word_id *out, int count, int max, word_id id)
{
    if (!id || count >= max)
        return count;
    for (int i = 0; i < count; i++)
        if (out[i] == id)
            return count;
    out[count] = id;
    return count + 1;
}

/* lex_lemmas of a form whose own id (0 when unknown) was looked up already. */
static int lemmas_of(const lexicon *lex, const char *fold, size_t n, word_id self, word_id *out, int max)
{
    int count = 0;
    if (self)
        for (int i = 0; i < MAX_FORM_LEMMAS; i++)
            count = add_unique(out, count, max, lex->words[self].irregular[i]);
    char buf[128];
    if (n + 4 >= sizeof buf || (self && (lex->words[self].flags & GRAMMAR_FLAGS)))
        return count; /* grammar words have no lemmas of their own: "was" is not "wa" */
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        size_t sl = rules[r].suffix_len, rl = rules[r].replace_len;
        if (n < sl + 3 || fold[n - 1] != rules[r].suffix[sl - 1] || memcmp(fold + n - sl, rules[r].suffix, sl) != 0)
            continue; /* the last letter first: most rules end there, without a call */
        size_t stem = n - sl;
        memcpy(buf, fold, stem);
        memcpy(buf + stem, rules[r].replace, rl);
        size_t len = stem + rl;
        word_id id = lex_find(lex, buf, len);
        if (id && id != self && !(lex->words[id].flags & W_MODAL)) /* "willing" is not "will" */
            count = add_unique(out, count, max, id);
        /* "stopped" -> "stopp" -> "stop": undo the doubled final consonant. */
        if (rl == 0 && len >= 3 && buf[len - 1] == buf[len - 2] && !strchr("aeiousl", buf[len - 1]))
            count = add_unique(out, count, max, lex_find(lex, buf, len - 1));
    }
    return count;
}

int lex_lemmas(const lexicon *lex, const char *fold, size_t n, word_id *out, int max)
{
    return lemmas_of(lex, fold, n, lex_find(lex, fold, n), out, max);
}

/* ---- Grammar words -------------------------------------------------------------------- */

typedef struct grammar_word {
    const char *word;
    uint32_t flags;
} grammar_word;

static const grammar_word grammar[] = {
    {"the", W_DET}, {"a", W_DET}, {"an", W_DET}, {"these", W_DET},
    {"those", W_DET}, {"another", W_DET}, {"each", W_DET | W_QUANT}, {"every", W_DET},
    {"all", W_QUANT}, {"both", W_QUANT}, {"some", W_QUANT}, {"several", W_QUANT},
    {"many", W_QUANT}, {"few", W_QUANT}, {"two", W_QUANT}, {"three", W_QUANT},
    {"his", W_POSS}, {"her", W_POSS | W_PRON}, {"its", W_POSS}, {"their", W_POSS},
    {"our", W_POSS}, {"my", W_POSS}, {"your", W_POSS},
    {"of", W_PREP}, {"in", W_PREP}, {"on", W_PREP}, {"at", W_PREP}, {"with", W_PREP},
    {"between", W_PREP}, {"by", W_PREP}, {"for", W_PREP}, {"from", W_PREP}, {"to", W_PREP},
    {"into", W_PREP}, {"against", W_PREP}, {"over", W_PREP}, {"about", W_PREP},
    {"toward", W_PREP}, {"towards", W_PREP}, {"through", W_PREP}, {"during", W_PREP},
    {"near", W_PREP}, {"across", W_PREP}, {"under", W_PREP}, {"via", W_PREP},
    {"amid", W_PREP}, {"among", W_PREP}, {"without", W_PREP}, {"within", W_PREP},
    {"upon", W_PREP}, {"onto", W_PREP}, {"outside", W_PREP}, {"inside", W_PREP},
    {"around", W_PREP}, {"throughout", W_PREP},
    {"despite", W_PREP}, {"including", W_PREP}, {"like", W_PREP}, {"per", W_PREP},
    {"and", W_CONJ}, {"or", W_CONJ}, {"nor", W_CONJ}, {"&", W_CONJ},
    {"but", W_CONJ | W_BOUNDARY}, {"yet", W_CONJ},
    {"he", W_PRON}, {"she", W_PRON}, {"it", W_PRON}, {"they", W_PRON}, {"we", W_PRON},
    {"i", W_PRON}, {"you", W_PRON}, {"him", W_PRON}, {"them", W_PRON}, {"us", W_PRON},
    {"me", W_PRON}, {"there", W_PRON}, {"itself", W_PRON}, {"themselves", W_PRON},
    {"be", W_BE}, {"is", W_BE}, {"are", W_BE}, {"was", W_BE}, {"were", W_BE},
    {"been", W_BE}, {"being", W_BE}, {"'s", W_BE}, {"'re", W_BE}, {"get", W_BE},
    {"got", W_BE}, {"gets", W_BE},
    {"have", W_HAVE}, {"has", W_HAVE}, {"had", W_HAVE}, {"having", W_HAVE}, {"'ve", W_HAVE},
    {"do", W_DO}, {"does", W_DO}, {"did", W_DO},
    {"will", W_MODAL}, {"would", W_MODAL}, {"could", W_MODAL}, {"may", W_MODAL},
    {"might", W_MODAL}, {"should", W_MODAL}, {"can", W_MODAL}, {"must", W_MODAL},
    {"shall", W_MODAL}, {"'ll", W_MODAL}, {"'d", W_MODAL}, {"cannot", W_MODAL | W_NEG},
    {"wo", W_MODAL}, {"ca", W_MODAL}, /* "won't", "can't" */
    {"not", W_NEG}, {"n't", W_NEG}, {"never", W_NEG}, {"no", W_NEG | W_DET},
    {"that", W_BOUNDARY}, {"which", W_BOUNDARY}, {"who", W_BOUNDARY}, {"whom", W_BOUNDARY},
    {"whose", W_BOUNDARY}, {"where", W_BOUNDARY}, {"while", W_BOUNDARY},
    {"whereas", W_BOUNDARY}, {"because", W_BOUNDARY}, {"although", W_BOUNDARY},
    {"though", W_BOUNDARY}, {"if", W_BOUNDARY}, {"unless", W_BOUNDARY},
    {"whether", W_BOUNDARY}, {"when", W_BOUNDARY}, {"as", W_BOUNDARY},
    {"after", W_BOUNDARY | W_PREP}, {"before", W_BOUNDARY | W_PREP},
    {"since", W_BOUNDARY | W_PREP}, {"until", W_BOUNDARY | W_PREP},
    {"saying", W_BOUNDARY}, {"adding", W_BOUNDARY}, {"so", W_BOUNDARY},
    {"also", W_ADV}, {"reportedly", W_ADV}, {"jointly", W_ADV}, {"still", W_ADV},
    {"already", W_ADV}, {"again", W_ADV}, {"later", W_ADV}, {"then", W_ADV},
    {"just", W_ADV}, {"recently", W_ADV}, {"previously", W_ADV}, {"finally", W_ADV},
    {"now", W_ADV}, {"once", W_ADV}, {"repeatedly", W_ADV}, {"strongly", W_ADV},
    {"formally", W_ADV}, {"officially", W_ADV}, {"publicly", W_ADV}, {"fully", W_ADV},
    {"possibly", W_ADV}, {"allegedly", W_ADV}, {"briefly", W_ADV}, {"quickly", W_ADV},
    {"swiftly", W_ADV}, {"sharply", W_ADV}, {"firmly", W_ADV}, {"even", W_ADV},
    {"mr", W_TITLE}, {"mrs", W_TITLE}, {"ms", W_TITLE}, {"dr", W_TITLE}, {"gen", W_TITLE},
    {"col", W_TITLE}, {"lt", W_TITLE}, {"sgt", W_TITLE}, {"capt", W_TITLE},
    {"prof", W_TITLE}, {"sen", W_TITLE}, {"rep", W_TITLE}, {"gov", W_TITLE},
    {"sheikh", W_TITLE}, {"shaykh", W_TITLE}, {"mullah", W_TITLE}, {"mulla", W_TITLE},
    {"mawlawi", W_TITLE}, {"mowlavi", W_TITLE}, {"maulvi", W_TITLE}, {"sir", W_TITLE},
    {"top", W_ADJ}, {"senior", W_ADJ}, {"high-ranking", W_ADJ}, {"former", W_ADJ},
    {"new", W_ADJ}, {"local", W_ADJ}, {"foreign", W_ADJ}, {"visiting", W_ADJ},
    {"esteemed", W_ADJ}, {"unnamed", W_ADJ}, {"unidentified", W_ADJ}, {"armed", W_ADJ},
    {"northern", W_ADJ}, {"southern", W_ADJ}, {"eastern", W_ADJ}, {"western", W_ADJ},
    {"central", W_ADJ}, {"northeastern", W_ADJ}, {"northwestern", W_ADJ}, {"southeastern", W_ADJ},
    {"southwestern", W_ADJ}, {"neighbouring", W_ADJ}, {"neighboring", W_ADJ}, {"rural", W_ADJ},
    {"monday", W_TIME}, {"tuesday", W_TIME}, {"wednesday", W_TIME}, {"thursday", W_TIME},
    {"friday", W_TIME}, {"saturday", W_TIME}, {"sunday", W_TIME}, {"today", W_TIME},
    {"yesterday", W_TIME}, {"tomorrow", W_TIME}, {"tonight", W_TIME},
    {"january", W_TIME}, {"february", W_TIME}, {"march", W_TIME}, {"april", W_TIME},
    {"june", W_TIME}, {"july", W_TIME}, {"august", W_TIME}, {"september", W_TIME},
    {"october", W_TIME}, {"november", W_TIME}, {"december", W_TIME},
    {"jan", W_TIME}, {"feb", W_TIME}, {"mar", W_TIME}, {"apr", W_TIME}, {"jun", W_TIME},
    {"jul", W_TIME}, {"aug", W_TIME}, {"sep", W_TIME}, {"sept", W_TIME}, {"oct", W_TIME},
    {"nov", W_TIME}, {"dec", W_TIME}, {"last", W_TIME}, {"earlier", W_TIME}, {"this", W_TIME | W_DET},
    {"say", W_SPEECH}, {"tell", W_SPEECH}, {"announce", W_SPEECH}, {"state", W_SPEECH},
    {"add", W_SPEECH}, {"claim", W_SPEECH}, {"insist", W_SPEECH}, {"warn", W_SPEECH},
    {"declare", W_SPEECH}, {"report", W_SPEECH}, {"confirm", W_SPEECH}, {"deny", W_SPEECH},
    {"stress", W_SPEECH}, {"note", W_SPEECH}, {"argue", W_SPEECH}, {"believe", W_SPEECH},
};

void lex_load_grammar(lexicon *lex)
{
    for (size_t i = 0; i < sizeof grammar / sizeof grammar[0]; i++) {
        word_id id = lex_intern(lex, grammar[i].word, strlen(grammar[i].word));
        lex_add_flags(lex, id, grammar[i].flags);
    }
}

/* ---- Annotating tokens ---------------------------------------------------------------- */

/* Nouns that end in -ly (the verbs among them are known as verbs already). */
static bool is_ly_noun(const char *w)
{
    static const char *const nouns[] = {"family", "assembly", "anomaly", "monopoly", "homily", "belly",
                                        "jelly", "folly", "gully", "melancholy", "oligopoly", "panoply"};
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (strcmp(w, nouns[i]) == 0)
            return true;
    return false;
}

/* What the lexicon says of one folded form: computed once, then cached. Its fields up to
 * phrase_kinds are laid out as the token's from word on (text.h), so that lex_annotate
 * gives them to a token in one copy of TOKEN_PART bytes. */
typedef struct form_info {
    word_id word;
    word_id lemmas[3];
    uint32_t flags;
    uint32_t tags; /* of word and lemmas, ORed */
    uint8_t nlemmas;
    uint8_t phrase_kinds; /* always 0: the parser fills the token's */
    /* "warmly", "strongly": an -ly word that is not a verb or a noun we know is an
     * adverb, so it may sit inside a verb group ("was warmly praised"), unless the token
     * is capitalised (a name). */
    bool ly_adverb;
} form_info;

#define TOKEN_PART (offsetof(token, phrase_kinds) + 1 - offsetof(token, word))
#define SAME_PLACE(field) (offsetof(form_info, field) == offsetof(token, field) - offsetof(token, word))
_Static_assert(SAME_PLACE(word) && SAME_PLACE(lemmas) && SAME_PLACE(flags) && SAME_PLACE(tags) &&
                   SAME_PLACE(nlemmas) && SAME_PLACE(phrase_kinds),
               "form_info's first fields mirror the token's from word to phrase_kinds");
#undef SAME_PLACE

/* The tags of a form's word and lemmas, ORed. */
static uint32_t form_tags(const lexicon *lex, const form_info *f)
{
    uint32_t tags = lex_tag(lex, f->word);
    for (int k = 0; k < f->nlemmas; k++)
        tags |= lex_tag(lex, f->lemmas[k]);
    return tags;
}

static void describe_form(const lexicon *lex, const char *fold, size_t len, bool punct, form_info *f)
{
    memset(f, 0, sizeof *f);
    f->word = lex_find(lex, fold, len);
    if (punct) { /* known only as part of a name: "Workers' Party" */
        f->tags = form_tags(lex, f);
        return;
    }
    f->flags = lex_flags(lex, f->word);
    f->ly_adverb = len > 4 && fold[len - 2] == 'l' && fold[len - 1] == 'y' && !(f->flags & ~W_ADV) &&
                   !is_ly_noun(fold);
    /* "is", "was", "has", "did": the lemma of the auxiliary, for patterns on be/have/do */
    static const struct {
        uint32_t flag;
        const char *lemma;
    } aux[] = {{W_BE, "be"}, {W_HAVE, "have"}, {W_DO, "do"}};
    for (size_t a = 0; a < sizeof aux / sizeof aux[0]; a++)
        if ((f->flags & aux[a].flag) && strcmp(fold, aux[a].lemma) != 0 && fold[0] != '\'' &&
            strcmp(fold, "get") != 0 && strcmp(fold, "got") != 0 && strcmp(fold, "gets") != 0) {
            f->lemmas[f->nlemmas++] = lex_find(lex, aux[a].lemma, strlen(aux[a].lemma));
            break;
        }
    word_id lemmas[3];
    int k = lemmas_of(lex, fold, len, f->word, lemmas, 3);
    for (int j = 0; j < k && f->nlemmas < 3; j++) {
        if (f->nlemmas && f->lemmas[0] == lemmas[j])
            continue;
        f->lemmas[f->nlemmas++] = lemmas[j];
        /* A form inherits verbness from its lemma ("met" from "meet"). */
        f->flags |= lex_flags(lex, lemmas[j]) & (W_VERB | W_SPEECH);
    }
    f->tags = form_tags(lex, f);
}

/* What the lexicon says of the text s[0..n); false when it cannot be folded. */
static bool describe_text(const lexicon *lex, const char *s, size_t n, bool punct, form_info *f)
{
    char fold[256];
    size_t len = lex_fold(s, n, fold, sizeof fold);
    if (!len)
        return false;
    describe_form(lex, fold, len, punct, f);
    return true;
}

/* ---- The form cache ------------------------------------------------------------------- */

/* A per-thread cache of form_info by token text: news repeats its words, and the suffix
 * rules cost a dozen hash lookups per word. Two-way set associative (a key picks a pair
 * of slots), which misses a third less than direct mapping did.
 *
 * The key of a token shorter than CACHE_KEY bytes is its text in zero-padded 64-bit
 * words: lowered when the token is ASCII (so "Kabul" and "KABUL" share a slot), left as
 * it is otherwise (folding beyond ASCII costs a call into utf8proc, and a key with a
 * byte above 0x7F can never equal a lowered ASCII key, so the two kinds never mix).
 * The key's bytes are in text order in memory, so the low byte of a word is its first
 * character: the masks below assume a little-endian machine. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "cache keys are read as little-endian words");
enum { CACHE_SLOTS = 16384, CACHE_KEY = 32, KEY_WORDS = CACHE_KEY / 8 };

/* A slot's length and kind in one number, compared at once: the token's length (below
 * CACHE_KEY) and, above it, whether the token is punctuation. */
static inline uint16_t key_meta(size_t n, uint32_t shape) { return (uint16_t)(n | (shape & T_PUNCT ? 0x100 : 0)); }

typedef struct cache_slot {
    uint64_t key[KEY_WORDS]; /* words past the token's length are not compared */
    uint16_t meta;           /* key_meta; 0 in an empty slot, which no token has */
    form_info info;
} cache_slot;
_Static_assert(sizeof(cache_slot) == 64, "a cache slot fills one cache line, form_info's tags included");

/* The slots are aligned to a cache line, so that a slot is one line: at malloc's
 * alignment of 16 each would straddle two, and a lookup would miss on both. */
struct lex_cache {
    cache_slot *slots; /* CACHE_SLOTS of them, in block */
    void *block;       /* owned */
};

lex_cache *lex_cache_new(void)
{
    lex_cache *cache = xmalloc(sizeof *cache);
    /* calloc: a block this large comes zeroed from the system, with no memset */
    cache->block = xcalloc(1, CACHE_SLOTS * sizeof(cache_slot) + 63);
    size_t skip = (64 - (uintptr_t)cache->block % 64) % 64; /* 0 .. 63: within the block */
    cache->slots = (cache_slot *)((char *)cache->block + skip);
    return cache;
}

void lex_cache_free(lex_cache *cache)
{
    if (!cache)
        return;
    free(cache->block);
    free(cache);
}

#define KEY_ASCII_MASK 0x8080808080808080ULL /* a key word with none of these bits is ASCII */

/* Eight ASCII bytes lowered at once: a byte gets 0x20 when it is at least 'A' and not
 * above 'Z'. Each byte is below 0x80, so adding at most 0x3F never carries into the
 * next byte, and the sum's high bit answers the comparison. */
static inline uint64_t lower_ascii8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x80 * ones;
    uint64_t at_least_a = x + (0x80 - 'A') * ones, above_z = x + (0x80 - 'Z' - 1) * ones;
    return x | ((at_least_a & ~above_z & highs) >> 2);
}

/* The last word of the token s[0..n) (0 < n < CACHE_KEY): its bytes from `last` on (1
 * to 8 of them), zero-padded. The token starts `before` bytes into its sentence and is
 * followed by `after` more bytes of the sentence's tokens, and nothing outside them is
 * read: the word is read forward when the next 8 bytes lie within the sentence, else as
 * the 8 bytes that end where the token ends, else byte by byte (a sentence shorter than
 * 8 bytes). */
static inline uint64_t last_key_word(const char *s, size_t n, size_t last, size_t before, size_t after)
{
    size_t rem = n - last;
    uint64_t x = 0;
    if (rem + after >= 8) {
        memcpy(&x, s + last, 8);
        x &= ~0ULL >> (8 * (8 - rem)); /* keep the first rem bytes, the low ones */
    } else if (before + n >= 8) {
        memcpy(&x, s + n - 8, 8);
        x >>= 8 * (8 - rem); /* drop the bytes before the last word */
    } else {
        memcpy(&x, s + last, rem);
    }
    return x;
}

/* The first slot of the pair of a key whose words were multiplied by odd constants and
 * summed into h: the top bits of a product depend on all the bits of a word. */
enum { CACHE_BITS = 14 };
_Static_assert(CACHE_SLOTS == 1 << CACHE_BITS, "CACHE_BITS index CACHE_SLOTS slots");
static inline size_t cache_set(uint64_t h) { return (size_t)(h >> (64 - CACHE_BITS)) & ~(size_t)1; }

static const uint64_t key_mul[KEY_WORDS] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL,
                                            0x27D4EB2F165667C5ULL};

/* The cache key of the token s[0..n) (0 < n < CACHE_KEY; before and after as for
 * last_key_word), lowered when the token is ASCII; returns the key's hash, which picks
 * its pair of slots. A token of eight bytes or fewer sets only the key's first word. */
static uint64_t form_key(const char *s, size_t n, size_t before, size_t after, uint64_t key[KEY_WORDS])
{
    if (n <= 8) {
        uint64_t x = last_key_word(s, n, 0, before, after);
        key[0] = x & KEY_ASCII_MASK ? x : lower_ascii8(x);
        return key[0] * key_mul[0];
    }
    key[1] = key[2] = key[3] = 0; /* compared whole for a long token */
    size_t words = (n + 7) / 8, last = 8 * (words - 1);
    uint64_t high = 0;
    for (size_t k = 0; k + 1 < words; k++) {
        memcpy(&key[k], s + 8 * k, 8); /* inside the token */
        high |= key[k];
    }
    key[words - 1] = last_key_word(s, n, last, before, after);
    bool ascii = !((high | key[words - 1]) & KEY_ASCII_MASK);
    uint64_t h = 0;
    for (size_t k = 0; k < words; k++) {
        if (ascii)
            key[k] = lower_ascii8(key[k]);
        h ^= key[k] * key_mul[k];
    }
    return h;
}

/* form_key for most tokens, inline: eight bytes or fewer, and eight bytes of the
 * sentence's tokens to read from the token's start on (after as for last_key_word). */
static inline uint64_t token_key(const char *s, size_t n, size_t before, size_t after, uint64_t key[KEY_WORDS])
{
    if (n > 8 || n + after < 8)
        return form_key(s, n, before, after, key);
    uint64_t x;
    memcpy(&x, s, 8);
    x &= ~0ULL >> (8 * (8 - n)); /* keep the first n bytes, the low ones */
    key[0] = x & KEY_ASCII_MASK ? x : lower_ascii8(x);
    return key[0] * key_mul[0];
}

/* A miss: describes the token s[0..n) whose key form_key set, and puts it in the first
 * slot of its pair, moving the form there to the second and evicting the older one.
 * NULL when the token cannot be folded, which is not cached. */
static const form_info *cache_fill(const lexicon *lex, cache_slot *set, const uint64_t key[KEY_WORDS],
                                   const char *s, size_t n, uint32_t shape)
{
    uint64_t full[KEY_WORDS + 1] = {0}; /* the key's words, NUL-padded: a string when ASCII */
    size_t words = (n + 7) / 8;
    memcpy(full, key, words * 8);
    bool punct = shape & T_PUNCT, ascii = !((full[0] | full[1] | full[2] | full[3]) & KEY_ASCII_MASK);
    form_info info;
    if (ascii)
        describe_form(lex, (const char *)full, n, punct, &info); /* the lowered key */
    else if (!describe_text(lex, s, n, punct, &info))
        return NULL;
    set[1] = set[0];
    memcpy(set[0].key, full, sizeof set[0].key);
    set[0].meta = key_meta(n, shape);
    set[0].info = info;
    return &set[0].info;
}

/* The cached description of the token s[0..n) whose key form_key set; NULL when the
 * token cannot be folded. */
static inline const form_info *cached_form(const lexicon *lex, cache_slot *set, const uint64_t key[KEY_WORDS],
                                           const char *s, size_t n, uint32_t shape)
{
    uint16_t meta = key_meta(n, shape);
    for (int way = 0; way < 2; way++) {
        const cache_slot *slot = &set[way];
        /* Equal lengths leave the words past the token's zero in both keys: a token of
         * eight bytes or fewer is its first word. */
        if (slot->meta == meta && slot->key[0] == key[0] &&
            (n <= 8 || (slot->key[1] == key[1] && slot->key[2] == key[2] && slot->key[3] == key[3])))
            return &slot->info;
    }
    return cache_fill(lex, set, key, s, n, shape);
}

/* Gives token t what the lexicon says of its form. */
static inline void give_form(token *t, const form_info *info)
{
    memcpy((char *)t + offsetof(token, word), info, TOKEN_PART);
    if (info->ly_adverb && !(t->shape & T_CAP))
        t->flags |= W_ADV;
}

/* Annotates a token without the cache: with no cache at all, or one too long for a key. */
static void annotate_uncached(const lexicon *lex, const char *sentence, token *t)
{
    static const form_info unknown; /* a token that cannot be folded: no word, no class */
    form_info own;
    bool known = describe_text(lex, sentence + t->start, t->end - t->start, (t->shape & T_PUNCT) != 0, &own);
    give_form(t, known ? &own : &unknown);
}

/* Tokens are described in batches of LOOKAHEAD: the cache slots of a batch are asked
 * for (prefetched) before the first is read, so their misses overlap. The cache is
 * larger than a core's second-level cache, and a miss there is most of a token's cost. */
enum { LOOKAHEAD = 16 };

void lex_annotate(const lexicon *lex, lex_cache *cache, const char *sentence, token *tokens, size_t n)
{
    if (!cache) {
        for (size_t i = 0; i < n; i++)
            annotate_uncached(lex, sentence, &tokens[i]);
        return;
    }
    size_t end = n ? tokens[n - 1].end : 0; /* tokens are in order: nothing is read past this */
    uint64_t keys[LOOKAHEAD][KEY_WORDS];
    cache_slot *sets[LOOKAHEAD];
    for (size_t from = 0; from < n; from += LOOKAHEAD) {
        size_t to = n - from < LOOKAHEAD ? n : from + LOOKAHEAD;
        for (size_t i = from; i < to; i++) {
            const token *t = &tokens[i];
            size_t len = t->end - t->start;
            cache_slot *set = NULL;
            if (t->folded) { /* the tokenizer lowered it: the key form_key would make */
                keys[i - from][0] = t->folded;
                set = &cache->slots[cache_set(t->folded * key_mul[0])];
                __builtin_prefetch(set);
            } else if (len - 1 < CACHE_KEY - 1) { /* 1 to CACHE_KEY - 1 bytes (len 0 wraps round) */
                set = &cache->slots[cache_set(token_key(sentence + t->start, len, t->start, end - t->end, keys[i - from]))];
                __builtin_prefetch(set);
            }
            sets[i - from] = set;
        }
        for (size_t i = from; i < to; i++) {
            token *t = &tokens[i];
            if (!sets[i - from]) {
                annotate_uncached(lex, sentence, t);
                continue;
            }
            const form_info *info = cached_form(lex, sets[i - from], keys[i - from], sentence + t->start,
                                                t->end - t->start, t->shape);
            if (info)
                give_form(t, info);
            else
                annotate_uncached(lex, sentence, t); /* cannot be folded: not cached, no word */
        }
    }
}
