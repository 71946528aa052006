/* A pull source's list of archives (see catalog.h): read from the archives
 * of a folder, written as the OPDS feed of `smz catalog`, parsed from a feed
 * (ours or `smz serve`'s /catalog/v2/entries).  Everything in a feed comes
 * from a stranger: each value is checked for its form (hex digits, a
 * date, a size, a file name) and dropped when it has another. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smz/delta.h"
#include "smz/sign.h"
#include "smz/util.h"
#include "smz/verify.h"
#include "catalog.h"
#include "../common/i18n.h"
#include "http.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_DC "http://purl.org/dc/terms/"
#define NS_SMZ "urn:samizdat:opds"
#define REL_ACQ "http://opds-spec.org/acquisition"

static void entry_free(cat_entry *e)
{
    free(e->file);
    free(e->href);
    free(e->name);
    free(e->title);
    free(e->date);
    free(e->uuid);
    free(e->digest);
    free(e->blake2b);
    free(e->language);
    free(e->summary);
    free(e->keyid);
    free(e->sig_href);
    for (size_t i = 0; i < e->n_upd; i++) {
        free(e->upd[i].file);
        free(e->upd[i].href);
        free(e->upd[i].sig_href);
    }
    free(e->upd);
    memset(e, 0, sizeof *e);
}

void cat_list_free(cat_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->e[i]);
    free(l->e);
    memset(l, 0, sizeof *l);
}

static cat_entry *list_add(cat_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        cat_entry *e = realloc(l->e, cap * sizeof *e);
        if (!e)
            return NULL;
        l->e = e;
        l->cap = cap;
    }
    cat_entry *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    return e;
}

int cat_file_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || n > 255 || name[0] == '.' || strcmp(name + n - 4, ".smz"))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == '/' || name[i] == '\\')
            return 0;
    return smz_utf8_valid(name, n);
}

static int is_hex(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* Keeps *V when CHECK accepts it, else frees it. */
static void keep_if(char **v, int ok)
{
    if (!ok) {
        free(*v);
        *v = NULL;
    }
}

int cat_file_blake2b(int fd, char hex[65])
{
    crypto_generichash_state h;
    unsigned char buf[1 << 16], out[32];
    crypto_generichash_init(&h, NULL, 0, sizeof out);
    if (lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        crypto_generichash_update(&h, buf, (size_t)n);
    }
    crypto_generichash_final(&h, out, sizeof out);
    sodium_bin2hex(hex, 65, out, sizeof out);
    return 0;
}

/* Metadata KEY of R, or NULL (absent or unreadable: the check of a pull
 * says what is wrong with an archive; a catalog lists what it can). */
static char *meta(smz_reader *r, const char *key)
{
    char *v = NULL;
    if (smz_reader_meta(r, key, &v, NULL) != SMZ_OK)
        return NULL;
    return v;
}

int cat_entry_from_file(cat_entry *e, const char *path, int hash, char *err, size_t errlen)
{
    smz_reader *r = NULL;
    const char *why = NULL;
    int rc = -1;
    struct stat st;
    int fd = smz_file_open(path, 0, &st, &why);
    if (fd < 0) {
        snprintf(err, errlen, "%s", why);
        goto out;
    }
    e->size = (uint64_t)st.st_size;
    e->size_known = 1;
    if (hash) {
        char hex[65];
        if (cat_file_blake2b(fd, hex) != 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            goto out;
        }
        if (!(e->blake2b = strdup(hex)))
            goto nomem;
    }
    smz_err orc = smz_reader_open(path, NULL, &r);
    if (orc != SMZ_OK) {
        const char *m = r ? smz_reader_errmsg(r) : "";
        snprintf(err, errlen, "%s", m[0] ? m : smz_strerror(orc));
        goto out;
    }
    e->name = meta(r, "Name");
    e->title = meta(r, "Title");
    e->date = meta(r, "Date");
    e->uuid = meta(r, "UUID");
    e->digest = meta(r, "Digest");
    e->language = meta(r, "Language");
    e->summary = meta(r, "Description");
    keep_if(&e->date, smz_date_valid(e->date));
    keep_if(&e->uuid, is_uuid(e->uuid));
    keep_if(&e->digest, is_hex(e->digest, 64));
    /* For a catalog only: the entry table's pages are read for it. */
    uint64_t tail;
    if (hash && smz_reader_tail(r, &tail) == SMZ_OK && tail < e->size)
        e->tail = tail;
    char keyid[SMZ_KEYID_SIZE];
    smz_err sr = smz_archive_signer(r, keyid);
    e->is_signed = sr == SMZ_OK || sr == SMZ_E_INVALID;
    if (sr == SMZ_OK && !(e->keyid = strdup(keyid)))
        goto nomem;
    rc = 0;
    goto out;
nomem:
    snprintf(err, errlen, "%s", _("out of memory"));
out:
    if (fd >= 0)
        close(fd);
    smz_reader_close(r);
    return rc;
}

