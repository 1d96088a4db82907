/*
 * validate.c — `jirga validate FILE`: runs a peer's validation suite and reports each
 * record's pass or fail with the difference, totals per category and "N passed, N
 * failed". A TABARI .project (its <textfile> of records, OPTION records honoured) or a
 * TABARI records file next to Validate.project; or a PETRARCH unit-test XML file (text
 * only, <Config> switches read; its discard error records are run, those about the parse
 * tree counted as not run). Exit 0 when it ran, 2 on a usage or load error.
 */
#include "cli.h"

#include "../base/base.h"
#include "../code/tabari_code.h"
#include "../dict/tabari.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct expect {
    char source[48], target[48], code[16];
    bool unchecked;
} expect;

typedef struct record {
    char id[64], category[32];
    int date;
    sbuf text;
    expect *events;
    int nevents, cap;
    int status; /* expected: TS_CODED, TS_DISCARD, TS_STORY_DISCARD, TS_COMPLEX; -1 unknown */
    bool option;
    bool error; /* PETRARCH error records that test its parse-tree reader: not run */
    char options[8][256];
    int noptions;
} record;

typedef struct category {
    char name[32];
    int passed, failed;
} category;

typedef struct id_result {
    char id[64];
    bool failed;
} id_result;

typedef struct run {
    tab_coder *coder;
    id_result *ids; /* per distinct record id: a repeated id passes when all its records do */
    size_t nids, cap_ids;
    tab_options opts;
    category cats[128];
    int ncats;
    int passed, failed;
    int not_run; /* PETRARCH error records about its parse tree */
    bool verbose, all, trace;
    bool standard_done; /* a FINAL- record was met (TABARI): later ones are extras */
} run;

static void warn_quiet(void *ctx, const char *m)
{
    (void)ctx;
    (void)m;
}

static int yymmdd(const char *s)
{
    int v = atoi(s);
    if (strlen(s) >= 8)
        return v;
    return v + (v / 10000 <= 30 ? 20000000 : 19000000);
}

static void add_expect(record *r, const char *src, const char *tgt, const char *code, bool unchecked)
{
    if (r->nevents == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->events = xrealloc(r->events, sizeof *r->events * (size_t)r->cap);
    }
    expect *e = &r->events[r->nevents++];
    memset(e, 0, sizeof *e);
    str_copy(e->source, sizeof e->source, src);
    str_copy(e->target, sizeof e->target, tgt);
    str_copy(e->code, sizeof e->code, code);
    e->unchecked = unchecked;
}

static category *cat_of(run *u, const char *name)
{
    for (int i = 0; i < u->ncats; i++)
        if (strcmp(u->cats[i].name, name) == 0)
            return &u->cats[i];
    if (u->ncats == 128)
        return &u->cats[127];
    category *c = &u->cats[u->ncats++];
    memset(c, 0, sizeof *c);
    str_copy(c->name, sizeof c->name, name);
    return c;
}

static const char *status_name(int s)
{
    return s == TS_STORY_DISCARD ? "story discard +###" : s == TS_DISCARD ? "discard ###" : s == TS_COMPLEX ? "complex +++"
                                                                  : s == TS_SHORT     ? "too short"
                                                                                      : "coded";
}

