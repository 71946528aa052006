/* The guard: keeps places for new requests while slow clients hold on.
 *
 * CivetWeb 1.15 gives every connection a worker thread from the moment it
 * is taken from the accept queue until it closes, and a thread reading a
 * request waits up to request_timeout_ms for it.  So N connections that
 * trickle their headers (slowloris), or ask for a big entry and never read
 * it, hold N threads; with N above --threads nobody else is answered.  And
 * CivetWeb shows a connection to us only once its request is complete:
 * there is no hook where a connection could be refused by its address.
 *
 * So one thread looks at the sockets themselves, every GUARD_TICK_MS: the
 * connected sockets of our listening port (from /proc/self/fd), which of
 * them a request handler is working on (each worker's slot, filled by
 * guard_mark), and how old each one is.
 *   - Per client address: over GUARD_PER_CLIENT connections from one
 *     address (127.0.0.1 and ::1 excepted: a reverse proxy on this machine
 *     brings everyone's requests from there), its stalest ones (as below) are
 *     shut down, else its newest ones not being worked on.
 *   - Under pressure (connections within `reserve` of --threads), the
 *     oldest ones that hold a place without a complete request (idle,
 *     trickling headers: older than GUARD_IDLE_MS, with no complete request
 *     waiting unread) or whose answer has not moved for GUARD_STALL_MS are
 *     shut down, until `reserve` threads are free again for new requests.
 * shutdown(2), never close(2): the socket stays CivetWeb's, its thread sees
 * the end of the connection at once and closes it itself.  A request being
 * computed is never touched. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "guard.h"

#define GUARD_TICK_MS 200
#define GUARD_IDLE_MS 1000
#define GUARD_STALL_MS 2000
#define GUARD_MAX_SOCKS 4096
#define GUARD_PEEK 4096
#define STALE_UNKNOWN (-2)

typedef struct gsock {
    int fd;
    char addr[INET6_ADDRSTRLEN];
    int port;
    int64_t first_seen;
    int state;     /* GUARD_NONE: no handler; else the slot's */
    int64_t since; /* the slot's */
    int keep;      /* still listed in this round */
    int64_t stale; /* this round's staleness (-1: keep it; STALE_UNKNOWN) */
} gsock;

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int peer_of(int fd, int port, char *addr, size_t alen, int *pport)
{
    struct sockaddr_storage ls, ps;
    socklen_t ll = sizeof ls, pl = sizeof ps;
    if (getsockname(fd, (struct sockaddr *)&ls, &ll) != 0 ||
        getpeername(fd, (struct sockaddr *)&ps, &pl) != 0)
        return -1;
    if (ls.ss_family == AF_INET && ps.ss_family == AF_INET) {
        const struct sockaddr_in *l = (const void *)&ls, *p = (const void *)&ps;
        if (ntohs(l->sin_port) != port || !inet_ntop(AF_INET, &p->sin_addr, addr, (socklen_t)alen))
            return -1;
        *pport = ntohs(p->sin_port);
        return 0;
    }
    if (ls.ss_family == AF_INET6 && ps.ss_family == AF_INET6) {
        const struct sockaddr_in6 *l = (const void *)&ls, *p = (const void *)&ps;
        if (ntohs(l->sin6_port) != port || !inet_ntop(AF_INET6, &p->sin6_addr, addr, (socklen_t)alen))
            return -1;
        *pport = ntohs(p->sin6_port);
        return 0;
    }
    return -1;
}

/* The addresses a reverse proxy on this machine connects from: 127.0.0.1
 * and ::1 exactly (other 127.x addresses are clients like any other; the
 * tests connect from 127.0.0.2 to see the cap). */
static int loopback(const char *a)
{
    return !strcmp(a, "127.0.0.1") || !strcmp(a, "::1") || !strcmp(a, "::ffff:127.0.0.1");
}

/* Whether a complete request header block waits unread on FD (a
 * connection still in CivetWeb's queue, which must keep its turn). */
