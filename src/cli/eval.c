/*
 * eval.c — `jirga eval`: accuracy against a gold set. Codes each gold sentence (or reads
 * events already coded) and prints precision, recall and F1 at three levels:
 *   loose   root code + source country + target country
 *   strict  full CAMEO code + source and target codes with their first role (a coded
 *           IGOUNOHCR, the UN refugee agency, is the gold's IGO/UNO)
 *   type    root code only
 * then a table per root, the share of no-event sentences on which anything was coded,
 * and with --errors each miss and false event with its sentence and pattern.
 */
#include "cli.h"

#include "../base/base.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_event {
    char src[4], src_role[8], tgt[4], tgt_role[8];
    char cameo[8], root[3];
    char pattern[160];
} eval_event;

typedef struct gold_sentence {
    char *id, *date, *text;
    eval_event *gold, *got;
    int ngold, ngot;
    size_t cap_got;
} gold_sentence;

enum { LOOSE, STRICT, TYPE, LEVELS };
static const char *const level_names[] = {"loose", "strict", "type"};

static void key(const eval_event *e, int level, char *out, size_t cap)
{
    if (level == LOOSE)
        snprintf(out, cap, "%s|%s|%s", e->root, e->src, e->tgt);
    else if (level == STRICT)
        snprintf(out, cap, "%s|%s%s|%s%s", e->cameo, e->src, e->src_role, e->tgt, e->tgt_role);
    else
        snprintf(out, cap, "%s", e->root);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void copy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

/* Reads one gold file; returns false with a message naming file:line on bad input. */
static bool read_gold(const char *path, gold_sentence **out, size_t *n, size_t *cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "jirga eval: %s: cannot open\n", path);
        return false;
    }
    char *line = NULL;
    size_t lcap = 0;
    long lineno = 0;
    bool ok = true;
    while (getline(&line, &lcap, f) > 0) {
        lineno++;
        if (line[0] == '\n')
            continue;
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        json_t *evs = o ? json_object_get(o, "events") : NULL;
        if (!o || !json_is_object(o) || !json_is_array(evs) || !json_is_string(json_object_get(o, "text"))) {
            fprintf(stderr, "jirga eval: %s:%ld: a gold line is an object with text and an events list\n", path,
                    lineno);
            json_decref(o);
            ok = false;
            break;
        }
        GROW(*out, *cap, *n + 1);
        gold_sentence *g = &(*out)[(*n)++];
        memset(g, 0, sizeof *g);
        g->id = xstrdup(jstr(o, "id"));
        g->date = xstrdup(jstr(o, "date"));
        g->text = xstrdup(jstr(o, "text"));
        g->ngold = (int)json_array_size(evs);
        g->gold = xcalloc((size_t)g->ngold + 1, sizeof *g->gold);
        for (int i = 0; i < g->ngold; i++) {
            json_t *e = json_array_get(evs, (size_t)i);
            eval_event *ev = &g->gold[i];
            copy(ev->src, sizeof ev->src, jstr(e, "source"));
            copy(ev->src_role, sizeof ev->src_role, jstr(e, "source_role"));
            copy(ev->tgt, sizeof ev->tgt, jstr(e, "target"));
            copy(ev->tgt_role, sizeof ev->tgt_role, jstr(e, "target_role"));
            copy(ev->cameo, sizeof ev->cameo, jstr(e, "cameo"));
            copy(ev->root, sizeof ev->root, ev->cameo);
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return ok;
}

static void add_got(gold_sentence *g, const char *src, const char *src_role, const char *tgt, const char *tgt_role,
                    const char *cameo, const char *pattern)
{
    GROW(g->got, g->cap_got, (size_t)g->ngot + 1);
    eval_event *ev = &g->got[g->ngot++];
    memset(ev, 0, sizeof *ev);
    copy(ev->src, sizeof ev->src, src);
    copy(ev->src_role, 4, src_role); /* the first role: gold writes IGOUNOHCR as IGO/UNO */
    copy(ev->tgt, sizeof ev->tgt, tgt);
    copy(ev->tgt_role, 4, tgt_role);
    copy(ev->cameo, sizeof ev->cameo, cameo);
    copy(ev->root, sizeof ev->root, cameo);
    copy(ev->pattern, sizeof ev->pattern, pattern);
}

/* Reads events coded earlier (jirga code output) and files them under their doc. */
static bool read_events(const char *path, gold_sentence *gs, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "jirga eval: %s: cannot open\n", path);
        return false;
    }
    char *line = NULL;
    size_t lcap = 0;
    long lineno = 0;
    while (getline(&line, &lcap, f) > 0) {
        lineno++;
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        if (!o) {
            fprintf(stderr, "jirga eval: %s:%ld: skipped: invalid JSON: %s\n", path, lineno, jerr.text);
            continue;
        }
        const char *doc = jstr(o, "doc");
        for (size_t i = 0; i < n; i++)
            if (strcmp(gs[i].id, doc) == 0) {
                json_t *s = json_object_get(o, "source"), *t = json_object_get(o, "target");
                add_got(&gs[i], jstr(s, "country"), jstr(s, "role"), jstr(t, "country"), jstr(t, "role"),
                        jstr(o, "cameo"), jstr(o, "pattern"));
                break;
            }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return true;
}

