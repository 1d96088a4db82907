/*
 * fuzz_jsonl.c — libFuzzer target for the document readers (src/input/input.h): the
 * input is written to a temporary file and read as JSON Lines (and, when its first byte
 * is odd, also as a plain text article). Every document returned must have readable
 * strings (text of text_len bytes, NUL-terminated id, title, date and url); every skipped
 * record must come with a message naming the file and line. Each line the fast path of
 * the reader (input_fields_read) accepts must be valid JSON to jansson, with the same
 * five fields.
 */
#include "fuzz.h"

#include "input/input.h"

#include <jansson.h>

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

static void same_field(json_t *obj, const char *key, const char *got, size_t got_len)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        FUZZ_CHECK(got == NULL && (v == NULL || json_is_null(v)));
        return;
    }
    FUZZ_CHECK(got != NULL && got_len == json_string_length(v) && memcmp(got, json_string_value(v), got_len) == 0);
}

/* The fast path against jansson, line by line. */
static void compare_lines(const uint8_t *data, size_t size)
{
    sbuf scratch = {0};
    size_t at = 0;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
        input_fields f;
        if (input_fields_read((const char *)data + at, len, &f, &scratch)) {
            json_error_t err;
            json_t *obj = json_loadb((const char *)data + at, len, JSON_ALLOW_NUL, &err);
            if (!obj)
                fprintf(stderr, "fast path read what jansson rejects: %s\n", err.text);
            FUZZ_CHECK(obj != NULL && json_is_object(obj));
            same_field(obj, "id", f.id, f.id_len);
            same_field(obj, "text", f.text, f.text_len);
            same_field(obj, "title", f.title, f.title_len);
            same_field(obj, "date", f.date, f.date_len);
            same_field(obj, "url", f.url, f.url_len);
            json_decref(obj);
        }
        at += len + 1;
    }
    sbuf_free(&scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    compare_lines(data, size);
    fuzz_write(jsonl_path, data, size);
    read_all(jsonl_path, INPUT_JSONL, size);
    if (size && (data[0] & 1)) {
        fuzz_write(text_path, data, size);
        read_all(text_path, INPUT_AUTO, size);
    }
    return 0;
}