static int request_waiting(int fd)
{
    char b[GUARD_PEEK + 1];
    ssize_t n = recv(fd, b, GUARD_PEEK, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0)
        return 0;
    b[n] = 0;
    return memmem(b, (size_t)n, "\r\n\r\n", 4) || memmem(b, (size_t)n, "\n\n", 2);
}

/* Shuts S down if FD is still the same connection. */
static void evict(guard *g, gsock *s)
{
    char a[INET6_ADDRSTRLEN];
    int p;
    if (peer_of(s->fd, g->port, a, sizeof a, &p) == 0 && p == s->port && !strcmp(a, s->addr)) {
        shutdown(s->fd, SHUT_RDWR);
        g->evicted++;
    }
    s->state = GUARD_EVICTED;
}

/* Lists our connected sockets into g->socks, keeping first_seen of those
 * already known. */
static void scan(guard *g)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    for (size_t i = 0; i < g->n_socks; i++)
        g->socks[i].keep = 0;
    struct dirent *de;
    int64_t now = now_ms();
    while ((de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        int fd = atoi(de->d_name);
        struct stat st;
        char a[INET6_ADDRSTRLEN];
        int p;
        if (fd == dirfd(d) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) ||
            peer_of(fd, g->port, a, sizeof a, &p) != 0)
            continue;
        gsock *s = NULL;
        for (size_t i = 0; i < g->n_socks && !s; i++)
            if (g->socks[i].fd == fd && g->socks[i].port == p && !strcmp(g->socks[i].addr, a))
                s = &g->socks[i];
        if (!s) {
            if (g->n_socks == GUARD_MAX_SOCKS)
                continue;
            s = &g->socks[g->n_socks++];
            memset(s, 0, sizeof *s);
            s->fd = fd;
            s->port = p;
            memcpy(s->addr, a, sizeof a);
            s->first_seen = now;
        }
        s->keep = 1;
    }
    closedir(d);
    size_t k = 0;
    for (size_t i = 0; i < g->n_socks; i++)
        if (g->socks[i].keep)
            g->socks[k++] = g->socks[i];
    g->n_socks = k;
}

/* Copies the handlers' view (slots) onto the sockets. */
static void match_slots(guard *g)
{
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < g->n_socks; i++) {
        gsock *s = &g->socks[i];
        if (s->state != GUARD_EVICTED)
            s->state = GUARD_NONE;
        for (size_t j = 0; j < g->n_slots; j++) {
            guard_slot *t = &g->slots[j];
            if (t->used && t->state != GUARD_NONE && t->port == s->port && !strcmp(t->addr, s->addr)) {
                if (s->state != GUARD_EVICTED)
                    s->state = t->state;
                s->since = t->since;
            }
        }
    }
    pthread_mutex_unlock(&g->mu);
}

/* Whether S may be shut down to make room, and how stale it is. */
static int64_t staleness(gsock *s, int64_t now)
{
    if (s->state == GUARD_NONE) {
        int64_t age = now - s->first_seen;
        return age >= GUARD_IDLE_MS && !request_waiting(s->fd) ? age : -1;
    }
    if (s->state == GUARD_SENDING && now - s->since >= GUARD_STALL_MS)
        return now - s->since;
    return -1;
}

/* An address over its cap loses its stalest connections first (so that a
 * fresh request from a crowded address still has its chance), then its
 * newest ones not being worked on. */
/* S's staleness this round, worked out once (it may peek at the socket). */
static int64_t stale_of(gsock *s)
{
    if (s->stale == STALE_UNKNOWN)
        s->stale = s->state == GUARD_EVICTED ? -1 : staleness(s, now_ms());
    return s->stale;
}

