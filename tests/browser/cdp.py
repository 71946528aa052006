"""Drives headless Chromium through the Chrome DevTools Protocol with nothing
but Python's standard library: a minimal WebSocket client (RFC 6455, the
client side, text frames) and CDP sessions attached to page targets.

    with Browser() as b:
        p = b.new_page()
        p.goto("http://127.0.0.1:8080/")
        p.screenshot("library.png")
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class CDPError(Exception):
    pass


class WebSocket:
    def __init__(self, host, port, path, timeout=30):
        self.sock = socket.create_connection((host, port), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("DevTools closed the connection during the handshake")
            buf += chunk
        head, rest = buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise CDPError("WebSocket handshake refused: %r" % head[:200])
        self.buf = bytearray(rest)

    def send(self, text):
        data = text.encode()
        head = bytearray([0x81])
        n = len(data)
        if n < 126:
            head.append(0x80 | n)
        elif n < 65536:
            head.append(0x80 | 126)
            head += struct.pack(">H", n)
        else:
            head.append(0x80 | 127)
            head += struct.pack(">Q", n)
        mask = os.urandom(4)
        head += mask
        body = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        self.sock.sendall(bytes(head) + body)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("DevTools connection closed")
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def recv(self, timeout=None):
        self.sock.settimeout(timeout)
        msg = b""
        while True:
            b0, b1 = self._read(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
            if op == 0x9:  # ping
                self.sock.sendall(bytes([0x8A, 0x80]) + os.urandom(4))
                continue
            if op == 0x8:
                raise EOFError("DevTools closed the WebSocket")
            msg += payload
            if b0 & 0x80:
                return msg.decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Browser:
    """A headless Chromium with a private profile, removed on close."""

    def __init__(self, log=None, popups=False):
        """POPUPS: let pages open windows without a click (an attack that
        the popup blocker would otherwise stop before it is tried)."""
        self.dir = tempfile.mkdtemp(prefix="smz-chromium-")
        self.log = open(log or os.devnull, "ab")
        self.proc = subprocess.Popen([
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-first-run", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + self.dir, "--remote-debugging-port=0"]
            + (["--disable-popup-blocking"] if popups else []) + ["about:blank"],
            stdout=self.log, stderr=self.log)
        port_file = os.path.join(self.dir, "DevToolsActivePort")
        deadline = time.time() + 30
        lines = []
        while time.time() < deadline:
            if os.path.exists(port_file):
                lines = open(port_file).read().split("\n")
                if len(lines) >= 2 and lines[1]:
                    break
            if self.proc.poll() is not None:
                raise CDPError("chromium exited with status %s" % self.proc.returncode)
            time.sleep(0.05)
        else:
            self.close()
            raise CDPError("chromium did not open its DevTools port")
        self.ws = WebSocket("127.0.0.1", int(lines[0]), lines[1])
        self.next_id = 0
        self.events = []

    def call(self, method, session=None, timeout=30, **params):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise CDPError("no answer to " + method)
            m = json.loads(self.ws.recv(left))
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            self.events.append(m)

    def pump(self, timeout):
        """Collects events for up to TIMEOUT seconds (returns at the first)."""
        try:
            self.events.append(json.loads(self.ws.recv(timeout)))
        except (socket.timeout, TimeoutError):
            pass

    def new_page(self, width=1280, height=800):
        tid = self.call("Target.createTarget", url="about:blank")["targetId"]
        sid = self.call("Target.attachToTarget", targetId=tid, flatten=True)["sessionId"]
        return Page(self, sid, width, height)

    def close(self):
        try:
            if getattr(self, "ws", None):
                try:
                    self.call("Browser.close", timeout=5)
                except Exception:
                    pass
                self.ws.close()
        finally:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


KEYS = {
    "Enter": (13, "\r"), "ArrowDown": (40, None), "ArrowUp": (38, None),
    "Escape": (27, None), "Tab": (9, None),
}


class Page:
    def __init__(self, browser, session, width, height):
        self.b = browser
        self.sid = session
        self.dialogs = []  # messages of JavaScript dialogs (dismissed at once)
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Log.enable")
        self.size(width, height)

    def call(self, method, **params):
        return self.b.call(method, session=self.sid, **params)

    def size(self, width, height, mobile=False, scale=1, dark=False):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=scale, mobile=mobile)
        self.call("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])

    def disable_js(self):
        self.call("Emulation.setScriptExecutionDisabled", value=True)

    def mark(self):
        """Forgets past events: wait_event() then only sees newer ones."""
        self.b.events = [e for e in self.b.events if e.get("sessionId") != self.sid]

    def _dialogs(self):
        """A dialog would block the page: note it, dismiss it."""
        for i, e in enumerate(self.b.events):
            if e.get("sessionId") == self.sid and e.get("method") == "Page.javascriptDialogOpening":
                del self.b.events[i]
                self.dialogs.append(e["params"].get("message"))
                self.call("Page.handleJavaScriptDialog", accept=False)
                return self._dialogs()

    def wait_event(self, method, timeout=15):
        deadline = time.time() + timeout
        while True:
            self._dialogs()
            for i, e in enumerate(self.b.events):
                if e.get("sessionId") == self.sid and e.get("method") == method:
                    del self.b.events[i]
                    return e.get("params", {})
            left = deadline - time.time()
            if left <= 0:
                raise CDPError("timed out waiting for " + method)
            self.b.pump(min(left, 0.5))

    def events(self, method):
        return [e.get("params", {}) for e in self.b.events
                if e.get("sessionId") == self.sid and e.get("method") == method]

    def goto(self, url, timeout=15):
        self.mark()
        r = self.call("Page.navigate", url=url)
        if r.get("errorText"):
            raise CDPError("navigating to %s: %s" % (url, r["errorText"]))
        self.wait_event("Page.loadEventFired", timeout)

    def url(self):
        h = self.call("Page.getNavigationHistory")
        return h["entries"][h["currentIndex"]]["url"]

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise CDPError("evaluating %s: %s" % (expr, r["exceptionDetails"].get("text")))
        return r["result"].get("value")

    def wait_for(self, expr, timeout=10):
        deadline = time.time() + timeout
        while True:
            self._dialogs()
            v = self.eval(expr)
            if v:
                return v
            if time.time() > deadline:
                return v
            self.b.pump(0.1)

    # DOM access that works with JavaScript disabled too.
    def query(self, selector):
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        return self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]

    def query_all(self, selector):
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        return self.call("DOM.querySelectorAll", nodeId=root, selector=selector)["nodeIds"]

    def outer_html(self, selector):
        node = self.query(selector)
        return self.call("DOM.getOuterHTML", nodeId=node)["outerHTML"] if node else None

    def box(self, selector):
        node = self.query(selector)
        if not node:
            raise CDPError("no element " + selector)
        self.call("DOM.scrollIntoViewIfNeeded", nodeId=node)
        q = self.call("DOM.getBoxModel", nodeId=node)["model"]["content"]
        return (q[0] + q[4]) / 2, (q[1] + q[5]) / 2, q

    def click(self, selector):
        x, y, _ = self.box(selector)
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=t, x=x, y=y, button="left", clickCount=1)

    def type(self, text):
        for ch in text:
            self.call("Input.dispatchKeyEvent", type="keyDown", text=ch, key=ch, unmodifiedText=ch)
            self.call("Input.dispatchKeyEvent", type="keyUp", key=ch)

    def key(self, name):
        code, text = KEYS[name]
        down = {"type": "keyDown", "key": name, "code": name, "windowsVirtualKeyCode": code,
                "nativeVirtualKeyCode": code}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=name, code=name,
                  windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)

    def screenshot(self, path, full=False):
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        data = self.call("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
