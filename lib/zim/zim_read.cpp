// Reading a ZIM file through libzim (see zim_read.h): the project's only C++,
// kept to what the C interface needs.  Every entry point is a function of
// guard(), which catches whatever libzim throws and leaves it on the handle
// as a message and an smz_err: the C side never sees an exception.  libzim
// is used from one thread only (the packer's), so the handle needs no lock.
#include "zim/zim_read.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <exception>
#include <iostream>
#include <new>
#include <vector>
#include <string>
#include <zim/archive.h>
#include <zim/entry.h>
#include <zim/error.h>
#include <zim/item.h>

#ifndef SMZ_LIBZIM_VERSION
#define SMZ_LIBZIM_VERSION "unknown"
#endif

using Range = zim::Archive::EntryRange<zim::EntryOrder::efficientOrder>;
using Iter = zim::Archive::iterator<zim::EntryOrder::efficientOrder>;

struct smz_zim {
    std::string path;
    std::string err;
    zim::Archive *archive = nullptr;
    Range *range = nullptr;
    Iter *it = nullptr;
    bool started = false;
    bool old_scheme = false;
    // The entry at hand: its strings and, for content, its item.
    std::string e_path, e_title, e_mime, e_target, main_path;
    zim::Item *item = nullptr;
    ~smz_zim()
    {
        delete item;
        delete it;
        delete range;
        delete archive;
    }
};