/* Compares and prints one record's result. */
static void check(run *u, const record *rec, const tab_result *res)
{
    bool ok = true;
    int want = rec->status < 0 ? TS_CODED : rec->status;
    int got = res->status == TS_SHORT ? TS_CODED : res->status;
    /* TABARI's {###} is met by either discard; PETRARCH's storydiscard only by a story one */
    if (got == TS_STORY_DISCARD && want != TS_STORY_DISCARD)
        got = TS_DISCARD;
    if (want != got)
        ok = false;
    bool *used = xcalloc((size_t)rec->nevents + 1, sizeof *used);
    bool *extra = xcalloc((size_t)res->nevents + 1, sizeof *extra);
    for (int i = 0; i < res->nevents; i++) {
        const tab_event *e = &res->events[i];
        bool found = false;
        for (int k = 0; k < rec->nevents && !found; k++) {
            const expect *x = &rec->events[k];
            if (!used[k] && strcmp(x->source, e->source) == 0 && strcmp(x->target, e->target) == 0 &&
                strcmp(x->code, e->code) == 0) {
                used[k] = true;
                found = true;
            }
        }
        if (!found) {
            extra[i] = true;
            ok = false;
        }
    }
    for (int k = 0; k < rec->nevents; k++)
        if (!used[k] && !rec->events[k].unchecked)
            ok = false;
    /* a record expected discarded or complex passes when it is: its events are what it
     * would code with the filter off */
    if (want != TS_CODED && want == got)
        ok = true;
    /* only unchecked expectations ("-{...}") and no status: anything the coder does passes */
    bool any_checked = rec->status >= 0;
    for (int k = 0; k < rec->nevents; k++)
        any_checked |= !rec->events[k].unchecked;
    if (!any_checked)
        ok = true;
    size_t at = 0;
    while (at < u->nids && strcmp(u->ids[at].id, rec->id) != 0)
        at++;
    if (at == u->nids) {
        GROW(u->ids, u->cap_ids, u->nids + 1);
        str_copy(u->ids[at].id, sizeof u->ids[at].id, rec->id);
        u->ids[at].failed = false;
        u->nids++;
    }
    u->ids[at].failed |= !ok;
    category *cat = cat_of(u, rec->category);
    if (ok) {
        u->passed++;
        cat->passed++;
        if (u->verbose)
            printf("pass %s\n", rec->id);
    } else {
        u->failed++;
        cat->failed++;
        printf("FAIL %s\n", rec->id);
        if (want != got)
            printf("  expected %s, got %s%s%s\n", status_name(want), status_name(res->status), res->why[0] ? ": " : "",
                   res->why);
        for (int k = 0; k < rec->nevents; k++)
            if (!used[k] && !rec->events[k].unchecked)
                printf("  missing  %s / %s / %s\n", rec->events[k].source, rec->events[k].target, rec->events[k].code);
        for (int i = 0; i < res->nevents; i++)
            if (extra[i])
                printf("  extra    %s / %s / %s  (%s:%d)\n", res->events[i].source, res->events[i].target,
                       res->events[i].code, res->events[i].file, res->events[i].line);
    }
    free(used);
    free(extra);
}

static void code_record(run *u, record *rec)
{
    for (int i = 0; i < rec->noptions; i++)
        if (!tab_options_apply(&u->opts, rec->options[i]))
            fprintf(stderr, "jirga validate: %s: option not understood: %s\n", rec->id, rec->options[i]);
    if (rec->option || rec->error)
        return;
    tab_result res;
    sbuf tr = {0};
    tab_coder_set_id(u->coder, rec->id);
    tab_code_text(u->coder, &u->opts, rec->text.data ? rec->text.data : "", rec->text.len, rec->date, &res,
                  u->trace ? &tr : NULL);
    if (u->trace && tr.data)
        printf("%s %s\n%s", rec->id, rec->text.data ? rec->text.data : "", tr.data);
    sbuf_free(&tr);
    check(u, rec, &res);
}

static void record_reset(record *r)
{
    sbuf_reset(&r->text);
    r->nevents = 0;
    r->status = -1;
    r->option = r->error = false;
    r->noptions = 0;
    r->id[0] = r->category[0] = 0;
}

/* ---- TABARI records ------------------------------------------------------------------ */

/* Reads the expectations in a record's comment block: { A / B / 064 }, -{...} unchecked,
 * {---}, {###}, {+++}, { OPTION: ... }. */
static void read_expectations(record *r, const char *s)
{
    for (const char *p = s; (p = strchr(p, '{')) != NULL;) {
        const char *end = strchr(p, '}');
        if (!end)
            end = strstr(p, "*/"); /* an OPTION record may lack its closing brace */
        if (!end)
            end = p + strlen(p);
        bool unchecked = p > s && p[-1] == '-';
        char inner[512];
        snprintf(inner, sizeof inner, "%.*s", (int)(end - p - 1), p + 1);
        char *t = str_trim(inner);
        char squeezed[512];
        size_t n = 0;
        for (const char *q = t; *q && n + 1 < sizeof squeezed; q++)
            if (*q != ' ')
                squeezed[n++] = *q;
        squeezed[n] = 0;
        if (strncmp(t, "OPTION:", 7) == 0) {
            r->option = true;
            if (r->noptions < 8)
                str_copy(r->options[r->noptions++], sizeof r->options[0], str_trim(t + 7));
        } else if (strcmp(squeezed, "---") == 0) {
            if (!unchecked && r->status < 0)
                r->status = TS_CODED;
        } else if (strcmp(squeezed, "###") == 0) {
            if (!unchecked)
                r->status = TS_DISCARD;
        } else if (strcmp(squeezed, "+++") == 0) {
            if (!unchecked)
                r->status = TS_COMPLEX;
        } else {
            char *a = strtok(squeezed, "/"), *b = a ? strtok(NULL, "/") : NULL, *c = b ? strtok(NULL, "/") : NULL;
            if (a && b && c)
                add_expect(r, a, b, c, unchecked);
        }
        p = *end ? end + 1 : end;
    }
}

