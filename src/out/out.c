/*
 * out.c — the JSON Lines event writer (the event record of DESIGN.md).
 *
 * A record is written in place through a pointer into the buffer, not field by field
 * through sbuf_add: room is made once for each string and each stretch of fixed text,
 * and the pieces in between are plain stores of known length. The coder writes a record
 * of some 700 bytes for every event, so the per-field checks, NUL stores, strlen calls
 * and length updates of sbuf_add were most of the writer's cost.
 */
#include "out.h"

#include <stdlib.h>
#include <string.h>

/* ---- Room and fixed text (put_room, put_begin, put_end, PUT, PUT_CODE: base.h) -------- */

/* A stretch of fixed text (keys, codes from the event's arrays, numbers) starts after
 * put_room(b, p, PUT_FIXED_MAX) or after put_json, which leaves that much room, and ends
 * at the next of them. The longest, the place's from its country to its span, is under
 * 140 bytes even with FMT_LONG_MAX for each int and FMT_FIXED_MAX for each coordinate. */

/* Room a string being escaped keeps after its last byte: the 7 bytes a word store may
 * write past it (see put_plain), its closing quote among them, and the fixed text after. */
enum { STRING_TAIL = 8 + PUT_FIXED_MAX };

static const uint64_t ONES = 0x0101010101010101ULL, HIGHS = 0x8080808080808080ULL;

/* [start,end]. */
static inline char *put_span(char *p, int start, int end)
{
    *p++ = '[';
    p = fmt_long(p, start);
    *p++ = ',';
    p = fmt_long(p, end);
    *p++ = ']';
    return p;
}

/* ---- Strings ------------------------------------------------------------------------------ */

/* Flags, in the high bit of each byte, the bytes of x that JSON cannot take as they are:
 * below 0x20, '"', '\\', and 0x80 and above (UTF-8, looked at apart). x - 0x20 per byte
 * sets the high bit of a byte below 0x20, (x ^ c) - 1 that of a byte equal to c, and
 * `| x` adds bytes at 0x80 and above. A subtraction only borrows out of a byte it flags,
 * so the lowest flag is exact; those above it may not be. */
static inline uint64_t json_stops(uint64_t x)
{
    uint64_t quote = x ^ (ONES * '"'), backslash = x ^ (ONES * '\\');
    return ((x - ONES * 0x20) | (quote - ONES) | (backslash - ONES) | x) & HIGHS;
}

/* The 16 bytes at s, with 0xFF in *low (the first 8) and *high (the last 8) for each byte
 * that JSON does not take as it is. */
static inline put_block block_stops(const char *s, uint64_t *low, uint64_t *high)
{
    put_block x;
    memcpy(&x, s, 16);
    put_block stops = put_json_stops(x);
    memcpy(low, &stops, 8);
    memcpy(high, (const char *)&stops + 8, 8);
    return x;
}

/* Copies the 16 bytes at s to p; returns how many of them are plain. */
static inline size_t copy_block(char *p, const char *s)
{
    uint64_t low, high;
    put_block x = block_stops(s, &low, &high);
    memcpy(p, &x, 16);
    if (low)
        return (size_t)__builtin_ctzll(low) >> 3;
    return high ? 8 + ((size_t)__builtin_ctzll(high) >> 3) : 16;
}

/* Whether all of s is plain ASCII, which JSON takes as it is; then so is every part of s. */
static bool plain_ascii(const char *s, size_t n) { return !put_any(s, n, put_json_stops); }

/* Copies the bytes at s[i] to p, up to the first that JSON does not take as it is, and
 * returns how many it copied (n - i when all are plain). Blocks and words are stored
 * whole before it is known how much of them is plain, so up to 7 bytes past the plain
 * ones may be written; with n >= 8, the last n - i < 8 bytes are read as the last word
 * of s shifted down (little-endian), whose zero bytes shifted in stop the run at n. */