/* Gives each archive of L the updates of the folder DIR that lead to it. */
static int attach_updates(const char *dir, cat_list *l, char *err, size_t errlen)
{
    smz_delta_list ul = {0};
    size_t *idx = NULL;
    int rc = -1;
    if (smz_delta_scan(dir, &ul, i18n_cli(), err, errlen) != SMZ_OK)
        goto out;
    if (!ul.n) {
        rc = 0;
        goto out;
    }
    if (!(idx = malloc(ul.n * sizeof *idx)))
        goto nomem;
    for (size_t i = 0; i < l->n; i++) {
        cat_entry *e = &l->e[i];
        if (!e->digest)
            continue;
        size_t k = smz_delta_leading_to(&ul, e->digest, idx, ul.n);
        if (!k)
            continue;
        if (!(e->upd = calloc(k, sizeof *e->upd)))
            goto nomem;
        for (size_t j = 0; j < k; j++) {
            const smz_delta_file *f = &ul.u[idx[j]];
            cat_update *u = &e->upd[e->n_upd];
            if (!(u->file = strdup(f->file)))
                goto nomem;
            e->n_upd++;
            u->size = f->info.size;
            u->sig_detached = f->sig_detached;
            u->sig_inside = f->info.sig_inside;
            memcpy(u->from, f->info.old_digest, 65);
            memcpy(u->to, f->info.new_digest, 65);
        }
    }
    rc = 0;
    goto out;
nomem:
    snprintf(err, errlen, "%s", _("out of memory"));
out:
    free(idx);
    smz_delta_list_free(&ul);
    return rc;
}

static int by_file(const void *a, const void *b)
{
    return strcmp(((const cat_entry *)a)->file, ((const cat_entry *)b)->file);
}

int cat_scan_dir(const char *dir, int hash, cat_list *out,
                 void (*skip)(void *, const char *, const char *), void *ctx, char *err, size_t errlen)
{
    int rc = -1;
    char *path = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        size_t n = strlen(nm);
        if (nm[0] == '.')
            continue;
        if (n > 8 && !strcmp(nm + n - 8, ".smz.001")) {
            if (skip)
                skip(ctx, nm, _("a split archive: not mirrored (smz join it first)"));
            continue;
        }
        if (!cat_file_name_ok(nm))
            continue;
        size_t plen = strlen(dir) + n + 2;
        free(path);
        if (!(path = malloc(plen)))
            goto nomem;
        snprintf(path, plen, "%s/%s", dir, nm);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        cat_entry *e = list_add(out);
        if (!e)
            goto nomem;
        char why[512];
        if (cat_entry_from_file(e, path, hash, why, sizeof why) != 0) {
            if (skip)
                skip(ctx, nm, why);
            entry_free(e);
            out->n--;
            continue;
        }
        if (!(e->file = strdup(nm)) || (!e->name && !(e->name = strndup(nm, n - 4))))
            goto nomem;
        /* NAME.smz.minisig beside it, a file of its own (not a link). */
        char *sig = malloc(plen + 8);
        if (!sig)
            goto nomem;
        snprintf(sig, plen + 8, "%s.minisig", path);
        e->sig_detached = lstat(sig, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= SMZ_SIG_FILE_MAX;
        free(sig);
    }
    if (out->n)
        qsort(out->e, out->n, sizeof *out->e, by_file);
    if (attach_updates(dir, out, err, errlen) != 0)
        goto out;
    rc = 0;
    goto out;
nomem:
    snprintf(err, errlen, "%s", _("out of memory"));
out:
    free(path);
    closedir(d);
    return rc;
}

static void element(smz_strbuf *b, const char *tag, const char *v)
{
    if (!v)
        return;
    smz_strbuf_addf(b, "<%s>", tag);
    smz_xml_str(b, v);
    smz_strbuf_addf(b, "</%s>", tag);
}

