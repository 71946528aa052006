/* libzim's writer (zim::writer::Creator, libzim 8.1) behind the C interface
 * of zim_write.h.  Every libzim call runs inside guard(), which catches every
 * exception (libzim's, the standard library's, and the AsyncError by which
 * the Creator hands a worker thread's failure to the caller) and turns it
 * into an smz_err with the exception's text on the handle: no exception
 * crosses into C.  The one thing read to pick the code is a std::system_error's
 * errno (a full disk is SMZ_E_NOSPACE); libzim's own write failures carry
 * only text, so the caller also checks the disk after a failure. */
#include "zim_write.h"

#include <zim/error.h>
#include <zim/uuid.h>
#include <zim/writer/contentProvider.h>
#include <zim/writer/creator.h>
#include <zim/writer/item.h>

#include <cerrno>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <system_error>

struct smz_zimw {
    std::unique_ptr<zim::writer::Creator> creator;
    std::string err;
    bool started = false;
    bool failed = false;
};

namespace
{

/* One item whose bytes are in memory (zim::writer::StringItem copies them
 * as well, but its constructor is private to create()). */
class MemItem : public zim::writer::Item
{
  public:
    MemItem(std::string path, std::string title, std::string mime, bool front, std::string data)
        : path_(std::move(path)), title_(std::move(title)), mime_(std::move(mime)), front_(front),
          data_(std::make_shared<std::string>(std::move(data)))
    {
    }
    std::string getPath() const override
    {
        return path_;
    }
    std::string getTitle() const override
    {
        return title_;
    }
    std::string getMimeType() const override
    {
        return mime_;
    }
    std::unique_ptr<zim::writer::ContentProvider> getContentProvider() const override
    {
        /* Shared, not copied: libzim asks once for the cluster and once
         * more for the full-text index. */
        return std::unique_ptr<zim::writer::ContentProvider>(
            new zim::writer::SharedStringProvider(data_));
    }
    zim::writer::Hints getHints() const override
    {
        return {{zim::writer::FRONT_ARTICLE, front_ ? 1 : 0}};
    }

  private:
    std::string path_, title_, mime_;
    bool front_;
    std::shared_ptr<const std::string> data_;
};

class DiskItem : public zim::writer::Item
{
  public:
    DiskItem(std::string path, std::string title, std::string mime, bool front, std::string file)
        : path_(std::move(path)), title_(std::move(title)), mime_(std::move(mime)), front_(front),
          file_(std::move(file))
    {
    }
    std::string getPath() const override
    {
        return path_;
    }
    std::string getTitle() const override
    {
        return title_;
    }
    std::string getMimeType() const override
    {
        return mime_;
    }
    std::unique_ptr<zim::writer::ContentProvider> getContentProvider() const override
    {
        return std::unique_ptr<zim::writer::ContentProvider>(new zim::writer::FileProvider(file_));
    }
    zim::writer::Hints getHints() const override
    {
        return {{zim::writer::FRONT_ARTICLE, front_ ? 1 : 0}};
    }

  private:
    std::string path_, title_, mime_;
    bool front_;
    std::string file_;
};

smz_err from_errno(int e)
{
    return e == ENOSPC || e == EDQUOT || e == EFBIG ? SMZ_E_NOSPACE : SMZ_E_IO;
}

/* The code and text of the exception being handled (called inside a catch). */
smz_err describe(std::string &msg)
{
    try {
        throw;
    } catch (const zim::AsyncError &e) {
        /* A worker thread's exception: its own type and text, not the
         * wrapper's (which adds a mangled type name). */
        try {
            e.rethrow();
        } catch (...) {
            return describe(msg);
        }
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        return SMZ_E_NOMEM;
    } catch (const std::system_error &e) {
        msg = e.what();
        return e.code().category() == std::generic_category() ||
                       e.code().category() == std::system_category()
                   ? from_errno(e.code().value())
                   : SMZ_E_IO;
    } catch (const zim::InvalidEntry &e) {
        msg = e.what();
        return SMZ_E_INVALID;
    } catch (const std::exception &e) {
        msg = e.what();
        return SMZ_E_IO;
    } catch (...) {
        msg = "unknown exception from libzim";
        return SMZ_E_INTERNAL;
    }
}

template <typename F> smz_err guard(smz_zimw *w, const char *what, F &&f)
{
    if (w->failed || !w->started) {
        w->err = w->failed ? "the ZIM writer failed before" : "the ZIM writer is not started";
        return SMZ_E_INVALID;
    }
    try {
        f();
        return SMZ_OK;
    } catch (...) {
        std::string msg;
        smz_err rc = describe(msg);
        try {
            w->err = std::string(what) + ": " + msg;
        } catch (...) {
            w->err.clear();
        }
        w->failed = true;
        return rc;
    }
}

} // namespace