namespace
{

// Silences an output stream while it lives.
struct Mute {
    std::ostream &os;
    std::streambuf *saved;
    explicit Mute(std::ostream &o) : os(o), saved(o.rdbuf(nullptr)) {}
    ~Mute()
    {
        os.rdbuf(saved);
    }
    Mute(const Mute &) = delete;
    Mute &operator=(const Mute &) = delete;
};

// An error of ours, thrown inside guard() to leave through its one exit.
struct Fail {
    smz_err code;
    std::string msg;
};

// libzim's message, its first line and at most 200 bytes of it (some quote
// whole paths of the damaged file).
std::string cut(const char *what)
{
    std::string m(what);
    size_t nl = m.find('\n');
    if (nl != std::string::npos)
        m.resize(nl);
    if (m.size() > 200)
        m = m.substr(0, 200) + "...";
    return m;
}

template <typename F> smz_err guard(smz_zim *z, F f)
{
    // libzim tells of what it finds wrong on std::cerr too (a checksum
    // mismatch, its failed assertions with a backtrace): the message is
    // ours to give, on the handle, so the stream is muted while libzim
    // runs (only this thread of the packer writes to it).
    Mute mute(std::cerr);
    try {
        z->err.clear();
        return f();
    } catch (const Fail &e) {
        z->err = e.msg;
        return e.code;
    } catch (const std::bad_alloc &) {
        z->err = "out of memory";
        return SMZ_E_NOMEM;
    } catch (const zim::ZimFileFormatError &e) {
        z->err = z->path + ": not a valid ZIM file: " + cut(e.what());
        return SMZ_E_CORRUPT;
    } catch (const std::exception &e) {
        // libzim's reads of a truncated or hostile file throw runtime_error,
        // range_error, logic_error and its own kinds: all say the file is bad.
        z->err = z->path + ": damaged ZIM file: " + cut(e.what());
        return SMZ_E_CORRUPT;
    } catch (...) {
        z->err = z->path + ": damaged ZIM file (libzim failed)";
        return SMZ_E_CORRUPT;
    }
}

// The namespaces of the old scheme that are not content: metadata (read
// through getMetadata), Xapian indexes and listings, well-known entries.
bool skipped_namespace(const std::string &path)
{
    if (path.size() < 2 || path[1] != '/')
        return false;
    return path[0] == 'M' || path[0] == 'X' || path[0] == 'Z' || path[0] == 'W';
}

// ---- the clusters' offset tables, before libzim reads one ----
//
// libzim 8 reserves the offset table a cluster's first offset announces
// before reading it (Cluster::read_header: up to 2^30 entries of 8 bytes),
// and fills it from whatever the cluster decompresses to: a hostile cluster
// of a few hundred bytes cost a pack gigabytes.  A cluster cannot hold more
// blobs than the file has entries, so each cluster's first offset is read
// here first (decompressing its first bytes only) and checked against that.
// Likewise the entry count, by which libzim sizes its tables, must fit the
// file's pointer list.

struct Fd {
    int fd;
    explicit Fd(const std::string &path) : fd(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~Fd()
    {
        if (fd >= 0)
            close(fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    // N bytes at OFF, or fewer at the end of the file.
    size_t at(uint64_t off, void *buf, size_t n) const
    {
        size_t got = 0;
        while (got < n) {
            ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        return got;
    }
};

uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

// The first WANT bytes a cluster's compressed data at OFF decompresses to,
// into OUT; how many it gave (fewer: the data ends or is broken, which
// libzim reports when it reads the cluster).
size_t first_bytes(const Fd &f, uint64_t off, int comp, unsigned char *out, size_t want)
{
    unsigned char in[4096];
    size_t done = 0;
    if (comp == 4) {
        lzma_stream st = LZMA_STREAM_INIT;
        if (lzma_stream_decoder(&st, UINT64_MAX, 0) != LZMA_OK)
            throw std::bad_alloc();
        st.next_out = out;
        st.avail_out = want;
        for (int rounds = 0; st.avail_out && rounds < 256; rounds++) {
            if (!st.avail_in) {
                size_t n = f.at(off, in, sizeof in);
                if (!n)
                    break;
                off += n;
                st.next_in = in;
                st.avail_in = n;
            }
            if (lzma_code(&st, LZMA_RUN) != LZMA_OK)
                break;
        }
        done = want - st.avail_out;
        lzma_end(&st);
    } else if (comp == 5) {
        ZSTD_DStream *d = ZSTD_createDStream();
        if (!d)
            throw std::bad_alloc();
        ZSTD_outBuffer ob = {out, want, 0};
        ZSTD_inBuffer ib = {in, 0, 0};
        for (int rounds = 0; ob.pos < want && rounds < 256; rounds++) {
            if (ib.pos == ib.size) {
                size_t n = f.at(off, in, sizeof in);
                if (!n)
                    break;
                off += n;
                ib = {in, n, 0};
            }
            if (ZSTD_isError(ZSTD_decompressStream(d, &ob, &ib)))
                break;
        }
        done = ob.pos;
        ZSTD_freeDStream(d);
    }
    return done;
}

void check_entries(const smz_zim *z, const Fd &f, uint64_t entries, uint64_t paths, uint64_t clusters);

void check_clusters(const smz_zim *z)
{
    Fd f(z->path);
    unsigned char h[80];
    if (f.fd < 0 || f.at(0, h, sizeof h) != sizeof h)
        return; // libzim opened it: what it reads is what it checks
    uint64_t entries = le(h + 24, 4), clusters = le(h + 28, 4), ptrs = le(h + 48, 8);
    // Its pointer lists must fit in the file: libzim sizes its tables by
    // these counts (12 bytes an entry for iterating in cluster order).
    struct stat sb;
    uint64_t paths = le(h + 32, 8), size = fstat(f.fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    if (paths > size || entries > (size - paths) / 8 || ptrs > size || clusters > (size - ptrs) / 8)
        throw Fail{SMZ_E_CORRUPT, z->path + ": damaged ZIM file: its header claims " +
                                      std::to_string(entries) + " entries and " +
                                      std::to_string(clusters) + " clusters, more than the file holds"};
    for (uint64_t i = 0; i < clusters; i++) {
        unsigned char p[8], info, first[8];
        if (f.at(ptrs + 8 * i, p, 8) != 8 || f.at(le(p, 8), &info, 1) != 1)
            return; // libzim's CLUSTER_PTRS check and its reads report these
        uint64_t off = le(p, 8) + 1;
        int comp = info & 0x0F, width = info & 0x10 ? 8 : 4;
        size_t got = comp <= 1 ? f.at(off, first, (size_t)width)
                               : first_bytes(f, off, comp, first, (size_t)width);
        if (got != (size_t)width)
            continue; // a short or undecodable cluster: libzim says so
        uint64_t blobs = le(first, width) / (uint64_t)width;
        if (blobs > entries + 1)
            throw Fail{SMZ_E_CORRUPT, z->path + ": damaged ZIM file: cluster " + std::to_string(i) +
                                          " claims " + std::to_string(blobs) +
                                          " offsets, in a file of " + std::to_string(entries) +
                                          " entries"};
    }
    check_entries(z, f, entries, paths, clusters);
}

// 1 when the N bytes at P hold two NULs (the ends of a path and a title).
bool terminated(const unsigned char *p, size_t n)
{
    const unsigned char *nul = (const unsigned char *)std::memchr(p, 0, n);
    return nul && std::memchr(nul + 1, 0, n - (size_t)(nul - p) - 1);
}

// Every content entry's cluster number must name a cluster: libzim sizes
// its table for iterating in cluster order by the largest (12 GB for a
// 733-byte file found by fuzz_zim).  And its path and title must end
// within the file: libzim 8 reads past its buffer looking for their ends
// (fuzz_zim under ASan).  One pass over the entries, 1 KiB of each (more
// for long names), their pointers 32 KiB at a time.
void check_entries(const smz_zim *z, const Fd &f, uint64_t entries, uint64_t paths, uint64_t clusters)
{
    const uint64_t chunk = 4096;
    std::vector<unsigned char> ptr(8 * chunk), d(65536);
    for (uint64_t i = 0; i < entries; i += chunk) {
        size_t n = (size_t)std::min(chunk, entries - i);
        if (f.at(paths + 8 * i, ptr.data(), 8 * n) != 8 * n)
            return; // libzim's DIRENT_PTRS check and its reads report it
        for (size_t j = 0; j < n; j++) {
            uint64_t at = le(&ptr[8 * j], 8);
            size_t got = f.at(at, d.data(), 1024);
            std::string which = z->path + ": damaged ZIM file: entry " + std::to_string(i + j);
            if (got < 16)
                throw Fail{SMZ_E_CORRUPT, which + " is past the end of the file"};
            // 0xFFFF a redirect, 0xFFFE and 0xFFFD the old link targets
            // and deleted entries: no cluster.
            uint64_t mime = le(d.data(), 2);
            size_t head = mime == 0xFFFF ? 12 : mime >= 0xFFFD ? 8 : 16;
            if (mime < 0xFFFD && le(d.data() + 8, 4) >= clusters)
                throw Fail{SMZ_E_CORRUPT, which + " is in cluster " +
                                              std::to_string(le(d.data() + 8, 4)) + " of " +
                                              std::to_string(clusters)};
            if (!terminated(d.data() + head, got - head) && got == 1024)
                got = f.at(at, d.data(), d.size());
            if (!terminated(d.data() + head, got - head))
                throw Fail{SMZ_E_CORRUPT, which + ": its path or title does not end"};
        }
    }
}

// The entry at the end of E's redirects; throws Fail past the limit.
zim::Entry follow(smz_zim *z, zim::Entry e)
{
    for (int hops = 0; e.isRedirect(); hops++) {
        if (hops == SMZ_ZIM_MAX_REDIRECTS)
            throw Fail{SMZ_E_REDIRECT, z->path + ": " + e.getPath() +
                                           ": a redirect loop, or a chain of over " +
                                           std::to_string(SMZ_ZIM_MAX_REDIRECTS) + " redirects"};
        e = e.getRedirectEntry();
    }
    return e;
}

// The title libzim gives, or "" when it is only the path it falls back to.
std::string title_of(const smz_zim *z, const zim::Entry &e, const std::string &path)
{
    std::string t = e.getTitle();
    std::string bare = z->old_scheme && path.size() >= 2 && path[1] == '/' ? path.substr(2) : path;
    return t == bare ? std::string() : t;
}

} // namespace

extern "C" {

smz_err smz__zim_open(const char *path, int check, smz_zim **out)
{
    smz_zim *z = new (std::nothrow) smz_zim;
    *out = z;
    if (!z)
        return SMZ_E_NOMEM;
    return guard(z, [&]() -> smz_err {
        z->path = path;
        check_clusters(z); // before libzim reads a byte of it (see above)
        z->archive = new zim::Archive(z->path);
        zim::Archive &a = *z->archive;
        // The MD5 of the whole file first: a damaged file stops here,
        // before a cluster of it is decompressed.  Then libzim's cheap
        // structural checks (pointers into the file, MIME type numbers).
        // libzim finds the user entries (namespace C) by a binary search
        // over paths it trusts to be sorted: on a file where they are not,
        // the range comes out reversed, and its count (unsigned) huge, by
        // which iterating in cluster order would size a table.
        if (a.getEntryCount() > a.getAllEntryCount())
            throw Fail{SMZ_E_CORRUPT, z->path + ": damaged ZIM file: its entries are not in path order"};
        z->old_scheme = !a.hasNewNamespaceScheme();
        z->range = new Range(a.iterEfficient());
        if (!check)
            return SMZ_OK;
        bool sum_ok = !a.hasChecksum() || a.checkIntegrity(zim::IntegrityCheck::CHECKSUM);
        if (!sum_ok)
            throw Fail{SMZ_E_CORRUPT, z->path + ": damaged ZIM file: its checksum does not match"};
        static const zim::IntegrityCheck checks[] = {zim::IntegrityCheck::DIRENT_PTRS,
                                                     zim::IntegrityCheck::CLUSTER_PTRS,
                                                     zim::IntegrityCheck::DIRENT_MIMETYPES};
        static const char *const names[] = {"an entry's offset", "a cluster's offset",
                                            "an entry's MIME type"};
        for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
            if (!a.checkIntegrity(checks[i]))
                throw Fail{SMZ_E_CORRUPT,
                           z->path + ": damaged ZIM file: " + names[i] + " is out of range"};
        return SMZ_OK;
    });
}

void smz__zim_close(smz_zim *z)
{
    delete z;
}

const char *smz__zim_errmsg(const smz_zim *z)
{
    return z ? z->err.c_str() : "out of memory";
}

smz_err smz__zim_meta(smz_zim *z,
                      smz_err (*fn)(void *ctx, const char *key, const char *value, size_t len),
                      void *ctx)
{
    return guard(z, [&]() -> smz_err {
        for (const std::string &key : z->archive->getMetadataKeys()) {
            zim::Item item = z->archive->getMetadataItem(key);
            smz_err rc;
            if (item.getSize() > SMZ_ZIM_MAX_META) {
                rc = fn(ctx, key.c_str(), nullptr, (size_t)item.getSize());
            } else {
                std::string v = item.getData();
                rc = fn(ctx, key.c_str(), v.c_str(), v.size());
            }
            if (rc != SMZ_OK)
                return rc;
        }
        return SMZ_OK;
    });
}

smz_err smz__zim_main_page(smz_zim *z, const char **path)
{
    *path = nullptr;
    return guard(z, [&]() -> smz_err {
        if (!z->archive->hasMainEntry())
            return SMZ_OK;
        zim::Entry e = follow(z, z->archive->getMainEntry());
        z->main_path = e.getPath();
        *path = z->main_path.c_str();
        return SMZ_OK;
    });
}

smz_err smz__zim_next(smz_zim *z, smz_zim_entry *out)
{
    return guard(z, [&]() -> smz_err {
        delete z->item;
        z->item = nullptr;
        for (;;) {
            if (!z->started) {
                z->it = new Iter(z->range->begin());
                z->started = true;
            } else {
                ++*z->it;
            }
            if (*z->it == z->range->end())
                return SMZ_E_NOTFOUND;
            const zim::Entry &e = **z->it;
            z->e_path = e.getPath();
            if (z->old_scheme && skipped_namespace(z->e_path))
                continue;
            z->e_title = title_of(z, e, z->e_path);
            *out = smz_zim_entry{};
            out->path = z->e_path.c_str();
            out->title = z->e_title.c_str();
            if (e.isRedirect()) {
                follow(z, e); // refuses loops and long chains
                z->e_target = e.getRedirectEntry().getPath();
                out->target = z->e_target.c_str();
                return SMZ_OK;
            }
            z->item = new zim::Item(e.getItem());
            z->e_mime = z->item->getMimetype();
            out->mime = z->e_mime.c_str();
            out->size = z->item->getSize();
            // Stored as it is (an uncompressed cluster), an entry cannot be
            // larger than the file: a size that says so was made up.
            zim::Item::DirectAccessInfo raw = z->item->getDirectAccessInformation();
            uint64_t file = z->archive->getFilesize();
            if (!raw.first.empty() && (raw.second > file || out->size > file - raw.second))
                throw Fail{SMZ_E_CORRUPT, z->path + ": damaged ZIM file: entry " + z->e_path +
                                              " claims " + std::to_string(out->size) +
                                              " bytes, past the end of the file"};
            return SMZ_OK;
        }
    });
}

smz_err smz__zim_read(smz_zim *z, uint64_t off, void *buf, size_t n)
{
    return guard(z, [&]() -> smz_err {
        if (!z->item)
            throw Fail{SMZ_E_INTERNAL, "smz__zim_read: no content entry at hand"};
        uint64_t size = z->item->getSize();
        if (off > size || n > size - off)
            throw Fail{SMZ_E_INTERNAL, "smz__zim_read: past the entry's end"};
        if (n == 0)
            return SMZ_OK;
        zim::Blob b = z->item->getData(zim::offset_type(off), zim::size_type(n));
        if (b.size() != n)
            throw Fail{SMZ_E_CORRUPT, z->path + ": " + z->e_path + ": damaged ZIM file: the entry is " +
                                          "shorter than it says"};
        std::memcpy(buf, b.data(), n);
        return SMZ_OK;
    });
}

const char *smz__zim_version(void)
{
    return SMZ_LIBZIM_VERSION;
}

} // extern "C"