int cat_feed_xml(const cat_list *l, char **xml, size_t *len)
{
    smz_strbuf b;
    smz_strbuf_init(&b, CATALOG_MAX);
    /* The feed's date is its newest archive's, not the time it was made:
     * the same folder gives the same bytes. */
    const char *newest = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].date && (!newest || strcmp(l->e[i].date, newest) > 0))
            newest = l->e[i].date;
    smz_strbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<feed xmlns=\"" NS_ATOM "\" xmlns:dc=\"" NS_DC "\" "
                        "xmlns:opds=\"http://opds-spec.org/2010/catalog\" xmlns:smz=\"" NS_SMZ "\">\n"
                        "<id>urn:smz:catalog</id>"
                        "<link rel=\"self\" href=\"" CATALOG_FILE "\" "
                        "type=\"application/atom+xml;profile=opds-catalog;kind=acquisition\"/>"
                        "<title>Samizdat library</title>");
    smz_strbuf_addf(&b, "<updated>%sT00:00:00Z</updated><author><name>Samizdat</name></author>\n",
                    newest ? newest : "1970-01-01");
    for (size_t i = 0; i < l->n; i++) {
        const cat_entry *e = &l->e[i];
        smz_strbuf_adds(&b, "<entry>");
        if (e->uuid)
            smz_strbuf_addf(&b, "<id>urn:uuid:%s</id>", e->uuid);
        else
            element(&b, "id", e->file);
        element(&b, "title", e->title ? e->title : e->name);
        if (e->date)
            smz_strbuf_addf(&b, "<updated>%sT00:00:00Z</updated><dc:issued>%s</dc:issued>", e->date,
                            e->date);
        else
            smz_strbuf_adds(&b, "<updated>1970-01-01T00:00:00Z</updated>");
        element(&b, "summary", e->summary);
        element(&b, "language", e->language);
        element(&b, "name", e->name);
        element(&b, "smz:digest", e->digest);
        element(&b, "smz:blake2b", e->blake2b);
        smz_strbuf_addf(&b, "<smz:signature status=\"%s\"", e->is_signed ? "signed" : "none");
        if (e->keyid) {
            smz_strbuf_adds(&b, " key-id=\"");
            smz_xml_str(&b, e->keyid);
            smz_strbuf_adds(&b, "\"");
        }
        smz_strbuf_adds(&b,
                        "/><link rel=\"" REL_ACQ "/open-access\" type=\"application/x-smz\" href=\"");
        smz_url_segment(&b, e->file, strlen(e->file));
        smz_strbuf_addf(&b, "\" length=\"%llu\"", (unsigned long long)e->size);
        if (e->tail)
            smz_strbuf_addf(&b, " smz:tail=\"%llu\"", (unsigned long long)e->tail);
        if (e->sig_detached) {
            smz_strbuf_adds(&b, " smz:signature=\"");
            smz_url_segment(&b, e->file, strlen(e->file));
            smz_strbuf_adds(&b, ".minisig\"");
        }
        smz_strbuf_adds(&b, "/>");
        for (size_t k = 0; k < e->n_upd; k++) {
            const cat_update *u = &e->upd[k];
            smz_delta_file f = {.file = u->file, .sig_detached = u->sig_detached};
            f.info.size = u->size;
            f.info.sig_inside = u->sig_inside;
            memcpy(f.info.old_digest, u->from, 65);
            memcpy(f.info.new_digest, u->to, 65);
            smz_delta_opds_link(&b, &f, "");
        }
        smz_strbuf_adds(&b, "</entry>\n");
    }
    smz_strbuf_adds(&b, "</feed>\n");
    return smz_strbuf_detach(&b, xml, len) == SMZ_OK ? 0 : -1;
}

/* ---- Parsing a feed ------------------------------------------------------- */

static int is_el(const xmlNode *n, const char *ns, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) &&
           (ns ? n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns)
               : !n->ns || !strcmp((const char *)n->ns->href, NS_ATOM));
}

/* The text of N's children, malloc'd (NULL when empty or no memory). */
static char *text_of(const xmlNode *n)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1u << 20);
    for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            smz_strbuf_adds(&b, (const char *)c->content);
    char *s = NULL;
    if (smz_strbuf_len(&b) == 0 || smz_strbuf_detach(&b, &s, NULL) != SMZ_OK) {
        smz_strbuf_free(&b);
        return NULL;
    }
    return s;
}

