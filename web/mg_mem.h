/* An in-memory connection for the server's request handling (server/'s
 * smz_server_answer): one request, made up by the caller, and the bytes the
 * answer writes, collected in a growable buffer.  mg_mem.c implements over
 * it the few CivetWeb calls that server/ makes to read a request and write
 * its answer, so that the WebAssembly module (and its native unit test)
 * answer requests with the very code smz serve runs, without CivetWeb.
 *
 * One connection answers one request at a time; it is reused for the
 * next (mg_mem_request replaces the request and empties the answer). */
#ifndef SMZ_WEB_MG_MEM_H
#define SMZ_WEB_MG_MEM_H

#include <stddef.h>

struct mg_connection;

/* The most bytes one answer may take (the module's memory is small; the
 * reader asks for large entries in ranges).  An answer past it fails. */
#define MG_MEM_MAX_ANSWER ((size_t)64 << 20)

/* A connection with no request yet; NULL when out of memory. */
struct mg_connection *mg_mem_new(void);
/* Frees C; mg_mem_free(NULL) does nothing. */
void mg_mem_free(struct mg_connection *c);

/* Makes C hold the request METHOD TARGET HTTP/1.1 with the header Host:
 * HOST and, when RANGE is neither NULL nor "", Range: RANGE, and when
 * ACCEPT_LANGUAGE is neither, Accept-Language: ACCEPT_LANGUAGE, laid out as
 * CivetWeb 1.15 leaves a request it parsed (the raw TARGET split at its
 * first '?' into the path and the query string, neither decoded).  The
 * answer is emptied.  0, or -1 when these cannot form a request line and
 * header fields (empty, too long, white space or control characters where
 * HTTP allows none) or when out of memory. */
int mg_mem_request(struct mg_connection *c, const char *method, const char *target, const char *host,
                   const char *range, const char *accept_language);

/* The bytes written for the current request (*LEN of them), or NULL when
 * a write failed (out of memory, or past MG_MEM_MAX_ANSWER). */
const unsigned char *mg_mem_answer(const struct mg_connection *c, size_t *len);

#endif
