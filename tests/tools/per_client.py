#!/usr/bin/env python3
"""The guard's per-address cap (server/guard.c), against a server listening
on 127.0.0.1, from 127.0.0.2 (127.0.0.1 itself is exempt): 40 idle
connections that never finish their request; over the cap of 32, the
oldest are closed within a second or two, and a fresh request from the same
address is still answered.  usage: per_client.py ADDRESS PORT
Prints "ok - " / "not ok - " lines."""
import socket, sys, time

A, P = sys.argv[1], int(sys.argv[2])
SRC = "127.0.0.2"  # another client than 127.0.0.1, and still this machine
socks = []
for i in range(40):
    s = socket.create_connection((A, P), timeout=5, source_address=(SRC, 0)); s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n"); socks.append(s)
time.sleep(2.0)
closed = 0
for s in socks:
    s.setblocking(False)
    try:
        d = s.recv(10)
        closed += (d == b"")
    except BlockingIOError: pass
    except OSError: closed += 1
t0 = time.time()
p = socket.create_connection((A, P), timeout=5, source_address=(SRC, 0))
p.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (A.encode(), P))
d = b""
try:
    while True:
        x = p.recv(9999)
        if not x: break
        d += x
except OSError as e: pass
took = time.time() - t0
good = closed == 8 and d.startswith(b"HTTP/1.1 200") and took < 3
print("%s - over 32 connections from one address, the guard closes the excess: %d of 40"
      % ("ok" if closed == 8 else "not ok", closed))
print("%s - ... and a fresh request from it is answered (%s in %.2f s)"
      % ("ok" if d.startswith(b"HTTP/1.1 200") and took < 3 else "not ok", d[:12], took))
for s in socks:
    s.close()
sys.exit(0 if good else 1)
