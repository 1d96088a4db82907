/* input.c — plain text and JSON Lines document readers (JSON parsed by jansson). */
#include "input.h"

#include "../base/base.h"

#include <errno.h>
#include <jansson.h>
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
    char id[512];
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
    free(r->buf);
    free(r->text);
    free(r->path);
    free(r);
}

/* The id of a plain text document: its file name without directory and extension. */
static void text_id(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(path, "-") == 0)
        base = "stdin";
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
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
    r->text = all.data ? all.data : xstrdup("");
    text_id(r->path, r->id, sizeof r->id);
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
        if (json_is_string(idv))
            snprintf(r->id, sizeof r->id, "%s", json_string_value(idv));
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
            json_decref(obj);
            snprintf(err->message, sizeof err->message,
                     "%s:%ld: skipped document '%s': %s", r->path, r->line, r->id,
                     wrong ? "text, title, date and url must be strings" : "no \"text\" field");
            return -1;
        }
        r->json = obj;
        memset(doc, 0, sizeof *doc);
        doc->id = r->id;
        doc->text = text ? text : "";
        doc->text_len = text ? json_string_length(json_object_get(obj, "text")) : 0;
        doc->title = title;
        doc->date = date;
        doc->url = url;
        return 1;
    }
}

int input_next(input_reader *r, jirga_doc *doc, jirga_error *err)
{
    return r->jsonl ? next_jsonl(r, doc, err) : next_text(r, doc, err);
}
