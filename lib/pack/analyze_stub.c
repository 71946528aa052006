/* TEMPORARY until the html/article modules land. */
#include <stdlib.h>
#include "analyze.h"
smz_err smz_analyze(const char *path, const char *mime, const unsigned char *data, size_t len,
                    int want_text, int article, const char *lang, int64_t mtime, smz_analysis *out)
{
    (void)path; (void)mime; (void)data; (void)len; (void)want_text; (void)article; (void)lang; (void)mtime;
    *out = (smz_analysis){0};
    return SMZ_OK;
}
void smz_analysis_free(smz_analysis *a) { (void)a; }
