/* test_dates.c — relative and absolute date expressions resolved against the article
 * date. Protects: weekday arithmetic across month and year ends, "last <month>" picking
 * the latest one before the article, years only after "in", the modal "may". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "code/code.h"

typedef struct date_case {
    const char *text;
    int article; /* YYYYMMDD */
    const char *want; /* NULL: no date */
} date_case;

static const date_case cases[] = {
    {"The Taliban met US officials yesterday.", 20210117, "2021-01-16"},
    {"The Taliban met US officials on Monday.", 20210117, "2021-01-11"}, /* 2021-01-17 is a Sunday */
    {"The Taliban met US officials on Sunday.", 20210117, "2021-01-17"},
    {"The Taliban met US officials on Friday.", 20210101, "2021-01-01"},
    {"The talks resumed on Thursday.", 20210101, "2020-12-31"},
    {"The US and Taliban forged a deal last February.", 20210117, "2020-02"},
    {"The US and Taliban forged a deal last February.", 20210517, "2021-02"},
    {"Officials met last week.", 20210305, "2021-02-26"},
    {"Officials met earlier this month.", 20210317, "2021-03"},
    {"Officials met last month.", 20210110, "2020-12"},
    {"The deal was signed in 2019.", 20210110, "2019"},
    {"The deal was signed on January 5.", 20210110, "2021-01-05"},
    {"The deal was signed on December 5.", 20210110, "2020-12-05"},
    {"The deal was signed on Feb. 29, 2020.", 20210110, "2020-02-29"},
    {"The deal was signed on 5 January 2020.", 20210110, "2020-01-05"},
    {"They may meet again.", 20210110, NULL},
    {"Troops were reduced to 2,500.", 20210110, NULL},
    {"The envoy arrived in May.", 20210710, "2021-05"},
    {"No date here.", 0, NULL},
};

static void test_dates(void **state)
{
    (void)state;
    lexicon *lex = lex_new();
    sentence s = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const date_case *c = &cases[i];
        s.text = c->text;
        s.len = strlen(c->text);
        s.ntokens = text_tokenize(c->text, s.len, &s.tokens, &s.cap_tokens);
        lex_annotate(lex, NULL, c->text, s.tokens, s.ntokens);
        char out[11] = {0};
        int at = date_find(&s, 0, (int)s.ntokens, c->article, out);
        if (!c->want && at >= 0)
            fail_msg("case %zu '%s': found %s, want none", i, c->text, out);
        if (c->want && (at < 0 || strcmp(out, c->want) != 0))
            fail_msg("case %zu '%s': got %s, want %s", i, c->text, at < 0 ? "none" : out, c->want);
    }
    free(s.tokens);
    lex_free(lex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dates)};
    return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
