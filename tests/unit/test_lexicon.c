/* test_lexicon.c — morphology: irregular forms from WordNet, suffix rules that only
 * accept known lemmas, grammar words without lemmas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lexicon/lexicon.h"
#include "text/text.h"

#include <stdlib.h>

static lexicon *lex;

static int setup(void **state)
{
    (void)state;
    lex = lex_new();
    lex_load_wordnet(lex, "/usr/share/wordnet");
    const char *words[] = {"meet", "hold", "welcome", "official", "talk", "stop", "agency", "kill"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        lex_intern(lex, words[i], strlen(words[i]));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lex_free(lex);
    return 0;
}

static bool has_lemma(const char *form, const char *lemma)
{
    word_id out[3];
    int n = lex_lemmas(lex, form, strlen(form), out, 3);
    for (int i = 0; i < n; i++)
        if (strcmp(lex_word(lex, out[i]), lemma) == 0)
            return true;
    return false;
}

static void test_lemmas(void **state)
{
    (void)state;
    assert_true(has_lemma("met", "meet"));           /* WordNet verb.exc */
    assert_true(has_lemma("held", "hold"));
    assert_true(has_lemma("welcomed", "welcome"));   /* -ed -> -e */
    assert_true(has_lemma("officials", "official")); /* plural */
    assert_true(has_lemma("talks", "talk"));
    assert_true(has_lemma("meeting", "meet"));
    assert_true(has_lemma("stopped", "stop"));       /* doubled consonant */
    assert_true(has_lemma("agencies", "agency"));
    assert_true(has_lemma("killing", "kill"));
    assert_false(has_lemma("was", "wa"));            /* grammar words have no lemma */
    assert_false(has_lemma("bus", "bu"));            /* stems shorter than 3 are refused */
}

static void test_fold(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(lex_fold("KABUL", 5, out, sizeof out), 5);
    assert_string_equal(out, "kabul");
    lex_fold("\xC3\x89LYS\xC3\x89" "E", 9, out, sizeof out);
    assert_string_equal(out, "\xC3\xA9lys\xC3\xA9" "e");
    lex_fold("Kabul\xE2\x80\x99s", 9, out, sizeof out); /* typographic apostrophe */
    assert_string_equal(out, "kabul's");
    assert_int_equal(lex_fold("abcdef", 6, out, 4), 0); /* does not fit */
}

static void test_intern(void **state)
{
    (void)state;
    word_id a = lex_intern(lex, "doha", 4);
    assert_int_equal(lex_intern(lex, "doha", 4), a);
    assert_int_equal(lex_find(lex, "doha", 4), a);
    assert_int_equal(lex_find(lex, "dohaa", 5), 0);
    assert_true(lex_flags(lex, lex_find(lex, "would", 5)) & W_MODAL);
    assert_true(lex_flags(lex, lex_find(lex, "meet", 4)) & W_VERB);
}

/* Protects: the form cache gives each token what the lexicon says without it, whatever
 * the token's case, length (up to the key's 32 bytes and past them), script, place in the
 * sentence, and whether the tokenizer folded it; a form seen twice comes from the cache. */
static void test_annotate_cached(void **state)
{
    (void)state;
    const char *sentences[] = {
        "Officials MET in Doha and welcomed the talks, officials said.",
        "OFFICIALS met; Kabul’s agency didn't stop killing warmly. Élysée ÉLYSÉE élysée",
        "abcdefgh ABCDEFGH abcdefghi internationalisations Internationalisationsabcdefghijklmnop",
        "met", "Met", "A", "x.", "stopped held meetings",
    };
    lex_cache *cache = lex_cache_new();
    token *with = NULL, *without = NULL;
    size_t cap_with = 0, cap_without = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < sizeof sentences / sizeof sentences[0]; k++) {
            const char *s = sentences[k];
            size_t n = text_tokenize(s, strlen(s), &with, &cap_with);
            assert_int_equal(text_tokenize(s, strlen(s), &without, &cap_without), n);
            lex_annotate(lex, cache, s, with, n);
            lex_annotate(lex, NULL, s, without, n);
            for (size_t i = 0; i < n; i++) {
                const token *a = &with[i], *b = &without[i];
                assert_int_equal(a->word, b->word);
                assert_int_equal(a->flags, b->flags);
                assert_int_equal(a->tags, b->tags);
                assert_int_equal(a->nlemmas, b->nlemmas);
                assert_int_equal(a->phrase_kinds, 0);
                for (int l = 0; l < a->nlemmas; l++)
                    assert_int_equal(a->lemmas[l], b->lemmas[l]);
            }
        }
    free(with);
    free(without);
    lex_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lemmas),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_intern),
        cmocka_unit_test(test_annotate_cached),
    };
    return cmocka_run_group_tests_name("lexicon", tests, setup, teardown);
}