static const char *attr_smz(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name) && a->ns && a->ns->href &&
            !strcmp((const char *)a->ns->href, NS_SMZ) && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return "";
}

static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name) && !a->ns && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return "";
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The last path segment of the URL U (query and fragment cut),
 * percent-decoded; NULL when it is not a file name cat_file_name_ok takes. */
static char *file_of_url(const char *u, int update)
{
    size_t end = strcspn(u, "?#");
    size_t start = end;
    while (start > 0 && u[start - 1] != '/')
        start--;
    char *s = malloc(end - start + 1);
    if (!s)
        return NULL;
    size_t k = 0;
    for (size_t i = start; i < end; i++) {
        if (u[i] == '%' && i + 2 < end && hexval(u[i + 1]) >= 0 && hexval(u[i + 2]) >= 0) {
            int c = hexval(u[i + 1]) * 16 + hexval(u[i + 2]);
            if (c == 0)
                goto bad;
            s[k++] = (char)c;
            i += 2;
        } else {
            s[k++] = u[i];
        }
    }
    s[k] = 0;
    if (update ? smz_delta_name_ok(s) : cat_file_name_ok(s))
        return s;
bad:
    free(s);
    return NULL;
}

static int parse_size(const char *s, uint64_t *out)
{
    if (!s[0] || strlen(s) > 19)
        return 0;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return 1;
}

/* A link to an update (docs/CATALOG.md, "Updates"): added to E when every
 * attribute has its form, else left out.  0, or -1 for no memory. */
static int parse_update(const xmlNode *c, const char *base, cat_entry *e)
{
    const char *from = attr_smz(c, "from"), *to = attr_smz(c, "to"), *sig = attr_smz(c, "signature");
    uint64_t size;
    if (!is_hex(from, 64) || !is_hex(to, 64) || !strcmp(from, to) ||
        !parse_size(attr(c, "length"), &size) || !attr(c, "href")[0] || e->n_upd >= 1000)
        return 0;
    cat_update u = {0};
    memcpy(u.from, from, 65);
    memcpy(u.to, to, 65);
    u.size = size;
    if (!(u.href = http_resolve(base, attr(c, "href"))))
        return -1;
    if (!(u.file = file_of_url(u.href, 1)))
        goto drop;
    if (sig[0]) {
        if (!(u.sig_href = http_resolve(base, sig)))
            goto nomem;
        u.sig_detached = 1;
    }
    /* Absent from catalogs written before updates were signed inside:
     * those then count as not signed inside (a detached signature, if
     * advertised, is used). */
    const char *inside = attr_smz(c, "signed-inside");
    u.sig_inside = !strcmp(inside, "true") || !strcmp(inside, "1");
    cat_update *v = realloc(e->upd, (e->n_upd + 1) * sizeof *v);
    if (!v)
        goto nomem;
    e->upd = v;
    e->upd[e->n_upd++] = u;
    return 0;
drop:
    free(u.href);
    return 0;
nomem:
    free(u.href);
    free(u.file);
    free(u.sig_href);
    return -1;
}

/* One <entry>: 1 when E is filled, 0 when it has no archive link (WHY
 * says so), -1 for no memory. */
