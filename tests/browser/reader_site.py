"""Writes the small web site that the reader tests pack (reader_browser.sh):
pages that link to each other, a redirect (DIR/../redirects.tsv), an image
and a stylesheet with a url() background, an audio file larger than one
4 MiB range, a page that plays it, and a page whose script probes what an
archived page may reach when the reader runs the archives' scripts
(probe.html: parent.document, the network, another archive, storage),
writing each result into its own DOM.  Usage: reader_site.py DIR"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from media import png, wav  # noqa: E402


def page(title, body, head=""):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>%s</head>\n"
            "<body>\n<h1 id=\"top\">%s</h1>\n%s\n</body></html>\n" % (title, head, title, body))


PROBE = """
<p id="out">probing</p>
<script>
(async function () {
  var r = {};
  try { r.parent = 'read ' + parent.document.title; } catch (e) { r.parent = 'blocked'; }
  try { r.top = 'read ' + top.location.href; } catch (e) { r.top = 'blocked'; }
  async function probe(u) {
    try { var x = await fetch(u); return 'read ' + x.status; } catch (e) { return 'blocked'; }
  }
  r.network = await probe('https://example.com/');
  r.local = await probe('http://127.0.0.1:9/');
  r.other = await probe('/content/samples/index.html');
  r.other_abs = await probe('http://reader.smz/content/samples/index.html');
  try { r.storage = 'read ' + localStorage.length; } catch (e) { r.storage = 'blocked'; }
  try { r.cookie = 'read ' + document.cookie; } catch (e) { r.cookie = 'blocked'; }
  document.getElementById('out').textContent = JSON.stringify(r);
})();
</script>
"""


def main(top):
    def put(rel, data):
        p = os.path.join(top, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    put("index.html", page("Reader test site", "\n".join([
        '<p><a id="l1" href="a/page1.html">page one</a></p>',
        '<p><a id="lold" href="old.html">the old address</a></p>',
        '<p><a id="lmedia" href="media.html">a tone</a></p>',
        '<p><a id="lprobe" href="probe.html">probe</a></p>',
        '<p><a id="lout" href="https://example.com/">outside</a></p>',
        '<p><img id="pic" src="img/pic.png" alt="a picture"></p>',
        '<p><img id="pic2" srcset="img/pic.png 1x, img/bg.png 2x" alt="a srcset"></p>',
        '<p id="styled" style="background-image: url(img/bg.png)">a style attribute</p>',
        '<div id="bg">background</div>']),
        '<link rel="stylesheet" href="style.css"><link rel="icon" href="img/pic.png">'))
    put("a/page1.html", page("Page one", '<p>The first page. <a id="up" href="../index.html">up</a></p>'))
    put("style.css", "@import url(\"css/more.css\");\nbody { color: rgb(10, 20, 30); }\n"
        "#bg { width: 40px; height: 40px; background: url('img/bg.png'); }\n")
    put("css/more.css", "#bg { border: 3px solid rgb(1, 2, 3); }\n")
    put("img/pic.png", png(64, 32, (200, 80, 40)))
    put("img/bg.png", png(8, 8, (20, 160, 60)))
    put("media.html", page("A tone", '<audio id="tone" controls src="media/tone.wav"></audio>'))
    put("media/tone.wav", wav(700))  # 5.6 MB: two 4 MiB ranges
    put("probe.html", page("Probe", PROBE))
    # a page with a CSP of its own (which would stop the reader's helper)
    put("own-csp.html", page("Own CSP", '<p><a id="home" href="index.html">home</a></p>',
                             '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'))
    # an old-style redirect page
    put("refresh.html", page("Moved", "<p>Moved.</p>", '<meta http-equiv="refresh" content="0; url=a/page1.html">'))
    with open(os.path.join(top, "..", "redirects.tsv"), "w") as f:
        f.write("old.html\tOld page\ta/page1.html\n")


if __name__ == "__main__":
    main(sys.argv[1])
