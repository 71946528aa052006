/* The capped, growable string buffer of smz/util.h.  Growth doubles from a
 * small start and never passes the caller's cap (plus one byte for the NUL),
 * and every size computation is checked before it is used. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/strbuf.h"

#define STRBUF_MIN_ALLOC 64

void smz_strbuf_init(smz_strbuf *b, size_t max)
{
    /* Half the address space is more than any caller can mean, and keeps
     * len + n + 1 from overflowing below. */
    *b = (smz_strbuf){.max = max > SIZE_MAX / 2 ? SIZE_MAX / 2 : max};
}

void smz_strbuf_free(smz_strbuf *b)
{
    if (!b)
        return;
    free(b->p);
    *b = (smz_strbuf){.max = b->max};
}

/* Records the first error and drops the contents, as curl's dynbuf does. */
static smz_err fail(smz_strbuf *b, smz_err err)
{
    size_t max = b->max;
    free(b->p);
    *b = (smz_strbuf){.max = max, .err = err};
    return err;
}

void smz_strbuf_reset(smz_strbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = 0;
}

void smz_strbuf_truncate(smz_strbuf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->p[len] = 0;
    }
}

/* Makes room for N more bytes and the NUL. */
static smz_err reserve(smz_strbuf *b, size_t n)
{
    if (b->err)
        return b->err;
    if (n > b->max || b->len > b->max - n)
        return fail(b, SMZ_E_TOOBIG);
    size_t need = b->len + n + 1; /* cannot overflow: len + n <= max < SIZE_MAX */
    if (need <= b->cap)
        return SMZ_OK;
    size_t cap = b->cap ? b->cap : STRBUF_MIN_ALLOC;
    while (cap < need)
        cap *= 2; /* need <= SIZE_MAX / 2 + 1, so this cannot overflow */
    if (cap - 1 > b->max)
        cap = b->max + 1;
    char *p = realloc(b->p, cap);
    if (!p)
        return fail(b, SMZ_E_NOMEM);
    b->p = p;
    b->cap = cap;
    return SMZ_OK;
}

smz_err smz_strbuf_reserve(smz_strbuf *b, size_t n)
{
    return reserve(b, n);
}

char *smz_strbuf_room(smz_strbuf *b, size_t n)
{
    if (reserve(b, n) != SMZ_OK)
        return NULL;
    char *at = b->p + b->len;
    b->len += n;
    b->p[b->len] = 0;
    return at;
}

void smz_strbuf_fail(smz_strbuf *b, smz_err err)
{
    assert(err != SMZ_OK);
    if (!b->err)
        (void)fail(b, err);
}

smz_err smz_strbuf_add(smz_strbuf *b, const void *mem, size_t n)
{
    smz_err rc = reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, mem, n);
    b->len += n;
    b->p[b->len] = 0;
    return SMZ_OK;
}

smz_err smz_strbuf_adds(smz_strbuf *b, const char *s)
{
    return smz_strbuf_add(b, s, strlen(s));
}

smz_err smz_strbuf_vaddf(smz_strbuf *b, const char *fmt, va_list ap)
{
    if (b->err)
        return b->err;
    va_list again;
    va_copy(again, ap);
    char small[256];
    int r = vsnprintf(small, sizeof small, fmt, ap);
    smz_err rc;
    if (r < 0) {
        rc = fail(b, SMZ_E_INVALID);
        goto out;
    }
    if ((size_t)r < sizeof small) {
        rc = smz_strbuf_add(b, small, (size_t)r);
        goto out;
    }
    if ((rc = reserve(b, (size_t)r)) != SMZ_OK)
        goto out;
    int r2 = vsnprintf(b->p + b->len, (size_t)r + 1, fmt, again);
    if (r2 != r) { /* the arguments changed under us: never keep half */
        rc = fail(b, SMZ_E_INTERNAL);
        goto out;
    }
    b->len += (size_t)r;
    rc = SMZ_OK;
out:
    va_end(again);
    return rc;
}

smz_err smz_strbuf_addf(smz_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz_err rc = smz_strbuf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *smz_strbuf_str(const smz_strbuf *b)
{
    return b->p ? b->p : "";
}

size_t smz_strbuf_len(const smz_strbuf *b)
{
    return b->len;
}

smz_err smz_strbuf_err(const smz_strbuf *b)
{
    return b->err;
}

smz_err smz_strbuf_detach(smz_strbuf *b, char **out, size_t *len)
{
    *out = NULL;
    if (len)
        *len = 0;
    smz_err rc = b->err;
    if (rc) {
        smz_strbuf_free(b);
        return rc;
    }
    char *p = b->p;
    size_t n = b->len;
    if (!p && !(p = calloc(1, 1))) {
        smz_strbuf_free(b);
        return SMZ_E_NOMEM;
    }
    *b = (smz_strbuf){.max = b->max};
    *out = p;
    if (len)
        *len = n;
    return SMZ_OK;
}