static int parse_entry(const xmlNode *en, const char *base, cat_entry *e, const char **why)
{
    char *issued = NULL, *updated = NULL;
    *why = _("no acquisition link to an .smz file");
    for (const xmlNode *c = en->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char **slot = NULL;
        if (is_el(c, NULL, "title"))
            slot = &e->title;
        else if (is_el(c, NULL, "summary"))
            slot = &e->summary;
        else if (is_el(c, NULL, "language"))
            slot = &e->language;
        else if (is_el(c, NULL, "name"))
            slot = &e->name;
        else if (is_el(c, NULL, "updated"))
            slot = &updated;
        else if (is_el(c, NS_DC, "issued"))
            slot = &issued;
        else if (is_el(c, NS_SMZ, "digest"))
            slot = &e->digest;
        else if (is_el(c, NS_SMZ, "blake2b"))
            slot = &e->blake2b;
        if (slot && !*slot) {
            *slot = text_of(c);
            continue;
        }
        if (is_el(c, NULL, "id")) {
            char *id = text_of(c);
            if (id && !strncmp(id, "urn:uuid:", 9) && is_uuid(id + 9) && !e->uuid)
                e->uuid = strdup(id + 9);
            free(id);
        } else if (is_el(c, NS_SMZ, "signature")) {
            const char *st = attr(c, "status");
            e->is_signed = st[0] && strcmp(st, "none");
            const char *k = attr(c, "key-id");
            if (k[0] && strlen(k) < SMZ_KEYID_SIZE && !e->keyid)
                e->keyid = strdup(k);
        } else if (is_el(c, NULL, "link") && !strcmp(attr(c, "rel"), SMZ_DELTA_REL)) {
            if (parse_update(c, base, e) < 0)
                return -1;
        } else if (is_el(c, NULL, "link") && !e->href) {
            const char *rel = attr(c, "rel"), *href = attr(c, "href");
            uint64_t size;
            if (strncmp(rel, REL_ACQ, strlen(REL_ACQ)) || !href[0])
                continue;
            char *abs = http_resolve(base, href);
            char *file = abs ? file_of_url(abs, 0) : NULL;
            if (!file) {
                free(abs);
                continue;
            }
            e->href = abs;
            e->file = file;
            e->size_known = parse_size(attr(c, "length"), &size);
            e->size = e->size_known ? size : 0;
            /* Where the tail starts: ignored unless inside the file on a
             * 512-byte boundary (a page of any size SQLite allows). */
            uint64_t tail;
            if (e->size_known && parse_size(attr_smz(c, "tail"), &tail) && tail > 0 && tail < e->size &&
                tail % 512 == 0)
                e->tail = tail;
            /* Its detached signature (NAME.smz.minisig), which signs the
             * file's bytes. */
            const char *sig = attr_smz(c, "signature");
            if (sig[0]) {
                if (!(e->sig_href = http_resolve(base, sig)))
                    return -1;
                e->sig_detached = 1;
            }
        }
    }
    /* The date a person gave the archive (dc:issued), else the feed's. */
    if (smz_date_valid(issued)) {
        e->date = issued;
        issued = NULL;
    } else if (updated && strlen(updated) >= 10) {
        updated[10] = 0;
        if (smz_date_valid(updated)) {
            e->date = updated;
            updated = NULL;
        }
    }
    free(issued);
    free(updated);
    keep_if(&e->digest, is_hex(e->digest, 64));
    keep_if(&e->blake2b, is_hex(e->blake2b, 64));
    if (!e->href)
        return 0;
    if (!e->size_known) {
        *why = _("its link gives no length");
        return 0;
    }
    if (!e->name)
        e->name = strndup(e->file, strlen(e->file) - 4);
    return 1;
}

int cat_parse_feed(const char *xml, size_t len, const char *base, cat_list *out,
                   void (*skip)(void *, const char *, const char *), void *ctx, char *err, size_t errlen)
{
    int rc = -1;
    if (len > CATALOG_MAX) {
        snprintf(err, errlen, _("the catalog is larger than %u MiB"), CATALOG_MAX >> 20);
        return -1;
    }
    /* No network, no entities from outside, no DTD: a feed is data. */
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !is_el(root, NS_ATOM, "feed")) {
        snprintf(err, errlen, "%s", _("not an OPDS catalog (an Atom feed)"));
        goto out;
    }
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!is_el(c, NS_ATOM, "entry"))
            continue;
        cat_entry *e = list_add(out);
        if (!e)
            goto nomem;
        const char *why;
        int got = parse_entry(c, base, e, &why);
        if (got < 0)
            goto nomem;
        if (got == 0) {
            if (skip) {
                char *t = e->name ? e->name : e->title;
                skip(ctx, t ? t : _("(an entry)"), why);
            }
            entry_free(e);
            out->n--;
            continue;
        }
        if (!e->name)
            goto nomem;
        /* Two entries for one file: the first counts. */
        for (size_t i = 0; i + 1 < out->n; i++)
            if (!strcmp(out->e[i].file, e->file)) {
                if (skip)
                    skip(ctx, e->file, _("listed twice: the first entry counts"));
                entry_free(e);
                out->n--;
                break;
            }
    }
    if (out->n)
        qsort(out->e, out->n, sizeof *out->e, by_file);
    rc = 0;
    goto out;
nomem:
    snprintf(err, errlen, "%s", _("out of memory"));
out:
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}
