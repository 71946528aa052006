// The peer of bench/latency.c: the same cold and warm per-entry read latency,
// through libzim's C++ API, printed in the same format.  Built by bench/run.sh
// only when libzim's headers are installed (Debian libzim-dev).
// Usage: latency_zim ARCHIVE.zim PATHS_FILE
#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>
#include <zim/archive.h>
#include <zim/item.h>

static double now_ms()
{
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

static double pct(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    double k = (v.size() - 1) * p / 100.0;
    size_t lo = (size_t)k, hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (k - lo);
}

static size_t read_one(const zim::Archive &a, const std::string &path)
{
    zim::Item item = a.getEntryByPath(path).getItem(true);
    zim::Blob b = item.getData();
    return b.size();
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: latency_zim ARCHIVE PATHS_FILE\n");
        return 2;
    }
    std::vector<std::string> paths;
    std::ifstream in(argv[2]);
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            paths.push_back(l);
    if (paths.empty())
        return 1;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::perror(argv[1]);
        return 1;
    }
    fsync(fd);
    std::vector<double> cold, warm;
    try {
        for (const auto &p : paths) {
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            double t0 = now_ms();
            {
                zim::Archive a(argv[1]);
                read_one(a, p);
            }
            cold.push_back(now_ms() - t0);
        }
        zim::Archive a(argv[1]);
        for (const auto &p : paths)
            read_one(a, p);
        for (const auto &p : paths) {
            double t0 = now_ms();
            read_one(a, p);
            warm.push_back(now_ms() - t0);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "latency_zim: %s\n", e.what());
        return 1;
    }
    close(fd);
    std::printf("cold_p50_ms %.4f\ncold_p95_ms %.4f\nwarm_p50_ms %.4f\nwarm_p95_ms %.4f\nentries %zu\n",
                pct(cold, 50), pct(cold, 95), pct(warm, 50), pct(warm, 95), paths.size());
    return 0;
}
