/* JSON for /search?format=json and /suggest, built by SQLite's JSON
 * functions (json_quote, json_object) on a private in-memory connection per
 * worker thread, opened on the thread's first JSON answer (most threads
 * never give one), so that no escaper is written by hand.  Strings are first
 * repaired to valid UTF-8: SQLite passes invalid bytes through. */
#include <sqlite3.h>
#include <string.h>
#include "srv.h"

static int json_open(json_ctx *j)
{
    if (j->db)
        return 0;
    memset(j, 0, sizeof *j);
    if (sqlite3_open_v2(":memory:", &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(j->db, "SELECT json_quote(CAST(?1 AS TEXT))", -1, &j->quote, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(j->db,
                           "SELECT CASE WHEN ?5 IS NULL THEN json_object('path', ?1, 'title', ?2, "
                           "'snippet', ?3, 'score', ?4) ELSE json_object('path', ?1, 'title', ?2, "
                           "'snippet', ?3, 'score', ?4, 'content', ?5) END",
                           -1, &j->hit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(j->db, "SELECT json_object('path', ?1, 'title', ?2, 'url', ?3)", -1,
                           &j->sugg, NULL) != SQLITE_OK) {
        json_close(j);
        return -1;
    }
    return 0;
}

void json_close(json_ctx *j)
{
    sqlite3_finalize(j->quote);
    sqlite3_finalize(j->hit);
    sqlite3_finalize(j->sugg);
    sqlite3_close(j->db);
    memset(j, 0, sizeof *j);
}

/* Binds S, repaired, as parameter I; the text lives in its own buffer until
 * the statement is reset. */
static void bind_clean(sqlite3_stmt *st, int i, const char *s, hb *tmp)
{
    hb_init(tmp, SRV_MAX_PAGE);
    hb_utf8(tmp, s ? s : "");
    if (tmp->err)
        sqlite3_bind_text(st, i, "", 0, SQLITE_STATIC);
    else
        sqlite3_bind_text(st, i, hb_str(tmp), (int)tmp->n, SQLITE_STATIC);
}

static void emit(sqlite3_stmt *st, hb *out)
{
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        hb_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    else
        out->err = 1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

void json_str(json_ctx *j, hb *out, const char *s)
{
    hb t;
    if (json_open(j) != 0) {
        out->err = 1;
        return;
    }
    bind_clean(j->quote, 1, s, &t);
    emit(j->quote, out);
    hb_free(&t);
}

void json_hit(json_ctx *j, hb *out, const char *path, const char *title, const char *snippet,
              double score, const char *content)
{
    hb t[4];
    if (json_open(j) != 0) {
        out->err = 1;
        return;
    }
    bind_clean(j->hit, 1, path, &t[0]);
    bind_clean(j->hit, 2, title, &t[1]);
    bind_clean(j->hit, 3, snippet, &t[2]);
    sqlite3_bind_double(j->hit, 4, score == score ? score : 0.0);
    if (content)
        bind_clean(j->hit, 5, content, &t[3]);
    else
        hb_init(&t[3], 1);
    emit(j->hit, out);
    for (int i = 0; i < 4; i++)
        hb_free(&t[i]);
}

void json_sugg(json_ctx *j, hb *out, const char *path, const char *title, const char *url)
{
    hb t[3];
    if (json_open(j) != 0) {
        out->err = 1;
        return;
    }
    bind_clean(j->sugg, 1, path, &t[0]);
    bind_clean(j->sugg, 2, title, &t[1]);
    bind_clean(j->sugg, 3, url, &t[2]);
    emit(j->sugg, out);
    for (int i = 0; i < 3; i++)
        hb_free(&t[i]);
}
