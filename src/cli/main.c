/* main.c — the jirga command: dispatches to one file per command. */
#include "cli.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "jirga %s — political event coder (CAMEO)\n\n"
               "usage:\n"
               "  jirga code [--date YYYY-MM-DD] [--input text|jsonl] [--dict DIR] [--keep-negated]\n"
               "             [--format jsonl|gdelt|plover|phoenix|csv] FILE...\n"
               "  jirga explain [--date YYYY-MM-DD] [--dict DIR] \"sentence\" | FILE\n"
               "  jirga dict check|stats [DIR]\n"
               "  jirga eval --gold FILE.jsonl... [--events EVENTS.jsonl] [--errors]\n"
               "  jirga actors --unknown FILE...      names the dictionaries lack, with suggested codes (TSV)\n"
               "  jirga ingest [--db FILE] [--dict DIR] [-j N] FILE...   code and keep events in the store\n"
               "  jirga query [--db FILE] [--from D] [--to D] [--actor A] [--dyad A-B [--both]] [--country C]\n"
               "              [--role R] [--cameo C] [--root R] [--quad Q] [--text WORDS] [--format jsonl|csv|table]\n"
               "  jirga stats [--db FILE] --by day|week|month [--dyad A-B | --actor A]\n"
               "  jirga export [--db FILE] --format gdelt|plover|phoenix|csv|jsonl\n"
               "  jirga serve [--db FILE] [--port N] [--bind ADDR] [--max-body BYTES]   HTTP API and web page\n"
               "  jirga validate [--verbose] FILE     a TABARI validation file or PETRARCH unit-test XML\n"
               "  jirga version\n\n"
               "FILE '-' is standard input. Events are printed as JSON Lines (docs/event-record.md).\n",
            JIRGA_VERSION);
}

/* How glibc's malloc serves jirga, set before anything is allocated:
 * - Documents are read and coded in batches (src/cli/batch.c), whose memory is freed and
 *   taken again for every batch. By default glibc hands the freed top of the heap back to
 *   the kernel each time and faults it in again, page by page, for the next: 250,000 page
 *   faults and a tenth of the coding time on a million sentences. The top is kept.
 * - The dictionary's lookups land all over its tens of megabytes: with pages of 4 KB most
 *   of them miss the TLB as well as the cache. The heap is grown now by HEAP_AHEAD, in one
 *   piece that the dictionary then fills (its large arrays too: they are not mapped on
 *   their own below MMAP_FROM), and that piece is marked for transparent huge pages of
 *   2 MB, which the kernel uses when its THP mode is "madvise" (Debian's default) or
 *   "always": 5% of the coding time. Pages not touched cost nothing. Under a sanitizer or
 *   valgrind, whose malloc takes no memory from the heap, the heap does not grow here and
 *   nothing is marked. */
static void tune_malloc(void)
{
    enum { HUGE_PAGE = 2 << 20, HEAP_AHEAD = 64 << 20, MMAP_FROM = 16 << 20, PROBE = 64 << 10 };
    mallopt(M_TRIM_THRESHOLD, 2 * HEAP_AHEAD); /* above HEAP_AHEAD: the piece is never given back */
    mallopt(M_MMAP_THRESHOLD, MMAP_FROM);
    mallopt(M_TOP_PAD, HEAP_AHEAD);
    char *before = sbrk(0);
    void *probes[8];
    int n = 0;
    /* A probe comes from the heap (it is below MMAP_FROM); once the top left from startup
     * is used up, the heap grows, by HEAP_AHEAD more. */
    while (n < 8 && (char *)sbrk(0) == before && (probes[n] = malloc(PROBE)) != NULL)
        n++;
    char *top = sbrk(0);
    uintptr_t from = ((uintptr_t)before + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if ((uintptr_t)top > from + HUGE_PAGE)
        madvise((void *)from, (uintptr_t)top - from, MADV_HUGEPAGE); /* advice: a failure changes nothing */
    while (n > 0)
        free(probes[--n]);
    mallopt(M_TOP_PAD, 128 << 10); /* glibc's default again, for later growth */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    tune_malloc();
    const char *cmd = argv[1];
    if (strcmp(cmd, "code") == 0)
        return cmd_code(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "dict") == 0)
        return cmd_dict(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "actors") == 0)
        return cmd_actors(argc - 1, argv + 1);
    if (strcmp(cmd, "ingest") == 0)
        return cmd_ingest(argc - 1, argv + 1);
    if (strcmp(cmd, "query") == 0)
        return cmd_query(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("jirga %s\n", JIRGA_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "jirga: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
