/* What the files of lib/article share, and nothing else: lib/pack and the
 * rest of the library use article.h only.  Every name here starts with
 * smz__art_ (not part of the library's interface).
 *
 * The files are layered; each uses only those in the rows above it (and
 * lib/text, lib/util/strbuf.h), never one in its own row or below:
 *
 *   words.c  style.c                   clean text; words, lines, sentences
 *   dates.c  frontmatter.c  title.c    datelines; the --- block; titles
 *   lines.c  page.c                    what a text line is; the page frame
 *   plaintext.c  markdown.c            the two kinds of body
 *   render.c  index_page.c             the two public functions
 *
 * The text they pass one another is what smz__art_sanitize made of the
 * input: valid UTF-8 with no NUL and no control characters but '\n' and
 * '\t' (see words.c). */
#ifndef SMZ_ARTICLE_PRIV_H
#define SMZ_ARTICLE_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "article/article.h"
#include "util/strbuf.h"

#define MAX_PAGE (256u << 20) /* bytes of one generated page */
#define SUMMARY_MAX SMZ_ARTICLE_SUMMARY
#define SUMMARY_BYTES (8 * SUMMARY_MAX) /* text gathered for a summary */
#define SMZ__ART_ELLIPSIS "\xE2\x80\xA6"

/* ---- words.c: clean text, and words, lines and sentences in it */

/* Copies IN to OUT as valid UTF-8: a leading BOM is dropped, CR LF and CR
 * become LF, form feed and vertical tab LF, other control characters,
 * noncharacters U+FFFE/U+FFFF and invalid sequences U+FFFD. */
smz_err smz__art_sanitize(const char *in, size_t len, smz_strbuf *out);
/* Bytes of the white space character at S (N > 0 bytes left), else 0. */
size_t smz__art_space_at(const char *s, size_t n);
/* Moves *S and *N past white space at both ends. */
void smz__art_trim(const char **s, size_t *n);
size_t smz__art_word_count(const char *s, size_t n);
/* Appends S with runs of white space folded into one space, trimmed. */
smz_err smz__art_add_collapsed(smz_strbuf *b, const char *s, size_t n);
/* 1 when A and B are the same text once white space runs are folded (and,
 * with FOLD, ASCII case ignored). */
int smz__art_same_text(const char *a, size_t an, const char *b, size_t bn, int fold);
/* 1 when NEEDLE occurs in S[0..N), byte for byte. */
int smz__art_contains(const char *s, size_t n, const char *needle);
/* 1 when S[0..N) starts with, or is, one of the NULL-terminated LIST
 * (ASCII case ignored). */
int smz__art_any_prefix_ci(const char *s, size_t n, const char *const *list);
int smz__art_any_equal_ci(const char *s, size_t n, const char *const *list);
/* 1 when the text ends with one of the ASCII STOPS or a full-width stop. */
int smz__art_ends_with_stop(const char *s, size_t n, const char *stops);
/* Bytes of the closing quote or bracket at S, else 0. */
size_t smz__art_closing_at(const char *s, size_t n);
/* 1 when S ends a sentence, perhaps inside closing quotes or brackets. */
int smz__art_ends_sentence(const char *s, size_t n);
/* Sanitizes S (any bytes, may be NULL) into B as one trimmed line with
 * white space folded, at most MAX bytes (cut at a character). */
smz_err smz__art_clean_line(smz_strbuf *b, const char *s, size_t max);
/* Appends the words of S that fit in MAX characters, and an ellipsis when
 * something was cut. */
smz_err smz__art_add_cut_words(smz_strbuf *b, const char *s, size_t n, size_t max);
/* Reads 1..MAXD digits at S[*I]; -1 when there are none or too many. */
int smz__art_read_num(const char *s, size_t n, size_t *i, int maxd);
/* Moves *I past spaces and tabs. */
void smz__art_skip_spaces(const char *s, size_t n, size_t *i);
/* The length of the http:// or https:// URL at the start of S (trailing
 * punctuation left out), or 0: the only links out a page may have. */
size_t smz__art_http_url(const char *s, size_t n);

