/* Sizes as people type them on a command line ("2G", "700M", "4096"): the
 * one parser, for smz-pack's --max-size, --max-entry-size and --split and
 * smz split --size; and sizes as people read them (smz-pack's summary).
 * See smz/util.h. */
#include <stdint.h>
#include <stdio.h>
#include "smz/util.h"

smz_err smz_size_parse(const char *text, uint64_t *out)
{
    const uint64_t max = (uint64_t)1 << 62;
    uint64_t v = 0;
    const char *p = text;
    *out = 0;
    if (*p < '0' || *p > '9')
        return SMZ_E_INVALID;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > max / 10)
            return SMZ_E_INVALID;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    unsigned shift = 0;
    switch (*p) {
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    default: break;
    }
    if (shift)
        p++;
    if (*p || v == 0 || v > max >> shift)
        return SMZ_E_INVALID;
    *out = v << shift;
    return SMZ_OK;
}

const char *smz_size_text(uint64_t n, char out[SMZ_SIZE_TEXT])
{
    static const char *const unit[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    if (n < 1000) {
        snprintf(out, SMZ_SIZE_TEXT, "%llu bytes", (unsigned long long)n);
        return out;
    }
    double v = (double)n;
    int u = -1;
    /* Up a unit before rounding would print 1000 (or 100.0 for 99.95). */
    while (v >= 999.5 && u < 5) {
        v /= 1000;
        u++;
    }
    snprintf(out, SMZ_SIZE_TEXT, v < 99.95 ? "%.1f %s" : "%.0f %s", v, unit[u]);
    return out;
}
