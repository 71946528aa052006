/* libzim's writer (zim::writer::Creator, libzim 8.1) behind the C interface
 * of zim_write.h.  Every libzim call runs inside guard(), which catches every
 * exception (libzim's, the standard library's, and the AsyncError by which
 * the Creator hands a worker thread's failure to the caller) and turns it
 * into an smz_err with the exception's text on the handle: no exception
 * crosses into C.  The one thing read to pick the code is a std::system_error's
 * errno (a full disk is SMZ_E_NOSPACE); libzim's own write failures carry
 * only text, so the caller also checks the disk after a failure.
 *
 * A stuck writer.  libzim 8.1's worker threads stop at the first error (a
 * write to a full disk), and nothing then empties its task queue: a call
 * that pushes to the queue while it is full (addItem, finishZimCreation,
 * even the Creator's destructor) sleeps in a loop forever.  So every libzim
 * call runs on a thread of the handle's own (the feeder) while the caller
 * waits and watches: when libzim's threads (those that appeared when the
 * file was started) are all gone and the feeder has been seen in a sleep
 * (nanosleep: libzim's wait for room in the queue) at every look for two
 * seconds, the call fails with SMZ_E_IO and the handle is stuck: it takes
 * no more calls, and smz__zimw_free leaves the feeder thread, the Creator
 * and the handle to the end of the process (they cannot be stopped). */
#include "zim_write.h"

#include <zim/error.h>
#include <zim/uuid.h>
#include <zim/writer/contentProvider.h>
#include <zim/writer/creator.h>
#include <zim/writer/item.h>

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#include <memory>
#include <new>
#include <string>
#include <system_error>

struct smz_zimw {
    std::unique_ptr<zim::writer::Creator> creator;
    std::string err;
    bool started = false;
    bool failed = false;
    bool stuck = false;
    /* The feeder: runs JOB, sets DONE (and EXC) under MU. */
    std::thread feeder;
    std::mutex mu;
    std::condition_variable cv;
    std::function<void()> job;
    bool has_job = false, done = false, quit = false;
    std::exception_ptr exc;
    long feeder_tid = 0;
    std::vector<long> libzim_tids; /* libzim's threads, seen after startZimCreation */
};

namespace
{

/* What every entry of ours tells libzim; the two kinds below differ in
 * where their bytes come from. */
class SmzItem : public zim::writer::Item
{
  public:
    SmzItem(std::string path, std::string title, std::string mime, bool front)
        : path_(std::move(path)), title_(std::move(title)), mime_(std::move(mime)), front_(front)
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
    zim::writer::Hints getHints() const override
    {
        return {{zim::writer::FRONT_ARTICLE, front_ ? 1 : 0}};
    }

  private:
    std::string path_, title_, mime_;
    bool front_;
};

/* One item whose bytes are in memory (zim::writer::StringItem copies them
 * as well, but its constructor is private to create()). */
class MemItem : public SmzItem
{
  public:
    MemItem(std::string path, std::string title, std::string mime, bool front, std::string data)
        : SmzItem(std::move(path), std::move(title), std::move(mime), front),
          data_(std::make_shared<std::string>(std::move(data)))
    {
    }
    std::unique_ptr<zim::writer::ContentProvider> getContentProvider() const override
    {
        /* Shared, not copied: libzim asks once for the cluster and once
         * more for the full-text index. */
        return std::unique_ptr<zim::writer::ContentProvider>(
            new zim::writer::SharedStringProvider(data_));
    }

  private:
    std::shared_ptr<const std::string> data_;
};

/* One item whose bytes wait in a file (an entry too large to hold). */
class DiskItem : public SmzItem
{
  public:
    DiskItem(std::string path, std::string title, std::string mime, bool front, std::string file)
        : SmzItem(std::move(path), std::move(title), std::move(mime), front), file_(std::move(file))
    {
    }
    std::unique_ptr<zim::writer::ContentProvider> getContentProvider() const override
    {
        return std::unique_ptr<zim::writer::ContentProvider>(new zim::writer::FileProvider(file_));
    }

  private:
    std::string file_;
};

std::vector<long> task_ids()
{
    std::vector<long> v;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return v;
    while (struct dirent *de = readdir(d))
        if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
            v.push_back(strtol(de->d_name, nullptr, 10));
    closedir(d);
    return v;
}

bool task_alive(long tid)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/task/%ld", tid);
    return access(p, F_OK) == 0;
}

