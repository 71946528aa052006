/* Pages: our HTML (the top bar, page frame, error pages, the library's
 * front page), the reader a page reads from, and where the bar goes in an
 * archived page.
 *
 * Layer 6 of server/ (see server.c): uses layers 1 to 5 and lib/. */
#ifndef SMZ_SERVER_PAGES_H
#define SMZ_SERVER_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "library.h"
#include "site.h"
#include "i18n/i18n.h"
#include "util/strbuf.h"

/* A reader for archive A, borrowed from the pool until the request's
 * answer goes out, or NULL with a 500 page sent when it cannot be opened. */
smz_reader *page_reader(req *q, archive *a);
/* The top bar for archive A (NULL: the library).  INJECT: for an archived
 * page (ASCII-only, since the page may use any charset; brings its CSS). */
void page_bar(smz_strbuf *b, req *q, const archive *a, const char *pattern, int inject);
/* The bar injected into A's pages: the same for every page of A in Q's
 * language, so built once per language; NULL when out of memory. */
const char *page_bar_injected(req *q, archive *a, size_t *len);
/* The page's head and bar, in Q's language (<html lang dir>). */
void page_begin(smz_strbuf *b, req *q, const char *title, const archive *a, const char *pattern);
/* page_begin with HEAD (trusted markup, NULL for none) at the end of <head>. */
void page_begin_head(smz_strbuf *b, req *q, const char *title, const archive *a, const char *pattern,
                     const char *head);

/* MSGID in Q's language (smz/i18n.h); TR and NTR are xgettext's keywords.
 * A translation is text like any other: it goes out escaped (tr_html,
 * smz__tr_fill), so that a catalogue cannot put markup into a page. */
#define TR(q, s) smz_tr((q)->lang, s)
#define NTR(q, one, many, n) smz_ntr((q)->lang, one, many, n)
/* MSGID in Q's language, HTML-escaped. */
void tr_html(smz_strbuf *b, const req *q, const char *msgid);
/* "?lang=TAG" (FIRST) or "&amp;lang=TAG" when Q's language came from
 * ?lang=, which our links keep; nothing otherwise. */
void lang_keep(smz_strbuf *b, const req *q, int first);
/* The same for a form: a hidden lang field. */
void lang_keep_input(smz_strbuf *b, const req *q);
void page_end(smz_strbuf *b);
int page_send(req *q, int status, smz_strbuf *b);
/* Where our bar goes in HTML: the start of <body>'s content; -1 for a page
 * with no body to put it in (a frameset). */
long page_bar_at(const unsigned char *html, size_t n);
/* Human-readable figures, in Q's language. */
void fmt_count(smz_strbuf *b, const req *q, uint64_t n);
void fmt_size(smz_strbuf *b, const req *q, uint64_t n);
/* The token in the injected bar's suggestion URL for archive A: 32 hex
 * digits and a NUL into OUT.  The page's sandbox makes its origin opaque, so
 * the bar's fetch of /suggest is cross-origin; only a request carrying its
 * archive's token is answered with CORS for the origin "null" (query.c). */
void bar_token(const srv *s, const archive *a, char out[33]);
/* 1 when TOKEN is A's. */
int bar_token_ok(const srv *s, const archive *a, const char *token);
/* An error page (with the bar of A, or of the library when A is NULL). */
int h_error(req *q, int status, const archive *a, const char *title, const char *msg);
/* A 404 for the missing PATH (decoded; the part inside archive A, or
 * after the archive's name when there is no such archive) that offers a
 * search for its words in A (NULL: in all archives). */
int h_missing(req *q, const archive *a, const char *title, const char *msg, const char *path);
/* The library's front page: the archives' cards, filtered by ?language=
 * (a Language code), ?tag= and ?q= (words in the title, description or
 * tags). */
int h_library(req *q);
/* /opds: what the OPDS catalog is, its address for apps, its feeds. */
int h_opds_page(req *q);
/* The OPDS feeds' types (opds.c). */
#define OPDS_NAV "application/atom+xml;profile=opds-catalog;kind=navigation"
#define OPDS_ACQ "application/atom+xml;profile=opds-catalog;kind=acquisition"

#endif
