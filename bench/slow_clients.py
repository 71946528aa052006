#!/usr/bin/env python3
"""Slow clients against a running `smz serve`: how long a normal request
takes while N connections hold on.  Not a test (it takes up to a minute);
tests/tools/hostile_http.py has the bounded version.

usage: slow_clients.py PORT MODE N TARGET [PROBE]
  MODE slowloris: N connections send a request line and then one header
       line a second, never ending the header block;
  MODE slowread:  N connections ask for TARGET (a big entry) with a small
       receive buffer and never read.
  PROBE (default /robots.txt) is the normal request, timed once a second
  for 12 s while they hold on (cap 40 s each).  Prints the times."""
import socket, sys, threading, time

PORT, MODE, N, TARGET = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
PROBE = (sys.argv[5] if len(sys.argv) > 5 else "/robots.txt").encode()
HOST = b"127.0.0.1:%d" % PORT


def connect():
    s = socket.socket()
    if MODE == "slowread":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(5)
    s.connect(("127.0.0.1", PORT))
    return s


socks = []
for i in range(N):
    try:
        s = connect()
        if MODE == "slowloris":
            s.sendall(b"GET / HTTP/1.1\r\nHost: " + HOST + b"\r\n")
        else:
            s.sendall(b"GET " + TARGET + b" HTTP/1.1\r\nHost: " + HOST + b"\r\n\r\n")
        socks.append(s)
    except OSError:
        pass
stop = time.time() + 14


def drip():
    while time.time() < stop:
        for s in list(socks):
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
        time.sleep(1)


th = threading.Thread(target=drip) if MODE == "slowloris" else None
if th:
    th.start()
time.sleep(1)
times = []
for k in range(4):
    t0 = time.time()
    try:
        p = socket.create_connection(("127.0.0.1", PORT), timeout=40)
        p.sendall(b"GET " + PROBE + b" HTTP/1.1\r\nHost: " + HOST + b"\r\nConnection: close\r\n\r\n")
        d = b""
        while True:
            x = p.recv(65536)
            if not x:
                break
            d += x
        p.close()
        st = d[9:12].decode() if d.startswith(b"HTTP/") else "no answer"
    except OSError as e:
        st = "error %s" % e
    times.append((time.time() - t0, st))
    time.sleep(max(0, 3 - (time.time() - t0)))
print("%s %d (%d connected): normal request %s" % (MODE, N, len(socks),
      ", ".join("%.2f s (%s)" % t for t in times)))
stop = 0
if th:
    th.join()
for s in socks:
    s.close()
