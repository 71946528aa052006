"""Writes the small, hostile web site that the serve tests pack: titles that
try to break out of HTML, XML and JSON, awkward paths (spaces, '?', '#',
non-ASCII), a page without <body>, a frameset, a Latin-1 page, media for
byte ranges, redirects (DIR/../redirects.tsv), an illustration
(DIR/../illustration.png) and a page whose script probes what an archived
page may reach (csp.html).  Usage: site.py DIR"""
import html
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from media import png  # noqa: E402

HOSTILE = '<script>alert(1)</script> & "quotes" \'apos\''


def page(title, body, head=""):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>%s</head>\n"
            "<body>\n<h1 id=\"top\">%s</h1>\n%s\n</body></html>\n" % (title, head, html.escape(title), body))


CSP_PROBE = """
<p id="out">probing</p>
<script>
window.violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
async function probe(url) {
  try { const r = await fetch(url, {credentials: 'include'}); return 'read ' + r.status; }
  catch (e) { return 'blocked'; }
}
window.probes = (async function () {
  const here = location.pathname.replace(/[^/]*$/, '');
  const root = location.pathname.replace(/\\/content\\/.*$/, '');
  const name = location.pathname.split('/content/')[1].split('/')[0];
  const other = new URLSearchParams(location.search).get('other') || 'OTHER';
  const r = {
    own: await probe(here + 'data/own.json'),
    library: await probe(root + '/'),
    download: await probe(root + '/download/' + name + '.smz'),
    catalog: await probe(root + '/catalog/v2/entries'),
    other: await probe(root + '/content/' + other + '/'),
    raw_other: await probe(root + '/raw/' + other + '/content/index.html'),
    outside: await probe('http://127.0.0.9:9/'),
    cookies: (function () { try { return document.cookie; } catch (e) { return 'blocked'; } })(),
  };
  document.getElementById('out').textContent = JSON.stringify(r);
  return r;
})();
</script>
<img src="http://127.0.0.9:9/tracker.png" alt="">
"""


def main(top):
    def put(rel, data):
        p = os.path.join(top, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    links = "\n".join('<p><a href="%s">%s</a></p>' % (h, t) for h, t in [
        ("a/page1.html", "page one"), ("a/page2.html", "page two"),
        ("dir%20with%20space/%C3%A9t%C3%A9.html", "summer"), ("odd%20name%3F%26%23.html", "odd"),
        ("old.html", "old"), ("media/clip.webm", "clip"), ("csp.html", "csp")])
    put("index.html", page(HOSTILE, links + '\n<p><img src="img/pic.png" alt="pic"></p>'))
    put("a/page1.html", page('"><img src=x onerror=alert(2)> Selection one', "<p>The first page.</p>"))
    put("a/page2.html", page("Selection two </title><script>alert(3)</script>", "<p>The second page.</p>"))
    # The packer decodes the entities: this title reaches the archive as markup.
    put("a/page9.html", page("&lt;script&gt;alert(6)&lt;/script&gt; Selection nine &amp; &quot;x&quot;",
                             "<p>The ninth page.</p>"))
    for i in range(3, 9):
        put("a/page%d.html" % i, page("Selection number %d" % i, "<p>Page %d of the selection.</p>" % i))
    put("dir with space/été.html", page("Été — summer", "<p>Unicode path.</p>"))
    put("odd name?&#.html", page("Odd name", "<p>A path with ? & and #.</p>"))
    put("nobody.html", '<!DOCTYPE html>\n<html><head><title>No body tag</title><meta charset="utf-8">'
        '<link rel="stylesheet" href="style.css">\n<p id="first">Text starts the body here.</p>\n')
    put("frames.html", '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN">\n<html><head>'
        '<title>Frames</title></head>\n<frameset cols="50%,50%"><frame src="a/page1.html">'
        '<frame src="a/page2.html"></frameset></html>\n')
    put("latin1.html", b'<!DOCTYPE html>\n<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title>'
        b'</head><body><p id="cafe">Caf\xe9 cr\xe8me</p></body></html>\n')
    # Where the bar goes is found past the server's first look (4 KiB), and
    # a page too large to go out with its header block.
    put("longhead.html", page("Long head", "<p>After a long head.</p>",
                              "<style>%s</style>" % "".join(".c%d { color: #%06x; }\n" % (i, i * 997)
                                                             for i in range(300))))
    put("big.html", page("Big page", "\n".join("<p>Paragraph %d of a long page.</p>" % i
                                                for i in range(9000))))
    put("style.css", "body { font-family: serif; }\n#first { color: #333; }\n")
    put("csp.html", page("CSP probe", CSP_PROBE))
    put("data/own.json", '{"own": true}\n')
    put("img/pic.png", png(64, 32, (200, 80, 40)))
    # Incompressible bytes stand in for a video: stored as is, read in ranges.
    put("media/clip.webm", bytes((i * 2654435761 >> 13) & 0xFF for i in range(700000)))
    with open(os.path.join(top, "..", "illustration.png"), "wb") as f:
        f.write(png(48, 48, (40, 120, 200)))
    with open(os.path.join(top, "..", "redirects.tsv"), "w") as f:
        f.write("old.html\tOld page\tindex.html\n")
        f.write("alias/page1.html\tAlias <b>\ta/page1.html\n")
        f.write('evil"<x>.html\t<script>alert(4)</script>\ta/page2.html\n')


if __name__ == "__main__":
    main(sys.argv[1])
