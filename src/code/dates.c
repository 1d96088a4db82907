/*
 * dates.c — the date an event happened, read from its clause and resolved against the
 * article date: "yesterday", "on Monday", "last week", "last February", "earlier this
 * month", "in 2019", "on January 5", "5 January 2020". News reports the past, so a bare
 * weekday or month means the latest one before the article, not the next.
 */
#include "code.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const months[] = {"january", "february", "march", "april", "may", "june", "july",
                                     "august", "september", "october", "november", "december"};
static const char *const month_abbr[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                         "aug", "sep", "oct", "nov", "dec"};
static const char *const weekdays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int month_at(const sentence *s, int i)
{
    /* A token is at most one month and one abbreviation, both only for "may", whose
     * month is tried first */
    int m = token_word_among(s, i, months, 12);
    if (m >= 0)
        return m == 4 && !(s->tokens[i].shape & T_CAP) ? 0 : m + 1; /* "may" the modal */
    m = token_word_among(s, i, month_abbr, 12);
    if (m >= 0 && (s->tokens[i].shape & T_CAP) && m != 4)
        return m + 1;
    if (token_word_is(s, i, "sept") && (s->tokens[i].shape & T_CAP))
        return 9;
    return 0;
}

static int number_at(const sentence *s, int i, int lo, int hi)
{
    if (i < 0 || i >= (int)s->ntokens || !(s->tokens[i].shape & T_NUM))
        return 0;
    const token *t = &s->tokens[i];
    int v = 0;
    for (uint32_t k = t->start; k < t->end; k++) {
        char c = s->text[k];
        if (c < '0' || c > '9')
            break; /* "5th" */
        v = v * 10 + (c - '0');
        if (v > 9999)
            return 0;
    }
    return v >= lo && v <= hi ? v : 0;
}

/* YYYY-MM-DD, YYYY-MM (d 0) or YYYY (m 0) without printf: events of every clause
 * with a date write one, and every document its own. */
void date_format(char out[11], int y, int m, int d)
{
    if (y < 0 || y > 9999) {
        snprintf(out, 11, m ? (d ? "%04d-%02d-%02d" : "%04d-%02d") : "%04d", y, m, d);
        return;
    }
    char *o = out;
    *o++ = (char)('0' + y / 1000), *o++ = (char)('0' + y / 100 % 10), *o++ = (char)('0' + y / 10 % 10);
    *o++ = (char)('0' + y % 10);
    if (m) {
        *o++ = '-', *o++ = (char)('0' + m / 10 % 10), *o++ = (char)('0' + m % 10);
        if (d)
            *o++ = '-', *o++ = (char)('0' + d / 10 % 10), *o++ = (char)('0' + d % 10);
    }
    *o = 0;
}

static void put_day(char out[11], long days)
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    date_format(out, y % 10000, m, d);
}

/* Finds a date expression in tokens [from, to) and resolves it against doc_date
 * (YYYYMMDD). Writes YYYY-MM-DD, YYYY-MM or YYYY into out; returns the token where the
 * expression starts, or -1. */
int date_find(const sentence *s, int from, int to, int doc_date, char out[11])
{
    if (!doc_date)
        return -1;
    /* "May" is a month too: modals are read as well as words of time and numbers */
    int i = from;
    while (i < to && !(s->tokens[i].flags & (W_TIME | W_MODAL)) && !(s->tokens[i].shape & T_NUM))
        i++; /* most clauses name no time: the article's day is then not needed */
    if (i >= to)
        return -1;
    int ay = doc_date / 10000, am = doc_date / 100 % 100, ad = doc_date % 100;
    long today = days_from_civil(ay, am, ad);
    for (; i < to; i++) {
        if (!(s->tokens[i].flags & (W_TIME | W_MODAL)) && !(s->tokens[i].shape & T_NUM))
            continue;
        if (token_word_is(s, i, "yesterday")) {
            put_day(out, today - 1);
            return i;
        }
        if (token_word_is(s, i, "today")) {
            put_day(out, today);
            return i;
        }
        int w = token_word_among(s, i, weekdays, 7); /* at most one */
        if (w >= 0 && (s->tokens[i].shape & T_CAP)) {
            long dow = ((today + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: 0 = Monday */
            long back = (dow - w + 7) % 7;
            if (token_word_is(s, i - 1, "last") && back == 0)
                back = 7;
            put_day(out, today - back);
            return i - (token_word_is(s, i - 1, "last") || token_word_is(s, i - 1, "on"));
        }
        if ((token_word_is(s, i, "last") || token_word_is(s, i, "this") || token_word_is(s, i, "earlier")) && i + 1 < to) {
            int start = i;
            if (token_word_is(s, i, "earlier") && token_word_is(s, i + 1, "this"))
                i++;
            bool last = token_word_is(s, start, "last");
            if (token_word_is(s, i + 1, "week")) {
                put_day(out, last ? today - 7 : today);
                return start;
            }
            if (token_word_is(s, i + 1, "month")) {
                int y = ay, m = am;
                if (last && --m == 0) {
                    m = 12;
                    y--;
                }
                date_format(out, y, m, 0);
                return start;
            }
            if (token_word_is(s, i + 1, "year")) {
                date_format(out, last ? ay - 1 : ay, 0, 0);
                return start;
            }
            int m = month_at(s, i + 1);
            if (m && last) { /* the latest such month before the article's month */
                date_format(out, m < am ? ay : ay - 1, m, 0);
                return start;
            }
            i = start;
            continue;
        }
        int m = month_at(s, i);
        if (m) {
            int after = token_word_is(s, i + 1, ".") ? i + 2 : i + 1; /* "Feb. 29" */
            int day = number_at(s, after, 1, 31), year = 0;
            int k = day ? after + 1 : i + 1;
            if (token_word_is(s, k, ","))
                k++;
            year = number_at(s, k, 1900, 2200);
            int start = i;
            if (!day && (day = number_at(s, i - 1, 1, 31)) != 0) { /* "5 January 2020" */
                start = i - 1;
                year = number_at(s, i + 1, 1900, 2200);
            }
            if (!year) { /* the latest such date not after the article */
                year = ay;
                if (m > am || (m == am && day > ad))
                    year--;
            }
            if (day)
                date_format(out, year, m, day);
            else
                date_format(out, year, m, 0);
            return start;
        }
        if (token_word_is(s, i - 1, "in")) {
            int year = number_at(s, i, 1900, 2200);
            if (year && !(s->tokens[i].end - s->tokens[i].start != 4)) {
                date_format(out, year, 0, 0);
                return i - 1;
            }
        }
    }
    return -1;
}