static inline size_t put_plain(char *p, const char *s, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start = i;
    for (; n - i >= 16; i += 16) {
        size_t plain = copy_block(p + (i - start), s + i);
        if (plain < 16)
            return i + plain - start;
    }
    uint64_t x;
    for (; n - i >= 8; i += 8) {
        memcpy(&x, s + i, 8);
        memcpy(p + (i - start), &x, 8);
        uint64_t stop = json_stops(x);
        if (stop)
            return i + (__builtin_ctzll(stop) >> 3) - start;
    }
    if (i == n)
        return n - start;
    if (n >= 8) {
        memcpy(&x, s + n - 8, 8);
        x >>= 8 * (8 - (n - i));
        memcpy(p + (i - start), &x, 8);
        size_t plain = (size_t)__builtin_ctzll(json_stops(x)) >> 3;
        return i + (plain < n - i ? plain : n - i) - start;
    }
    for (; i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\'; i++)
        p[i - start] = s[i];
    return i - start;
}

/* ch ('"', '\\', a control character or a byte of bad UTF-8) escaped at p, with room
 * made for the escape, the `rest` bytes of the string after it and STRING_TAIL. */
static char *put_escape(sbuf *b, char *p, unsigned char ch, size_t rest)
{
    p = put_room(b, p, 6 + rest + STRING_TAIL);
    if (ch >= 0x80) /* a file name may be in any encoding: bad bytes become U+FFFD */
        return PUT(p, "\\ufffd");
    *p++ = '\\';
    switch (ch) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\n': *p++ = 'n'; break;
    case '\t': *p++ = 't'; break;
    case '\r': *p++ = 'r'; break;
    default: /* the other control characters as \u00XX, lower-case hex */
        p = PUT(p, "u00");
        *p++ = "0123456789abcdef"[ch >> 4];
        *p++ = "0123456789abcdef"[ch & 15];
        break;
    }
    return p;
}

/* The characters of s escaped for JSON, without the quotes. Needs room for
 * n + STRING_TAIL bytes at p, and leaves STRING_TAIL after the end it returns. */
static char *put_json_chars(sbuf *b, char *p, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (;;) {
        size_t plain = put_plain(p, s, i, n);
        i += plain;
        p += plain;
        if (i >= n)
            return p;
        size_t len = u[i] >= 0x80 ? utf8_valid_length(u, i, n) : 0;
        if (len) { /* well-formed UTF-8 is copied as it is */
            memcpy(p, s + i, len);
            i += len;
            p += len;
        } else {
            p = put_escape(b, p, u[i], n - i - 1);
            i++;
        }
    }
}

/* s as a JSON string with its quotes; makes its own room and leaves PUT_FIXED_MAX after it. */
static char *put_json(sbuf *b, char *p, const char *s, size_t n)
{
    p = put_room(b, p, 1 + n + STRING_TAIL);
    *p++ = '"';
    p = put_json_chars(b, p, s, n);
    *p++ = '"';
    return p;
}

void out_json_string(sbuf *b, const char *s, size_t n)
{
    put_end(b, put_json(b, put_begin(b, 1 + n + STRING_TAIL), s, n));
}

/* ---- Pieces escaped once ----------------------------------------------------------------- */

/* Most of what a record holds is the same for many records: the document's id and date
 * for all of its events, the cameo code with its label, quad and Goldstein value for every
 * event of that code, the pattern file for every pattern of the file. A cache keeps these
 * as the bytes the record writes, escaped once, and records copy them. The functions below
 * write each of these pieces; a record copies a kept piece or, without one, writes it
 * with the same function, so the bytes are the same either way. */

/* {"doc":"ID","sentence": */
static char *put_doc_head(sbuf *b, char *p, const jirga_doc *doc)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, "{\"doc\":");
    const char *id = doc->id ? doc->id : "";
    p = put_json(b, p, id, strlen(id));
    return PUT(p, ",\"sentence\":");
}

/* ,"date":"D" or ,"date":null */
static char *put_doc_date(sbuf *b, char *p, const jirga_doc *doc)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, ",\"date\":");
    if (doc->date && doc->date[0])
        return put_json(b, p, doc->date, strlen(doc->date));
    return PUT(p, "null");
}

/* ,"cameo":"C","root":"R","label":"L","quad":Q,"goldstein":G */
static char *put_verb_code(sbuf *b, char *p, const jirga_event *e)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, ",\"cameo\":\"");
    p = PUT_CODE(p, e->cameo);
    p = PUT(p, "\",\"root\":\"");
    p = PUT_CODE(p, e->root);
    p = PUT(p, "\",\"label\":");
    p = put_json(b, p, e->label, strlen(e->label));
    p = PUT(p, ",\"quad\":");
    p = fmt_long(p, e->quad);
    p = PUT(p, ",\"goldstein\":");
    return fmt_fixed(p, e->goldstein, 1);
}