/* ---- style.c */

extern const char smz__art_css[];

/* ---- dates.c */

/* Parses a date at the start of S (see dates.c for the forms).  Writes
 * "YYYY-MM-DD" to OUT and returns the bytes used, or 0. */
size_t smz__art_parse_date(const char *s, size_t n, char out[11]);
/* 1 (and the date in OUT) when the line S is a dateline. */
int smz__art_dateline(const char *s, size_t n, char out[11]);
/* The UTC date of MTIME in OUT, or "" when MTIME is not after the epoch
 * or not before the year 10000. */
void smz__art_date_from_mtime(int64_t mtime, char out[11]);

/* ---- frontmatter.c */

typedef struct front_matter {
    smz_strbuf title, date, author, description, tags, lang;
    smz_strbuf publisher, translator, url; /* "publisher:"/"source:", "translator:", "url:" */
    size_t body;                           /* offset of the body after the block, 0 when none */
} front_matter;

void smz__art_fm_init(front_matter *f);
void smz__art_fm_free(front_matter *f);
/* Finds and parses a front matter block at the start of S into F. */
smz_err smz__art_fm_parse(const char *s, size_t n, front_matter *f);

/* ---- title.c */

/* The length of the first sentence of S (folded white space), without a
 * final '.' but with '?' or '!' and closing quotes kept. */
size_t smz__art_first_sentence(const char *s, size_t n);
/* Appends a title made from the paragraph a reader of the body built in
 * PARA, and frees PARA (a failure while building it is the error).  *WHOLE
 * is 1 when the title is the paragraph's whole first sentence (without its
 * final '.'), 0 when it was shortened and ends with an ellipsis. */
smz_err smz__art_title_from_paragraph(smz_strbuf *out, smz_strbuf *para, int *whole);
/* Appends a title made from a file name: "dir/some_file-name.txt" gives
 * "some file name".  NAME may be NULL. */
smz_err smz__art_title_from_name(smz_strbuf *out, const char *name);

/* ---- lines.c: the lines of a plain-text body */

typedef enum line_kind {
    L_PARA,    /* paragraph text */
    L_CAPTION, /* photo caption or credit, shown set apart */
    L_BYLINE,  /* who wrote, translated, edited it */
    L_HEADING, /* a subheading between paragraphs */
    L_BOILER,  /* site furniture: dropped */
    L_DUP,     /* the second copy of a repeated line: dropped */
    L_TITLE,   /* the headline, shown as the title: dropped from the body */
    L_DATE,    /* the dateline, shown in the header: dropped from the body */
    L_SOURCE,  /* byline, translator, publisher or URL lifted into the
                * header's source line: dropped from the body */
    L_KICKER   /* a label above the headline, shown above the title */
} line_kind;

/* What a line says of the article's source (smz__art_source_field). */
typedef enum src_field {
    SRC_NONE,
    SRC_BYLINE,     /* "By Jane Doe", "作者：..." */
    SRC_TRANSLATOR, /* "Translated by: ...", "翻译：..." */
    SRC_PUBLISHER,  /* "Source: ...", "来源：...", "Originally published by ..." */
    SRC_URL         /* an http(s) URL alone, or after "Original URL:", "原文链接：" */
} src_field;

/* 32-bit fields keep the worst case (a file of "a\n") at 16 bytes a line:
 * the input cap is far below 4 GiB. */
typedef struct tline {
    uint32_t off, len; /* trimmed line in the body */
    uint32_t block;    /* blank-line-separated block it belongs to */
    line_kind kind;
} tline;
_Static_assert(SMZ_ARTICLE_MAX_INPUT < UINT32_MAX / 4, "line offsets fit in 32 bits");

typedef struct text_doc {
    const char *s; /* the body */
    tline *lines;  /* malloc'd; the caller frees it */
    size_t n;
} text_doc;

#define LS(d, i) ((d)->s + (d)->lines[i].off)
#define LN(d, i) ((d)->lines[i].len)

