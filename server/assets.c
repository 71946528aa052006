/* Our own stylesheet and script, served from /skin/ with a version in the
 * URL so that browsers may keep them for a year.  No third-party code, no
 * CDN.  The CSS styles our pages and the top bar; the bar's rules all hang
 * off #smz-bar and start from a reset so that an archived page's own CSS
 * neither breaks the bar nor is touched by it.  The script only adds
 * autocomplete to search boxes that have data-suggest: without it, search
 * is a plain GET form. */
#include <stdio.h>
#include <string.h>
#include "assets.h"
#include "pages.h"

static const char srv_css[] =
    /* ---- the top bar ----
     * Sizes are in px: an archived page may set its root font size, which
     * rem would follow.  In our pages the bar is sticky.  In an archived
     * page (.smz-inj) the bar element is only a spacer in the page's flow,
     * as tall as the bar, and the bar itself (its nav) is fixed to the
     * window: so it spans the window whatever the body's margin, stays
     * there on a long page, and covers nothing of the page's start.  One
     * row at every width keeps the spacer's height right without script. */
    "#smz-bar,#smz-bar :where(div,nav,a,span,form,input,button,ul,li,b){all:initial;font:inherit;color:inherit}\n"
    "#smz-bar{display:block;box-sizing:border-box;width:100%;margin:0 0 10px;padding:5px 8px;"
    "background:#f1f3f4;color:#202124;border-bottom:1px solid #dadce0;direction:ltr;text-align:left;"
    "font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;"
    "position:relative;z-index:2147483000}\n"
    "#smz-bar *{box-sizing:border-box}\n"
    "#smz-bar input[type=hidden],#smz-bar link,#smz-bar script,#smz-bar [hidden]{display:none!important}\n"
    "#smz-bar .smz-nav{display:flex;align-items:center;gap:6px;flex-wrap:wrap;font:inherit;color:inherit}\n"
    "#smz-bar a{display:inline-flex;align-items:center;gap:6px;padding:5px 9px;border-radius:6px;"
    "color:inherit;font:inherit;text-decoration:none;cursor:pointer;white-space:nowrap}\n"
    "#smz-bar a:hover{background:rgba(127,127,127,.16)}\n"
    "#smz-bar a:focus-visible,#smz-bar button:focus-visible,#smz-bar input:focus-visible"
    "{outline:2px solid #1a73e8;outline-offset:1px}\n"
    "#smz-bar .smz-title{display:block;font-weight:600;max-width:22em;overflow:hidden;"
    "text-overflow:ellipsis;unicode-bidi:isolate}\n"
    "#smz-bar .smz-lbl{display:inline;font:inherit;color:inherit}\n"
    "#smz-bar svg.smz-i{width:18px;height:18px;fill:currentColor;display:block;flex:none}\n"
    "#smz-bar .smz-form{display:flex;flex:1 1 14em;min-width:9em;max-width:34em;position:relative;"
    "margin:0 3px}\n"
    "#smz-bar .smz-q{display:block;flex:1;min-width:0;height:32px;padding:0 11px;font:inherit;"
    "color:#202124;background:#fff;border:1px solid #c4c7c5;border-right:0;border-radius:6px 0 0 6px;"
    "unicode-bidi:plaintext}\n"
    "#smz-bar .smz-q::placeholder{color:#70757a}\n"
    "#smz-bar .smz-go{display:inline-flex;align-items:center;gap:5px;height:32px;padding:0 11px;"
    "font:inherit;color:inherit;background:#e3e5e8;border:1px solid #c4c7c5;border-radius:0 6px 6px 0;"
    "cursor:pointer}\n"
    "#smz-bar .smz-go:hover{background:#d7dadd}\n"
    "@media (max-width:640px){#smz-bar .smz-lbl{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip-path:inset(50%);white-space:nowrap}#smz-bar .smz-title{max-width:60vw}"
    "#smz-bar .smz-random{margin-left:auto}"
    "#smz-bar .smz-title~.smz-form{order:9;flex:1 1 100%;max-width:none;margin:2px 0 2px}}\n"
    "body>#smz-bar:not(.smz-inj){position:sticky;top:0}\n"
    "#smz-bar.smz-inj{height:43px;margin:0;padding:0;background:none;border:0;grid-column:1/-1;"
    "float:none;clear:both;position:static}\n"
    "#smz-bar.smz-inj .smz-nav{position:fixed;top:0;left:0;right:0;z-index:2147483000;height:43px;"
    "flex-wrap:nowrap;padding:5px 8px;background:#f1f3f4;border-bottom:1px solid #dadce0;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12);direction:ltr;text-align:left}\n"
    "#smz-bar.smz-inj .smz-title{flex:0 1 auto;min-width:0}\n"
    "#smz-bar.smz-inj .smz-form{min-width:7em}\n"
    "@media (max-width:640px){#smz-bar.smz-inj .smz-nav{gap:2px;padding:5px 4px}"
    "#smz-bar.smz-inj .smz-title{max-width:32vw}#smz-bar.smz-inj .smz-random{margin-left:0}"
    "#smz-bar.smz-inj .smz-title~.smz-form{order:0;flex:1 1 7em;margin:0 2px}"
    "#smz-bar.smz-inj a{padding:5px 6px}}\n"
    /* Anchors scrolled to land below the bar, not under it. */
    "html:has(#smz-bar.smz-inj){scroll-padding-top:52px}\n"
    "@media print{#smz-bar{display:none!important}}\n"
    "@media (prefers-color-scheme:dark){#smz-bar,#smz-bar.smz-inj .smz-nav{background:#202124;color:#e8eaed;"
    "border-color:#3c4043}#smz-bar.smz-inj{background:none}"
    "#smz-bar .smz-q{background:#303134;color:#e8eaed;border-color:#5f6368}"
    "#smz-bar .smz-q::placeholder{color:#9aa0a6}"
    "#smz-bar .smz-go{background:#3c4043;border-color:#5f6368}#smz-bar .smz-go:hover{background:#4a4e52}}\n"
    /* ---- suggestions (made by smz.js) ---- */
    "#smz-bar .smz-sugg,.smz-page .smz-sugg{display:block;position:absolute;top:100%;left:0;right:0;"
    "margin:3px 0 0;padding:4px 0;list-style:none;background:#fff;color:#202124;border:1px solid #dadce0;"
    "border-radius:8px;box-shadow:0 6px 20px rgba(0,0,0,.18);z-index:2147483001;max-height:70vh;"
    "overflow:auto;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;"
    "text-align:start}\n"
    "#smz-bar .smz-sugg[hidden],.smz-page .smz-sugg[hidden]{display:none}\n"
    "#smz-bar .smz-sugg li,.smz-page .smz-sugg li{display:block;padding:.45rem .8rem;cursor:pointer;"
    "overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:inherit;font:inherit;"
    "unicode-bidi:plaintext}\n"
    "#smz-bar .smz-sugg li[aria-selected=true],.smz-page .smz-sugg li[aria-selected=true],"
    "#smz-bar .smz-sugg li:hover,.smz-page .smz-sugg li:hover{background:#e8f0fe}\n"
    "#smz-bar .smz-sugg .smz-all,.smz-page .smz-sugg .smz-all{color:#5f6368;font-style:italic}\n"
    "@media (prefers-color-scheme:dark){#smz-bar .smz-sugg,.smz-page .smz-sugg{background:#303134;"
    "color:#e8eaed;border-color:#5f6368}#smz-bar .smz-sugg li[aria-selected=true],"
    ".smz-page .smz-sugg li[aria-selected=true],#smz-bar .smz-sugg li:hover,.smz-page .smz-sugg li:hover"
    "{background:#3c4043}#smz-bar .smz-sugg .smz-all,.smz-page .smz-sugg .smz-all{color:#9aa0a6}}\n"
    /* ---- our pages ---- */
    ".smz-page{--bg:#f8f9fa;--fg:#202124;--muted:#5f6368;--card:#fff;--line:#dadce0;--accent:#1a5fd0;"
    "--accent-fg:#fff;--hl:#fde68a;color-scheme:light dark}\n"
    "@media (prefers-color-scheme:dark){.smz-page{--bg:#17181a;--fg:#e8eaed;--muted:#9aa0a6;"
    "--card:#202124;--line:#3c4043;--accent:#8ab4f8;--accent-fg:#0b1b36;--hl:#6b5400}}\n"
    "body.smz-page{margin:0;background:var(--bg);color:var(--fg);"
    "font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;"
    "-webkit-text-size-adjust:100%}\n"
    ".smz-page #smz-bar{margin:0}\n"
    ".smz-main{max-width:60rem;margin:0 auto;padding:1.25rem 1rem 3rem}\n"
    ".smz-page a{color:var(--accent)}\n"
    ".smz-head h1,.smz-search h1,.smz-error h1{font-size:1.75rem;line-height:1.25;margin:.6rem 0 .3rem;"
    "font-weight:650}\n"
    ".smz-head p{color:var(--muted);margin:0 0 1.25rem}\n"
    ".smz-books{list-style:none;margin:0;padding:0;display:grid;gap:1rem;"
    "grid-template-columns:repeat(auto-fill,minmax(min(100%,25rem),1fr))}\n"
    ".smz-book{display:flex;gap:1rem;align-items:flex-start;background:var(--card);"
    "border:1px solid var(--line);border-radius:12px;padding:1rem;min-width:0}\n"
    ".smz-ill{flex:none;width:48px;height:48px;border-radius:10px;display:grid;place-items:center;"
    "background:linear-gradient(135deg,#4c7dff,#8b5cf6);color:#fff;font-weight:700;font-size:1.35rem;"
    "text-transform:uppercase}\n"
    "img.smz-ill{background:none;object-fit:contain}\n"
    ".smz-broken .smz-ill{background:#b3261e}\n"
    ".smz-book-body{min-width:0;flex:1}\n"
    ".smz-book h2{font-size:1.1rem;line-height:1.3;margin:.1rem 0 .3rem;font-weight:650;"
    "overflow-wrap:anywhere}\n"
    ".smz-book h2 a{color:inherit;text-decoration:none}.smz-book h2 a:hover{text-decoration:underline}\n"
    ".smz-desc{margin:0 0 .5rem;color:var(--muted);font-size:.95rem;overflow-wrap:anywhere}\n"
    ".smz-meta{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:0 0 .75rem;font-size:.85rem;"
    "color:var(--muted)}\n"
    ".smz-sig{margin:-.4rem 0 .75rem;font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}\n"
    ".smz-sig code{font-size:.8rem}\n"
    ".smz-sig-good{color:#137333}.smz-sig-bad{color:#b3261e;font-weight:600}\n"
    "@media (prefers-color-scheme:dark){.smz-sig-good{color:#81c995}.smz-sig-bad{color:#f28b82}}\n"
    ".smz-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:0}\n"
    ".smz-btn{display:inline-block;padding:.35rem .85rem;border-radius:8px;border:1px solid var(--line);"
    "background:transparent;color:var(--fg)!important;text-decoration:none;font:inherit;font-size:.9rem;"
    "cursor:pointer}\n"
    ".smz-btn:hover{border-color:var(--muted)}\n"
    ".smz-primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)!important}\n"
    ".smz-big{display:flex;gap:.5rem;max-width:38rem;position:relative;margin:1rem 0}\n"
    ".smz-big .smz-q{flex:1;min-width:0;font:inherit;padding:.55rem .8rem;border:1px solid var(--line);"
    "border-radius:8px;background:var(--card);color:var(--fg)}\n"
    ".smz-count{color:var(--muted);font-size:.9rem;margin:.75rem 0 1.25rem}\n"
    ".smz-results{list-style:none;margin:0;padding:0}\n"
    ".smz-results li{margin:0 0 1.35rem;max-width:44rem}\n"
    ".smz-hit{font-size:1.15rem;text-decoration:none;overflow-wrap:anywhere}\n"
    ".smz-hit:hover{text-decoration:underline}\n"
    ".smz-results cite{display:block;font-style:normal;color:var(--muted);font-size:.85rem;"
    "overflow-wrap:anywhere}\n"
    ".smz-snip{margin:.3rem 0 0;overflow-wrap:anywhere}\n"
    ".smz-snip b{background:var(--hl);color:inherit;font-weight:600;border-radius:2px;padding:0 .1em}\n"
    ".smz-pager{display:flex;flex-wrap:wrap;gap:.35rem;margin:2rem 0 0}\n"
    ".smz-pager a,.smz-pager span{padding:.3rem .7rem;border:1px solid var(--line);border-radius:8px;"
    "text-decoration:none}\n"
    ".smz-pager span{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}\n"
    ".smz-note{padding:.8rem 1rem;border:1px solid var(--line);border-radius:8px;background:var(--card)}\n"
    ".smz-path code{overflow-wrap:anywhere;color:var(--muted)}\n"
    ".smz-offer{font-size:1.05rem}\n"
    ".smz-filter{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin:0 0 1.25rem}\n"
    ".smz-filter .smz-fq{flex:1 1 16rem;min-width:0;font:inherit;padding:.4rem .7rem;"
    "border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg)}\n"
    ".smz-filter label{display:inline-flex;align-items:center;gap:.4rem;font-size:.9rem;color:var(--muted)}\n"
    ".smz-filter select{font:inherit;color:var(--fg);background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:.3rem .4rem;max-width:14rem}\n"
    ".smz-meta a{color:inherit}\n"
    ".smz-tags{display:flex;flex-wrap:wrap;gap:.3rem;margin:-.35rem 0 .75rem;font-size:.8rem}\n"
    ".smz-tags a{padding:.05rem .5rem;border:1px solid var(--line);border-radius:999px;"
    "text-decoration:none;color:var(--muted)}\n"
    ".smz-tags a:hover{border-color:var(--muted)}\n"
    ".smz-doc{max-width:44rem}.smz-doc h1{font-size:1.75rem;margin:.6rem 0 .6rem}"
    ".smz-doc h2{font-size:1.2rem;margin:1.5rem 0 .4rem}\n"
    ".smz-copy input{width:100%;font:inherit;font-family:ui-monospace,monospace;font-size:.95rem;"
    "padding:.5rem .7rem;border:1px solid var(--line);border-radius:8px;background:var(--card);"
    "color:var(--fg)}\n"
    ".smz-results time{white-space:nowrap}\n"
    "@media (max-width:480px){.smz-main{padding:1rem .75rem 2rem}.smz-book{padding:.85rem;gap:.75rem}"
    ".smz-ill{width:40px;height:40px;font-size:1.15rem}.smz-btn{padding:.3rem .7rem}"
    ".smz-head h1,.smz-search h1,.smz-error h1{font-size:1.5rem}}\n";