/* },"pattern":"FILE: (the verb's object closed; the line and the quote follow) */
static char *put_pattern_file(sbuf *b, char *p, const jirga_event *e)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, "},\"pattern\":");
    p = put_json(b, p, e->pattern_file, strlen(e->pattern_file));
    p[-1] = ':'; /* "file:line": the line goes inside the quotes */
    return p;
}

/* What a piece was made from: the event's fields that the piece shows, compared whole
 * (Goldstein as its bits, codes up to their NUL), so that a piece is copied only into a
 * record that would have written the very same bytes. 32 bytes and no padding, so that
 * memcmp compares exactly the fields. */
typedef struct piece_key {
    uint64_t cameo;     /* code_key of the cameo code; 0 for a pattern file */
    const char *text;   /* the label or the pattern file, borrowed from the dictionary */
    uint64_t goldstein; /* the bits of the double; 0 for a pattern file */
    int32_t quad;
    uint32_t root;      /* code_key of the root code */
} piece_key;
_Static_assert(sizeof(piece_key) == 32, "piece_key has no padding");

typedef struct piece {
    piece_key key;
    size_t start, len; /* its bytes in the cache's pool; len 0: an empty slot (no piece is empty) */
} piece;

/* Open addressing in PIECE_SLOTS slots, of which at most PIECE_KEYS are filled, so a probe
 * always reaches an empty slot and stays short. A dictionary has some 300 cameo codes and
 * 20 pattern files; keys past PIECE_KEYS are written without a piece, as without a cache. */
enum { PIECE_BITS = 10, PIECE_SLOTS = 1 << PIECE_BITS, PIECE_KEYS = PIECE_SLOTS * 3 / 4 };

typedef struct piece_table {
    piece *slots; /* PIECE_SLOTS of them, allocated at the first key */
    size_t count;
} piece_table;

struct out_cache {
    sbuf doc_head, doc_date; /* put_doc_head and put_doc_date of the document being written */
    piece_table verb_codes, pattern_files;
    sbuf pool;               /* the bytes of the tables' pieces, one after the other */
};

out_cache *out_cache_new(void) { return xcalloc(1, sizeof(out_cache)); }

void out_cache_free(out_cache *c)
{
    if (!c)
        return;
    sbuf_free(&c->doc_head);
    sbuf_free(&c->doc_date);
    free(c->verb_codes.slots);
    free(c->pattern_files.slots);
    sbuf_free(&c->pool);
    free(c);
}

/* The bytes of a code array of `size` (at most 8) bytes up to its first NUL, the others
 * zero: codes that write the same bytes get the same key, whatever follows their NUL.
 * The lowest flag of `nul` marks the first NUL exactly (see put_code); (first >> 7) - 1
 * has every bit below that byte set, or all 64 when the array holds no NUL. Bytes below
 * it are the array's first ones: little-endian, as put_code. */
static uint64_t code_key(const char *s, size_t size)
{
    uint64_t x = 0;
    memcpy(&x, s, size);
    uint64_t nul = (x - ONES) & ~x & HIGHS;
    uint64_t first = nul & (0 - nul);
    return x & ((first >> 7) - 1);
}

/* The slot of key in t: the one holding it, or the empty one where it is to go; NULL
 * when it is not there and t is full. */
static piece *piece_slot(piece_table *t, const piece_key *key)
{
    if (!t->slots)
        t->slots = xcalloc(PIECE_SLOTS, sizeof *t->slots);
    uint64_t h = (key->cameo ^ (uint64_t)(uintptr_t)key->text) * 0x9E3779B97F4A7C15ULL;
    for (size_t i = (size_t)(h >> (64 - PIECE_BITS));; i = (i + 1) & (PIECE_SLOTS - 1)) {
        piece *s = &t->slots[i];
        if (!s->len)
            return t->count < PIECE_KEYS ? s : NULL;
        if (memcmp(&s->key, key, sizeof *key) == 0)
            return s;
    }
}

typedef char *piece_writer(sbuf *b, char *p, const jirga_event *e);

/* The piece of e that `write` writes, copied from t or, the first time, written into the
 * pool and kept; written as it is when t is full. */
static inline char *put_piece(sbuf *b, char *p, out_cache *c, piece_table *t, const piece_key *key,
                              piece_writer *write, const jirga_event *e)
{
    piece *s = piece_slot(t, key);
    if (!s)
        return write(b, p, e);
    if (!s->len) {
        s->key = *key;
        s->start = c->pool.len;
        put_end(&c->pool, write(&c->pool, put_begin(&c->pool, PUT_FIXED_MAX), e));
        s->len = c->pool.len - s->start;
        t->count++;
    }
    return put_bytes(b, p, c->pool.data + s->start, s->len);
}

