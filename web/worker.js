/* The reader's Web Worker: it owns the WebAssembly module (createSmz, our
 * C library and the server's request handlers) and answers the page's
 * messages.  Archives picked by the user are mounted under /in/<n>/ and
 * archives at a web address under /url/<n>/<name>, both with httpfs.js's
 * node type: blocks read through File.slice + FileReaderSync (256 KiB) or
 * range requests (64 KiB), kept in one 8 MiB cache; never the whole file.  Requests are the raw targets a browser would send to
 * `smz serve`, and the answers are exactly what it would send, split into
 * status, headers and body.
 *
 * Messages (see docs in the design brief):
 *   {t:'open', files, urls, keys, scripts} -> {t:'opened', ok, error, warnings, version}
 *   {t:'req', id, method, target, range}  -> {t:'resp', id, status, headers, body}
 *   (status 0 and an error sentence when the module failed or stopped)
 *
 * In the single file (scripts/web-build.py) this source follows httpfs.js
 * and the module's own JavaScript; nothing is fetched. */
'use strict';

/* The worker's own sentences (and httpfs.js's, which runs in it), from
 * the same catalogues as the page's words: N_ marks a msgid for xgettext
 * (make pot) and lists it; language() asks the module for them with the
 * page's, and wt() gives one in the page's language with its %s (or
 * %1$s...) filled in (English until then, or without a translation).  One
 * line each: the module answers one translation a line. */
var W_MSGIDS = [], W_WORDS = {};
function N_(msgid) {
  W_MSGIDS.push(msgid);
  return msgid;
}
var W = {
  stopped: N_('The archive reader stopped (%s).'),
  stoppedOpening: N_('The archive reader stopped while opening (%s).'),
  notOpened: N_('The archives could not be opened.'),
  noMemory: N_('The archive reader ran out of memory.'),
  malformed: N_('The archive reader gave a malformed answer.'),
  noStart: N_('The archive reader could not start: %s'),
  webUnreadable: N_('The web address %1$s cannot be read (%2$s). From a page opened as a file, the server ' +
                    'must allow it: Access-Control-Allow-Origin.'),
  webSilent: N_('The web address %s did not answer (network error or refused by CORS).'),
  noRanges: N_('The server of %s ignores Range requests (it answered 200 with the whole file): it cannot ' +
               'serve an archive to the reader.'),
  webEmpty: N_('The file at %s is empty.'),
  webStatus: N_('The web address %1$s answered %2$s instead of the archive.'),
  hiddenRange: N_('The server of %s hides its Content-Range header from this page: it must send ' +
                  'Access-Control-Expose-Headers: Content-Range.'),
  webBadRange: N_('The server of %1$s answered a range of the wrong size (%2$s bytes for %3$s).'),
  fileGone: N_('The file %1$s cannot be read any more (%2$s): was the stick removed?'),
  fileChanged: N_('The file %s changed while it was read.'),
  rangesStopped: N_('The server of %s stopped honouring Range requests.'),
  readStatus: N_('Reading %1$s failed: the server answered %2$s.'),
  webChanged: N_('The file at %1$s changed on the server or was answered with the wrong size (%2$s bytes, ' +
                 '%3$s, expected %4$s bytes of %5$s).'),
};
function wt(msgid) {
  var args = Array.prototype.slice.call(arguments, 1), next = 0;
  var t = Object.prototype.hasOwnProperty.call(W_WORDS, msgid) ? W_WORDS[msgid] : msgid;
  return t.replace(/%(?:([1-9])\$)?s|%%/g, function (m, k) {
    if (m === '%%')
      return '%';
    var a = args[k ? +k - 1 : next++];
    return a === undefined ? '' : String(a);
  });
}

var smz = null;       /* the module, once loaded */
var api = null;       /* its C functions, through cwrap */
var dead = '';        /* why the module can no longer be used ('' while it can) */
var mounts = [];      /* mount points of the current library */
var serial = 0;       /* numbers the mount points: never reused */

/* Loads (or, after a crash, reloads) the module. */
function load() {
  dead = '';
  return createSmz({
    print: function () {},
    printErr: function (s) { console.warn('smz:', s); },
    onAbort: function (what) { dead = wt(W.stopped, what); },
  }).then(function (m) {
    smz = m;
    api = {
      open: m.cwrap('smzw_open', 'number', ['string', 'string', 'number']),
      errmsg: m.cwrap('smzw_errmsg', 'string', []),
      warnings: m.cwrap('smzw_warnings', 'string', []),
      request: m.cwrap('smzw_request', 'number', ['string', 'string', 'string']),
      response: m.cwrap('smzw_response', 'number', []),
      version: m.cwrap('smzw_version', 'string', []),
      language: m.cwrap('smzw_language', 'string', ['string', 'string']),
    };
    /* A module loaded again (after a stop) keeps speaking the language. */
    if (accept)
      api.language(accept, '');
  });
}

