// The ranked answer of libzim's Searcher (the engine under kiwix-search and
// kiwix-serve) for judged-relevance runs (bench/relevance.py): kiwix-search
// prints titles only, and titles are not unique in a manual, so the paths come
// from here.  kiwix-search 3.3 asks the same Searcher for results 0-9 of
// zim::Query(PATTERN); relevance.py checks that its titles agree.
// Prints "QUERY<TAB>RANK<TAB>PATH<TAB>TITLE" for the first N hits of each query
// (RANK from 1), and "QUERY<TAB>0<TAB><TAB>" when there is none.
// Usage: rank_zim ARCHIVE.zim QUERIES_FILE [N]   (one query a line; N default 10)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <zim/archive.h>
#include <zim/search.h>

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: rank_zim ARCHIVE QUERIES_FILE [N]\n");
        return 2;
    }
    int n = argc == 4 ? std::atoi(argv[3]) : 10;
    if (n < 1)
        n = 10;
    try {
        zim::Archive a(argv[1]);
        zim::Searcher searcher(a);
        std::ifstream in(argv[2]);
        for (std::string q; std::getline(in, q);) {
            if (q.empty())
                continue;
            int rank = 0;
            try {
                zim::Search s = searcher.search(zim::Query(q));
                zim::SearchResultSet rs = s.getResults(0, n);
                for (auto it = rs.begin(); it != rs.end(); ++it)
                    std::printf("%s\t%d\t%s\t%s\n", q.c_str(), ++rank, it.getPath().c_str(),
                                it.getTitle().c_str());
            } catch (const std::exception &e) {
                // a query Xapian cannot parse finds nothing, as in kiwix-search
                std::fprintf(stderr, "rank_zim: %s: %s\n", q.c_str(), e.what());
            }
            if (rank == 0)
                std::printf("%s\t0\t\t\n", q.c_str());
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "rank_zim: %s\n", e.what());
        return 1;
    }
    return 0;
}
