/* input.c — plain text and JSON Lines document readers (JSON records read by the fast
 * path in fields.c, or by jansson when it declines). */
#include "input.h"

#include "../base/base.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input_reader {
    FILE *f;
    bool is_stdin, jsonl, done;
    char *path;
    long line;
    char *buf;
    size_t cap;
    json_t *json; /* the current JSON line, kept until the next call */
    sbuf fields;  /* or its fields, when the fast path read it */
    char id[512]; /* ids jirga makes: a file name, "file:line", a number */
    long id_from; /* a text file's id: its path from this byte, or (-1) its base name */
    char *title;  /* a title without NUL bytes */
    char *text; /* plain text: the whole file */
};

input_reader *input_open(const char *path, input_format format, jirga_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err->message, sizeof err->message, "%s: cannot open: %s", path, strerror(errno));
        err->code = 2;
        return NULL;
    }
    input_reader *r = xcalloc(1, sizeof *r);
    r->f = f;
    r->is_stdin = f == stdin;
    r->path = xstrdup(path);
    r->id_from = -1;
    size_t n = strlen(path);
    r->jsonl = format == INPUT_JSONL || (format == INPUT_AUTO && n > 6 && strcmp(path + n - 6, ".jsonl") == 0);
    return r;
}

void input_close(input_reader *r)
{
    if (!r)
        return;
    if (r->f && !r->is_stdin)
        fclose(r->f);
    if (r->json)
        json_decref(r->json);
    sbuf_free(&r->fields);
    free(r->buf);
    free(r->title);
    free(r->text);
    free(r->path);
    free(r);
}

/* A title without the NUL bytes that "\u0000" put in it. */
static const char *clean_title(input_reader *r, const char *title, size_t n)
{
    size_t k = 0;
    free(r->title);
    r->title = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if (title[i])
            r->title[k++] = title[i];
    r->title[k] = 0;
    return r->title;
}

/* The id of a plain text document: its file name without directory and extension, or
 * its path from byte from on (a file found in a directory), without extension. */
static void text_id(const char *path, long from, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (from >= 0 && (size_t)from < strlen(path))
        base = path + from;
    if (strcmp(path, "-") == 0)
        base = "stdin";
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
    if (dot && dot != out && (!slash || dot > slash + 1))
        *dot = 0;
}

void input_name_below(input_reader *r, size_t root) { r->id_from = (long)root; }

/* Decodes UTF-16 (the byte-order mark says which end first) into UTF-8; unpaired
 * surrogates become U+FFFD. */
static void utf16_to_utf8(const char *in, size_t n, sbuf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    bool little = s[0] == 0xFF;
    for (size_t i = 2; i + 1 < n; i += 2) {
        uint32_t u = little ? (uint32_t)(s[i] | s[i + 1] << 8) : (uint32_t)(s[i] << 8 | s[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t lo = little ? (uint32_t)(s[i + 2] | s[i + 3] << 8) : (uint32_t)(s[i + 2] << 8 | s[i + 3]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            } else {
                u = 0xFFFD;
            }
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        utf8_encode(out, u);
    }
}

static int next_text(input_reader *r, jirga_doc *doc, jirga_error *err)
{
    if (r->done)
        return 0;
    r->done = true;
    sbuf all = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, r->f)) > 0)
        sbuf_add(&all, chunk, got);
    if (ferror(r->f)) {
        snprintf(err->message, sizeof err->message, "%s: read error: %s", r->path, strerror(errno));
        sbuf_free(&all);
        return -1;
    }
    if (all.len >= 2 && (((unsigned char)all.data[0] == 0xFF && (unsigned char)all.data[1] == 0xFE) ||
                         ((unsigned char)all.data[0] == 0xFE && (unsigned char)all.data[1] == 0xFF))) {
        sbuf utf8 = {0}; /* a UTF-16 file with its byte-order mark: decoded to UTF-8 */
        utf16_to_utf8(all.data, all.len, &utf8);
        sbuf_free(&all);
        all = utf8;
    }
    r->text = all.data ? all.data : xstrdup("");
    text_id(r->path, r->id_from, r->id, sizeof r->id);
    memset(doc, 0, sizeof *doc);
    doc->id = r->id;
    doc->text = r->text;
    doc->text_len = all.len;
    doc->first_line_is_title = true;
    return 1;
}

static const char *string_field(json_t *obj, const char *key, bool *wrong_type)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *wrong_type = true;
        return NULL;
    }
    return json_string_value(v);
}

static int next_jsonl(input_reader *r, jirga_doc *doc, jirga_error *err)
{
    if (r->json) {
        json_decref(r->json);
        r->json = NULL;
    }
    for (;;) {
        ssize_t n = getline(&r->buf, &r->cap, r->f);
        if (n < 0)
            return 0;
        r->line++;
        size_t len = (size_t)n;
        while (len > 0 && (r->buf[len - 1] == '\n' || r->buf[len - 1] == '\r' || r->buf[len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        input_fields f;
        if (input_fields_read(r->buf, len, &f, &r->fields) && (f.text || f.title)) {
            memset(doc, 0, sizeof *doc);
            if (!f.id)
                snprintf(r->id, sizeof r->id, "%s:%ld", r->path, r->line);
            doc->id = f.id ? f.id : r->id;
            doc->text = f.text ? f.text : "";
            doc->text_len = f.text_len;
            doc->title = f.title ? clean_title(r, f.title, f.title_len) : NULL;
            doc->date = f.date;
            doc->url = f.url;
            return 1;
        }
        json_error_t jerr;
        json_t *obj = json_loadb(r->buf, len, JSON_ALLOW_NUL, &jerr);
        if (!obj) {
            snprintf(err->message, sizeof err->message, "%s:%ld: skipped: invalid JSON: %s", r->path, r->line,
                     jerr.text);
            return -1;
        }
        if (!json_is_object(obj)) {
            json_decref(obj);
            snprintf(err->message, sizeof err->message, "%s:%ld: skipped: a line must be a JSON object", r->path,
                     r->line);
            return -1;
        }
        json_t *idv = json_object_get(obj, "id");
        const char *id = r->id;
        if (json_is_string(idv))
            id = json_string_value(idv); /* any length; borrowed from the parsed line */
        else if (json_is_integer(idv))
            snprintf(r->id, sizeof r->id, "%lld", (long long)json_integer_value(idv));
        else
            snprintf(r->id, sizeof r->id, "%s:%ld", r->path, r->line);
        bool wrong = false;
        const char *text = string_field(obj, "text", &wrong);
        const char *title = string_field(obj, "title", &wrong);
        const char *date = string_field(obj, "date", &wrong);
        const char *url = string_field(obj, "url", &wrong);
        if (wrong || (!text && !title)) {
            snprintf(err->message, sizeof err->message,
                     "%s:%ld: skipped document '%.200s': %s", r->path, r->line, id,
                     wrong ? "text, title, date and url must be strings" : "no \"text\" field");
            json_decref(obj); /* after the message: id points into it */
            return -1;
        }
        r->json = obj;
        memset(doc, 0, sizeof *doc);
        doc->id = id;
        doc->text = text ? text : "";
        doc->text_len = text ? json_string_length(json_object_get(obj, "text")) : 0;
        doc->title = title ? clean_title(r, title, json_string_length(json_object_get(obj, "title"))) : NULL;
        doc->date = date;
        doc->url = url;
        return 1;
    }
}

int input_next(input_reader *r, jirga_doc *doc, jirga_error *err)
{
    return r->jsonl ? next_jsonl(r, doc, err) : next_text(r, doc, err);
}
