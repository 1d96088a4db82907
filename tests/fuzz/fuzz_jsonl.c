/*
 * fuzz_jsonl.c — libFuzzer target for the document readers (src/input/input.h): the
 * input is written to a temporary file and read as JSON Lines (and, when its first byte
 * is odd, also as a plain text article). Every document returned must have readable
 * strings (text of text_len bytes, NUL-terminated id, title, date and url); every skipped
 * record must come with a message naming the file and line.
 */
#include "fuzz.h"

#include "input/input.h"

static char jsonl_path[600], text_path[600];

static void cleanup(void)
{
    unlink(jsonl_path);
    unlink(text_path);
    rmdir(fuzz_tmpdir());
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(jsonl_path, sizeof jsonl_path, "%s/input.jsonl", fuzz_tmpdir());
    snprintf(text_path, sizeof text_path, "%s/input.txt", fuzz_tmpdir());
    atexit(cleanup);
    return 0;
}

static volatile size_t sink; /* keeps the reads of every byte */

static void touch(const char *s, size_t n)
{
    size_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)s[i];
    sink += sum;
}

static void read_all(const char *path, input_format format, size_t size)
{
    jirga_error err = {0};
    input_reader *r = input_open(path, format, &err);
    FUZZ_CHECK(r != NULL);
    jirga_doc doc;
    int got, docs = 0, records = 0;
    while ((got = input_next(r, &doc, &err)) != 0) {
        FUZZ_CHECK(got == 1 || got == -1);
        FUZZ_CHECK(++records <= (int)size + 1); /* no record from nothing, no endless loop */
        if (got < 0) {
            FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
            FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0);
            continue;
        }
        docs++;
        FUZZ_CHECK(doc.id != NULL && doc.text != NULL);
        touch(doc.id, strlen(doc.id));
        touch(doc.text, doc.text_len);
        FUZZ_CHECK(doc.text_len <= size * 2); /* UTF-16 decoded to UTF-8 grows by half at most */
        if (doc.title)
            touch(doc.title, strlen(doc.title));
        if (doc.date)
            touch(doc.date, strlen(doc.date));
        if (doc.url)
            touch(doc.url, strlen(doc.url));
    }
    FUZZ_CHECK(format != INPUT_TEXT || docs == 1);
    input_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write(jsonl_path, data, size);
    read_all(jsonl_path, INPUT_JSONL, size);
    if (size && (data[0] & 1)) {
        fuzz_write(text_path, data, size);
        read_all(text_path, INPUT_AUTO, size);
    }
    return 0;
}