static bool is_header(const char *line, char *id, size_t cap, int *date)
{
    int nd = 0;
    while (isdigit((unsigned char)line[nd]))
        nd++;
    if (nd < 6 || nd > 9 || (line[nd] != ' ' && line[nd] != '\t'))
        return false;
    char d[10];
    memcpy(d, line, (size_t)nd);
    d[nd] = 0;
    /* TABARI reads six digits (eight with YYYY); extra digits are ignored */
    d[nd >= 8 ? 8 : 6] = 0;
    *date = yymmdd(d);
    char buf[256];
    str_copy(buf, sizeof buf, line + nd);
    char *t = str_trim(buf);
    char *sp = t;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    *sp = 0;
    if (!*t)
        return false;
    str_copy(id, cap, t);
    return true;
}

static void category_of(const char *id, char *out, size_t cap)
{
    str_copy(out, cap, id);
    char *dash = strchr(out, '-');
    if (dash && dash != out)
        *dash = 0;
}

static int run_tabari(run *u, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "jirga validate: %s: cannot open\n", path);
        return EXIT_USAGE;
    }
    record rec = {0};
    record_reset(&rec);
    char line[8192];
    int state = 0; /* 0 between records, 1 text, 2 comment */
    sbuf comment = {0};
    bool have = false;
    while (fgets(line, sizeof line, f)) {
        char id[64];
        int date;
        if (state != 2 && is_header(line, id, sizeof id, &date)) {
            if (have) {
                read_expectations(&rec, comment.data ? comment.data : "");
                if (!u->standard_done || u->all)
                    code_record(u, &rec);
            }
            record_reset(&rec);
            sbuf_reset(&comment);
            if (strncmp(id, "FINAL-", 6) == 0)
                u->standard_done = true;
            str_copy(rec.id, sizeof rec.id, id);
            category_of(id, rec.category, sizeof rec.category);
            rec.date = date;
            have = true;
            state = 1;
            continue;
        }
        if (state == 1) {
            char *t = str_trim(line);
            char *open = strstr(t, "/*");
            if (open) {
                state = 2;
                sbuf_adds(&comment, open + 2);
                if (strstr(open + 2, "*/"))
                    state = 0;
                *open = 0;
                t = str_trim(t);
                if (*t) {
                    if (rec.text.len)
                        sbuf_addc(&rec.text, ' ');
                    sbuf_adds(&rec.text, t);
                }
                continue;
            }
            if (*t) {
                if (rec.text.len)
                    sbuf_addc(&rec.text, ' ');
                sbuf_adds(&rec.text, t);
            }
            continue;
        }
        if (state == 2) {
            sbuf_adds(&comment, line);
            if (strstr(line, "*/"))
                state = 0;
        }
    }
    if (have) {
        read_expectations(&rec, comment.data ? comment.data : "");
        if (!u->standard_done || u->all)
            code_record(u, &rec);
    }
    fclose(f);
    sbuf_free(&rec.text);
    sbuf_free(&comment);
    free(rec.events);
    return EXIT_OK;
}

/* ---- PETRARCH XML -------------------------------------------------------------------- */

static bool attr(const char *tag, const char *name, char *out, size_t cap)
{
    const char *p = tag;
    size_t n = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        const char *q = p + n;
        while (*q == ' ')
            q++;
        if ((p == tag || isspace((unsigned char)p[-1])) && *q == '=') {
            q++;
            while (*q == ' ')
                q++;
            char quote = *q;
            if (quote != '"' && quote != '\'')
                return false;
            const char *e = strchr(q + 1, quote);
            if (!e)
                return false;
            snprintf(out, cap, "%.*s", (int)(e - q - 1), q + 1);
            return true;
        }
        p += n;
    }
    return false;
}

