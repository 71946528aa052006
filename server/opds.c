/* The OPDS 1.2 catalog (Atom), laid out as kiwix-serve's so that OPDS
 * readers and Kiwix clients find the same things: /catalog/v2/root.xml (the
 * navigation feed), /catalog/v2/entries (every archive, with ?name=, ?lang=,
 * ?start=, ?count=), /catalog/v2/entry/UUID and the illustrations.  Text
 * from archives goes through smz__html_add_clean, which also drops what XML forbids. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "text/date.h"
#include "text/escape.h"
#include "content.h"
#include "opds.h"
#include "pages.h"
#include "sigcheck.h"

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void element(smz_strbuf *b, const char *tag, const char *value)
{
    smz_strbuf_addf(b, "<%s>", tag);
    smz__html_add_clean(b, value ? value : "");
    smz_strbuf_addf(b, "</%s>", tag);
}

static void entry(smz_strbuf *b, req *q, archive *a, int standalone)
{
    srv *s = q->s;
    int counts = reg_stats(&s->reg, a) == 0;
    smz_strbuf_adds(b, standalone ? "<entry xmlns=\"http://www.w3.org/2005/Atom\" "
                                    "xmlns:dc=\"http://purl.org/dc/terms/\" "
                                    "xmlns:opds=\"http://opds-spec.org/2010/catalog\" "
                                    "xmlns:smz=\"urn:samizdat:opds\">"
                                  : "<entry>");
    if (a->uuid[0])
        smz_strbuf_addf(b, "<id>urn:uuid:%s</id>", a->uuid);
    else
        smz_strbuf_addf(b, "<id>urn:smz:%s</id>", a->name);
    element(b, "title", a->title && a->title[0] ? a->title : a->name);
    if (smz__date_ok(a->date))
        smz_strbuf_addf(b, "<updated>%sT00:00:00Z</updated><dc:issued>%s</dc:issued>", a->date, a->date);
    else
        smz_strbuf_adds(b, "<updated>1970-01-01T00:00:00Z</updated>");
    element(b, "summary", a->description);
    element(b, "language", a->language);
    element(b, "name", a->name);
    element(b, "flavour", "");
    element(b, "category", "");
    element(b, "tags", a->tags);
    if (counts)
        smz_strbuf_addf(b, "<articleCount>%llu</articleCount><mediaCount>%llu</mediaCount>",
                        (unsigned long long)a->articles, (unsigned long long)a->media);
    smz_strbuf_adds(b, "<author><name>");
    smz__html_add_clean(b, a->creator ? a->creator : "");
    smz_strbuf_adds(b, "</name></author><publisher><name>");
    smz__html_add_clean(b, a->publisher ? a->publisher : "");
    smz_strbuf_adds(b, "</name></publisher>");
    sig_opds(b, &s->reg, a);
    if (a->license && a->license[0])
        element(b, "rights", a->license);
    if (a->illustration)
        smz_strbuf_addf(
            b,
            "<link rel=\"http://opds-spec.org/image/thumbnail\" href=\"%s/catalog/v2/illustration/%s\" "
            "type=\"image/png;width=48;height=48;scale=1\"/>",
            s->http.root, a->name);
    smz_strbuf_addf(b, "<link type=\"text/html\" href=\"%s/content/%s/\"/>", s->http.root, a->name);
    smz_strbuf_addf(
        b,
        "<link rel=\"http://opds-spec.org/acquisition/open-access\" type=\"application/x-smz\" "
        "href=\"%s/download/%s.smz\" length=\"%llu\"",
        s->http.root, a->name, (unsigned long long)a->file_size);
    if (a->tail)
        smz_strbuf_addf(b, " smz:tail=\"%llu\"", (unsigned long long)a->tail);
    if (a->minisig)
        smz_strbuf_addf(b, " smz:signature=\"%s/download/%s.smz.minisig\"", s->http.root, a->name);
    smz_strbuf_adds(b, "/>");
    /* A split archive: its parts too, for a client that cannot store one
     * file as large (FAT32), and their manifest. */
    for (unsigned k = 1; k <= a->parts; k++)
        smz_strbuf_addf(
            b,
            "<link rel=\"http://opds-spec.org/acquisition/open-access\" type=\"application/octet-stream\" "
            "href=\"%s/download/%s.smz.%03u\" length=\"%llu\" title=\"Part %u of %u\"/>",
            s->http.root, a->name, k,
            (unsigned long long)(k < a->parts ? a->part_size
                                              : a->file_size - (uint64_t)(a->parts - 1) * a->part_size),
            k, a->parts);
    /* The updates that lead to it (docs/CATALOG.md, "Updates"). */
    if (a->n_upd) {
        char prefix[SRV_NAME_MAX + 600];
        snprintf(prefix, sizeof prefix, "%s/update/%s/", s->http.root, a->name);
        for (size_t k = 0; k < a->n_upd; k++)
            smz_delta_opds_link(b, &a->upd[k], prefix);
    }
    if (a->digest[0])
        smz_strbuf_addf(b, "<smz:digest>%s</smz:digest>", a->digest);
    if (a->parts && a->manifest)
        smz_strbuf_addf(b,
                        "<link rel=\"describedby\" type=\"text/plain\" href=\"%s/download/%s.parts\" "
                        "title=\"The parts' sizes and BLAKE2b\"/>",
                        s->http.root, a->name);
    smz_strbuf_adds(b, "</entry>\n");
}