/* 1 when thread TID is in clock_nanosleep or nanosleep now. */
bool task_sleeping(long tid)
{
    char p[64];
    long nr = -1;
    snprintf(p, sizeof p, "/proc/self/task/%ld/syscall", tid);
    if (FILE *f = fopen(p, "r")) {
        if (fscanf(f, "%ld", &nr) != 1)
            nr = -1;
        fclose(f);
    }
    return nr == SYS_clock_nanosleep || nr == SYS_nanosleep;
}

void feeder_main(smz_zimw *w)
{
    std::unique_lock<std::mutex> lk(w->mu);
    w->feeder_tid = static_cast<long>(syscall(SYS_gettid));
    w->cv.notify_all();
    for (;;) {
        w->cv.wait(lk, [w] { return w->has_job || w->quit; });
        if (w->quit)
            return;
        std::function<void()> job = std::move(w->job);
        w->has_job = false;
        lk.unlock();
        std::exception_ptr exc;
        try {
            job();
        } catch (...) {
            exc = std::current_exception();
        }
        lk.lock();
        w->exc = exc;
        w->done = true;
        w->cv.notify_all();
    }
}

/* Runs F on the feeder and waits for it; false when libzim is stuck (see
 * the top of the file).  F's exception is rethrown here. */
bool run_on_feeder(smz_zimw *w, std::function<void()> f)
{
    std::unique_lock<std::mutex> lk(w->mu);
    w->job = std::move(f);
    w->has_job = true;
    w->done = false;
    w->exc = nullptr;
    w->cv.notify_all();
    int asleep = 0;
    while (!w->cv.wait_for(lk, std::chrono::milliseconds(100), [w] { return w->done; })) {
        bool gone = !w->libzim_tids.empty();
        for (long t : w->libzim_tids)
            gone = gone && !task_alive(t);
        asleep = gone && task_sleeping(w->feeder_tid) ? asleep + 1 : 0;
        if (asleep >= 20) {
            w->stuck = true;
            return false;
        }
    }
    if (w->exc)
        std::rethrow_exception(w->exc);
    return true;
}

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
        if (!run_on_feeder(w, std::function<void()>(f))) {
            w->err = std::string(what) + ": libzim's writer stopped and cannot go on (a write to the "
                                         "ZIM file failed: a full disk or a file size limit?)";
            w->failed = true;
            return SMZ_E_IO;
        }
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
        std::unique_ptr<smz_zimw> w(new smz_zimw);
        w->creator.reset(new zim::writer::Creator);
        w->feeder = std::thread(feeder_main, w.get());
        std::unique_lock<std::mutex> lk(w->mu);
        w->cv.wait(lk, [&w] { return w->feeder_tid != 0; });
        lk.unlock();
        return w.release();
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
    std::vector<long> before = task_ids(), fresh;
    smz_err rc = guard(w, path, [&] {
        zim::writer::Creator &c = *w->creator;
        c.configVerbose(false);
        c.configCompression(zim::Compression::Zstd);
        c.configNbWorkers(o && o->workers ? o->workers : 1);
        if (o && o->index_lang)
            c.configIndexing(true, o->index_lang);
        if (o && o->uuid)
            c.setUuid(zim::Uuid(reinterpret_cast<const char *>(o->uuid)));
        c.startZimCreation(path);
        for (long t : task_ids())
            if (t != w->feeder_tid && std::find(before.begin(), before.end(), t) == before.end())
                fresh.push_back(t);
    });
    std::lock_guard<std::mutex> lk(w->mu);
    w->libzim_tids = std::move(fresh);
    return rc;
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
    if (w->stuck)
        return; /* left to the end of the process: see the top of the file */
    try {
        /* On the feeder too: the destructor joins libzim's threads, and
         * pushes to its queue first. */
        if (!run_on_feeder(w, [w] { w->creator.reset(); }))
            return;
    } catch (...) {
    }
    {
        std::lock_guard<std::mutex> lk(w->mu);
        w->quit = true;
        w->cv.notify_all();
    }
    w->feeder.join();
    delete w;
}

} // extern "C"
