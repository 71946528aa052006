/* A read-only Emscripten file system node type for archives at a web
 * address (the reader's #url= mode), and for picked files, which it reads
 * in the same blocks through File.slice() and FileReaderSync (one call per
 * 64 KiB, not one per SQLite page: a call costs about a millisecond, so a
 * search that reads 3,600 pages took seconds through WORKERFS).  The
 * archive is never fetched whole:
 * every read becomes synchronous XMLHttpRequests (allowed in a Web Worker)
 * for aligned blocks with a Range header, and the blocks live in a small
 * LRU cache, so SQLite's page reads and the cluster reads cost one request
 * per block not yet seen.  A server that ignores Range, answers with
 * another size than the one first learned, or hides Content-Range from a
 * page of another origin gets a sentence that says so (httpfsError), not a
 * silent wrong byte: the read fails with EIO and C reports the archive as
 * unreadable.  Its sentences are worker.js's (W, wt()): the page's language.
 *
 * Usage (in the worker, after the module is ready):
 *   var H = makeHttpFS(Module.FS);
 *   Module.FS.mkdirTree('/url/0');
 *   Module.FS.mount(H, {url: 'https://mirror.example/news.smz', name: 'news.smz'}, '/url/0');
 *   ... then /url/0/news.smz is an ordinary read-only file. */
'use strict';

var HTTPFS_BLOCK = 64 * 1024;          /* bytes per range request */
var HTTPFS_FILE_BLOCK = 256 * 1024;    /* bytes per FileReaderSync call (a call costs ~1 ms) */
var HTTPFS_CACHE = 8 * 1024 * 1024;    /* bytes of blocks kept, all files together */
var HTTPFS_EIO = 29, HTTPFS_EPERM = 63, HTTPFS_ENOENT = 44, HTTPFS_EINVAL = 28; /* WASI numbers */

/* The last failure of any read, as a sentence for the user; '' when none. */
var httpfsError = '';

/* Sends one synchronous GET for bytes FROM..TO (inclusive) of URL; returns
 * {status, data: Uint8Array, range: Content-Range or null, length}.
 * Throws an Error with a sentence when the network fails. */
function httpfsGet(url, from, to) {
  var x = new XMLHttpRequest();
  x.open('GET', url, false);
  x.responseType = 'arraybuffer';
  x.setRequestHeader('Range', 'bytes=' + from + '-' + to);
  try {
    x.send(null);
  } catch (e) {
    throw new Error(wt(W.webUnreadable, url, e && e.message || e));
  }
  if (x.status === 0)
    throw new Error(wt(W.webSilent, url));
  return {status: x.status, data: new Uint8Array(x.response || new ArrayBuffer(0)),
          range: x.getResponseHeader('Content-Range')};
}

/* Parses "bytes A-B/TOTAL"; null when it does not have that form. */
function httpfsParseRange(h) {
  var m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(h || '');
  if (!m)
    return null;
  return {from: +m[1], to: +m[2], total: m[3] === '*' ? -1 : +m[3]};
}

