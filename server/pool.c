/* The reader pool of pool.h: borrowing and giving back reader handles, one
 * mutex over every archive's list of idle handles (held only to take or put
 * one pointer; handles are opened and closed outside it). */
#include <stdlib.h>
#include "pool.h"

void pool_init(pool *p, registry *reg, smz_cache *cache)
{
    pthread_mutex_init(&p->mu, NULL);
    p->reg = reg;
    p->cache = cache;
}

void pool_destroy(pool *p)
{
    for (size_t i = 0; p->reg && i < p->reg->n; i++)
        while (p->reg->a[i].n_idle)
            smz_reader_close(p->reg->a[i].idle[--p->reg->a[i].n_idle]);
    pthread_mutex_destroy(&p->mu);
}

int lease_init(lease *l, const pool *p)
{
    size_t n = p->reg->n ? p->reg->n : 1;
    l->readers = calloc(n, sizeof *l->readers);
    l->borrowed = calloc(n, sizeof *l->borrowed);
    l->n_borrowed = 0;
    if (!l->readers || !l->borrowed) {
        lease_free(l);
        return -1;
    }
    return 0;
}

void lease_free(lease *l)
{
    free(l->readers);
    free(l->borrowed);
    l->readers = NULL;
    l->borrowed = NULL;
    l->n_borrowed = 0;
}

smz_err pool_borrow(pool *p, lease *l, archive *a, smz_reader **out)
{
    size_t i = (size_t)(a - p->reg->a);
    smz_reader *r = NULL;
    *out = NULL;
    if (l->readers[i]) {
        *out = l->readers[i];
        return SMZ_OK;
    }
    pthread_mutex_lock(&p->mu);
    if (a->n_idle)
        r = a->idle[--a->n_idle];
    pthread_mutex_unlock(&p->mu);
    if (!r) {
        smz_err rc = smz_reader_open_lang(a->path, p->cache, p->reg->lang, &r);
        if (rc != SMZ_OK) {
            reg_warn_open(p->reg, a, r, rc);
            smz_reader_close(r);
            return rc;
        }
    }
    l->readers[i] = r;
    l->borrowed[l->n_borrowed++] = i;
    *out = r;
    return SMZ_OK;
}

void pool_return(pool *p, lease *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->n_borrowed; k++) {
        size_t i = l->borrowed[k];
        archive *a = &p->reg->a[i];
        smz_reader *r = l->readers[i];
        l->readers[i] = NULL;
        pthread_mutex_lock(&p->mu);
        if (a->n_idle < SRV_POOL_IDLE) {
            a->idle[a->n_idle++] = r;
            r = NULL;
        }
        pthread_mutex_unlock(&p->mu);
        smz_reader_close(r);
    }
    l->n_borrowed = 0;
}