/* put_verb_code, from c when there is one. */
static char *put_verb_code_from(sbuf *b, char *p, out_cache *c, const jirga_event *e)
{
    if (!c)
        return put_verb_code(b, p, e);
    uint64_t goldstein;
    memcpy(&goldstein, &e->goldstein, sizeof goldstein);
    piece_key key = {.cameo = code_key(e->cameo, sizeof e->cameo), .text = e->label, .goldstein = goldstein,
                     .quad = e->quad, .root = (uint32_t)code_key(e->root, sizeof e->root)};
    return put_piece(b, p, c, &c->verb_codes, &key, put_verb_code, e);
}

/* put_pattern_file, from c when there is one. */
static char *put_pattern_file_from(sbuf *b, char *p, out_cache *c, const jirga_event *e)
{
    if (!c)
        return put_pattern_file(b, p, e);
    piece_key key = {.text = e->pattern_file};
    return put_piece(b, p, c, &c->pattern_files, &key, put_pattern_file, e);
}

/* ---- The record ------------------------------------------------------------------------ */

/* s (n bytes of the sentence) as a JSON string, copied as it is when the sentence is
 * plain ASCII; leaves PUT_FIXED_MAX of room after it, as put_json. Inline, as the two below:
 * a record writes four or five spans of words, and the calls cost more than the copies. */
static inline char *put_words(sbuf *b, char *p, bool ascii, const char *s, size_t n)
{
    if (!ascii)
        return put_json(b, p, s, n);
    p = put_room(b, p, n + 2 + PUT_FIXED_MAX);
    *p++ = '"';
    memcpy(p, s, n);
    p += n;
    *p++ = '"';
    return p;
}

/* The words from start to end and their offsets, "text":"...","span":[s,e]. */
static inline char *put_text_span(sbuf *b, char *p, const jirga_event *e, bool ascii, int start, int end)
{
    p = PUT(p, "\"text\":");
    p = put_words(b, p, ascii, e->sentence_text + start, (size_t)(end - start));
    p = PUT(p, ",\"span\":");
    return put_span(p, start, end);
}

/* key (",\"source\":" or ",\"target\":") and the actor, or null. */
static char *put_actor(sbuf *b, char *p, const char *key, size_t key_len, const jirga_event *e, bool ascii,
                       const jirga_actor *a)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    memcpy(p, key, key_len);
    p += key_len;
    if (!a->code[0])
        return PUT(p, "null");
    p = PUT(p, "{\"code\":\"");
    p = PUT_CODE(p, a->code);
    p = PUT(p, "\",\"country\":\"");
    p = PUT_CODE(p, a->country);
    p = PUT(p, "\",\"role\":\"");
    p = PUT_CODE(p, a->role);
    p = PUT(p, "\",");
    p = put_text_span(b, p, e, ascii, a->start, a->end);
    *p++ = '}';
    return p;
}
#define PUT_ACTOR(b, p, key, e, ascii, a) put_actor((b), (p), (key), sizeof(key) - 1, (e), (ascii), (a))

/* ,"place":... */
static char *put_place(sbuf *b, char *p, const jirga_place *pl)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    if (!pl->name[0])
        return PUT(p, ",\"place\":null");
    p = PUT(p, ",\"place\":{\"name\":");
    p = put_json(b, p, pl->name, strlen(pl->name));
    p = PUT(p, ",\"country\":\"");
    p = PUT_CODE(p, pl->country);
    if (pl->has_coords) {
        p = PUT(p, "\",\"lat\":");
        p = fmt_fixed(p, pl->lat, 4);
        p = PUT(p, ",\"lon\":");
        p = fmt_fixed(p, pl->lon, 4);
    } else {
        p = PUT(p, "\",\"lat\":null,\"lon\":null");
    }
    p = PUT(p, ",\"span\":");
    p = put_span(p, pl->start, pl->end);
    *p++ = '}';
    return p;
}

