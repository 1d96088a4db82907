/*
 * fuzz_peer.c — libFuzzer target for the TABARI and PETRARCH dictionary readers
 * (src/dict/tabari.c) and the TABARI coder (src/code/tabari_code.c). The first byte
 * chooses the language (bit 0: TABARI or PETRARCH) and the kind of file (bits 1-3:
 * actors, agents, verbs, discards, options); the rest is the file. A dictionary that loads
 * codes the input itself and a few fixed sentences, so the phrases it defines are met.
 * Loading must fail cleanly (a message naming file:line) or succeed; nothing may crash
 * or leak.
 */
#include "fuzz.h"

#include "code/tabari_code.h"
#include "dict/tabari.h"

static const char *const kinds[] = {"actors", "agents", "verbs", "discards", "options"};

static const char *const sentences[] = {
    "Arnor is about to restore full diplomatic ties with Gondor, officials said.",
    "The ambassadors of Arnor, Osgiliath and Gondor presented credentials to Ithilen's president.",
    "Gondor was attacked by Mordor and its army, while they said it would meet Rohan.",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int format = (data[0] & 1) ? TAB_FORMAT_PETRARCH : TAB_FORMAT_TABARI;
    const char *kind = kinds[(data[0] >> 1) % 5];
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    jirga_error err;
    tab_dict *d = tab_dict_load_text(format, kind, text, n, &err);
    if (!d) {
        FUZZ_CHECK(err.code != 0);
        FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        FUZZ_CHECK(strncmp(err.message, kind, strlen(kind)) == 0);
        return 0;
    }
    FUZZ_CHECK(err.code == 0);
    tab_coder *c = tab_coder_new(d);
    tab_result r;
    sbuf trace = {0};
    tab_code_text(c, NULL, text, n < 4096 ? n : 4096, 19950101, &r, &trace);
    FUZZ_CHECK(r.nevents >= 0);
    for (size_t i = 0; i < sizeof sentences / sizeof sentences[0]; i++) {
        tab_code_text(c, NULL, sentences[i], strlen(sentences[i]), 20210309, &r, NULL);
        for (int k = 0; k < r.nevents; k++)
            FUZZ_CHECK(memchr(r.events[k].code, 0, sizeof r.events[k].code) != NULL);
    }
    sbuf_free(&trace);
    tab_coder_free(c);
    tab_dict_free(d);
    return 0;
}