static const char srv_js[] =
    "/* Samizdat: autocomplete for search boxes (a progressive enhancement:\n"
    "   without this script search is a plain form). */\n"
    "(function () {\n"
    "  'use strict';\n"
    "  if (!window.fetch || !document.querySelectorAll) return;\n"
    "  var n = 0;\n"
    "  function setup(input) {\n"
    "    var base = input.getAttribute('data-suggest'), form = input.form;\n"
    "    if (!base || !form) return;\n"
    "    var list = document.createElement('ul'), id = 'smz-sugg-' + (++n);\n"
    "    var items = [], active = -1, timer = 0, seq = 0, last = null;\n"
    "    list.className = 'smz-sugg'; list.id = id; list.hidden = true;\n"
    "    list.setAttribute('role', 'listbox');\n"
    "    form.appendChild(list);\n"
    "    input.setAttribute('role', 'combobox');\n"
    "    input.setAttribute('aria-autocomplete', 'list');\n"
    "    input.setAttribute('aria-expanded', 'false');\n"
    "    input.setAttribute('aria-controls', id);\n"
    "    function close() {\n"
    "      list.hidden = true; active = -1;\n"
    "      input.setAttribute('aria-expanded', 'false');\n"
    "      input.removeAttribute('aria-activedescendant');\n"
    "    }\n"
    "    function mark(i) {\n"
    "      var lis = list.children;\n"
    "      for (var k = 0; k < lis.length; k++) lis[k].setAttribute('aria-selected', k === i ? 'true' : 'false');\n"
    "      active = i;\n"
    "      if (i >= 0) input.setAttribute('aria-activedescendant', lis[i].id);\n"
    "      else input.removeAttribute('aria-activedescendant');\n"
    "    }\n"
    "    function pick(i) {\n"
    "      if (i < items.length) window.location.href = items[i].url;\n"
    "      else { close(); form.submit(); }\n"
    "    }\n"
    "    function render(q, data) {\n"
    "      items = (data && data.results) || [];\n"
    "      list.textContent = '';\n"
    "      if (!q) { close(); return; }\n"
    "      items.forEach(function (it, i) {\n"
    "        var li = document.createElement('li');\n"
    "        li.id = id + '-' + i; li.setAttribute('role', 'option');\n"
    "        li.textContent = it.title || it.path;\n"
    "        list.appendChild(li);\n"
    "      });\n"
    "      var all = document.createElement('li');\n"
    "      all.id = id + '-' + items.length; all.className = 'smz-all';\n"
    "      all.setAttribute('role', 'option');\n"
    "      all.textContent = 'Search for \\u201c' + q + '\\u201d';\n"
    "      list.appendChild(all);\n"
    "      list.hidden = false; input.setAttribute('aria-expanded', 'true'); mark(-1);\n"
    "    }\n"
    "    function ask() {\n"
    "      var q = input.value.trim(), my = ++seq;\n"
    "      if (q === last) return;\n"
    "      last = q;\n"
    "      if (!q) { render('', null); return; }\n"
    "      var url = base + (base.indexOf('?') < 0 ? '?' : '&') + 'term=' + encodeURIComponent(q) + '&count=8';\n"
    "      fetch(url, { credentials: 'omit', headers: { 'Accept': 'application/json' } })\n"
    "        .then(function (r) { return r.ok ? r.json() : null; })\n"
    "        .then(function (d) { if (my === seq) render(q, d); })\n"
    "        .catch(function () { if (my === seq) render(q, null); });\n"
    "    }\n"
    "    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(ask, 120); });\n"
    "    input.addEventListener('focus', function () { if (list.children.length && input.value.trim()) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } });\n"
    "    input.addEventListener('keydown', function (e) {\n"
    "      var count = list.children.length;\n"
    "      if (list.hidden || !count) return;\n"
    "      if (e.key === 'ArrowDown') { e.preventDefault(); mark((active + 1) % count); }\n"
    "      else if (e.key === 'ArrowUp') { e.preventDefault(); mark(active <= 0 ? count - 1 : active - 1); }\n"
    "      else if (e.key === 'Escape') { close(); }\n"
    "      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); pick(active); }\n"
    "    });\n"
    "    list.addEventListener('mousedown', function (e) { e.preventDefault(); });\n"
    "    list.addEventListener('click', function (e) {\n"
    "      var li = e.target.closest ? e.target.closest('li') : null;\n"
    "      if (!li) return;\n"
    "      pick(Array.prototype.indexOf.call(list.children, li));\n"
    "    });\n"
    "    input.addEventListener('blur', function () { setTimeout(close, 150); });\n"
    "  }\n"
    "  var inputs = document.querySelectorAll('input[data-suggest]');\n"
    "  for (var i = 0; i < inputs.length; i++) setup(inputs[i]);\n"
    "})();\n";

/* FNV-1a over both files: changes whenever either does. */
void assets_version(char out[17])
{
    unsigned long long h = 1469598103934665603ull;
    const char *parts[2] = {srv_css, srv_js};
    for (int i = 0; i < 2; i++)
        for (const char *p = parts[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
    snprintf(out, 17, "%016llx", h);
}

int h_asset(req *q, const char *rest)
{
    const char *body, *type;
    if (!strcmp(rest, "smz.css"))
        body = srv_css, type = "text/css; charset=utf-8";
    else if (!strcmp(rest, "smz.js"))
        body = srv_js, type = "text/javascript; charset=utf-8";
    else
        return h_error(q, 404, NULL, "Not found", "No such file.");
    char etag[24];
    snprintf(etag, sizeof etag, "\"%s\"", q->s->skin_v);
    resp r;
    resp_init(&r, 200, type);
    r.csp = CSP_ASSET;
    r.etag = etag;
    r.cache = "public, max-age=31536000, immutable";
    if (http_sent_304(q, &r))
        return 304;
    http_send(q, &r, body, strlen(body));
    return 200;
}