/* The page's Accept-Language (from navigator.languages): the module sends
 * it with every request; the answer is the language chosen and the page's
 * own words in it (smzw_language), the worker's own after them (kept here,
 * not sent). */
var accept = '';
function language(m) {
  return ready(false).then(function () {
    accept = String(m.accept || '').slice(0, 255);
    var page = String(m.msgids || ''), n = page ? page.split('\n').length : 0;
    var lines = String(api.language(accept, (page ? page + '\n' : '') + W_MSGIDS.join('\n'))).split('\n');
    var mine = lines.slice(1 + n);
    W_WORDS = {};
    W_MSGIDS.forEach(function (id, i) {
      if (mine[i])
        W_WORDS[id] = mine[i];
    });
    return {t: 'lang', words: lines.slice(0, 1 + n).join('\n')};
  });
}

var loading = null;
/* The module, loaded on first use; RELOAD: a fresh one when the last one
 * stopped (only an open does that: requests report the stop instead). */
function ready(reload) {
  if (!loading || (reload && dead)) {
    loading = load().catch(function (e) {
      loading = null;
      throw e;
    });
  }
  return loading;
}

/* A file name for the FS: the last segment of a path or URL, without
 * anything the FS or a reader of the message could trip on. */
function safeName(s, fallback) {
  var n = String(s || '').split(/[\\/]/).pop().replace(/[\x00-\x1f\x7f]/g, '');
  try {
    n = decodeURIComponent(n);
  } catch (e) { /* keep it as it was */ }
  n = n.replace(/[\/\\\x00-\x1f\x7f]/g, '_');
  if (!n || n === '.' || n === '..')
    n = fallback;
  return n.slice(0, 200);
}

function unmountAll(list) {
  list.forEach(function (p) {
    try {
      smz.FS.unmount(p);
      smz.FS.rmdir(p);
    } catch (e) { /* already gone */ }
  });
}

function mkdirs(path) {
  var at = '';
  path.split('/').forEach(function (part) {
    if (!part)
      return;
    at += '/' + part;
    try {
      smz.FS.mkdir(at);
    } catch (e) { /* exists */ }
  });
}

/* The one instance of httpfs.js's node type: its block cache is shared by
 * every archive open (picked files and web addresses alike). */
var blockfs = null;
function blockFS() {
  return blockfs || (blockfs = makeHttpFS(smz.FS));
}

/* Mounts FILE (a File or Blob) in a folder of its own; returns its path. */
function mountFile(file, fallback) {
  return mountSet([{name: safeName(file.name, fallback), data: file}]);
}

/* A split archive (NAME.smz.001, NAME.smz.002, ...: smz/split.h) is read
 * as one file by the library, which finds the other parts beside the one it
 * is given: the picked parts of one set go into one folder. */
function splitStem(name) {
  var m = /^(.+\.smz)\.\d{3}$/.exec(name);
  return m ? m[1] : null;
}

/* Mounts the files PARTS ({name, data}: the parts of one set, or one
 * file) in a folder of their own; returns the path of the first. */
function mountSet(parts) {
  var dir = '/in/' + (serial++), seen = {}, blobs = [];
  parts.forEach(function (p) {
    if (!seen[p.name]) {
      seen[p.name] = true;
      blobs.push(p);
    }
  });
  blobs.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
  mkdirs(dir);
  smz.FS.mount(blockFS(), {files: blobs}, dir);
  mounts.push(dir);
  return dir + '/' + blobs[0].name;
}