function makeHttpFS(FS) {
  var DIR_MODE = 16384 | 365;   /* S_IFDIR | 0555 */
  var FILE_MODE = 32768 | 292;  /* S_IFREG | 0444 */
  var cache = new Map();        /* key "fileid:block" -> Uint8Array; Map keeps use order */
  var cached = 0, nextFile = 0;

  function fail(msg) {
    httpfsError = msg;
    throw new FS.ErrnoError(HTTPFS_EIO);
  }

  /* Learns the size of URL from the answer to its first block (and keeps
   * that block).  Returns {size, first}. */
  function probe(url) {
    var r = httpfsGet(url, 0, HTTPFS_BLOCK - 1);
    if (r.status === 200)
      throw new Error(wt(W.noRanges, url));
    if (r.status === 416)
      throw new Error(wt(W.webEmpty, url));
    if (r.status !== 206)
      throw new Error(wt(W.webStatus, url, r.status));
    var cr = httpfsParseRange(r.range);
    if (!cr)
      throw new Error(wt(W.hiddenRange, url));
    if (cr.total < 0 || cr.from !== 0 || r.data.length !== cr.to - cr.from + 1 ||
        r.data.length !== Math.min(HTTPFS_BLOCK, cr.total))
      throw new Error(wt(W.webBadRange, url, r.data.length, r.range));
    return {size: cr.total, first: r.data};
  }

  function put(key, data) {
    cache.set(key, data);
    cached += data.length;
    while (cached > HTTPFS_CACHE && cache.size > 1) {
      var oldest = cache.keys().next().value;
      cached -= cache.get(oldest).length;
      cache.delete(oldest);
    }
  }

  /* Block number B of the file of NODE, from the cache or the server. */
  function block(node, b) {
    var key = node.httpfs.id + ':' + b;
    var d = cache.get(key);
    if (d) {
      cache.delete(key); /* most recently used goes last */
      cache.set(key, d);
      return d;
    }
    var bs = node.httpfs.bs, from = b * bs, to = Math.min(from + bs, node.size) - 1;
    if (node.httpfs.file) {
      /* A picked file: one FileReaderSync read per block, not per page. */
      var data;
      try {
        data = new Uint8Array(new FileReaderSync().readAsArrayBuffer(node.httpfs.file.slice(from, to + 1)));
      } catch (e) {
        fail(wt(W.fileGone, node.name, e && e.message || e));
      }
      if (data.length !== to - from + 1)
        fail(wt(W.fileChanged, node.name));
      put(key, data);
      return data;
    }
    var r;
    try {
      r = httpfsGet(node.httpfs.url, from, to);
    } catch (e) {
      fail(e.message);
    }
    if (r.status === 200)
      fail(wt(W.rangesStopped, node.httpfs.url));
    if (r.status !== 206)
      fail(wt(W.readStatus, node.httpfs.url, r.status));
    var cr = httpfsParseRange(r.range);
    if (!cr || cr.from !== from || cr.to !== to || (cr.total >= 0 && cr.total !== node.size) ||
        r.data.length !== to - from + 1)
      fail(wt(W.webChanged, node.httpfs.url, r.data.length, r.range || '-', to - from + 1, node.size));
    put(key, r.data);
    return r.data;
  }

  function createNode(parent, name, mode, size) {
    var node = FS.createNode(parent, name, mode, 0);
    node.mode = mode;
    node.node_ops = HTTPFS.node_ops;
    node.stream_ops = HTTPFS.stream_ops;
    node.timestamp = 0;
    node.size = size;
    node.contents = {};
    if (parent)
      parent.contents[name] = node;
    return node;
  }

  function no() {
    throw new FS.ErrnoError(HTTPFS_EPERM);
  }

  var HTTPFS = {
    /* opts: {url, name}.  Throws an Error with a sentence when the address
     * cannot serve an archive (probe). */
    mount: function (mount) {
      var opts = mount.opts, root = createNode(null, '/', DIR_MODE, 4096);
      if (opts.files) {
        /* {files: [{name, data: File}]}: picked files, read in blocks. */
        opts.files.forEach(function (f) {
          var n = createNode(root, f.name, FILE_MODE, f.data.size);
          n.httpfs = {file: f.data, id: nextFile++, bs: HTTPFS_FILE_BLOCK};
        });
        return root;
      }
      var p = probe(opts.url);
      var f = createNode(root, opts.name, FILE_MODE, p.size);
      f.httpfs = {url: opts.url, id: nextFile++, bs: HTTPFS_BLOCK};
      put(f.httpfs.id + ':0', p.first);
      return root;
    },
    node_ops: {
      getattr: function (node) {
        return {dev: 2, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0,
                size: node.size, atime: new Date(0), mtime: new Date(0), ctime: new Date(0),
                blksize: HTTPFS_BLOCK, blocks: Math.ceil(node.size / 512)};
      },
      setattr: function () {},
      lookup: function () { throw new FS.ErrnoError(HTTPFS_ENOENT); },
      mknod: no, rename: no, unlink: no, rmdir: no, symlink: no, readlink: no,
      readdir: function (node) {
        return ['.', '..'].concat(Object.keys(node.contents));
      },
    },
    stream_ops: {
      read: function (stream, buffer, offset, length, position) {
        var node = stream.node, done = 0;
        if (position >= node.size)
          return 0;
        length = Math.min(length, node.size - position);
        while (done < length) {
          var bs = node.httpfs.bs, at = position + done, b = Math.floor(at / bs);
          var d = block(node, b), skip = at - b * bs;
          var n = Math.min(d.length - skip, length - done);
          buffer.set(d.subarray(skip, skip + n), offset + done);
          done += n;
        }
        return done;
      },
      write: function () { throw new FS.ErrnoError(HTTPFS_EPERM); },
      llseek: function (stream, offset, whence) {
        var position = offset;
        if (whence === 1)
          position += stream.position;
        else if (whence === 2)
          position += stream.node.size;
        if (position < 0)
          throw new FS.ErrnoError(HTTPFS_EINVAL);
        return position;
      },
    },
    /* For tests and the About: how many bytes the cache holds. */
    cachedBytes: function () { return cached; },
  };
  return HTTPFS;
}
