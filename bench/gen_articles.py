#!/usr/bin/env python3
"""Generates a deterministic collection of N small HTML articles for the benchmarks.

Each article is 0.3-0.9 KB of HTML (a stub-sized article: small enough that the 1M-entry
point fits the benchmark's time budget): a unique title, one or a few paragraphs of words drawn
from a Zipf-distributed vocabulary (real English words at the top ranks so that the
search queries in bench/queries/gen.txt match, pseudo-words in the tail), links to
other articles, and a Chinese paragraph in about one article in ten.  The same N
and seed always give byte-identical files.  Layout: OUT/index.html,
OUT/illustration-48.png, OUT/a/BBBB/NNNNNNN.html (1000 articles per folder, so no
folder gets huge).

Usage: gen_articles.py OUT N [--seed S] [--jobs J]
"""
import argparse
import bisect
import itertools
import os
import random
import sys
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util  # noqa: E402

PER_DIR = 1000

ENGLISH = """the of and to in a is that for it as was with be by on not he this are or his
from at which but have an they you were had her she there been one all their has would
more when if will two no other time new some could these may then do first any my now
such like our over man me even most made after also did many before must through back
years where much your way well down should because each just those people how too
little state good very make world still own see men work long get here between both life
being under never day same another know while last might us great old year off come
since against go came right used take three river market history music garden village
station harbour mountain island library museum school bridge forest valley winter summer
autumn spring railway castle church theatre festival football science physics chemistry
biology medicine language grammar poetry novel painting sculpture architecture economy
trade merchant farmer engineer soldier king queen empire republic election parliament
council treaty battle war peace revolution independence culture tradition religion
temple monastery desert ocean lake canal volcano earthquake climate weather rainfall
population census migration city town province county district capital border coast
north south east west computer software network database algorithm compiler kernel
protocol encryption archive compression telescope planet comet galaxy satellite rocket
orbit telegraph printing newspaper magazine radio television cinema photograph camera
bicycle automobile airplane airport highway tunnel lighthouse canyon glacier meadow
orchard vineyard wheat barley rice cotton silk wool copper iron steel coal petroleum
hydrogen oxygen carbon nitrogen protein enzyme vaccine hospital surgeon nurse pharmacy
philosopher mathematician astronomer historian composer orchestra symphony opera ballet
""".split()

ZH = ("北京 上海 广州 历史 经济 文化 科学 技术 大学 图书馆 博物馆 火车站 河流 山脉 "
      "城市 农村 政府 人口 语言 音乐 电影 报纸 学校 医院 公园 花园 市场 工厂 铁路 "
      "港口 海洋 湖泊 森林 天气 春天 夏天 秋天 冬天 朋友 家庭 老师 学生 工程师 "
      "数据库 计算机 软件 网络 压缩 档案 搜索 引擎 世界 国家 地区 省份 首都").split()

SYLL = ("ka ro mi ten sa lu vor pel dra ni gu fen to bar li es qua mon zel ri "
        "ta ven so pra kel du mar hi sto lan fi gor be nu cas tel ora im").split()


def vocabulary():
    rng = random.Random(12345)
    words = list(dict.fromkeys(ENGLISH))
    seen = set(words)
    while len(words) < 30000:
        w = "".join(rng.choice(SYLL) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    # A table in which each word appears in proportion to its Zipf weight, so that
    # uniform sampling from it (fast) is Zipf sampling from the vocabulary.
    cum = list(itertools.accumulate(1.0 / (r + 1) ** 1.05 for r in range(len(words))))
    size = 1 << 18
    table = [words[min(bisect.bisect_left(cum, (k + 0.5) * cum[-1] / size), len(words) - 1)]
             for k in range(size)]
    return words, table


WORDS, TABLE = vocabulary()


def article_path(i):
    return "a/%04d/%07d.html" % (i // PER_DIR, i)


def title_of(rng, i):
    t = " ".join(rng.choices(WORDS[120:4000], k=rng.randint(2, 4)))
    return "%s %d" % (t.capitalize(), i)


def paragraph(rng):
    lens = [rng.randint(6, 18) for _ in range(rng.randint(2, 5))]
    ws = rng.choices(TABLE, k=sum(lens))
    out, k = [], 0
    for n in lens:
        out.append(" ".join(ws[k:k + n]).capitalize() + ".")
        k += n
    return " ".join(out)


def article(i, n, seed):
    rng = random.Random(seed * 1000003 + i)
    title = title_of(rng, i)
    target = rng.randint(100, 550)
    parts = []
    size = 0
    while size < target:
        p = paragraph(rng)
        if rng.random() < 0.3:
            j = rng.randrange(n)
            p += ' See <a href="../../%s">article %d</a>.' % (article_path(j), j)
        parts.append("<p>%s</p>" % p)
        size += len(p) + 8
    if rng.random() < 0.1:
        zh = "，".join("".join(rng.choices(ZH, k=rng.randint(3, 7))) for _ in range(rng.randint(3, 8)))
        parts.append('<p lang="zh">%s。</p>' % zh)
    return title, ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                   "<title>%s</title></head>\n<body><h1>%s</h1>\n%s\n</body></html>\n"
                   % (title, title, "\n".join(parts)))


def write_block(args):
    out, block, n, seed = args
    d = os.path.join(out, "a", "%04d" % block)
    os.makedirs(d, exist_ok=True)
    for i in range(block * PER_DIR, min(n, (block + 1) * PER_DIR)):
        _, html = article(i, n, seed)
        with open(os.path.join(out, article_path(i)), "w", encoding="utf-8") as f:
            f.write(html)
    return block


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    blocks = (a.n + PER_DIR - 1) // PER_DIR
    work = [(a.out, b, a.n, a.seed) for b in range(blocks)]
    if a.jobs > 1 and blocks > 1:
        with Pool(a.jobs) as pool:
            for _ in pool.imap_unordered(write_block, work, chunksize=4):
                pass
    else:
        for w in work:
            write_block(w)
    links = "\n".join('<li><a href="%s">%s</a></li>' % (article_path(i), article(i, a.n, a.seed)[0])
                      for i in range(min(a.n, 50)))
    with open(os.path.join(a.out, "index.html"), "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Generated '
                "articles (%d)</title></head>\n<body><h1>Generated articles</h1><ul>\n%s\n</ul>"
                "</body></html>\n" % (a.n, links))
    util.write_png48(os.path.join(a.out, "illustration-48.png"))


if __name__ == "__main__":
    main()
