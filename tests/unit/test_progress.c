/* The writer's progress (smz_writer_opts.progress, smz/writer.h): the
 * phases come in order and end with DONE, the counters only grow,
 * compressed_bytes reaches input_bytes by the time the index is built.
 * (The heartbeat, while a slow cluster compresses, shows in
 * tests/cli/cli_edges.sh.)  Also the command line's
 * metadata values, checked as a metadata file's are (smz_pack_meta_set). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "smz/pack.h"
#include "smz/writer.h"
#include "testutil.h"

typedef struct seen {
    int calls, ordered, grows, bounded;
    smz_phase phase;
    smz_progress last;
    uint64_t compressed_at_index; /* compressed_bytes when INDEXING began */
    uint64_t input_at_index;
    int phases[SMZ_PHASE_DONE + 1]; /* calls in each */
} seen;

static void on_progress(void *ctx, const smz_progress *p)
{
    seen *s = ctx;
    if (s->calls++ == 0) {
        s->ordered = s->grows = s->bounded = 1;
    } else {
        if (p->phase < s->phase)
            s->ordered = 0;
        if (p->entries < s->last.entries || p->input_bytes < s->last.input_bytes ||
            p->compressed_bytes < s->last.compressed_bytes)
            s->grows = 0;
    }
    if (p->compressed_bytes > p->input_bytes)
        s->bounded = 0;
    if (p->phase == SMZ_PHASE_INDEXING && s->phase != SMZ_PHASE_INDEXING) {
        s->compressed_at_index = p->compressed_bytes;
        s->input_at_index = p->input_bytes;
    }
    if (p->phase >= SMZ_PHASE_READING && p->phase <= SMZ_PHASE_DONE)
        s->phases[p->phase]++;
    s->phase = p->phase;
    s->last = *p;
}

static void test_phases(void)
{
    seen s;
    memset(&s, 0, sizeof s);
    smz_writer *w = NULL;
    /* Small clusters at a high level: several clusters, and the last one
     * takes long enough for a heartbeat or two. */
    smz_writer_opts wo = {.threads = 2,
                          .level = 19,
                          .cluster_size = 128 << 10,
                          .progress = on_progress,
                          .progress_ctx = &s};
    CHECK(smz_writer_new("p.smz", &wo, &w) == SMZ_OK, "a writer with a progress callback");
    uint64_t rnd = 42;
    char *page = malloc(64 << 10);
    smz_err rc = page ? SMZ_OK : SMZ_E_NOMEM;
    for (int i = 0; rc == SMZ_OK && i < 40; i++) {
        size_t n = 0;
        while (n + 12 < (64u << 10)) {
            uint32_t r = testutil_rnd(&rnd);
            for (int k = 0; k < 6; k++)
                page[n++] = (char)('a' + (r >> (k * 4)) % 16);
            page[n++] = ' ';
        }
        char path[32], title[32];
        snprintf(path, sizeof path, "p%02d.html", i);
        snprintf(title, sizeof title, "Page %d", i);
        rc = testutil_add_page(w, path, title, page, n, page, n);
    }
    free(page);
    CHECK(rc == SMZ_OK, "40 pages of 64 KB added");
    CHECK(s.phases[SMZ_PHASE_READING] >= 40, "a call after each entry (%d)",
          s.phases[SMZ_PHASE_READING]);
    rc = testutil_finish(w, rc, "p00.html", "Progress");
    CHECK(rc == SMZ_OK, "finished: %s", smz_writer_errmsg(w));
    CHECK(s.ordered, "the phases come in order");
    CHECK(s.grows, "the counters only grow");
    CHECK(s.bounded, "compressed_bytes never passes input_bytes");
    CHECK(s.phases[SMZ_PHASE_COMPRESSING] >= 1 && s.phases[SMZ_PHASE_INDEXING] >= 1 &&
              s.phases[SMZ_PHASE_WRITING] >= 1,
          "compressing, indexing and writing are each reported (%d, %d, %d)",
          s.phases[SMZ_PHASE_COMPRESSING], s.phases[SMZ_PHASE_INDEXING], s.phases[SMZ_PHASE_WRITING]);
    CHECK(s.phases[SMZ_PHASE_SIGNING] == 0, "no signing without a signer");
    CHECK(s.phases[SMZ_PHASE_DONE] == 1 && s.last.phase == SMZ_PHASE_DONE, "DONE comes once, last");
    CHECK(s.input_at_index > 0 && s.compressed_at_index == s.input_at_index,
          "all is compressed once the index is built (%llu of %llu)",
          (unsigned long long)s.compressed_at_index, (unsigned long long)s.input_at_index);
    smz_writer_stats st;
    smz_writer_get_stats(w, &st);
    CHECK(st.clusters >= 8, "in several clusters (%llu)", (unsigned long long)st.clusters);
    CHECK(s.last.entries == st.entries && s.last.input_bytes == st.input_bytes,
          "the last report's counters are the writer's (%llu entries)", (unsigned long long)st.entries);
    smz_writer_free(w);
}

static void test_meta_set(void)
{
    smz_pack_meta *m = NULL;
    CHECK(smz_pack_meta_new(&m) == SMZ_OK, "a metadata set");
    CHECK(smz_pack_meta_set(m, "Date", "2022-13-01", "--date") == SMZ_E_INVALID,
          "--date 2022-13-01 refused");
    CHECK(!strcmp(smz_pack_meta_errmsg(m), "--date: Date must be a real date written YYYY-MM-DD"),
          "... in the metadata file's words: %s", smz_pack_meta_errmsg(m));
    CHECK(smz_pack_meta_get(m, "Date") == NULL, "... and not kept");
    CHECK(smz_pack_meta_set(m, "Language", "english", "--language") == SMZ_E_INVALID &&
              strstr(smz_pack_meta_errmsg(m), "--language: Language must be ISO 639-3 codes"),
          "--language english refused: %s", smz_pack_meta_errmsg(m));
    CHECK(smz_pack_meta_set(m, "Date", "2024-02-29", "--date") == SMZ_OK &&
              !strcmp(smz_pack_meta_get(m, "Date"), "2024-02-29"),
          "a real date is kept");
    CHECK(smz_pack_meta_set(m, "Tags", "a;b", NULL) == SMZ_OK &&
              !strcmp(smz_pack_meta_get(m, "Tags"), "a;b"),
          "tags as a;b");
    CHECK(smz_pack_meta_set(m, "Title", "", "--title") == SMZ_E_INVALID &&
              !strcmp(smz_pack_meta_errmsg(m), "--title: Title is empty"),
          "an empty title refused: %s", smz_pack_meta_errmsg(m));
    CHECK(smz_pack_meta_set(m, "Colour", "red", NULL) == SMZ_E_INVALID, "an unknown key refused");
    CHECK(smz_pack_meta_set(m, "Date", "2023-02-29", NULL) == SMZ_E_INVALID &&
              !strcmp(smz_pack_meta_get(m, "Date"), "2024-02-29"),
          "a refused value leaves the old one");
    smz_pack_meta_free(m);
}

int main(void)
{
    test_phases();
    test_meta_set();
    return CHECK_DONE();
}
