"""A fault-injecting HTTP proxy for the smz pull tests (tests/cli/pull_faults.sh).

    python3 faultproxy.py PORT UPSTREAM_PORT STATE_DIR

Listens on 127.0.0.1:PORT and forwards each request to 127.0.0.1:UPSTREAM_PORT
(nginx or smz serve), one request per connection (it asks the upstream to
close).  Every request line and its Range and If-Range headers go to
STATE_DIR/log, one line each, then the answer's status line ("status PATH
CODE"), and after each answer "sent PATH N", N the body bytes sent.  When
STATE_DIR/fault exists, its one line says what to do to the next answer whose
path ends in .smz (or .smzup, an update); the file is then removed (one fault,
then the proxy is honest again):

    cut N       send the head and N bytes of the body, then close
    corrupt N   flip the byte at offset N of the file (the Content-Range
                start counted), the rest as it is
    length N    state Content-Length: N, and send at most N body bytes
    total N     state the Content-Range total (or Content-Length) as N

A third word "tail" (e.g. "corrupt 100 tail") aims the fault at the next
request for an archive's tail (smz pull asks for it first when the catalog
gives smz:tail: a range with an end, answered up to the file's last byte);
without it a fault skips such requests and waits for the next one (the
rest of the file, or all of it).  "norange tail" (N ignored) answers the
next tail request with the whole file (200), as a server that ignores
ranges does.
"""

import os
import socket
import sys
import threading

PORT, UPSTREAM, STATE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
LOCK = threading.Lock()


def log(line):
    with LOCK, open(os.path.join(STATE, "log"), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def take_fault(tail):
    """The fault for this answer (TAIL: it is a tail request), if any."""
    path = os.path.join(STATE, "fault")
    with LOCK:
        try:
            with open(path, encoding="utf-8") as f:
                words = f.read().split()
            if (len(words) > 2 and words[2] == "tail") != tail:
                return None, 0
            os.remove(path)
            return words[0], int(words[1])
        except FileNotFoundError:
            return None, 0


def is_tail(rng, rhead):
    """A request "Range: bytes=A-B" (both ends, A > 0) answered with the
    file's last byte (Content-Range: bytes A-B/B+1)."""
    if not rng or "=" not in rng[0]:
        return False
    a, _, b = rng[0].split("=", 1)[1].strip().partition("-")
    if not (a.isdigit() and b.isdigit() and int(a) > 0):
        return False
    for h in rhead.split("\r\n"):
        if h.lower().startswith("content-range:"):
            spec = h.split(":", 1)[1].strip().split(" ")[-1]
            rng_, _, total = spec.partition("/")
            return total.isdigit() and rng_.endswith("-%d" % (int(total) - 1))
    return False


def ask(head_lines, body):
    up = socket.create_connection(("127.0.0.1", UPSTREAM))
    up.sendall(("\r\n".join(head_lines + ["Connection: close"]) + "\r\n\r\n").encode("latin-1") + body)
    rhead, rbody = read_head(up)
    return up, rhead, rbody


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def handle(client):
    try:
        head, body = read_head(client)
        if head is None:
            return
        lines = head.split("\r\n")
        rng = [h for h in lines[1:] if h.lower().startswith("range:")]
        ifr = [h for h in lines[1:] if h.lower().startswith("if-range:")]
        log(lines[0] + ("  " + rng[0] if rng else "") + ("  " + ifr[0] if ifr else ""))
        path = lines[0].split(" ")[1].split("?")[0]
        kept = [h for h in lines[1:] if not h.lower().startswith(("connection:", "keep-alive:"))]
        up, rhead, rbody = ask([lines[0]] + kept, body)
        if rhead is None:
            return
        tail = path.endswith(".smz") and is_tail(rng, rhead)
        kind, n = take_fault(tail) if path.endswith((".smz", ".smzup")) else (None, 0)
        if kind == "norange":  # the whole file, as if Range were not understood
            up.close()
            up, rhead, rbody = ask([lines[0]] + [h for h in kept if not h.lower().startswith("range:")], body)
            if rhead is None:
                return
        rlines = rhead.split("\r\n")
        log("status %s %s" % (path, rlines[0].split(" ")[1] if " " in rlines[0] else "?"))
        start = 0
        for i, h in enumerate(rlines):
            low = h.lower()
            if low.startswith("content-range:"):
                spec = h.split(":", 1)[1].strip().split(" ")[1]
                start = int(spec.split("-")[0])
                if kind == "total":
                    rlines[i] = "Content-Range: bytes %s/%d" % (spec.split("/")[0], n)
            elif low.startswith("content-length:"):
                if kind == "length" or (kind == "total" and not any(x.lower().startswith("content-range:") for x in rlines)):
                    rlines[i] = "Content-Length: %d" % n
        if kind:
            log("fault %s %d" % (kind, n))
        client.sendall(("\r\n".join(rlines) + "\r\n\r\n").encode("latin-1"))
        sent = 0
        limit = n if kind in ("cut", "length") else None
        data = rbody
        while True:
            if data:
                if kind == "corrupt" and start + sent <= n < start + sent + len(data):
                    k = n - start - sent
                    data = data[:k] + bytes([data[k] ^ 0x55]) + data[k + 1:]
                if limit is not None and sent + len(data) > limit:
                    data = data[:limit - sent]
                client.sendall(data)
                sent += len(data)
                if limit is not None and sent >= limit:
                    break
            data = up.recv(65536)
            if not data:
                break
        up.close()
        log("sent %s %d" % (path, sent))
    except OSError:
        pass
    finally:
        try:
            client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        client.close()


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", PORT))
    srv.listen(16)
    with open(os.path.join(STATE, "ready"), "w", encoding="utf-8") as f:
        f.write("ok\n")
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


main()