static int send_xml(req *q, smz_strbuf *b, const char *type)
{
    resp r;
    resp_init(&r, smz_strbuf_err(b) ? 500 : 200, smz_strbuf_err(b) ? "text/plain" : type);
    http_send(q, &r, smz_strbuf_str(b), smz_strbuf_len(b));
    return r.status;
}

static void feed_head(smz_strbuf *b, srv *s, const char *id, const char *self, const char *kind,
                      const char *title)
{
    char now[32];
    now_iso(now);
    smz_strbuf_adds(
        b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/terms/\" "
           "xmlns:opds=\"http://opds-spec.org/2010/catalog\" xmlns:smz=\"urn:samizdat:opds\">\n");
    smz_strbuf_addf(b, "<id>%s</id>", id);
    smz_strbuf_addf(b, "<link rel=\"self\" href=\"%s/catalog/v2/%s\" type=\"%s\"/>", s->http.root, self,
                    kind);
    smz_strbuf_addf(b, "<link rel=\"start\" href=\"%s/catalog/v2/root.xml\" type=\"" OPDS_NAV "\"/>",
                    s->http.root);
    /* The titles are for people: in the asker's language, escaped as any
     * translation is. */
    smz_strbuf_adds(b, "<title>");
    smz__html_add_clean(b, title);
    smz_strbuf_addf(b, "</title><updated>%s</updated><author><name>Samizdat</name></author>\n", now);
}

static int root_xml(req *q)
{
    char now[32];
    now_iso(now);
    smz_strbuf b;
    smz_strbuf_init(&b, 1u << 16);
    feed_head(&b, q->s, "urn:smz:root", "root.xml", OPDS_NAV, TR(q, "Samizdat library"));
    smz_strbuf_adds(&b, "<entry><title>");
    tr_html(&b, q, "All archives");
    smz_strbuf_addf(&b, "</title><id>urn:smz:entries</id><updated>%s</updated><content type=\"text\">",
                    now);
    tr_html(&b, q, "Every archive in the library.");
    smz_strbuf_addf(&b,
                    "</content><link rel=\"subsection\" href=\"%s/catalog/v2/entries\" type=\"" OPDS_ACQ
                    "\"/></entry>\n",
                    q->s->http.root);
    smz_strbuf_adds(&b, "</feed>\n");
    int rc = send_xml(q, &b, OPDS_NAV ";charset=utf-8");
    smz_strbuf_free(&b);
    return rc;
}

static int entries_xml(req *q)
{
    registry *g = &q->s->reg;
    char lang[16], name[SRV_NAME_MAX + 1];
    reg_load(g);
    int by_lang = http_param(q, "lang", 0, lang, sizeof lang) == 1;
    int by_name = http_param(q, "name", 0, name, sizeof name) == 1;
    size_t start = http_param_num(q, "start", 0, 1000000);
    size_t count = http_param_num(q, "count", 10000, 10000);
    smz_strbuf b;
    smz_strbuf_init(&b, SRV_MAX_PAGE);
    feed_head(&b, q->s, "urn:smz:entries", "entries", OPDS_ACQ, TR(q, "All archives"));
    size_t seen = 0, shown = 0;
    for (size_t i = 0; i < g->n && shown < count; i++) {
        archive *a = &g->a[i];
        if (a->state != 1 || (by_name && strcmp(a->name, name)) ||
            (by_lang && (!a->language || strncmp(a->language, lang, strlen(lang)))))
            continue;
        if (seen++ < start)
            continue;
        entry(&b, q, a, 0);
        shown++;
    }
    smz_strbuf_adds(&b, "</feed>\n");
    int rc = send_xml(q, &b, OPDS_ACQ ";charset=utf-8");
    smz_strbuf_free(&b);
    return rc;
}

static int entry_xml(req *q, const char *id)
{
    registry *g = &q->s->reg;
    reg_load(g);
    for (size_t i = 0; i < g->n; i++) {
        archive *a = &g->a[i];
        if (a->state == 1 && ((a->uuid[0] && !strcmp(a->uuid, id)) || !strcmp(a->name, id))) {
            smz_strbuf b;
            smz_strbuf_init(&b, 1u << 20);
            smz_strbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            entry(&b, q, a, 1);
            int rc = send_xml(q, &b,
                              "application/atom+xml;type=entry;profile=opds-catalog;charset=utf-8");
            smz_strbuf_free(&b);
            return rc;
        }
    }
    return h_error(q, 404, NULL, SMZ_N_("No such archive"),
                   SMZ_N_("The catalog has no entry with that id."));
}

int h_opds(req *q, const char *rest)
{
    if (!strcmp(rest, "root.xml"))
        return root_xml(q);
    if (!strcmp(rest, "entries"))
        return entries_xml(q);
    if (!strncmp(rest, "entry/", 6))
        return entry_xml(q, rest + 6);
    if (!strncmp(rest, "illustration/", 13))
        return h_illustration(q, rest + 13);
    return h_error(q, 404, NULL, SMZ_N_("Not found"), SMZ_N_("The catalog has no such page."));
}