static void code_gold(const jirga_dict *dict, gold_sentence *gs, size_t n)
{
    jirga_coder *coder = jirga_coder_new(dict, NULL);
    for (size_t i = 0; i < n; i++) {
        jirga_doc doc = {.id = gs[i].id, .date = gs[i].date, .text = gs[i].text, .text_len = strlen(gs[i].text)};
        const jirga_event *evs;
        int k = jirga_code(coder, &doc, &evs);
        for (int e = 0; e < k; e++) {
            char pattern[160];
            snprintf(pattern, sizeof pattern, "%s:%d", evs[e].pattern_file, evs[e].pattern_line);
            add_got(&gs[i], evs[e].source.country, evs[e].source.role, evs[e].target.country, evs[e].target.role,
                    evs[e].cameo, pattern);
        }
    }
    jirga_coder_free(coder);
}

/* Matches gold and coded events of one sentence at one level: marks matched[] for each
 * side and returns the number of true positives (multiset intersection). */
static int match(const gold_sentence *g, int level, bool *gold_hit, bool *got_hit)
{
    int tp = 0;
    memset(gold_hit, 0, (size_t)g->ngold * sizeof *gold_hit);
    memset(got_hit, 0, (size_t)g->ngot * sizeof *got_hit);
    for (int i = 0; i < g->ngot; i++) {
        char a[64], b[64];
        key(&g->got[i], level, a, sizeof a);
        for (int j = 0; j < g->ngold; j++) {
            if (gold_hit[j])
                continue;
            key(&g->gold[j], level, b, sizeof b);
            if (strcmp(a, b) == 0) {
                gold_hit[j] = got_hit[i] = true;
                tp++;
                break;
            }
        }
    }
    return tp;
}

typedef struct counts {
    long tp, fp, fn;
} counts;

static void print_prf(const char *name, const counts *c)
{
    double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
    double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%-8s precision %.3f  recall %.3f  f1 %.3f   (tp %ld, fp %ld, fn %ld)\n", name, p, r, f, c->tp, c->fp,
           c->fn);
}

static void print_event(const char *what, const eval_event *e)
{
    printf("    %s %s %s%s -> %s%s%s%s\n", what, e->cameo, e->src, e->src_role, e->tgt, e->tgt_role,
           e->pattern[0] ? "   " : "", e->pattern);
}

