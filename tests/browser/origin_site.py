"""Writes two small archives' sources for the origin test (serve_origin.sh):
VICTIM, an ordinary archive with a secret, an image, a stylesheet and a
font, and EVIL, whose pages attack it, the library and the browser's storage
from script (attack.html, attack.svg), and EVIL_DIR/../evil-redirects.tsv.
Usage: origin_site.py VICTIM_DIR EVIL_DIR"""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location(
    "smz_site", os.path.join(os.path.dirname(os.path.abspath(__file__)), "site.py"))
_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_site)
png = _site.png


def page(title, body, head=""):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>%s</head>\n"
            "<body>\n%s\n</body></html>\n" % (title, head, body))


# Every probe answers "blocked" when the attack failed; anything else says
# what it got.  The results land in window.probes (a promise) and in #out.
ATTACK = r"""
<p id="out">probing</p>
<script>
window.violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
const root = location.pathname.replace(/\/(content|raw)\/.*$/, '');
const victim = root + '/content/victim/';
function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
async function tryit(f) {
  try { const v = await f(); return v === undefined ? 'undefined' : String(v); }
  catch (e) { return 'blocked'; }
}
async function get(url) {
  return tryit(async function () { const r = await fetch(url, {credentials: 'include'}); return 'read ' + r.status + ' ' + (await r.text()).slice(0, 60); });
}
function xhr(url) {
  return new Promise(function (done) {
    try {
      const x = new XMLHttpRequest();
      x.open('GET', url);
      x.onload = function () { done('read ' + x.status); };
      x.onerror = function () { done('blocked'); };
      x.send();
    } catch (e) { done('blocked'); }
  });
}
async function popup(url, read) {
  let w;
  try { w = window.open(url, '_blank'); } catch (e) { return 'blocked'; }
  if (!w) return 'blocked';
  // A deadline, not a count: the opener is a background tab now, and
  // the browser slows its timers down.
  let got = 'blocked';
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    await sleep(100);
    try { const v = read(w); if (v) { got = 'read ' + v; break; } } catch (e) { got = 'blocked'; }
  }
  try { w.close(); } catch (e) {}
  return got;
}
function frame(url, read) {
  return new Promise(function (done) {
    const f = document.createElement('iframe');
    f.src = url;
    f.onload = function () { try { const v = read(f); done(v ? 'read ' + v : 'blocked'); } catch (e) { done('blocked'); } };
    setTimeout(function () { done('blocked'); }, 3000);
    document.body.appendChild(f);
  });
}
function pixels(src) {
  return new Promise(function (done) {
    const img = new Image();
    img.onload = function () {
      try {
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        done('read ' + Array.from(g.getImageData(0, 0, 1, 1).data).join(','));
      } catch (e) { done('blocked'); }
    };
    img.onerror = function () { done('blocked'); };
    img.src = src;
  });
}
window.probes = (async function () {
  const bar = document.querySelector('#smz-bar .smz-q');
  const mine = bar ? bar.getAttribute('data-suggest') : '';
  const token = (mine.match(/bar=([0-9a-f]+)/) || [])[1] || '';
  const r = {
    origin: String(self.origin),
    local_storage: await tryit(function () { localStorage.setItem('smz', 'evil'); return localStorage.getItem('smz'); }),
    session_storage: await tryit(function () { sessionStorage.setItem('smz', 'evil'); return sessionStorage.getItem('smz'); }),
    indexed_db: await tryit(function () { return new Promise(function (ok, no) { const q = indexedDB.open('smz'); q.onsuccess = function () { ok('opened'); }; q.onerror = function () { no(); }; }); }),
    cache_storage: await tryit(async function () { await caches.open('smz'); return 'opened'; }),
    cookie: await tryit(function () { document.cookie = 'year=' + 'x'.repeat(4000) + '; max-age=31536000; path=/'; return 'kept ' + document.cookie.length + ' bytes'; }),
    service_worker: await tryit(async function () { await navigator.serviceWorker.register('sw.js'); return 'registered'; }),
    popup_other: await popup(victim + 'index.html', function (w) { return w.document.getElementById('secret').textContent; }),
    popup_library: await popup(root + '/', function (w) { return w.document.title; }),
    frame_other: await frame(victim + 'index.html', function (f) { return f.contentDocument.getElementById('secret').textContent; }),
    frame_library: await frame(root + '/', function (f) { return f.contentDocument.title; }),
    frame_own: await frame('index.html', function (f) { return f.contentDocument.title; }),
    canvas_other: await pixels(victim + 'pic.png'),
    fetch_own: await get('index.html'),
    fetch_other: await get(victim + 'index.html'),
    fetch_raw_other: await get(root + '/raw/victim/content/index.html'),
    fetch_library: await get(root + '/'),
    fetch_search: await get(root + '/search?content=victim&pattern=secret'),
    fetch_suggest_other: await get(root + '/suggest?content=victim&term=Vic'),
    fetch_suggest_other_token: await get(root + '/suggest?content=victim&term=Vic&bar=' + token),
    fetch_download: await get(root + '/download/victim.smz'),
    fetch_catalog: await get(root + '/catalog/v2/entries'),
    xhr_other: await xhr(victim + 'index.html'),
    beacon: await tryit(function () { return navigator.sendBeacon('http://127.0.0.9:9/b', 'x') ? 'queued' : 'blocked'; }),
    canvas_own: await pixels('pic.png'),
    img_other: await new Promise(function (done) {
      const i = new Image();
      i.onload = function () { done('loaded'); };
      i.onerror = function () { done('blocked'); };
      i.src = victim + 'pic.png';
    }),
    font_other: await tryit(async function () { await new FontFace('V', 'url(' + victim + 'font.ttf)').load(); return 'loaded'; }),
    frame_own_runs: await new Promise(function (done) {
      window.addEventListener('message', function (e) { if (e.data === 'framed') done('ran'); });
      const f = document.createElement('iframe');
      f.src = 'frame.html';
      document.body.appendChild(f);
      setTimeout(function () { done('no message'); }, 3000);
    }),
    has_token: token ? 'yes' : 'no',
  };
  document.getElementById('out').textContent = JSON.stringify(r);
  return r;
})();
</script>
<img src="http://127.0.0.9:9/tracker.png" alt="">
"""

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" data-ran="no">
<text x="10" y="30">svg</text>
<script><![CDATA[
var r = [];
try { localStorage.setItem('svg', '1'); r.push('storage'); } catch (e) { r.push('no-storage'); }
try { document.cookie = 'svg=1'; r.push(document.cookie ? 'cookie' : 'no-cookie'); } catch (e) { r.push('no-cookie'); }
document.documentElement.setAttribute('data-ran', r.join(' '));
]]></script>
</svg>
"""

# Scripts in every form a page may hold: with --scripts off none may run.
SCRIPTED = page("Scripted", """
<p id="inline">inline did not run</p>
<p id="handler">handler did not run</p>
<p id="external">external did not run</p>
<p id="module">module did not run</p>
<script type="module" src="mod.js"></script>
<img src="pic.png" onload="document.getElementById('handler').textContent='handler ran'" alt="">
<script>document.getElementById('inline').textContent = 'inline ran';</script>
<script src="ext.js"></script>
<p><a id="inner" href="b.html">page b</a></p>
<p><img id="alias" src="alias.png" alt="through a redirect entry"></p>
""", '<link rel="stylesheet" href="style.css">')


def main(victim, evil):
    def put(top, rel, data):
        p = os.path.join(top, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    put(victim, "index.html", page("Victim home", '<p id="secret">SECRET-OF-THE-VICTIM</p>'
                                   '<p><img id="pic" src="pic.png" alt="pic"></p>'
                                   '<script>try { localStorage.setItem("victim", "1"); } catch (e) {}</script>',
                                   '<link rel="stylesheet" href="style.css">'))
    put(victim, "pic.png", png(16, 16, (200, 80, 40)))
    put(victim, "style.css", "#secret { color: rgb(1, 2, 3); }\n")
    for i in range(1, 4):
        put(victim, "page%d.html" % i, page("Victim page %d" % i, "<p>Victim page %d.</p>" % i))
    put(evil, "index.html", SCRIPTED)
    put(evil, "b.html", page("Page b", '<p id="b">This is page b.</p>'))
    put(evil, "ext.js", "document.getElementById('external').textContent = 'external ran';\n")
    put(evil, "mod.js", "document.getElementById('module').textContent = 'module ran';\n")
    put(evil, "style.css", "#inline { color: rgb(4, 5, 6); }\n"
        "@font-face { font-family: Own; src: url(font.ttf); }\n#handler { font-family: Own; }\n")
    # A real font when the system has a small one (fonts a browser asks
    # for with CORS); the test skips the font checks otherwise.
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
    if os.path.exists(font):
        data = open(font, "rb").read()
        put(evil, "font.ttf", data)
        put(victim, "font.ttf", data)
    put(evil, "pic.png", png(16, 16, (10, 20, 30)))
    put(evil, "attack.html", page("Attack", ATTACK))
    put(evil, "attack.svg", SVG)
    put(evil, "frame.html", page("Framed", "<p>framed</p><script>parent.postMessage('framed', '*');</script>"))
    with open(os.path.join(evil, "..", "evil-redirects.tsv"), "w") as f:
        f.write("alias.png\tAlias\tpic.png\n")
    put(evil, "sw.js", "self.addEventListener('fetch', function () {});\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
