"""Writes the pages and texts of tests/cli/charset.sh: one realistic
sentence in each of six legacy charsets (GBK, Big5, Shift_JIS, EUC-KR,
windows-1251, windows-1252), as an HTML page without a declaration, the same
page with <meta charset>, and a .txt; a UTF-8 page without a declaration;
pages whose <meta charset> is unknown or absurd; a folder of articles with a
GBK .txt; and a WARC whose HTTP headers name the charsets of pages that do
not declare one.  Prints the cases: charset, search word, a phrase the
snippet must show.

usage: charset_site.py SITE_DIR ARTICLES_DIR WARC_FILE
"""
import os
import sys

CASES = [
    ("gbk", "zh", "长城是中国古代的军事防御工程，绵延万里，是世界上最伟大的建筑之一。游客每年都来参观八达岭。",
     "长城", "军事防御工程"),
    ("big5", "zh-Hant", "臺灣的故宮博物院收藏了許多珍貴的文物，每年吸引數百萬名觀光客前來參觀。", "博物院", "珍貴的文物"),
    ("shift_jis", "ja", "富士山は日本で一番高い山です。毎年たくさんの登山者が夏に山頂を目指します。", "富士山", "日本で一番高い山"),
    ("euc-kr", "ko", "서울은 대한민국의 수도이며 한강이 도시를 가로질러 흐릅니다. 많은 관광객이 경복궁을 방문합니다.", "경복궁",
     "대한민국의 수도"),
    ("windows-1251", "ru", "Москва является столицей России. Красная площадь и Кремль привлекают миллионы туристов каждый год.",
     "Кремль", "Красная площадь"),
    ("windows-1252", "fr", "Le château de Versailles était la résidence des rois de France. Les jardins à la française "
     "sont célèbres dans le monde entier.", "château", "résidence des rois"),
]


def page(lang, title, text, head=""):
    return ('<!DOCTYPE html><html lang="%s"><head>%s<title>%s</title></head><body><h1>%s</h1><p>%s</p>'
            '<p>%s</p></body></html>') % (lang, head, title, title, text, text)


def main():
    site, arts, warc = sys.argv[1:4]
    os.makedirs(site, exist_ok=True)
    os.makedirs(arts, exist_ok=True)
    records = []
    for cs, lang, text, word, phrase in CASES:
        with open(os.path.join(site, cs + "-nometa.html"), "wb") as f:
            f.write(page(lang, word, text).encode(cs))
        with open(os.path.join(site, cs + "-meta.html"), "wb") as f:
            f.write(page(lang, word + " 2", text, '<meta charset="%s">' % cs).encode(cs))
        with open(os.path.join(site, cs + ".txt"), "wb") as f:
            f.write((word + "\n\n" + text + "\n").encode(cs))
        body = page(lang, word + " 3", text).encode(cs)
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=%s\r\nContent-Length: %d\r\n\r\n"
                % (cs.upper().encode(), len(body))) + body
        records.append((b"http://example.org/%s.html" % cs.encode(), http))
        print("%s\t%s\t%s" % (cs, word, phrase))
    u = ("<!DOCTYPE html><html><head><title>Über Zürich</title></head><body><h1>Über Zürich</h1>"
         "<p>Zürich liegt am Zürichsee. Die Bahnhofstraße ist berühmt für ihre Geschäfte, und "
         "東京の友人もよく訪れます。</p></body></html>")
    with open(os.path.join(site, "utf8-nometa.html"), "wb") as f:
        f.write(u.encode("utf-8"))
    print("utf-8\tBahnhofstraße\tZürich liegt am Zürichsee")
    with open(os.path.join(site, "absurd.html"), "wb") as f:
        f.write(b'<html><head><meta charset="x-no-such-charset"><meta charset="\xff\xfe<script>">'
                b'<title>Absurd</title></head><body><p>The zebrafish swims in caf\xc3\xa9 water.</p></body></html>')
    with open(os.path.join(site, "index.html"), "wb") as f:
        f.write(b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Home</title></head><body>'
                b'<p><a href="gbk-nometa.html">GBK</a></p></body></html>')
    with open(os.path.join(arts, "greatwall.txt"), "wb") as f:
        f.write(("万里长城\n\n" + CASES[0][2] + "\n\n长城东起山海关，西至嘉峪关。\n").encode("gbk"))
    with open(os.path.join(arts, "moscow.txt"), "wb") as f:
        f.write(("Москва\n\n" + CASES[4][2] + "\n").encode("windows-1251"))
    with open(warc, "wb") as f:
        for i, (uri, http) in enumerate(records):
            f.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri + b"\r\n"
                    b"WARC-Date: 2022-02-01T00:00:00Z\r\n"
                    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n" % (i + 1) +
                    b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                    % len(http) + http + b"\r\n\r\n")


main()