static void per_client(guard *g)
{
    for (size_t i = 0; i < g->n_socks; i++) {
        gsock *s = &g->socks[i];
        if (s->state == GUARD_EVICTED || loopback(s->addr))
            continue;
        for (;;) {
            size_t count = 0;
            gsock *stale = NULL, *newest = NULL;
            int64_t worst = -1;
            for (size_t j = 0; j < g->n_socks; j++) {
                gsock *o = &g->socks[j];
                if (o->state == GUARD_EVICTED || strcmp(o->addr, s->addr))
                    continue;
                count++;
                if (stale_of(o) > worst) {
                    worst = o->stale;
                    stale = o;
                }
                if (o->state != GUARD_WORKING && (!newest || o->first_seen >= newest->first_seen))
                    newest = o;
            }
            gsock *pick = stale ? stale : newest;
            if (count <= g->per_client || !pick)
                break;
            evict(g, pick);
        }
    }
}

static void make_room(guard *g)
{
    size_t live = 0;
    for (size_t i = 0; i < g->n_socks; i++)
        live += g->socks[i].state != GUARD_EVICTED;
    while (live + g->reserve > g->threads) {
        gsock *pick = NULL;
        int64_t worst = -1;
        for (size_t i = 0; i < g->n_socks; i++) {
            gsock *s = &g->socks[i];
            if (s->state != GUARD_EVICTED && stale_of(s) > worst) {
                worst = s->stale;
                pick = s;
            }
        }
        if (!pick)
            break;
        evict(g, pick);
        live--;
    }
}

static void *guard_main(void *p)
{
    guard *g = p;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += GUARD_TICK_MS * 1000000L;
        t.tv_sec += t.tv_nsec / 1000000000L;
        t.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->cv, &g->mu, &t);
        if (g->stop)
            break;
        pthread_mutex_unlock(&g->mu);
        scan(g);
        match_slots(g);
        for (size_t i = 0; i < g->n_socks; i++)
            g->socks[i].stale = STALE_UNKNOWN;
        per_client(g);
        make_room(g);
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int guard_init(guard *g, unsigned threads)
{
    memset(g, 0, sizeof *g);
    g->threads = threads;
    g->reserve = threads / 8 < GUARD_MIN_RESERVE ? GUARD_MIN_RESERVE : threads / 8;
    if (g->reserve >= threads)
        g->reserve = threads > 1 ? threads - 1 : 0;
    g->per_client = GUARD_PER_CLIENT;
    g->n_slots = threads;
    g->slots = calloc(threads, sizeof *g->slots);
    g->socks = calloc(GUARD_MAX_SOCKS, sizeof *g->socks);
    if (!g->slots || !g->socks) {
        free(g->slots);
        free(g->socks);
        return -1;
    }
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->ready = 1;
    return 0;
}

int guard_run(guard *g, int port)
{
    g->port = port;
    if (pthread_create(&g->thread, NULL, guard_main, g) != 0)
        return -1;
    g->started = 1;
    return 0;
}

void guard_free(guard *g)
{
    if (!g->ready)
        return;
    if (g->started) {
        pthread_mutex_lock(&g->mu);
        g->stop = 1;
        pthread_cond_signal(&g->cv);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
        g->started = 0;
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free(g->slots);
    free(g->socks);
    g->ready = 0;
}

guard_slot *guard_claim(guard *g)
{
    guard_slot *t = NULL;
    if (!g->ready)
        return NULL;
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < g->n_slots && !t; i++)
        if (!g->slots[i].used) {
            t = &g->slots[i];
            memset(t, 0, sizeof *t);
            t->used = 1;
        }
    pthread_mutex_unlock(&g->mu);
    return t;
}

void guard_release(guard *g, guard_slot *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->used = 0;
    pthread_mutex_unlock(&g->mu);
}

void guard_mark(guard *g, guard_slot *t, int state, const struct mg_request_info *ri)
{
    if (!t)
        return;
    int64_t now = now_ms();
    pthread_mutex_lock(&g->mu);
    if (ri) {
        snprintf(t->addr, sizeof t->addr, "%s", ri->remote_addr);
        t->port = ri->remote_port;
    }
    t->state = state;
    t->since = now;
    pthread_mutex_unlock(&g->mu);
}
