#!/usr/bin/env python3
"""Hostile requests against a running `smz serve` (tests/cli/hostile_http.sh),
over raw sockets so that nothing is normalised on the way: %00, CRLF,
encoded and double-encoded ../, overlong UTF-8, oversized and repeated
headers, methods other than GET and HEAD, foreign Host headers, uploads and
form posts, directory-style redirects, request smuggling (framing in
doubt), slowloris and slow readers.  Each must get its
4xx (or, for what CivetWeb refuses before we see it, a 4xx or a closed
connection, never content); no response header may carry bytes of the
request (the Host, once it passed the allowlist, goes into the CSP only);
the access log stays one line per request.

usage: hostile_http.py PORT ARCHIVE_NAME ENTRY_PATH ACCESS_LOG SERVER_DIR [BIG_ENTRY]
Prints "ok - " / "not ok - " lines."""
import os, re, socket, sys, threading, time

PORT, NAME, ENTRY, LOG, SRVDIR = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
BIG = sys.argv[6] if len(sys.argv) > 6 else None  # a big entry, for the slow readers
HOST = "127.0.0.1:%d" % PORT
MARK = b"smzmark"
fails = 0
all_headers = []


def ok(cond, what):
    global fails
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond:
        fails += 1
    sys.stdout.flush()


