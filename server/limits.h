/* Caps on what a request or an archive can make the server handle, in one
 * place so that the layers of server/ agree on them.
 *
 * Layer 1 of server/ (see server.c): includes nothing. */
#ifndef SMZ_SERVER_LIMITS_H
#define SMZ_SERVER_LIMITS_H

#define SRV_MAX_PAGE (8u << 20)           /* a generated page or JSON document */
#define SRV_MAX_INJECT (32u << 20)        /* larger HTML is served without the bar */
#define SRV_CHUNK (64u << 10)             /* streaming piece */
#define SRV_ONE_WRITE ((size_t)256 << 10) /* bodies sent with their header block */
#define SRV_BAR_LOOK 4096                 /* bytes of a page looked at first for where the bar goes */
#define SRV_BAR_MARGIN 16                 /* ... and how far from their end the answer must be */
#define SRV_HEAD_GUESS 2048               /* room made at once for a header block */
#define SRV_MAX_REQUEST                                                                                 \
    "1048576" /* request head bytes: all the cookies a
                                        browser keeps for one host (180 x 4 KiB) */
#define SRV_MAX_REQUEST_BYTES 1048576
#define SRV_MAX_PATTERN 512 /* search query bytes */
#define SRV_MAX_TERM 256    /* suggestion prefix bytes */
#define SRV_MAX_PAGELEN 100 /* results per page */
#define SRV_MAX_START 1000  /* deepest result offset */
#define SRV_MAX_NAMES 64    /* archives named in one search */
#define SRV_NAME_MAX 100    /* archive name bytes */
#define SRV_POOL_IDLE 32    /* idle reader handles kept per archive */

#endif