extern "C" {

smz_zimw *smz__zimw_new(void)
{
    try {
        smz_zimw *w = new smz_zimw;
        w->creator.reset(new zim::writer::Creator);
        return w;
    } catch (...) {
        return nullptr;
    }
}

smz_err smz__zimw_start(smz_zimw *w, const char *path, const smz_zimw_opts *o)
{
    if (w->started) {
        w->err = "the ZIM writer is started already";
        return SMZ_E_INVALID;
    }
    w->started = true;
    return guard(w, path, [&] {
        zim::writer::Creator &c = *w->creator;
        c.configVerbose(false);
        c.configCompression(zim::Compression::Zstd);
        c.configNbWorkers(o && o->workers ? o->workers : 1);
        if (o && o->index_lang)
            c.configIndexing(true, o->index_lang);
        if (o && o->uuid)
            c.setUuid(zim::Uuid(reinterpret_cast<const char *>(o->uuid)));
        c.startZimCreation(path);
    });
}

smz_err smz__zimw_add(smz_zimw *w, const char *path, const char *title, const char *mime, int front,
                      const void *data, size_t len)
{
    return guard(w, path, [&] {
        w->creator->addItem(
            std::make_shared<MemItem>(path, title, mime, front != 0,
                                      std::string(static_cast<const char *>(data), len)));
    });
}

smz_err smz__zimw_add_file(smz_zimw *w, const char *path, const char *title, const char *mime, int front,
                           const char *file)
{
    return guard(w, path, [&] {
        w->creator->addItem(std::make_shared<DiskItem>(path, title, mime, front != 0, file));
    });
}

smz_err smz__zimw_redirect(smz_zimw *w, const char *path, const char *title, const char *target,
                           int front)
{
    return guard(w, path, [&] {
        w->creator->addRedirection(path, title, target, {{zim::writer::FRONT_ARTICLE, front ? 1u : 0u}});
    });
}

smz_err smz__zimw_meta(smz_zimw *w, const char *key, const void *data, size_t len, const char *mime)
{
    return guard(w, key, [&] {
        std::string v(static_cast<const char *>(data), len);
        if (mime)
            w->creator->addMetadata(key, v, mime);
        else
            w->creator->addMetadata(key, v);
    });
}

smz_err smz__zimw_illustration(smz_zimw *w, const void *png, size_t len)
{
    return guard(w, "Illustration_48x48@1", [&] {
        w->creator->addIllustration(48, std::string(static_cast<const char *>(png), len));
    });
}

smz_err smz__zimw_main(smz_zimw *w, const char *path)
{
    return guard(w, path, [&] { w->creator->setMainPath(path); });
}

smz_err smz__zimw_finish(smz_zimw *w)
{
    return guard(w, "finishing the ZIM file", [&] { w->creator->finishZimCreation(); });
}

const char *smz__zimw_errmsg(const smz_zimw *w)
{
    return w ? w->err.c_str() : "";
}

void smz__zimw_free(smz_zimw *w)
{
    if (!w)
        return;
    try {
        w->creator.reset(); /* joins libzim's threads */
    } catch (...) {
    }
    delete w;
}

} // extern "C"