function mountUrl(url) {
  var dir = '/url/' + (serial++), name = safeName(url.split(/[?#]/)[0], 'archive.smz');
  mkdirs(dir);
  httpfsError = '';
  try {
    smz.FS.mount(blockFS(), {url: url, name: name}, dir);
  } catch (e) {
    try {
      smz.FS.rmdir(dir);
    } catch (e2) { /* nothing to remove */ }
    throw new Error(e && e.message ? e.message : httpfsError || String(e));
  }
  mounts.push(dir);
  return dir + '/' + name;
}

/* Messages name files by their FS path: the user knows only the name. */
function plain(s) {
  return String(s || '').replace(/\/(in|url)\/\d+\//g, '');
}

function open(m) {
  return ready(true).then(function () {
    var old = mounts;
    mounts = [];
    var paths = [], keys = [];
    try {
      var sets = {}, stems = [];
      (m.files || []).forEach(function (f) {
        var stem = splitStem(safeName(f.name, 'archive.smz'));
        if (!stem)
          return paths.push(mountFile(f, 'archive.smz'));
        if (!sets[stem]) {
          sets[stem] = [];
          stems.push(stem);
        }
        sets[stem].push({name: safeName(f.name, 'archive.smz'), data: f});
      });
      stems.forEach(function (stem) { paths.push(mountSet(sets[stem])); });
      (m.urls || []).forEach(function (u) { paths.push(mountUrl(u)); });
      (m.keys || []).forEach(function (f) { keys.push(mountFile(f, 'key.pub')); });
    } catch (e) {
      unmountAll(mounts);
      mounts = old;
      return {t: 'opened', ok: false, error: e.message || String(e), warnings: ''};
    }
    httpfsError = '';
    var rc;
    try {
      rc = api.open(paths.join('\n'), keys.join('\n'), m.scripts ? 1 : 0);
    } catch (e) {
      dead = dead || wt(W.stoppedOpening, e.message || e);
      return {t: 'opened', ok: false, error: dead, warnings: ''};
    }
    if (rc !== 0) {
      var err = api.errmsg() || wt(W.notOpened);
      if (httpfsError)
        err += ' ' + httpfsError;
      unmountAll(mounts);
      mounts = old;
      return {t: 'opened', ok: false, error: plain(err), warnings: plain(api.warnings())};
    }
    unmountAll(old);
    var w = api.warnings();
    if (httpfsError)
      w = (w ? w + '\n' : '') + httpfsError;
    return {t: 'opened', ok: true, error: '', warnings: plain(w), version: api.version()};
  });
}

/* Splits the raw answer "HTTP/1.1 200 OK\r\nName: value\r\n\r\nbody". */
function parse(bytes) {
  var end = -1;
  for (var i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0)
    return null;
  var head = new TextDecoder('latin1').decode(bytes.subarray(0, end)).split('\r\n');
  var st = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!st)
    return null;
  var headers = {};
  for (var k = 1; k < head.length; k++) {
    var c = head[k].indexOf(':');
    if (c > 0) {
      var name = head[k].slice(0, c).trim().toLowerCase(), v = head[k].slice(c + 1).trim();
      headers[name] = name in headers ? headers[name] + ', ' + v : v;
    }
  }
  return {status: +st[1], headers: headers, body: bytes.slice(end + 4).buffer};
}

function request(m) {
  return ready(false).then(function () {
    if (dead)
      return {t: 'resp', id: m.id, status: 0, error: dead, headers: {}};
    httpfsError = '';
    var n, bytes;
    try {
      n = api.request(m.method || 'GET', m.target, m.range || '');
      if (n < 0)
        return {t: 'resp', id: m.id, status: 0, error: wt(W.noMemory), headers: {}};
      var p = api.response();
      bytes = smz.HEAPU8.slice(p, p + n);
    } catch (e) {
      dead = dead || wt(W.stopped, e && e.message || e);
      return {t: 'resp', id: m.id, status: 0, error: dead, headers: {}};
    }
    var r = parse(bytes);
    if (!r)
      return {t: 'resp', id: m.id, status: 0, error: wt(W.malformed), headers: {}};
    r.t = 'resp';
    r.id = m.id;
    if (httpfsError)
      r.fsError = httpfsError;
    return r;
  });
}

/* One message at a time, in order: the module is single-threaded and a
 * later request must not overtake an open. */
var queue = Promise.resolve();
self.onmessage = function (e) {
  var m = e.data || {};
  queue = queue.then(function () {
    var job = m.t === 'open' ? open(m) : m.t === 'req' ? request(m) : m.t === 'lang' ? language(m) : null;
    if (!job)
      return;
    return job.then(function (r) {
      r.id = m.id;
      self.postMessage(r, r.body ? [r.body] : []);
    }, function (err) {
      self.postMessage({t: m.t === 'open' ? 'opened' : 'resp', id: m.id, ok: false, status: 0,
                        error: wt(W.noStart, err && err.message || err),
                        headers: {}});
    });
  });
};
