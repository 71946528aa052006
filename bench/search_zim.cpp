// The peer of bench/search_smz.c: every hit of every query through libzim's
// Searcher, the full-text engine under kiwix-search and kiwix-serve.  Prints
// "QUERY<TAB>PATH" for each hit.  Built by bench/run.sh only when libzim's
// headers are installed (Debian libzim-dev).
// Usage: search_zim ARCHIVE.zim QUERIES_FILE (one query a line)
#include <cstdio>
#include <fstream>
#include <string>
#include <zim/archive.h>
#include <zim/search.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: search_zim ARCHIVE QUERIES_FILE\n");
        return 2;
    }
    try {
        zim::Archive a(argv[1]);
        zim::Searcher searcher(a);
        std::ifstream in(argv[2]);
        for (std::string q; std::getline(in, q);) {
            if (q.empty())
                continue;
            zim::Search s = searcher.search(zim::Query(q));
            zim::SearchResultSet rs = s.getResults(0, 1000000);
            for (auto it = rs.begin(); it != rs.end(); ++it)
                std::printf("%s\t%s\n", q.c_str(), it.getPath().c_str());
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "search_zim: %s\n", e.what());
        return 1;
    }
    return 0;
}