def exchange(req, timeout):
    """Sends REQ on one connection; returns every byte answered until the
    server closes it or TIMEOUT passes without a byte."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=timeout)
    data = b""
    try:
        s.sendall(req)
        while True:
            try:
                d = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not d:
                break
            data += d
    finally:
        s.close()
    return data


def raw(req, timeout=10):
    """Sends REQ; returns (status or None, headers list, body)."""
    data = exchange(req, timeout)
    if not data:
        return None, [], b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/\d\.\d (\d{3})", lines[0])
    headers = [l for l in lines[1:] if l]
    all_headers.append((req[:80], headers))
    return (int(m.group(1)) if m else None), headers, body


def get(target, headers=b"", method=b"GET", host=HOST.encode(), version=b"HTTP/1.1"):
    req = method + b" " + target + b" " + version + b"\r\n"
    if host is not None:
        req += b"Host: " + host + b"\r\n"
    return raw(req + headers + b"Connection: close\r\n\r\n")


def is4xx(st):
    return st is not None and 400 <= st < 500


def served_content(body):
    return b"<html" in body.lower() and b"smz-error" not in body and b"Not found" not in body


entry = ENTRY.encode()
content = b"/content/" + NAME.encode() + b"/"

# --- sanity: the entry is there ---
st, h, body = get(content + entry)
ok(st == 200, "the entry itself is served (200): %s" % st)

# --- NUL ---
for t in [content + entry + b"%00.png", content + entry + b"%00", b"/search%00?pattern=x",
          b"/search?content=" + NAME.encode() + b"%00x&pattern=rights",
          b"/random?content=" + NAME.encode() + b"%00" + MARK, b"/suggest?content=" + NAME.encode() + b"&term=a%00b",
          b"/download/" + NAME.encode() + b".smz%00"]:
    st, h, body = get(t)
    ok(st == 400, "%%00 is refused with 400: %s -> %s" % (t.decode(), st))

# --- CRLF ---
st, h, body = get(content + b"a%0d%0aX-Injected:%20" + MARK)
ok(st == 400, "an encoded CRLF in the path is refused with 400: %s" % st)
st, h, body = get(content + b"a%0aX-Injected:%20" + MARK)
ok(st == 400, "an encoded LF in the path is refused with 400: %s" % st)
for name, req in [("CR", b"GET /a\rX-Injected: smzmark HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n\r\n"),
                  ("LF", b"GET /a\nX-Injected: smzmark HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n\r\n"),
                  ("CRLF", b"GET /a\r\nX-Injected: smzmark HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n\r\n")]:
    st, h, body = raw(req)
    ok(is4xx(st), "a raw %s in the request line gets a 4xx: %s" % (name, st))
st, h, body = get(b"/search?content=" + NAME.encode() + b"&pattern=a%0d%0aX-Injected:%20" + MARK)
ok(not any(l.lower().startswith(b"x-injected") for l in h), "a CRLF in a query value never becomes a header (%s)" % st)

# --- ../ in every disguise ---
dots = [b"../", b"%2e%2e/", b"%2E%2E%2F", b"..%2f", b".%2e/", b"%252e%252e%252f", b"%25%32%65%25%32%65%25%32%66",
        b"..%5c", b"%2e%2e%5c"]
for d in dots:
    for base in [content, b"/raw/" + NAME.encode() + b"/content/", b"/", b"/skin/", b"/download/"]:
        t = base + d + d + b"etc/passwd"
        st, h, body = get(t)
        ok(is4xx(st) and b"root:" not in body and not served_content(body),
           "%s gets a 4xx and nothing behind it: %s" % (t.decode(), st))
    t = content + d + NAME.encode() + b"/" + entry
    st, h, body = get(t)
    ok(is4xx(st) and not served_content(body), "%s does not reach the entry: %s" % (t.decode(), st))

# --- overlong and invalid UTF-8 ---
for t in [content + b"%c0%ae%c0%ae/" + entry, content + b"%c0%af" + entry, content + b"%e0%80%ae%e0%80%ae/",
          content + b"%f0%80%80%ae", content + b"%ed%a0%80", content + b"%ff%fe", b"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"]:
    st, h, body = get(t)
    ok(st == 400, "overlong or invalid UTF-8 is refused with 400: %s -> %s" % (t.decode(), st))
st, h, body = raw(b"GET /content/\xc0\xae\xc0\xae/ HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n\r\n")
ok(is4xx(st), "raw overlong bytes in the request line get a 4xx: %s" % st)

# --- oversized headers ---
st, h, body = get(b"/", b"X-Big: " + b"a" * (1 << 20) + b"\r\n")
ok(is4xx(st), "a header over 1 MiB (the request head CivetWeb reads) gets a 4xx: %s" % st)
st, h, body = get(b"/", b"".join(b"X-H%d: v\r\n" % i for i in range(100)))
ok(st == 431, "100 header fields get 431 (CivetWeb keeps 64, a Host could hide behind): %s" % st)
st, h, body = get(b"/" + b"a" * 20000)
ok(is4xx(st), "a 20 KB request target gets a 4xx: %s" % st)
st, h, body = get(b"/", b"Cookie: " + b"c=" + b"x" * 17000 + b"\r\n")
ok(st == 200, "a 17 KB cookie is ignored, not refused (a browser would be locked out): %s" % st)
st, h, body = get(b"/")
ok(st == 200, "the server still serves after them: %s" % st)

# --- methods other than GET and HEAD ---
for m in [b"TRACE", b"CONNECT", b"PATCH", b"FOO", b"get", b"MKCOL", b"COPY", b"MOVE", b"LOCK", b"PROPPATCH"]:
    target = HOST.encode() if m == b"CONNECT" else b"/"
    st, h, body = get(target, b"X-Echo: " + MARK + b"\r\n", method=m)
    ok(is4xx(st) and MARK not in body, "%s gets a 4xx and no echo: %s" % (m.decode(), st))

# --- Host ---
st, h, body = get(b"/", host=b"evil.example")
ok(st == 403, "a foreign Host gets 403: %s" % st)
st, h, body = get(b"/", b"Host: evil.example\r\n")
ok(st == 400, "two Host headers get 400: %s" % st)
st, h, body = get(b"/", host=None)
ok(st == 400, "HTTP/1.1 without a Host gets 400: %s" % st)
st, h, body = get(b"/", host=None, version=b"HTTP/1.0")
ok(st == 200, "HTTP/1.0 without a Host is served (it had none): %s" % st)
for bad in [b"evil example", b"evil.example\t", b"127.0.0.1:80:80", b"[::1", b"a" * 300, b"127.0.0.1@evil.example",
            b"localhost.evil.example", b"0x7f.0.0.1", b"%31%32%37.0.0.1"]:
    st, h, body = get(b"/", host=bad)
    ok(is4xx(st), "Host %r gets a 4xx: %s" % (bad[:40], st))
st, h, body = raw(b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
ok(st is None or is4xx(st), "an absolute-form request for another host is closed or refused: %s" % st)
st, h, body = get(b"/", host=b"smzmark.localhost")
csp = [l for l in h if MARK in l]
ok(st == 200 and all(l.startswith(b"Content-Security-Policy:") for l in csp),
   "a Host that passes the allowlist appears only in the CSP: %s %s" % (st, csp))

# --- uploads, forms, PUT: CivetWeb's form handling is never reached ---
before = set(os.listdir(SRVDIR)), set(os.listdir("/tmp"))
boundary = b"smzboundary"
form = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../smzmark-upload.txt\"\r\n"
        b"Content-Type: text/plain\r\n\r\nuploaded smzmark\r\n--" + boundary + b"--\r\n")
for target in [b"/", b"/search", content + b"upload", b"/handle_form.embedded_c.example.callback"]:
    st, h, body = raw(b"POST " + target + b" HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nContent-Type: multipart/form-data; boundary="
                      + boundary + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(form) + form)
    ok(st == 405, "a multipart upload to %s gets 405: %s" % (target.decode(), st))
st, h, body = raw(b"POST /search HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 17\r\nConnection: close\r\n\r\npattern=smzmark&x")
ok(st == 405, "an url-encoded form post gets 405: %s" % st)
st, h, body = raw(b"PUT /smzmark-put.txt HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsmzmark")
ok(st == 405, "PUT gets 405: %s" % st)
st, h, body = raw(b"POST / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nExpect: 100-continue\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n")
ok(st == 405, "a POST waiting for 100-continue gets 405, not 100: %s" % st)
time.sleep(0.2)
after = set(os.listdir(SRVDIR)), set(os.listdir("/tmp"))
new = [n for n in (after[0] - before[0]) | (after[1] - before[1]) if "smzmark" in n]
ok(not new, "no upload or PUT wrote a file: %s" % new)

# --- directory redirects (CivetWeb's, under a document root: there is none) ---
for t in [b"//evil.example", b"//evil.example/", b"//evil.example/%2e%2e", b"/%2f%2fevil.example/", b"/content",
          b"/skin", b"/catalog", b"/\\evil.example", b"/content/" + NAME.encode() + b"/%2f%2fevil.example/"]:
    st, h, body = get(t)
    loc = [l for l in h if l.lower().startswith(b"location:")]
    ok(is4xx(st) and not loc, "%s gets a 4xx and no redirect: %s %s" % (t.decode(), st, loc))
st, h, body = get(content[:-1])
loc = [l for l in h if l.lower().startswith(b"location:")]
ok(st == 302 and loc and loc[0].split(b":", 1)[1].strip().startswith(b"/content/"),
   "the one directory-style redirect we make (/content/NAME) stays on this server: %s" % loc)

# --- no response header ever carries request bytes ---
leaked = [(r, l) for r, hs in all_headers for l in hs
          if MARK in l and not l.startswith(b"Content-Security-Policy:")]
ok(not leaked, "no response header carries request bytes (%d responses looked at): %s" % (len(all_headers), leaked[:3]))
bad_bytes = [(r, l) for r, hs in all_headers for l in hs if any(c < 0x20 or c > 0x7e for c in l if c != 9)]
ok(not bad_bytes, "response headers are printable ASCII: %s" % bad_bytes[:3])
names = {l.split(b":", 1)[0].lower() for r, hs in all_headers for l in hs}
ok(b"x-injected" not in names and b"x-echo" not in names, "no injected header name: %s" % sorted(names))

# --- request smuggling (RFC 9112 6.3): framing in doubt gets 400 and a closed
# connection, and the request hidden behind it is never answered ---
def conversation(req, timeout=5):
    """Sends REQ on one connection; returns every status line answered."""
    return re.findall(rb"HTTP/1\.[01] (\d{3})", exchange(req, timeout))


H = b"Host: " + HOST.encode() + b"\r\n"
hidden = b"GET /robots.txt HTTP/1.1\r\n" + H + b"X-Hidden: " + MARK + b"\r\n\r\n"
smuggle = [
    ("two Content-Length headers", b"Content-Length: 0\r\nContent-Length: %d\r\n" % len(hidden), hidden),
    ("two different Content-Length headers, long first", b"Content-Length: %d\r\nContent-Length: 0\r\n" % len(hidden), hidden),
    ("two equal Content-Length headers", b"Content-Length: 0\r\nContent-Length: 0\r\n", hidden),
    ("Content-Length and Transfer-Encoding", b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n" + hidden),
    ("Transfer-Encoding and Content-Length", b"Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", b"0\r\n\r\n" + hidden),
    ("Transfer-Encoding alone", b"Transfer-Encoding: chunked\r\n", b"0\r\n\r\n" + hidden),
    ("an obfuscated Transfer-Encoding", b"Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n", hidden),
    ("a Content-Length list", b"Content-Length: 0, %d\r\n" % len(hidden), hidden),
    ("a signed Content-Length", b"Content-Length: +0\r\n", hidden),
    ("a hex Content-Length", b"Content-Length: 0x0\r\n", hidden),
    ("a negative Content-Length", b"Content-Length: -1\r\n", hidden),
    ("an empty Content-Length", b"Content-Length: \r\n", hidden),
    ("a huge Content-Length", b"Content-Length: 99999999999999999999999\r\n", hidden),
    ("white space before the colon", b"Content-Length : %d\r\n" % len(hidden), hidden),
    ("a folded line hiding a Content-Length", b"X-A: a\r\n folded\r\nContent-Length: %d\r\n" % len(hidden), hidden),
    ("a folded line (tab)", b"X-A: a\r\n\tfolded\r\n", hidden),
    ("a header name with a non-ASCII byte", b"X-A: a\r\n\xffContent-Length: %d\r\n" % len(hidden), hidden),
]
for what, headers, body in smuggle:
    got = conversation(b"GET / HTTP/1.1\r\n" + H + headers + b"\r\n" + body)
    # CivetWeb itself answers 411 to some malformed lengths before we see them.
    ok(len(got) == 1 and (got[0] == b"400" or (b"Content-Length" in headers and got[0] == b"411")),
       "%s: 400 and nothing more is answered: %s" % (what, got))
got = conversation(b"GET / HTTP/1.1\r\n" + H + b"Content-Length: 0\r\nX-Empty:\r\nX-Blank:   \r\n\r\n" + hidden)
ok(got == [b"200", b"200"], "one Content-Length: 0 and empty values are fine, keep-alive too: %s" % got)
got = conversation(b"GET / HTTP/1.1\n" + H.replace(b"\r", b"") + b"X-A: b\n\n")
ok(got == [b"200"], "bare LF line ends are still read (RFC 9112 2.2): %s" % got)

def timed_entry(timeout):
    """The entry asked for as a client would, while an attack holds the
    server's connections: its status (or the error) and the seconds it took."""
    t0 = time.time()
    try:
        st = raw(b"GET /content/" + NAME.encode() + b"/" + entry + b" HTTP/1.1\r\nHost: " + HOST.encode()
                 + b"\r\nConnection: close\r\n\r\n", timeout=timeout)[0]
    except OSError as e:
        st = "error %s" % e
    return st, time.time() - t0