static int run_petrarch(run *u, const char *path, const char *xml)
{
    record rec = {0};
    record_reset(&rec);
    const char *p = xml;
    while ((p = strchr(p, '<')) != NULL) {
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            if (!e)
                break;
            p = e + 3;
            continue;
        }
        const char *close = strchr(p, '>');
        if (!close)
            break;
        char tag[1024];
        snprintf(tag, sizeof tag, "%.*s", (int)(close - p + 1), p);
        if (strncmp(tag, "<Sentence ", 10) == 0) {
            record_reset(&rec);
            char buf[64];
            if (attr(tag, "id", buf, sizeof buf))
                str_copy(rec.id, sizeof rec.id, buf);
            if (attr(tag, "category", buf, sizeof buf))
                str_copy(rec.category, sizeof rec.category, buf);
            if (attr(tag, "date", buf, sizeof buf))
                rec.date = atoi(buf);
        } else if (strncmp(tag, "<EventCoding", 12) == 0) {
            char s[48], t[48], c[16], buf[64];
            if (attr(tag, "noevents", buf, sizeof buf))
                rec.status = TS_CODED;
            else if (attr(tag, "error", buf, sizeof buf)) {
                /* a discard is read from the text and run; "dateline" and
                 * "bad_input_parse" are found in the parse tree, which jirga does not read */
                if (strcmp(buf, "storydiscard") == 0)
                    rec.status = TS_STORY_DISCARD;
                else if (strcmp(buf, "sentencediscard") == 0)
                    rec.status = TS_DISCARD;
                else
                    rec.error = true;
            }
            else if (attr(tag, "sourcecode", s, sizeof s) && attr(tag, "targetcode", t, sizeof t) &&
                     attr(tag, "eventcode", c, sizeof c))
                add_expect(&rec, s, t, c, false);
        } else if (strncmp(tag, "<Text>", 6) == 0) {
            const char *e = strstr(close, "</Text>");
            if (!e)
                break;
            sbuf_reset(&rec.text);
            for (const char *q = close + 1; q < e; q++)
                sbuf_addc(&rec.text, *q == '\n' ? ' ' : *q);
            char *t = str_trim(rec.text.data ? rec.text.data : (char *)"");
            if (rec.text.data) {
                memmove(rec.text.data, t, strlen(t) + 1);
                rec.text.len = strlen(rec.text.data);
            }
            p = e;
            continue;
        } else if (strncmp(tag, "</Sentence>", 11) == 0) {
            if (!rec.error)
                code_record(u, &rec);
            else
                u->not_run++;
        } else if (strncmp(tag, "<Config", 7) == 0) {
            char opt[64], val[64];
            if (attr(tag, "option", opt, sizeof opt) && attr(tag, "value", val, sizeof val)) {
                /* PETRARCH switches: only those with a TABARI meaning are applied */
                if (strcmp(opt, "code_by") == 0 || strcmp(opt, "code_by_sentence") == 0) {
                    char line[160];
                    snprintf(line, sizeof line, "SET: CODE BY %s", val);
                    tab_options_apply(&u->opts, line);
                }
            }
        }
        p = close + 1;
    }
    (void)path;
    sbuf_free(&rec.text);
    free(rec.events);
    return EXIT_OK;
}

/* ---- Command ------------------------------------------------------------------------- */

static int validate_usage(void)
{
    fprintf(stderr, "usage: jirga validate [--verbose] [--trace] [--all] FILE\n"
                    "  FILE: a TABARI .project or validation text (beside its .project), or a PETRARCH\n"
                    "        unit-test .xml (its <Environment> names the dictionaries beside it)\n");
    return EXIT_USAGE;
}

static void dir_of(const char *path, char *out, size_t cap)
{
    str_copy(out, cap, path);
    char *s = strrchr(out, '/');
    if (s)
        s[1] = 0;
    else
        out[0] = 0;
}