int cmd_eval(int argc, char **argv)
{
    dict_choice choice = {0};
    const char *events_file = NULL;
    bool errors = false;
    gold_sentence *gs = NULL;
    size_t n = 0, cap = 0;
    bool any_gold = false, in_gold = false;
    for (int i = 1; i < argc; i++) {
        if (cli_dict_option(argc, argv, &i, &choice))
            continue;
        if (strcmp(argv[i], "--gold") == 0) {
            in_gold = true;
        } else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            events_file = argv[++i];
            in_gold = false;
        } else if (strcmp(argv[i], "--errors") == 0) {
            errors = true;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "jirga eval: unknown option '%s'\n", argv[i]);
            return EXIT_USAGE;
        } else if (in_gold) {
            if (!read_gold(argv[i], &gs, &n, &cap))
                return EXIT_USAGE;
            any_gold = true;
        }
    }
    if (!any_gold) {
        fprintf(stderr, "usage: jirga eval --gold FILE.jsonl... [--events EVENTS.jsonl] [--errors] [--dict DIR]\n");
        return EXIT_USAGE;
    }
    jirga_dict *dict = NULL;
    if (events_file) {
        if (!read_events(events_file, gs, n))
            return EXIT_USAGE;
    } else {
        dict = cli_load_dict(&choice);
        if (!dict)
            return EXIT_USAGE;
        code_gold(dict, gs, n);
    }
    counts total[LEVELS] = {{0}};
    counts per_root[21] = {{0}};
    long empty = 0, empty_coded = 0;
    for (size_t i = 0; i < n; i++) {
        gold_sentence *g = &gs[i];
        bool gold_hit[256], got_hit[256];
        if (g->ngold > 256 || g->ngot > 256)
            continue;
        for (int level = 0; level < LEVELS; level++) {
            int tp = match(g, level, gold_hit, got_hit);
            total[level].tp += tp;
            total[level].fp += g->ngot - tp;
            total[level].fn += g->ngold - tp;
        }
        match(g, LOOSE, gold_hit, got_hit);
        for (int j = 0; j < g->ngold; j++) {
            int r = atoi(g->gold[j].root);
            if (r >= 1 && r <= 20)
                (gold_hit[j] ? &per_root[r].tp : &per_root[r].fn)[0]++;
        }
        for (int j = 0; j < g->ngot; j++) {
            int r = atoi(g->got[j].root);
            if (r >= 1 && r <= 20 && !got_hit[j])
                per_root[r].fp++;
        }
        if (g->ngold == 0) {
            empty++;
            empty_coded += g->ngot > 0;
        }
        if (errors && (g->ngold || g->ngot)) {
            bool shown = false;
            for (int j = 0; j < g->ngold; j++)
                if (!gold_hit[j]) {
                    if (!shown)
                        printf("%s: %s\n", g->id, g->text);
                    shown = true;
                    print_event("missed", &g->gold[j]);
                }
            for (int j = 0; j < g->ngot; j++)
                if (!got_hit[j]) {
                    if (!shown)
                        printf("%s: %s\n", g->id, g->text);
                    shown = true;
                    print_event("false ", &g->got[j]);
                }
        }
    }
    printf("sentences: %zu   gold events: %ld   coded events: %ld\n", n, total[0].tp + total[0].fn,
           total[0].tp + total[0].fp);
    for (int level = 0; level < LEVELS; level++)
        print_prf(level_names[level], &total[level]);
    printf("no-event sentences: %ld, coded anyway: %ld (%.1f%%)\n", empty, empty_coded,
           empty ? 100.0 * (double)empty_coded / (double)empty : 0.0);
    printf("\nroot  gold  coded   tp   precision  recall  f1\n");
    for (int r = 1; r <= 20; r++) {
        const counts *c = &per_root[r];
        double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
        double rc = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
        double f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
        printf("%02d   %5ld  %5ld  %4ld   %.3f      %.3f   %.3f\n", r, c->tp + c->fn, c->tp + c->fp, c->tp, p, rc, f);
    }
    for (size_t i = 0; i < n; i++) {
        free(gs[i].id);
        free(gs[i].date);
        free(gs[i].text);
        free(gs[i].gold);
        free(gs[i].got);
    }
    free(gs);
    jirga_dict_free(dict);
    return EXIT_OK;
}
