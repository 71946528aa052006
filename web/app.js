/* The reader page (smz-reader.html): the start screen where the user picks
 * or drops .smz files (or gives web addresses), our own top bar (library,
 * search with suggestions, random article, open more, About), and the
 * sandboxed frame that shows what `smz serve` would show.  Every answer
 * comes from the worker (worker.js), which runs our C library and the
 * server's own request handlers; this file only asks for the same URLs a
 * browser would ask `smz serve` for and turns the answers into documents.
 *
 * Archived pages are untrusted.  Each is shown in a fresh <iframe sandbox>
 * without allow-same-origin (an opaque origin: it reaches neither this
 * page nor the worker), as a document built here: the answer's
 * Content-Security-Policy (less what a <meta> cannot carry and every
 * network source) as its first element, then our nonce'd helper script,
 * which turns link clicks and form submits into messages to this page
 * (accepted only from that frame's window, with that page's token) and
 * turns media Blobs posted to it into blob: URLs.  Images, styles and fonts
 * become data: URLs (CSS url() and @import too): a blob: URL of this page
 * would not load inside the sandbox.  location.hash holds the virtual
 * address of the page shown (#/content/NAME/path), so Back, Forward and a
 * reload after reopening the files work. */
(function () {
  'use strict';

  var V = 'https://smz.invalid';           /* the virtual origin pages are resolved against */
  var TIMEOUT = 30000;                     /* ms an answer may take before the worker is restarted */
  var OPEN_TIMEOUT = 120000;               /* ms an open may take (a web address is probed) */
  var RANGE = 4 * 1024 * 1024;             /* bytes per request for large entries */
  var MAX_ENTRY = 1024 * 1024 * 1024;      /* an entry larger than this is not read into the page */
  var MAX_SUBRESOURCES = 600;              /* images, styles... per page */
  var BUILD = document.documentElement.getAttribute('data-build') || 'dev';

  function $(id) { return document.getElementById(id); }

  /* ------------------------------------------------------------ languages */

  /* The page's words come from the message catalogues inside the module
   * (po/*.po, as smz serve's): N_ marks a msgid for xgettext (make pot)
   * and lists it, _ gives its translation once the worker has said which
   * language navigator.languages asks for (the server's choice:
   * smz_ui_lang_negotiate, zh-TW Traditional, zh Simplified).  Until then,
   * and without a translation, the English msgid. */
  var MSGIDS = [], UI = {tag: 'en', dir: 'ltr', words: {}};
  function N_(msgid) {
    MSGIDS.push(msgid);
    return msgid;
  }
  function _(msgid) {
    return Object.prototype.hasOwnProperty.call(UI.words, msgid) ? UI.words[msgid] : msgid;
  }
  /* FMT (a translation) with its %s (or %1$s...) replaced by ARGS: a list
   * of strings and nodes, for a node's children (the translation is text:
   * never parsed as HTML). */
  function fillNodes(fmt, args) {
    var out = [], next = 0, re = /%(?:([1-9])\$)?s|%%/g, at = 0, m;
    while ((m = re.exec(fmt))) {
      if (m.index > at)
        out.push(fmt.slice(at, m.index));
      if (m[0] === '%%')
        out.push('%');
      else {
        var a = args[m[1] ? +m[1] - 1 : next++];
        if (a !== undefined)
          out.push(a);
      }
      at = re.lastIndex;
    }
    if (at < fmt.length)
      out.push(fmt.slice(at));
    return out;
  }
  function fill(fmt) {
    var args = Array.prototype.slice.call(arguments, 1);
    return fillNodes(fmt, args).join('');
  }
  /* The Accept-Language a browser would send for navigator.languages. */
  function acceptLanguage() {
    var l = (navigator.languages && navigator.languages.length) ? navigator.languages
      : [navigator.language || 'en'];
    return l.slice(0, 10).map(function (t, i) {
      return i ? t + ';q=' + (1 - i / 10).toFixed(1) : t;
    }).join(',');
  }

  /* The page's own text (smz-reader.html's, in English there): what goes
   * where.  A msgid's placeholders take the element's <code> children, in
   * order; its other elements (a checkbox) stay first. */
  var SHELL = [
    ['#smz-start-h', 'text', N_('Samizdat reader')],
    ['.smz-skip', 'text', N_('Skip to the page')],
    ['#smz-bar .smz-nav', 'aria-label', N_('Reader')],
    ['#smz-home', 'title', N_('Library')],
    ['#smz-home .smz-lbl', 'text', N_('Library')],
    ['#smz-q', 'aria-label', N_('Search')],
    ['#smz-search .smz-go', 'title', N_('Search')],
    ['#smz-search .smz-go .smz-lbl', 'text', N_('Search')],
    ['#smz-sugg', 'aria-label', N_('Suggestions')],
    ['#smz-random', 'title', N_('Random article')],
    ['#smz-random .smz-lbl', 'text', N_('Random')],
    ['#smz-more', 'title', N_('Open more files')],
    ['#smz-more .smz-lbl', 'text', N_('Open')],
    ['#smz-about-btn', 'title', N_('About this reader')],
    ['#smz-about-btn .smz-lbl', 'text', N_('About')],
    ['.smz-lead', 'code', N_('Open %1$s archives in this browser: their library, pages, pictures, search and ' +
                             'suggestions, as %2$s shows them.')],
    ['#smz-drop p:first-child', 'code', N_('Drop %s files here, or')],
    ['.smz-pickbtn', 'text', N_('Choose files\u2026')],
    ['.smz-hint', 'code', N_('Several archives at once are fine, and all the parts of a split one (%1$s, %2$s, ...). ' +
                             'Add a %3$s key to check who signed them.')],
    ['label[for=smz-url]', 'text', N_('Or read an archive from a web address (the server must answer range requests):')],
    ['#smz-urlform .smz-btn', 'text', N_('Open')],
    ['.smz-check', 'code', N_('Run the archives\' own scripts (as %s; they stay fenced in and cannot reach the network)')],
    ['.smz-privacy', 'text', N_('This page reads nothing from the network (unless you give it a web address), sends ' +
                                'nothing anywhere and remembers nothing: the files stay on this computer.')],
    ['#smz-about-h', 'text', N_('About the Samizdat reader')],
    ['#smz-about p:nth-of-type(1)', 'code', N_('Build %1$s (archive reader module %2$s).')],
    ['#smz-about p:nth-of-type(2)', 'code', N_('It reads the archives with the same C code as %1$s (reader, search, ' +
                                'ranking), compiled to WebAssembly. It reads nothing from the network, sends nothing ' +
                                'anywhere and remembers nothing: close the tab and it is gone. Archived pages are shown ' +
                                'fenced in: they reach neither this page, nor another archive, nor the network.')],
    ['#smz-about-close', 'text', N_('Close')],
    ['#smz-frame', 'title', N_('Archived page')],
  ];
  /* The words the script itself writes. */
  var T = {
    searchIn: N_('Search %s'),
    searchAll: N_('Search all archives'),
    searchFor: N_('Search for \u201c%s\u201d'),
    opening: N_('Opening\u2026'),
    pickOne: N_('Pick at least one .smz archive (a .pub key alone opens nothing).'),
    dismiss: N_('Dismiss'),
    archived: N_('Archived page'),
    reader: N_('Samizdat reader'),
    /* Errors: one line each (the worker passes the catalogue's answers one
     * a line); the worker's own (its module stopping, a web address that
     * does not answer) come translated from worker.js. */
    notBuilt: N_('This copy of the reader has no archive reader inside (it was not built).'),
    failed: N_('The archive reader failed: %s.'),
    scriptError: N_('an error in its script'),
    openTimeout: N_('The archive reader did not answer within %s seconds while opening, so it was stopped: ' +
                    'an archive is damaged, or its web address does not answer.'),
    timeout: N_('The archive reader did not answer within %s seconds, so it was stopped. The archive may be ' +
                'damaged; it is opened again for the next page.'),
    noAnswer: N_('The archive reader gave no answer.'),
    badRange: N_('The archive answered a range of the wrong size for %s.'),
    tooLarge: N_('This entry is too large to show here (%s).'),
    redirectOut: N_('The archive redirects outside itself, to %s.'),
    redirectLoop: N_('The archive redirects in a loop (from %s).'),
    formPost: N_('This form sends data to a server; the archive cannot answer it.'),
    notSaved: N_('The archive cannot be saved (%s).'),
    notOpened: N_('The archives could not be opened.'),
    badUrl: N_('A web address starts with https:// or http://.'),
    errorTitle: N_('Error'),
    cannotShow: N_('This page cannot be shown'),
    backHome: N_('Back to the library'),
  };

  function applyLanguage() {
    var d = document.documentElement;
    d.lang = UI.tag;
    d.dir = UI.dir;
    $('smz-bar').setAttribute('dir', UI.dir);
    SHELL.forEach(function (s) {
      var el = document.querySelector(s[0]);
      if (!el)
        return;
      var t = _(s[2]);
      if (s[1] === 'text')
        el.textContent = t;
      else if (s[1] === 'code') {
        var codes = Array.from(el.querySelectorAll('code')), keep = [];
        Array.from(el.childNodes).forEach(function (n) {
          if (n.nodeType === 1 && n.tagName !== 'CODE')
            keep.push(n);
        });
        el.textContent = '';
        if (keep.length)
          keep.push(' ');
        keep.concat(fillNodes(t, codes)).forEach(function (n) {
          el.appendChild(typeof n === 'string' ? document.createTextNode(n) : n);
        });
      } else
        el.setAttribute(s[1], t);
    });
    document.title = _(T.reader);
    updateBar(null);
  }

  /* Asks the worker for the language navigator.languages asks for and
   * the page's words in it; the module sends that Accept-Language with
   * every request from then on, so its pages speak it too. */
  function chooseLanguage() {
    return call({t: 'lang', accept: acceptLanguage(), msgids: MSGIDS.join('\n')}).then(function (r) {
      var lines = String(r.words || '').split('\n'), head = (lines.shift() || '').split(' ');
      if (!/^[A-Za-z-]{2,12}$/.test(head[0] || ''))
        return;
      var words = {};
      MSGIDS.forEach(function (id, i) {
        if (typeof lines[i] === 'string' && lines[i])
          words[id] = lines[i];
      });
      UI = {tag: head[0], dir: head[1] === 'rtl' ? 'rtl' : 'ltr', words: words};
      applyLanguage();
    }, function () { /* English, as the page is written */ });
  }

  var state = {files: [], keys: [], urls: [], scripts: false, opened: false, version: '', names: []};
  var worker = null, nextId = 1, pending = new Map();

  /* ---------------------------------------------------------------- worker */

  function startWorker() {
    var src = $('smz-worker-src');
    if (!src)
      throw new Error(_(T.notBuilt));
    var url = URL.createObjectURL(new Blob([src.textContent], {type: 'text/javascript'}));
    worker = new Worker(url);
    worker.onmessage = function (e) {
      var m = e.data || {}, p = pending.get(m.id);
      if (!p)
        return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    };
    worker.onerror = function (e) {
      if (e.preventDefault)
        e.preventDefault();
      stopWorker(fill(_(T.failed), e.message || _(T.scriptError)));
    };
  }

  /* Ends the worker and fails every question still open with WHY. */
  function stopWorker(why) {
    if (worker)
      worker.terminate();
    worker = null;
    var all = Array.from(pending.values());
    pending.clear();
    all.forEach(function (p) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
    });
  }

  function call(msg, timeout) {
    if (!worker)
      startWorker();
    var id = nextId++;
    msg.id = id;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        if (!pending.has(id))
          return;
        var secs = Math.round((timeout || TIMEOUT) / 1000);
        var fmt = msg.t === 'open' ? T.openTimeout : T.timeout;
        stopWorker(fill(_(fmt), String(secs)));
        restartLater();
      }, timeout || TIMEOUT);
      pending.set(id, {resolve: resolve, reject: reject, timer: timer});
      worker.postMessage(msg);
    });
  }

  /* After a stop, the same files are opened again in a fresh worker. */
  var restarting = null;
  function restartLater() {
    if (!state.opened || restarting)
      return;
    restarting = openNow().then(function (r) {
      restarting = null;
      if (!r.ok)
        state.opened = false;
    }, function () {
      restarting = null;
      state.opened = false;
    });
  }

  function openNow() {
    return call({t: 'open', files: state.files, urls: state.urls, keys: state.keys,
                 scripts: state.scripts}, OPEN_TIMEOUT);
  }

  /* One request; resolves {status, headers, body: Uint8Array}. */
  function ask(target, range, method) {
    var wait = restarting || Promise.resolve();
    return wait.then(function () {
      return call({t: 'req', method: method || 'GET', target: target, range: range || ''});
    }).then(function (r) {
      if (!r.status)
        throw new Error(r.error || _(T.noAnswer));
      r.body = new Uint8Array(r.body || new ArrayBuffer(0));
      if (r.fsError)
        note(r.fsError);
      return r;
    });
  }

  /* The whole entry at TARGET, read in ranges of at most RANGE bytes when
   * the answer is ranged: resolves {status, headers, body: Uint8Array} or,
   * with AS_BLOB, {..., blob}. */
  function fetchWhole(target, asBlob) {
    return ask(target, 'bytes=0-' + (RANGE - 1)).then(function (r) {
      /* An empty entry has no byte 0: asked again without a range. */
      return r.status === 416 ? ask(target, '') : r;
    }).then(function (r) {
      var cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.headers['content-range'] || '');
      if (r.status !== 206 || !cr) {
        if (asBlob)
          r.blob = new Blob([r.body], {type: r.headers['content-type'] || ''});
        return r;
      }
      var total = +cr[3], parts = [r.body], got = r.body.length;
      if (+cr[1] !== 0 || got !== +cr[2] + 1)
        throw new Error(fill(_(T.badRange), target));
      if (total > MAX_ENTRY)
        throw new Error(fill(_(T.tooLarge), fmtSize(total)));
      function more() {
        if (got >= total) {
          r.status = 200;
          delete r.headers['content-range'];
          if (asBlob) {
            r.blob = new Blob(parts, {type: r.headers['content-type'] || ''});
          } else {
            var all = new Uint8Array(total), at = 0;
            parts.forEach(function (p) { all.set(p, at); at += p.length; });
            r.body = all;
          }
          return r;
        }
        var to = Math.min(got + RANGE, total) - 1;
        return ask(target, 'bytes=' + got + '-' + to).then(function (n) {
          if (n.status !== 206 || n.body.length !== to - got + 1)
            throw new Error(fill(_(T.badRange), target));
          parts.push(n.body);
          got += n.body.length;
          return more();
        });
      }
      return more();
    });
  }

  function fmtSize(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB'
                                                                          : n + ' bytes';
  }

  /* ------------------------------------------------------- virtual addresses */

  /* HREF resolved against the page at BASE (a virtual address or a full
   * https://smz.invalid URL): {internal, target, frag} or {internal: false, url}. */
  function resolve(href, base) {
    var u;
    try {
      u = new URL(href, base.charAt(0) === '/' ? V + base : base);
    } catch (e) {
      return null;
    }
    if (u.origin === V)
      return {internal: true, target: u.pathname + u.search, frag: u.hash, url: u.href};
    return {internal: false, url: u.href, protocol: u.protocol};
  }

  /* The hash "#/content/x/a.html#sec" split into target and fragment. */
  function fromHash() {
    var h = location.hash.slice(1), i = h.indexOf('#');
    return i < 0 ? {target: h, frag: ''} : {target: h.slice(0, i), frag: h.slice(i)};
  }

  /* -------------------------------------------------------------- navigation */

  var navSeq = 0, pages = 0;
  var shown = {target: null, frame: null, tok: '', media: []};
  var cur = {archive: null}; /* {name, title, dir, lang} of the archive shown, from the answer's bar */

  function go(target, replace) {
    var h = '#' + target;
    if (location.hash === h) {
      render(fromHash());
    } else if (replace) {
      history.replaceState(null, '', h);
      render(fromHash());
    } else {
      location.hash = h; /* hashchange renders it */
    }
  }

  window.addEventListener('hashchange', function () {
    if (state.opened)
      route();
  });

  function route() {
    var h = fromHash();
    if (h.target.charAt(0) !== '/')
      return go('/', true);
    if (h.target === shown.target && shown.frame) {
      if (h.frag)
        post({t: 'scroll', id: h.frag.slice(1)});
      return;
    }
    render(h);
  }

  function busy(on) {
    $('smz-main').setAttribute('aria-busy', on ? 'true' : 'false');
    document.body.classList.toggle('smz-busy', !!on);
  }

  function render(h) {
    var my = ++navSeq, target = h.target, hops = 0;
    busy(true);
    hideMessage();
    function step(t) {
      return fetchWhole(t).then(function (r) {
        if (my !== navSeq)
          return null;
        if (r.status >= 300 && r.status < 400 && r.headers.location) {
          var u = resolve(r.headers.location, t);
          if (!u || !u.internal)
            throw new Error(fill(_(T.redirectOut), u ? u.url : '?'));
          if (++hops > 10)
            throw new Error(fill(_(T.redirectLoop), target));
          if (u.frag)
            h.frag = u.frag;
          return step(u.target);
        }
        return {t: t, r: r};
      });
    }
    return step(target).then(function (x) {
      if (!x || my !== navSeq)
        return;
      if (x.t !== target)
        history.replaceState(null, '', '#' + x.t + (h.frag || ''));
      return show(x.t, x.r, h.frag, my);
    }).catch(function (e) {
      if (my === navSeq)
        showError(e.message || String(e), target);
    }).then(function () {
      if (my === navSeq)
        busy(false);
    });
  }

  /* ------------------------------------------------------------ the documents */

  function mimeOf(r) {
    return (r.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  }

  function charsetOf(r, bytes) {
    var m = /charset\s*=\s*"?([\w.:-]+)/i.exec(r.headers['content-type'] || '');
    if (m)
      return m[1];
    var head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
    m = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
    return m ? m[1] : 'utf-8';
  }

  function decode(bytes, cs) {
    try {
      return new TextDecoder(cs).decode(bytes);
    } catch (e) {
      return new TextDecoder('utf-8').decode(bytes);
    }
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }

  function nonce() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.from(a, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  function show(t, r, frag, my) {
    var mime = mimeOf(r);
    if (mime === 'text/html' || mime === 'application/xhtml+xml')
      return buildPage(t, r, frag, my);
    if (/^(image|audio|video)\//.test(mime) || /^text\/|json|xml|javascript/.test(mime))
      return buildWrapper(t, r, mime, my);
    /* Anything else (a PDF, an archive...): offer to save it. */
    return buildWrapper(t, r, mime, my, true);
  }

  /* A page of our own around an entry that is not HTML. */
  function buildWrapper(t, r, mime, my, save) {
    var name = decodeURIComponent(t.split('?')[0].split('/').pop() || 'entry');
    var doc = document.implementation.createHTMLDocument(name);
    var body = doc.body, media = [];
    body.setAttribute('style', 'margin:0;padding:1rem;font:16px/1.5 system-ui,sans-serif');
    if (/^image\//.test(mime)) {
      var img = doc.createElement('img');
      img.alt = name;
      img.setAttribute('style', 'max-width:100%');
      img.setAttribute('data-smz-src', t);
      body.appendChild(img);
      return toDataUrl(r.body, mime).then(function (u) {
        img.src = u;
        return finish(doc, t, '', my, "default-src 'none'; img-src data:; style-src 'unsafe-inline'", media);
      });
    }
    if (/^(audio|video)\//.test(mime)) {
      var el = doc.createElement(mime.charAt(0) === 'a' ? 'audio' : 'video');
      el.controls = true;
      el.setAttribute('style', 'max-width:100%');
      el.setAttribute('data-smz-media', '0');
      body.appendChild(el);
      media.push({i: 0, target: t});
      return finish(doc, t, '', my, "default-src 'none'; media-src blob: data:; style-src 'unsafe-inline'",
                    media);
    }
    if (!save) {
      var pre = doc.createElement('pre');
      pre.setAttribute('style', 'white-space:pre-wrap;overflow-wrap:anywhere');
      pre.textContent = decode(r.body, charsetOf(r, r.body));
      body.appendChild(pre);
    } else {
      var p = doc.createElement('p');
      p.textContent = name + ' (' + (mime || 'unknown type') + ', ' + fmtSize(r.body.length) +
                      ') cannot be shown here.';
      body.appendChild(p);
      offerSave(name, r.body, mime);
    }
    return finish(doc, t, '', my, "default-src 'none'; style-src 'unsafe-inline'", media);
  }

  function offerSave(name, bytes, mime) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes], {type: mime || 'application/octet-stream'}));
    a.download = name;
    a.textContent = 'Save ' + name;
    message('', a);
  }

  function toDataUrl(bytes, type) {
    return new Promise(function (resolve, reject) {
      var fr = new FileReader();
      fr.onload = function () { resolve(fr.result); };
      fr.onerror = function () { reject(fr.error); };
      fr.readAsDataURL(new Blob([bytes], {type: type || 'application/octet-stream'}));
    });
  }

  /* The answer's Content-Security-Policy made fit for a <meta> in a document
   * built here: no sandbox, frame-ancestors or report directives (a meta
   * cannot carry them; the frame's sandbox attribute does the first), no
   * network source at all ('self' and host sources: everything the page
   * may load is inlined as data: URLs), and our nonce for the helper script
   * and the styles inlined here, unless 'unsafe-inline' already lets them
   * run (a nonce would turn 'unsafe-inline' off for the page's own). */
  function metaCsp(header, n) {
    var dirs = [], byName = {};
    (header || "default-src 'none'").split(';').forEach(function (d) {
      var parts = d.trim().split(/\s+/).filter(Boolean);
      if (!parts.length)
        return;
      var name = parts[0].toLowerCase();
      if (/^(sandbox|frame-ancestors|report-uri|report-to|upgrade-insecure-requests)$/.test(name) ||
          name in byName)
        return;
      var keep = parts.slice(1).filter(function (s) {
        return /^'/.test(s) ? s.toLowerCase() !== "'self'" : /^(data|blob):$/i.test(s);
      });
      byName[name] = keep;
      dirs.push(name);
    });
    ['script-src', 'style-src'].forEach(function (name) {
      if (!(name in byName)) {
        byName[name] = (byName['default-src'] || []).slice();
        dirs.push(name);
      }
      var list = byName[name].filter(function (s) { return s !== "'none'"; });
      if (list.indexOf("'unsafe-inline'") < 0)
        list.push("'nonce-" + n + "'");
      byName[name] = list;
    });
    return dirs.map(function (name) {
      var list = byName[name];
      return name + ' ' + (list.length ? list.join(' ') : "'none'");
    }).join('; ');
  }

  /* What the answer's own top bar (#smz-bar, injected by the server) tells
   * about the archive shown; the bar itself is taken out: ours is outside. */
  function readBar(doc) {
    var bar = doc.querySelector('#smz-bar.smz-bar');
    if (!bar)
      return {archive: null, pattern: null};
    var input = bar.querySelector('input[name=content]'), title = bar.querySelector('.smz-title');
    var q = bar.querySelector('.smz-q'), a = null;
    if (input && input.value)
      a = {name: input.value, title: title ? title.textContent : input.value,
           dir: title ? title.getAttribute('dir') || 'auto' : 'auto',
           lang: title ? title.getAttribute('lang') || '' : ''};
    bar.remove();
    return {archive: a, pattern: q ? q.value : ''};
  }

  function helperSource(cfg) {
    var json = JSON.stringify(cfg).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
    return '(' + frameHelper.toString() + ')(' + json + ');';
  }

  /* Runs inside the sandboxed frame (its source is copied into each page). */
  function frameHelper(cfg) {
    var P = window.parent;
    function send(m) {
      m.tok = cfg.tok;
      P.postMessage(m, '*');
    }
    function scrollTo(id) {
      var el = id && (document.getElementById(id) || document.getElementsByName(id)[0]);
      if (el && el.scrollIntoView)
        el.scrollIntoView();
      else if (!id || id === 'top')
        window.scrollTo(0, 0);
    }
    function here(u) {
      return u.split('#')[0] === cfg.base.split('#')[0];
    }
    window.addEventListener('click', function (e) {
      if (e.defaultPrevented || e.button !== 0)
        return;
      var a = e.target && e.target.closest ? e.target.closest('a[href], area[href]') : null;
      if (!a)
        return;
      var href = a.getAttribute('href');
      e.preventDefault();
      if (/^\s*javascript:/i.test(href))
        return;
      var u;
      try {
        u = new URL(href, cfg.base).href;
      } catch (x) {
        return;
      }
      if (here(u) && u.indexOf('#') >= 0) {
        scrollTo(decodeURIComponent(u.slice(u.indexOf('#') + 1)));
        return;
      }
      send({t: 'nav', url: u, newTab: !!(e.ctrlKey || e.metaKey || e.shiftKey)});
    }, false);
    window.addEventListener('submit', function (e) {
      if (e.defaultPrevented)
        return;
      e.preventDefault();
      var f = e.target;
      if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') {
        send({t: 'note', msg: 'This form sends data to a server; the archive cannot answer it.'});
        return;
      }
      var u = new URL(f.getAttribute('action') || '', cfg.base), sp = new URLSearchParams();
      var fd;
      try {
        fd = new FormData(f, e.submitter);
      } catch (x) {
        fd = new FormData(f);
      }
      fd.forEach(function (v, k) {
        if (typeof v === 'string')
          sp.append(k, v);
      });
      u.search = sp.toString();
      send({t: 'nav', url: u.href});
    }, false);
    window.addEventListener('message', function (e) {
      if (e.source !== P || !e.data)
        return;
      var m = e.data;
      if (m.t === 'blob') {
        var el = document.querySelector('[data-smz-media="' + m.i + '"]');
        if (!el)
          return;
        el.src = URL.createObjectURL(m.blob);
        var owner = el.tagName === 'SOURCE' ? el.parentNode : el;
        if (owner && owner.load)
          owner.load();
      } else if (m.t === 'scroll') {
        scrollTo(m.id);
      }
    });
    function ready() {
      if (cfg.frag)
        scrollTo(cfg.frag);
      send({t: 'ready'});
    }
    if (document.readyState === 'loading')
      document.addEventListener('DOMContentLoaded', ready);
    else
      ready();
  }

  var CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)/gi;
  var CSS_IMPORT = /@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^"')\s;]+))\s*\)?\s*([^;]*);/gi;

  /* Loads the subresources of one page, each once, within limits. */
  function Loader(my) {
    var seen = new Map(), count = 0;
    this.data = function (target) {
      if (seen.has(target))
        return seen.get(target);
      if (++count > MAX_SUBRESOURCES || my !== navSeq) {
        seen.set(target, Promise.resolve(null));
        return seen.get(target);
      }
      var p = fetchWhole(target).then(function (r) {
        if (r.status !== 200)
          return null;
        return {type: mimeOf(r), body: r.body, r: r};
      }).catch(function () { return null; });
      seen.set(target, p);
      return p;
    };
    this.dataUrl = function (target) {
      return this.data(target).then(function (d) {
        return d ? toDataUrl(d.body, d.type) : null;
      });
    };
  }

  /* CSS text from BASE with every url() made a data: URL and every
   * @import inlined (at most DEPTH deep). */
  function rewriteCss(css, base, loader, depth) {
    var imports = [];
    css.replace(CSS_IMPORT, function (all, a, b, c, media) {
      imports.push({all: all, href: a || b || c, media: media.trim()});
      return all;
    });
    return Promise.all(imports.map(function (im) {
      var u = resolve(im.href, base);
      if (!u || !u.internal || depth <= 0)
        return Promise.resolve('');
      return loader.data(u.target).then(function (d) {
        if (!d)
          return '';
        return rewriteCss(decode(d.body, charsetOf(d.r, d.body)), u.url, loader, depth - 1).then(function (t) {
          return im.media ? '@media ' + im.media + '{' + t + '}' : t;
        });
      });
    })).then(function (texts) {
      imports.forEach(function (im, i) { css = css.split(im.all).join(texts[i]); });
      var urls = new Map();
      css.replace(CSS_URL, function (all, a, b, c) {
        var href = (a || b || c || '').replace(/\\(.)/g, '$1');
        var u = href && !/^(data|blob):|^#/i.test(href) ? resolve(href, base) : null;
        if (u && u.internal)
          urls.set(all, u.target);
        return all;
      });
      var keys = Array.from(urls.keys());
      return Promise.all(keys.map(function (k) { return loader.dataUrl(urls.get(k)); })).then(function (d) {
        var map = new Map();
        keys.forEach(function (k, i) { map.set(k, d[i]); });
        return css.replace(CSS_URL, function (all) {
          return map.has(all) ? (map.get(all) ? 'url("' + map.get(all) + '")' : 'url("about:invalid")')
                              : all;
        });
      });
    });
  }

  function buildPage(t, r, frag, my) {
    var bytes = r.body;
    var doc = new DOMParser().parseFromString(decode(bytes, charsetOf(r, bytes)), 'text/html');
    var base = V + t, jobs = [], media = [], loader = new Loader(my), n = nonce();
    var bar = readBar(doc);
    cur.archive = bar.archive;
    updateBar(bar.pattern);
    var b = doc.querySelector('base[href]');
    if (b) {
      var bu = resolve(b.getAttribute('href'), base);
      if (bu)
        base = bu.url;
    }
    doc.querySelectorAll('base').forEach(function (x) { x.remove(); });

    function internal(href) {
      if (!href || /^(data|blob|javascript|about|mailto):/i.test(href.trim()))
        return null;
      var u = resolve(href.trim(), base);
      return u && u.internal ? u : null;
    }
    function swapAttr(el, attr) {
      var u = internal(el.getAttribute(attr));
      if (!u)
        return;
      jobs.push(loader.dataUrl(u.target).then(function (d) {
        if (d)
          el.setAttribute(attr, d);
        else
          el.removeAttribute(attr);
      }));
    }
    function swapSrcset(el) {
      var set = el.getAttribute('srcset');
      if (!set)
        return;
      var cands = set.split(/,\s+/).map(function (c) {
        var parts = c.trim().split(/\s+/);
        return {url: parts[0], rest: parts.slice(1).join(' ')};
      });
      jobs.push(Promise.all(cands.map(function (c) {
        var u = internal(c.url);
        return u ? loader.dataUrl(u.target) : Promise.resolve(/^data:/i.test(c.url) ? c.url : null);
      })).then(function (d) {
        var out = [];
        cands.forEach(function (c, i) {
          if (d[i])
            out.push(d[i] + (c.rest ? ' ' + c.rest : ''));
        });
        if (out.length)
          el.setAttribute('srcset', out.join(', '));
        else
          el.removeAttribute('srcset');
      }));
    }

    doc.querySelectorAll('img').forEach(function (el) {
      swapAttr(el, 'src');
      swapSrcset(el);
      el.removeAttribute('loading'); /* data: URLs: nothing to wait for */
    });
    doc.querySelectorAll('picture source, input[type=image]').forEach(function (el) {
      swapSrcset(el);
      swapAttr(el, 'src');
    });
    doc.querySelectorAll('video[poster]').forEach(function (el) { swapAttr(el, 'poster'); });
    doc.querySelectorAll('image, feImage').forEach(function (el) {
      swapAttr(el, 'href');
      if (el.hasAttribute('xlink:href'))
        swapAttr(el, 'xlink:href');
    });
    /* Audio and video: a Blob posted to the helper once the frame is up. */
    doc.querySelectorAll('audio[src], video[src], audio source[src], video source[src], track[src]')
      .forEach(function (el) {
        var u = internal(el.getAttribute('src'));
        el.removeAttribute('src');
        if (!u || el.tagName === 'TRACK')
          return;
        el.setAttribute('data-smz-media', String(media.length));
        media.push({i: media.length, target: u.target});
      });
    /* Styles. */
    doc.querySelectorAll('link').forEach(function (el) {
      var rel = (el.getAttribute('rel') || '').toLowerCase().split(/\s+/);
      if (rel.indexOf('stylesheet') < 0 || rel.indexOf('alternate') >= 0) {
        if (rel.indexOf('icon') >= 0 || /preload|prefetch|preconnect|dns-prefetch|manifest|modulepreload/.test(rel.join(' ')))
          el.remove();
        return;
      }
      var u = internal(el.getAttribute('href'));
      var style = doc.createElement('style');
      style.setAttribute('nonce', n);
      if (el.getAttribute('media'))
        style.setAttribute('media', el.getAttribute('media'));
      el.replaceWith(style);
      if (!u)
        return;
      jobs.push(loader.data(u.target).then(function (d) {
        if (!d)
          return;
        return rewriteCss(decode(d.body, charsetOf(d.r, d.body)), u.url, loader, 4).then(function (css) {
          style.textContent = css;
        });
      }));
    });
    doc.querySelectorAll('style').forEach(function (el) {
      el.setAttribute('nonce', n);
      if (/url\(|@import/i.test(el.textContent))
        jobs.push(rewriteCss(el.textContent, base, loader, 4).then(function (css) { el.textContent = css; }));
    });
    doc.querySelectorAll('[style]').forEach(function (el) {
      var s = el.getAttribute('style');
      if (/url\(/i.test(s))
        jobs.push(rewriteCss(s, base, loader, 0).then(function (css) { el.setAttribute('style', css); }));
    });
    /* Scripts: with the archive's scripts on, inlined as data: URLs (their
     * order and defer/async stay); off, they go, and <noscript> shows. */
    doc.querySelectorAll('script').forEach(function (el) {
      if (!state.scripts) {
        el.remove();
        return;
      }
      var u = internal(el.getAttribute('src'));
      if (!u) {
        if (el.hasAttribute('src') && !/^data:/i.test(el.getAttribute('src')))
          el.removeAttribute('src');
        return;
      }
      jobs.push(loader.data(u.target).then(function (d) {
        if (!d) {
          el.removeAttribute('src');
          return;
        }
        return toDataUrl(d.body, 'text/javascript').then(function (x) { el.setAttribute('src', x); });
      }));
    });
    if (!state.scripts) {
      doc.querySelectorAll('noscript').forEach(function (el) {
        var frag2 = doc.createDocumentFragment();
        while (el.firstChild)
          frag2.appendChild(el.firstChild);
        el.replaceWith(frag2);
      });
    }
    /* Frames inside pages would load from this file's address: empty. */
    doc.querySelectorAll('iframe, frame, object, embed').forEach(function (el) {
      ['src', 'data'].forEach(function (a) { el.removeAttribute(a); });
    });
    /* A meta refresh to another page of the archive becomes a redirect.
     * The page's own CSP metas go: written for its original site, they
     * could only stop our helper script (ours, first, is the fence). */
    var refresh = null;
    doc.querySelectorAll('meta[http-equiv]').forEach(function (el) {
      var eq = el.getAttribute('http-equiv').toLowerCase();
      if (eq === 'content-security-policy' || eq === 'content-security-policy-report-only')
        el.remove();
      if (eq !== 'refresh')
        return;
      var m = /^\s*(\d+)\s*[;,]\s*(?:url\s*=\s*)?['"]?([^'"]+)/i.exec(el.getAttribute('content') || '');
      var u = m && internal(m[2]);
      if (u && +m[1] <= 10)
        refresh = {delay: +m[1], target: u.target};
      el.remove();
    });
    return Promise.all(jobs).then(function () {
      if (my !== navSeq)
        return;
      var csp = metaCsp(r.headers['content-security-policy'], n);
      var title = doc.title;
      finish(doc, t, frag, my, csp, media, n, base, title);
      if (refresh) {
        setTimeout(function () {
          if (shown.target === t)
            go(refresh.target, true);
        }, refresh.delay * 1000);
      }
    });
  }

  /* Puts the CSP meta and the helper first in DOC's head and shows it in a
   * fresh frame (a fresh one each time: changing srcdoc would add entries to
   * the session history, and Back would step through frames). */
  function finish(doc, t, frag, my, csp, media, n, base, title) {
    if (my !== navSeq)
      return;
    n = n || nonce();
    if (csp.indexOf("'nonce-") < 0 && !/script-src[^;]*'unsafe-inline'/.test(csp))
      csp += "; script-src 'nonce-" + n + "'";
    var tok = nonce();
    var head = doc.head || doc.documentElement.insertBefore(doc.createElement('head'),
                                                             doc.documentElement.firstChild);
    var meta = doc.createElement('meta');
    meta.setAttribute('http-equiv', 'Content-Security-Policy');
    meta.setAttribute('content', csp);
    var helper = doc.createElement('script');
    helper.setAttribute('nonce', n);
    helper.textContent = helperSource({base: base || V + t, tok: tok,
                                       frag: frag ? decodeURIComponent(frag.slice(1)) : ''});
    var cs = doc.createElement('meta');
    cs.setAttribute('charset', 'utf-8');
    head.insertBefore(helper, head.firstChild);
    head.insertBefore(meta, head.firstChild);
    head.insertBefore(cs, head.firstChild);
    var dt = doc.doctype ? new XMLSerializer().serializeToString(doc.doctype) + '\n' : '';
    var html = dt + doc.documentElement.outerHTML;

    var f = document.createElement('iframe');
    f.id = 'smz-frame';
    f.className = 'smz-frame';
    f.setAttribute('sandbox', state.scripts ? 'allow-scripts allow-forms allow-modals' : 'allow-scripts allow-forms');
    f.setAttribute('title', title || doc.title || _(T.archived));
    f.setAttribute('referrerpolicy', 'no-referrer');
    f.srcdoc = html;
    var old = $('smz-frame');
    old.replaceWith(f);
    shown = {target: t, frame: f, tok: tok, media: media, my: my};
    pages++;
    document.title = (title || doc.title ? (title || doc.title) + ' \u2013 ' : '') + _(T.reader);
    $('smz-view').hidden = false;
  }

  function post(m) {
    if (shown.frame && shown.frame.contentWindow)
      shown.frame.contentWindow.postMessage(m, '*');
  }

  /* Messages from the frame shown: only its window, only its token. */
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (!shown.frame || e.source !== shown.frame.contentWindow || !m || m.tok !== shown.tok)
      return;
    if (m.t === 'nav' && typeof m.url === 'string') {
      follow(m.url, m.newTab);
    } else if (m.t === 'ready') {
      sendMedia(shown);
    } else if (m.t === 'note' && typeof m.msg === 'string') {
      /* The helper's own note in the page's language; any other text
       * as it came (text, never markup). */
      message(m.msg === T.formPost ? _(T.formPost) : m.msg.slice(0, 300));
    }
  });

  function follow(url, newTab) {
    var u = resolve(url, V + '/');
    if (!u)
      return;
    if (u.internal) {
      if (/^\/download\//.test(u.target))
        return download(u.target);
      if (/^\/suggest/.test(u.target))
        return;
      return go(u.target + (u.frag || ''));
    }
    if (/^(https?|mailto):$/.test(u.protocol)) {
      /* Outside the archives: a new tab, with nothing of ours. */
      window.open(u.url, '_blank', 'noopener,noreferrer');
    }
  }

  function sendMedia(s) {
    var list = s.media;
    s.media = [];
    list.forEach(function (m) {
      fetchWhole(m.target, true).then(function (r) {
        if (r.status === 200 && shown === s)
          post({t: 'blob', i: m.i, blob: r.blob});
      }).catch(function (e) {
        if (shown === s)
          message(e.message);
      });
    });
  }

  function saveBlob(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function download(target) {
    var name = decodeURIComponent(target.split('/').pop());
    /* A file picked here is handed back as it is: nothing is copied. */
    var picked = state.files.filter(function (f) { return f.name === name; })[0];
    if (picked)
      return saveBlob(picked, name);
    /* A split archive: its parts in order, one Blob over them (no copy). */
    var parts = state.files.filter(function (f) {
      return f.name.length === name.length + 4 && f.name.slice(0, name.length + 1) === name + '.' &&
        /^\d{3}$/.test(f.name.slice(name.length + 1));
    }).sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
    if (parts.length)
      return saveBlob(new Blob(parts, {type: 'application/octet-stream'}), name);
    busy(true);
    fetchWhole(target, true).then(function (r) {
      busy(false);
      if (r.status !== 200)
        throw new Error(fill(_(T.notSaved), String(r.status)));
      saveBlob(r.blob, name);
    }).catch(function (e) {
      busy(false);
      message(e.message);
    });
  }

  /* ------------------------------------------------------------- messages */

  function message(text, extra) {
    var box = $('smz-msg');
    box.textContent = text;
    if (extra) {
      if (text)
        box.appendChild(document.createTextNode(' '));
      box.appendChild(extra);
    }
    var x = document.createElement('button');
    x.type = 'button';
    x.className = 'smz-x';
    x.setAttribute('aria-label', _(T.dismiss));
    x.textContent = '\u00d7';
    x.onclick = hideMessage;
    box.appendChild(x);
    box.hidden = false;
  }

  function note(text) {
    message(text);
  }

  function hideMessage() {
    $('smz-msg').hidden = true;
  }

  /* An error in place of the page at TARGET: never a blank or hung frame. */
  function showError(text, target) {
    var doc = document.implementation.createHTMLDocument(_(T.errorTitle));
    doc.documentElement.lang = UI.tag;
    doc.documentElement.dir = UI.dir;
    doc.body.innerHTML = '<main style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;' +
      'padding:0 1rem"><h1 style="font-size:1.4rem"></h1><p class="smz-err"></p>' +
      '<p><a href="/"></a></p></main>';
    doc.querySelector('h1').textContent = _(T.cannotShow);
    doc.querySelector('.smz-err').textContent = text;
    doc.querySelector('a').textContent = _(T.backHome);
    shown = {target: null, frame: null, tok: '', media: []};
    finish(doc, '/', '', navSeq, "default-src 'none'; style-src 'unsafe-inline'", [], null, V + '/',
           _(T.errorTitle));
    shown.target = target || null;
    message(text);
  }

  /* --------------------------------------------------------------- our bar */

  function updateBar(pattern) {
    var a = cur.archive, t = $('smz-title'), q = $('smz-q');
    if (a) {
      t.textContent = a.title;
      t.setAttribute('dir', a.dir === 'rtl' ? 'rtl' : 'auto');
      if (a.lang)
        t.setAttribute('lang', a.lang);
      else
        t.removeAttribute('lang');
      t.href = '#/content/' + encodeURIComponent(a.name) + '/';
      t.hidden = false;
      q.placeholder = fill(_(T.searchIn), a.title);
    } else {
      t.hidden = true;
      q.placeholder = _(T.searchAll);
    }
    if (pattern !== null && pattern !== undefined && document.activeElement !== q)
      q.value = pattern;
    $('smz-random').href = '#/random' + (a ? '?content=' + encodeURIComponent(a.name) : '');
  }

  function scopeName() {
    if (cur.archive)
      return cur.archive.name;
    return state.names.length === 1 ? state.names[0] : null;
  }

  function setupSearch() {
    var form = $('smz-search'), q = $('smz-q'), list = $('smz-sugg');
    var items = [], active = -1, timer = 0, seq = 0, last = null;
    function close() {
      list.hidden = true;
      active = -1;
      q.setAttribute('aria-expanded', 'false');
      q.removeAttribute('aria-activedescendant');
    }
    function mark(i) {
      var lis = list.children;
      for (var k = 0; k < lis.length; k++)
        lis[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
      active = i;
      if (i >= 0)
        q.setAttribute('aria-activedescendant', lis[i].id);
      else
        q.removeAttribute('aria-activedescendant');
    }
    /* No suggestion asked before this may show up after it. */
    function settle() {
      clearTimeout(timer);
      seq++;
      last = null;
      close();
    }
    function search(words) {
      var p = new URLSearchParams(), name = cur.archive ? cur.archive.name : null;
      settle();
      if (name)
        p.set('content', name);
      p.set('pattern', words);
      close();
      go('/search?' + p.toString());
    }
    function pick(i) {
      if (i < items.length) {
        settle();
        var u = resolve(items[i].url || '', V + '/');
        if (u && u.internal)
          go(u.target);
      } else {
        search(q.value.trim());
      }
    }
    /* The title as text, the stretches MATCH gives ([start, length] in
       characters, i.e. code points) in <mark>: text nodes only, as the
       server's bar does (server/assets.c). */
    function marked(li, title, match) {
      var spans = Array.isArray(match) ? match.filter(Array.isArray) : [];
      var k = 0, at = 0, run = '', on = false;
      function flush() {
        if (!run)
          return;
        var m = on ? li.appendChild(document.createElement('mark')) : li;
        m.appendChild(document.createTextNode(run));
        run = '';
      }
      for (var i = 0; i < title.length; at++) {
        var c = title.codePointAt(i), w = c > 0xffff ? 2 : 1;
        while (k < spans.length && !(at < (+spans[k][0]) + (+spans[k][1])))
          k++;
        var inside = k < spans.length && at >= +spans[k][0];
        if (inside !== on) {
          flush();
          on = inside;
        }
        run += title.substr(i, w);
        i += w;
      }
      flush();
    }
    /* A long title whose first mark is past the list's edge starts a few
       words before it instead (as the server's bar does). */
    function fit(li) {
      var m = li.querySelector('mark'), n, before = '';
      if (!m || m.getBoundingClientRect().right <= li.getBoundingClientRect().right - 12)
        return;
      while ((n = li.firstChild) !== m) {
        before += n.textContent;
        li.removeChild(n);
      }
      var keep = before.slice(-24), sp = keep.indexOf(' ');
      if (before.length > 24 && sp >= 0)
        keep = keep.slice(sp + 1);
      var skip = document.createElement('span');
      skip.className = 'smz-skip';
      skip.textContent = before.slice(0, before.length - keep.length);
      li.insertBefore(skip, m);
      li.insertBefore(document.createTextNode(keep), m);
      li.className = 'smz-cut';
      li.setAttribute('aria-label', li.textContent);
    }
    function renderList(words, data) {
      items = (data && data.results) || [];
      list.textContent = '';
      if (!words) {
        close();
        return;
      }
      items.forEach(function (it, i) {
        var li = document.createElement('li');
        li.id = 'smz-sugg-' + i;
        li.setAttribute('role', 'option');
        if (it.title)
          marked(li, it.title, it.match);
        else
          li.textContent = it.path;
        list.appendChild(li);
      });
      var all = document.createElement('li');
      all.id = 'smz-sugg-' + items.length;
      all.className = 'smz-all';
      all.setAttribute('role', 'option');
      all.textContent = fill(_(T.searchFor), words);
      list.appendChild(all);
      list.hidden = false;
      q.setAttribute('aria-expanded', 'true');
      mark(-1);
      for (var i = 0; i < items.length; i++)
        fit(list.children[i]);
    }
    function suggest() {
      var words = q.value.trim(), my = ++seq, name = scopeName();
      if (words === last)
        return;
      last = words;
      if (!words || !state.opened) {
        renderList('', null);
        return;
      }
      var p = new URLSearchParams();
      if (name)
        p.set('content', name);
      p.set('term', words);
      p.set('count', '8');
      (name ? ask('/suggest?' + p.toString()) : Promise.resolve(null)).then(function (r) {
        var d = null;
        if (r && r.status === 200) {
          try {
            d = JSON.parse(new TextDecoder().decode(r.body));
          } catch (e) { d = null; }
        }
        if (my === seq)
          renderList(words, d);
      }).catch(function () {
        if (my === seq)
          renderList(words, null);
      });
    }
    q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    q.addEventListener('keydown', function (e) {
      var count = list.children.length;
      if (list.hidden || !count)
        return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        mark((active + 1) % count);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        mark(active <= 0 ? count - 1 : active - 1);
      } else if (e.key === 'Escape') {
        close();
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        pick(active);
      }
    });
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    list.addEventListener('click', function (e) {
      var li = e.target.closest ? e.target.closest('li') : null;
      if (li)
        pick(Array.prototype.indexOf.call(list.children, li));
    });
    q.addEventListener('blur', function () { setTimeout(close, 150); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var words = q.value.trim();
      if (words && state.opened)
        search(words);
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === '/' && state.opened && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
        e.preventDefault();
        q.focus();
      }
    });
  }

  /* ---------------------------------------------------------- opening files */

  function isKey(f) { return /\.pub$/i.test(f.name); }

  /* Adds FILES (a FileList or array) and URLS to the library and opens it
   * all again; on failure the library stays as it was. */
  function addAndOpen(files, urls) {
    var before = {files: state.files.slice(), keys: state.keys.slice(), urls: state.urls.slice()};
    Array.prototype.forEach.call(files || [], function (f) {
      (isKey(f) ? state.keys : state.files).push(f);
    });
    (urls || []).forEach(function (u) { state.urls.push(u); });
    state.scripts = $('smz-scripts').checked;
    if (!state.files.length && !state.urls.length) {
      startError(_(T.pickOne));
      return Promise.resolve(false);
    }
    startError('');
    busy(true);
    $('smz-start-status').textContent = _(T.opening);
    return openNow().then(function (r) {
      busy(false);
      $('smz-start-status').textContent = '';
      if (!r.ok) {
        state.files = before.files;
        state.keys = before.keys;
        state.urls = before.urls;
        var msg = r.error || _(T.notOpened);
        if (state.opened) {
          message(msg);
          openNow();
        } else {
          startError(msg);
        }
        return false;
      }
      state.opened = true;
      state.version = r.version || '';
      document.body.classList.add('smz-open');
      $('smz-start').hidden = true;
      $('smz-bar').hidden = false;
      if (r.warnings)
        message(r.warnings.split('\n').filter(Boolean).join(' \u2022 '));
      learnNames();
      var at = hashParams('at')[0];
      if (at && at.charAt(0) === '/')
        history.replaceState(null, '', '#' + at);
      var h = fromHash();
      if (h.target.charAt(0) === '/' && h.target !== '/' && !before.files.length && !before.urls.length)
        render(h);
      else
        go('/', h.target === '' || /^url=/.test(location.hash.slice(1)));
      return true;
    }, function (e) {
      busy(false);
      $('smz-start-status').textContent = '';
      state.files = before.files;
      state.keys = before.keys;
      state.urls = before.urls;
      startError(e.message || String(e));
      return false;
    });
  }

  /* The names of the archives, from the library page (for suggestions
   * when only one is open). */
  function learnNames() {
    ask('/').then(function (r) {
      var doc = new DOMParser().parseFromString(new TextDecoder().decode(r.body), 'text/html');
      var names = [];
      doc.querySelectorAll('.smz-book a[href^="/content/"]').forEach(function (a) {
        var n = a.getAttribute('href').split('/')[2];
        if (n && names.indexOf(n) < 0)
          names.push(decodeURIComponent(n));
      });
      state.names = names;
    }).catch(function () { /* suggestions then need an archive page */ });
  }

  function startError(text) {
    var el = $('smz-start-err');
    el.textContent = text;
    el.hidden = !text;
  }

  function setupStart() {
    var pick = $('smz-pick'), more = $('smz-files'), drop = $('smz-drop');
    pick.addEventListener('change', function () {
      addAndOpen(Array.from(pick.files));
      pick.value = '';
    });
    more.addEventListener('change', function () {
      addAndOpen(Array.from(more.files));
      more.value = '';
    });
    $('smz-more').addEventListener('click', function () { more.click(); });
    ['dragenter', 'dragover'].forEach(function (t) {
      document.addEventListener(t, function (e) {
        e.preventDefault();
        drop.classList.add('smz-over');
      });
    });
    document.addEventListener('dragleave', function (e) {
      if (!e.relatedTarget)
        drop.classList.remove('smz-over');
    });
    document.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('smz-over');
      if (e.dataTransfer && e.dataTransfer.files.length)
        addAndOpen(Array.from(e.dataTransfer.files));
    });
    $('smz-urlform').addEventListener('submit', function (e) {
      e.preventDefault();
      var u = $('smz-url').value.trim();
      if (!/^https?:\/\//i.test(u)) {
        startError(_(T.badUrl));
        return;
      }
      addAndOpen([], [u]);
    });
    $('smz-home').addEventListener('click', function (e) {
      e.preventDefault();
      go('/');
    });
    $('smz-random').addEventListener('click', function (e) {
      e.preventDefault();
      var name = scopeName();
      go('/random' + (name ? '?content=' + encodeURIComponent(name) : ''));
    });
    $('smz-title').addEventListener('click', function (e) {
      e.preventDefault();
      if (cur.archive)
        go('/content/' + encodeURIComponent(cur.archive.name) + '/');
    });
    /* The skip link moves focus into the page shown; the address (the
     * hash) keeps naming that page. */
    document.querySelector('.smz-skip').addEventListener('click', function (e) {
      e.preventDefault();
      var f = $('smz-frame');
      if (f && !$('smz-view').hidden)
        f.focus();
    });
    var about = $('smz-about');
    $('smz-about-btn').addEventListener('click', function () {
      $('smz-about-module').textContent = state.version ? state.version : 'not loaded yet';
      if (about.showModal)
        about.showModal();
      else
        about.setAttribute('open', '');
    });
    $('smz-about-close').addEventListener('click', function () {
      if (about.close)
        about.close();
      else
        about.removeAttribute('open');
    });
  }

  /* #url=https://mirror/x.smz (several joined with &): opened at start;
   * &at=/content/x/a.html (URL-encoded) names the page to show first. */
  function hashParams(name) {
    var h = location.hash.slice(1);
    if (!/^url=/.test(h))
      return [];
    return h.split('&').filter(function (p) { return p.indexOf(name + '=') === 0; }).map(function (p) {
      try {
        return decodeURIComponent(p.slice(name.length + 1));
      } catch (e) {
        return p.slice(name.length + 1);
      }
    });
  }

  /* A relative address is the mirror's own (the page served beside the
   * archives); from file:// it resolves to a file and is left out. */
  function urlsFromHash() {
    return hashParams('url').map(function (u) {
      try {
        return new URL(u, location.href).href;
      } catch (e) {
        return '';
      }
    }).filter(function (u) { return /^https?:\/\//i.test(u); });
  }

  function init() {
    $('smz-build').textContent = BUILD;
    setupStart();
    setupSearch();
    document.body.classList.add('smz-js');
    chooseLanguage();
    var urls = urlsFromHash();
    if (urls.length)
      addAndOpen([], urls);
    else
      $('smz-pick').focus();
  }

  /* For the tests: what the page knows, without reaching into closures. */
  window.smzReader = {
    state: function () {
      return {opened: state.opened, version: state.version, names: state.names.slice(),
              shown: shown.target, pages: pages, archive: cur.archive, build: BUILD, busy: document.body.classList.contains('smz-busy')};
    },
    /* Shorter limits, so that a test of a hung worker does not wait. */
    timeouts: function (request, open) {
      TIMEOUT = request;
      OPEN_TIMEOUT = open;
    },
    ask: function (target, range) {
      return ask(target, range).then(function (r) {
        return {status: r.status, headers: r.headers, length: r.body.length,
                text: r.body.length < 1048576 ? new TextDecoder().decode(r.body) : '',
                hex: r.body.length <= 64 ? Array.from(r.body, function (b) {
                  return (b + 256).toString(16).slice(1);
                }).join('') : ''};
      });
    },
  };

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', init);
  else
    init();
})();