/* ,"quote":... */
static char *put_quote(sbuf *b, char *p, const jirga_event *e, bool ascii)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    if (e->quote_start < 0)
        return PUT(p, ",\"quote\":null");
    p = PUT(p, ",\"quote\":{\"speaker\":");
    p = put_words(b, p, ascii, e->sentence_text + e->source.start, (size_t)(e->source.end - e->source.start));
    p = PUT(p, ",\"speaker_code\":\"");
    p = PUT_CODE(p, e->source.code);
    p = PUT(p, "\",");
    p = put_text_span(b, p, e, ascii, e->quote_start, e->quote_end);
    *p++ = '}';
    return p;
}

/* ,"counts":[...] */
static char *put_counts(sbuf *b, char *p, const jirga_event *e)
{
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, ",\"counts\":[");
    for (int k = 0; k < e->ncounts; k++) {
        p = put_room(b, p, PUT_FIXED_MAX);
        if (k)
            *p++ = ',';
        p = PUT(p, "{\"kind\":\"");
        p = PUT_CODE(p, e->counts[k].kind);
        p = PUT(p, "\",\"number\":");
        p = fmt_long(p, e->counts[k].number);
        *p++ = '}';
    }
    *p++ = ']';
    return p;
}

/* The record of event e of document doc; ascii tells whether its sentence is plain ASCII.
 * With a cache c, the document's pieces are those of c (out_jsonl_events made them). */
static void put_record(sbuf *b, out_cache *c, const jirga_doc *doc, const jirga_event *e, bool ascii)
{
    /* Room for the whole record at once spares most of the growing. */
    char *p = put_begin(b, 2 * e->sentence_len + 2 * PUT_FIXED_MAX);
    p = c ? put_bytes(b, p, c->doc_head.data, c->doc_head.len) : put_doc_head(b, p, doc);
    p = fmt_long(p, e->sentence);
    p = c ? put_bytes(b, p, c->doc_date.data, c->doc_date.len) : put_doc_date(b, p, doc);
    if (e->event_date[0]) {
        p = PUT(p, ",\"event_date\":\"");
        p = PUT_CODE(p, e->event_date);
        *p++ = '"';
    } else {
        p = PUT(p, ",\"event_date\":null");
    }
    p = e->date_stated ? PUT(p, ",\"date_stated\":true") : PUT(p, ",\"date_stated\":false");
    p = PUT_ACTOR(b, p, ",\"source\":", e, ascii, &e->source);
    p = PUT_ACTOR(b, p, ",\"target\":", e, ascii, &e->target);
    p = put_verb_code_from(b, p, c, e);
    p = e->negated ? PUT(p, ",\"negated\":true,\"verb\":{") : PUT(p, ",\"negated\":false,\"verb\":{");
    p = put_text_span(b, p, e, ascii, e->verb_start, e->verb_end);
    p = put_pattern_file_from(b, p, c, e);
    p = fmt_long(p, e->pattern_line);
    *p++ = '"';
    p = put_place(b, p, &e->place);
    p = put_quote(b, p, e, ascii);
    p = put_counts(b, p, e);
    p = put_room(b, p, PUT_FIXED_MAX);
    p = PUT(p, ",\"text\":");
    p = put_words(b, p, ascii, e->sentence_text, e->sentence_len);
    p = PUT(p, "}\n");
    put_end(b, p);
}

/* Makes the document's pieces of c. */
static void cache_doc(out_cache *c, const jirga_doc *doc)
{
    sbuf_reset(&c->doc_head);
    put_end(&c->doc_head, put_doc_head(&c->doc_head, put_begin(&c->doc_head, PUT_FIXED_MAX), doc));
    sbuf_reset(&c->doc_date);
    put_end(&c->doc_date, put_doc_date(&c->doc_date, put_begin(&c->doc_date, PUT_FIXED_MAX), doc));
}

void out_jsonl_events(out_cache *c, sbuf *b, const jirga_doc *doc, const jirga_event *events, int n)
{
    if (n <= 0)
        return;
    if (c)
        cache_doc(c, doc);
    /* Events of one sentence follow one another: the sentence is looked at once for all
     * the parts of it that their records hold. */
    const char *text = NULL;
    size_t len = 0;
    bool ascii = false;
    for (int i = 0; i < n; i++) {
        const jirga_event *e = &events[i];
        if (i == 0 || e->sentence_text != text || e->sentence_len != len) {
            text = e->sentence_text;
            len = e->sentence_len;
            ascii = plain_ascii(text, len);
        }
        put_record(b, c, doc, e, ascii);
    }
}

void out_jsonl_event(sbuf *b, const jirga_doc *doc, const jirga_event *e)
{
    out_jsonl_events(NULL, b, doc, e, 1);
}