/* 1 when lines of kind K are shown on the page. */
int smz__art_shown(line_kind k);
/* Cuts the body S into D's trimmed, non-blank lines, all L_PARA. */
smz_err smz__art_split_lines(const char *s, size_t n, text_doc *d);
/* The run of paragraph lines that starts at I within its block. */
size_t smz__art_para_end(const text_doc *d, size_t i);
int smz__art_alone_in_block(const text_doc *d, size_t i);
/* Marks boilerplate, captions, bylines and repeated lines. */
void smz__art_classify(text_doc *d);
/* Marks the footer after the last real paragraph as boilerplate. */
void smz__art_drop_footer(text_doc *d);
/* 1 when a first line reads as a headline. */
int smz__art_headline(const char *s, size_t n);
/* Marks short lines alone between two paragraphs as subheadings. */
void smz__art_find_headings(text_doc *d);
/* What the line S of kind KIND says of the source, and where the value
 * (a name or a URL) is in it: *OFF and *LEN.  A "By ..." line counts only
 * when KIND is L_BYLINE. */
src_field smz__art_source_field(const char *s, size_t n, line_kind kind, size_t *off, size_t *len);
/* 1 when the boilerplate line S names the site that published the text
 * ("New York MOS Himalaya | GTV", "Subscribe to Example", "(c) 2022
 * Example Media"), with the name at *OFF, *LEN. */
int smz__art_site_name(const char *s, size_t n, size_t *off, size_t *len);

/* How the title was found, for the page's heading. */
typedef enum title_origin {
    T_GIVEN,    /* options, front matter, or a headline in the text */
    T_SENTENCE, /* the whole first sentence, which the body then leaves out */
    T_DERIVED   /* made from the first sentence, shortened ("..."): the
                 * body keeps the sentence whole and the heading says so */
} title_origin;

/* ---- page.c: the frame of every generated page */

typedef struct page_info {
    const char *lang, *title, *date, *author, *description, *tags;
    const char *home_href, *home_label;
    const char *original_href; /* the original file, or NULL */
    /* Articles only ("" or NULL when unknown): */
    const char *kicker, *publisher, *translator, *source_url;
    smz_article_date_source date_source;
    title_origin title_from;
} page_info;

/* Appends PATH percent-encoded for an href; a leading '/' gets "./"
 * before it so the link can never name another host. */
smz_err smz__art_add_href(smz_strbuf *b, const char *path);
/* The interface language (smz/i18n.h) of a page in language LANG (a tag
 * or Language code, NULL or "" for none): English when ours has none. */
int smz__art_ui(const char *lang);
/* Appends <time> for the valid date YMD, in words on English pages. */
void smz__art_add_time(smz_strbuf *b, const char *ymd, const char *lang);
/* Appends everything up to the end of the header's contents (an index
 * page's with its description, an article's with date and author). */
void smz__art_page_begin(smz_strbuf *b, const page_info *pi, int is_index);
/* Appends the closing tags; returns B's error. */
smz_err smz__art_page_end(smz_strbuf *b, int is_index);

/* ---- plaintext.c and markdown.c: the body */

typedef struct render_ctx {
    smz_strbuf body;    /* HTML of the body */
    smz_strbuf text;    /* search text of the body */
    smz_strbuf summary; /* paragraph text for the summary */
    smz_strbuf title;   /* set by the caller when HAVE_TITLE, else here */
    smz_strbuf removed; /* lines left out of the reading view, each
                         * followed by '\n', in the original's order */
    smz_strbuf publisher, byline, translator, url, kicker; /* one line each, or "" */
    title_origin title_from;
    char date[11];
    smz_article_date_source date_source;
} render_ctx;

/* Renders the plain-text body S into C; finds the title unless HAVE_TITLE
 * and a dateline unless HAVE_DATE. */
smz_err smz__art_render_text(render_ctx *c, const char *s, size_t n, int have_title, int have_date);
/* Renders the Markdown body S into C; SMZ_E_TOOBIG when it nests deeper
 * than SMZ_ARTICLE_MAX_NESTING on a line. */
smz_err smz__art_render_markdown(render_ctx *c, const char *s, size_t n, int have_title);

#endif