# --- slowloris: 200 connections trickling their headers (more than --threads:
# the guard shuts the oldest down to keep places for new requests) ---
socks = []
for i in range(200):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    s.sendall(b"GET / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n")
    socks.append(s)
stop = time.time() + 8


def drip():
    while time.time() < stop:
        for s in socks:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
        time.sleep(1)


th = threading.Thread(target=drip)
th.start()
time.sleep(1)
st, took = timed_entry(5)
ok(st == 200 and took < 5, "with 200 slowloris connections open, a normal request is served in %.2f s (%s)" % (took, st))
th.join()
for s in socks:
    s.close()

# --- slow read: 200 connections ask for a big entry and never read ---
if BIG:
    socks = []
    for i in range(200):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", PORT))
            s.sendall(b"GET /content/" + NAME.encode() + b"/" + BIG.encode() + b" HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n\r\n")
            socks.append(s)
        except OSError:
            s.close()
    time.sleep(1)
    st, took = timed_entry(8)
    ok(st == 200 and took < 8, "with %d connections not reading a big entry, a normal request is served in %.2f s (%s)"
       % (len(socks), took, st))
    for s in socks:
        s.close()

# --- the access log ---
time.sleep(0.3)
lines = open(LOG, "rb").read().split(b"\n")[:-1]
clf = re.compile(rb'^[0-9a-f.:]+ - - \[[^\]]+\] "[\x21-\x7e ]*" \d{3} (\d+|-)$')
badl = [l for l in lines if not clf.match(l)]
ok(lines and not badl, "every access-log line is one well-formed line (%d lines): %s" % (len(lines), badl[:2]))
sys.exit(1 if fails else 0)