static bool xml_element(const char *xml, const char *name, char *out, size_t cap)
{
    char open[64], closing[64];
    snprintf(open, sizeof open, "<%s>", name);
    snprintf(closing, sizeof closing, "</%s>", name);
    const char *a = strstr(xml, open), *b = a ? strstr(a, closing) : NULL;
    if (!a || !b)
        return false;
    a += strlen(open);
    snprintf(out, cap, "%.*s", (int)(b - a), a);
    char *t = str_trim(out);
    memmove(out, t, strlen(t) + 1);
    return true;
}

int cmd_validate(int argc, char **argv)
{
    run u;
    memset(&u, 0, sizeof u);
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
            u.verbose = true;
        else if (strcmp(argv[i], "--trace") == 0)
            u.trace = u.verbose = true;
        else if (strcmp(argv[i], "--all") == 0)
            u.all = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return validate_usage();
        else if (!file)
            file = argv[i];
        else
            return validate_usage();
    }
    if (!file)
        return validate_usage();
    jirga_error err = {0};
    tab_dict *d = NULL;
    const char *text_path = NULL;
    char dir[4096], paths[16][4096];
    dir_of(file, dir, sizeof dir);
    size_t fl = strlen(file);
    bool xml = fl > 4 && strcmp(file + fl - 4, ".xml") == 0;
    char *xml_text = NULL;
    if (xml) {
        xml_text = read_file(file, NULL);
        if (!xml_text) {
            fprintf(stderr, "jirga validate: %s: cannot open\n", file);
            return EXIT_USAGE;
        }
        tab_files files = {0};
        const char *names[4] = {"Verbfile", "Actorfile", "Agentfile", "Discardfile"};
        for (int k = 0; k < 4; k++) {
            char v[1024];
            if (!xml_element(xml_text, names[k], v, sizeof v))
                continue;
            snprintf(paths[k], sizeof paths[k], "%.2048s%.1024s", dir, v);
        }
        files.verbs = paths[0];
        files.actors[files.nactors++] = paths[1];
        files.agents = paths[2];
        files.discards = paths[3];
        d = tab_dict_load(TAB_FORMAT_PETRARCH, &files, warn_quiet, NULL, &err);
    } else {
        char project[4096];
        if (fl > 8 && strcmp(file + fl - 8, ".project") == 0)
            str_copy(project, sizeof project, file);
        else {
            /* a records file: the .project of the same name beside it */
            str_copy(project, sizeof project, file);
            char *dot = strrchr(project, '.');
            char *slash = strrchr(project, '/');
            if (dot && (!slash || dot > slash))
                *dot = 0;
            strncat(project, ".project", sizeof project - strlen(project) - 1);
        }
        tab_files files;
        if (!tab_read_project(project, &files, paths, 16, &err)) {
            fprintf(stderr, "jirga validate: %s\n", err.message);
            return EXIT_USAGE;
        }
        text_path = (fl > 8 && strcmp(file + fl - 8, ".project") == 0) ? files.text : file;
        if (!text_path) {
            fprintf(stderr, "jirga validate: %s names no <textfile>\n", project);
            return EXIT_USAGE;
        }
        d = tab_dict_load(TAB_FORMAT_TABARI, &files, warn_quiet, NULL, &err);
    }
    if (!d) {
        fprintf(stderr, "jirga validate: %s\n", err.message);
        free(xml_text);
        return EXIT_USAGE;
    }
    u.opts = d->options;
    u.coder = tab_coder_new(d);
    int status = xml ? run_petrarch(&u, file, xml_text) : run_tabari(&u, text_path);
    free(xml_text);
    if (status == EXIT_OK) {
        printf("\nby category:\n");
        for (int i = 0; i < u.ncats; i++)
            printf("  %-12s %4d passed %4d failed\n", u.cats[i].name, u.cats[i].passed, u.cats[i].failed);
        size_t ids_failed = 0;
        for (size_t k = 0; k < u.nids; k++)
            ids_failed += u.ids[k].failed;
        printf("distinct record ids: %zu passed, %zu failed\n", u.nids - ids_failed, ids_failed);
        if (u.not_run)
            printf("not run: %d error records (the error is found in the parse tree)\n", u.not_run);
        printf("%d passed, %d failed\n", u.passed, u.failed);
    }
    tab_coder_free(u.coder);
    tab_dict_free(d);
    free(u.ids);
    return status;
}
