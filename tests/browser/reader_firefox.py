"""The reader in Firefox ESR (headless), driven over WebDriver BiDi, which
Firefox has built in (no geckodriver): opens smz-reader.html from nginx
with #url= (so no file picker is needed), lets it show a search of the
samples, compares the hits with `smz search --json`, and takes a
screenshot; then opens the reader as a file and picks the archive in its
file input.  Prints "ok - ..." lines.

usage: reader_firefox.py READER_URL OUT_DIR SMZ SAMPLES_SMZ [READER_FILE [SITE_SMZ]]
  READER_URL: e.g. http://127.0.0.1:8080/smz-reader.html#url=...&at=/search?...
  READER_FILE: also open this file:// and pick SAMPLES_SMZ in its file input
  (WebDriver BiDi's input.setFiles)
  SITE_SMZ: picked too, with the archives' scripts on: its probe page
  (reader_site.py) proves the sandbox in Firefox
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import CDPError, WebSocket  # noqa: E402
from tap import ok, run  # noqa: E402

FIREFOX = os.environ.get("FIREFOX", "firefox-esr")


class Firefox:
    """A headless Firefox with a private profile; BiDi commands with call()."""

    def __init__(self, log):
        self.dir = tempfile.mkdtemp(prefix="smz-firefox-")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        with open(os.path.join(self.dir, "user.js"), "w") as f:
            f.write('user_pref("browser.shell.checkDefaultBrowser", false);\n'
                    'user_pref("datareporting.policy.dataSubmissionEnabled", false);\n'
                    'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);\n'
                    'user_pref("app.update.disabledForTesting", true);\n'
                    'user_pref("browser.startup.homepage_override.mstone", "ignore");\n')
        self.log = open(log, "ab")
        self.proc = subprocess.Popen([FIREFOX, "--headless", "--no-remote", "--profile", self.dir,
                                      "--remote-debugging-port", str(port), "about:blank"],
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while True:
            try:
                self.ws = WebSocket("127.0.0.1", port, "/session")
                break
            except (OSError, Exception):
                if time.time() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise CDPError("firefox did not open its WebDriver BiDi port")
                time.sleep(0.3)
        self.next_id = 0
        self.call("session.new", capabilities={})

    def call(self, method, timeout=60, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.time() + timeout
        while True:
            m = json.loads(self.ws.recv(max(0.1, deadline - time.time())))
            if m.get("id") == mid:
                if m.get("type") == "error":
                    raise CDPError("%s: %s %s" % (method, m.get("error"), m.get("message")))
                return m.get("result", {})

    def eval(self, context, expr, sandbox=None):
        target = {"context": context}
        if sandbox:
            target["sandbox"] = sandbox
        try:
            r = self.call("script.evaluate", expression=expr, target=target, awaitPromise=True)
        except CDPError as e:
            if "no such frame" in str(e):  # the reader replaced its frame meanwhile
                return None
            raise
        if r.get("type") == "exception":
            return None
        v = r.get("result", {})
        return v.get("value") if v.get("type") in ("string", "number", "boolean") else None

    def close(self):
        try:
            if getattr(self, "ws", None):
                try:
                    self.call("browser.close", timeout=10)
                except Exception:
                    pass
                self.ws.close()
        finally:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    url, out, smz, samples = sys.argv[1:5]
    reader_file = sys.argv[5] if len(sys.argv) > 5 else None
    site = sys.argv[6] if len(sys.argv) > 6 else None
    os.makedirs(out, exist_ok=True)
    want = [h["path"] for h in json.loads(subprocess.run(
        [smz, "search", "--json", "--limit", "25", samples, "china"], capture_output=True, text=True).stdout)["results"]]
    ff = Firefox(os.path.join(out, "firefox.log"))
    try:
        ctx = ff.call("browsingContext.getTree")["contexts"][0]["context"]
        ff.call("browsingContext.setViewport", context=ctx, viewport={"width": 1280, "height": 800})
        ff.call("browsingContext.navigate", context=ctx, url=url, wait="complete")
        deadline = time.time() + 60
        st = {}
        while time.time() < deadline:
            s = ff.eval(ctx, "window.smzReader ? JSON.stringify(window.smzReader.state()) : ''")
            st = json.loads(s) if s else {}
            if (st.get("shown") or "").startswith("/search") and not st.get("busy"):
                break
            time.sleep(0.3)
        ok((st.get("shown") or "").startswith("/search?content=samples"),
           "Firefox: the reader opens the samples from nginx and shows a search (%s)" % st.get("shown"))
        err = ff.eval(ctx, "document.getElementById('smz-start-err').textContent")
        ok(not err, "Firefox: no error on the start screen (%s)" % err)
        got = []
        for _ in range(30):
            kids = ff.call("browsingContext.getTree", root=ctx)["contexts"][0].get("children") or []
            if kids:
                v = ff.eval(kids[0]["context"], "JSON.stringify(Array.from(document.querySelectorAll('.smz-hit'),"
                            " a => a.getAttribute('href')))", sandbox="smz-test")
                got = [urllib.parse.unquote(h.split("/", 3)[3]) for h in json.loads(v or "[]")]
                if got:
                    break
            time.sleep(0.3)
        ok(got and got == want, "Firefox: the same hits in the same order as smz search (%d, %d)"
           % (len(got), len(want)))
        time.sleep(0.5)
        shot = ff.call("browsingContext.captureScreenshot", context=ctx)["data"]
        with open(os.path.join(out, "firefox-search.png"), "wb") as f:
            f.write(base64.b64decode(shot))
        ok(True, "Firefox: screenshot of the search saved")

        # --- the reader as a file, an archive picked in its file input ---
        if reader_file:
            ff.call("browsingContext.navigate", context=ctx, url="file://" + reader_file, wait="complete")
            node = ff.call("script.evaluate", expression="document.getElementById('smz-pick')",
                           target={"context": ctx}, awaitPromise=False)["result"]
            ff.eval(ctx, "document.getElementById('smz-scripts').checked = true")
            files = [samples] + ([site] if site else [])
            ff.call("input.setFiles", context=ctx, element={"sharedId": node["sharedId"]}, files=files)
            deadline, st = time.time() + 60, {}
            while time.time() < deadline:
                s = ff.eval(ctx, "window.smzReader ? JSON.stringify(window.smzReader.state()) : ''")
                st = json.loads(s) if s else {}
                if st.get("shown") == "/" and not st.get("busy"):
                    break
                time.sleep(0.3)
            ok(st.get("shown") == "/", "Firefox, file://: a picked archive opens in the library (%s)"
               % st.get("shown"))
            time.sleep(0.5)
            shot = ff.call("browsingContext.captureScreenshot", context=ctx)["data"]
            with open(os.path.join(out, "firefox-file.png"), "wb") as f:
                f.write(base64.b64decode(shot))
        # --- the sandbox in Firefox: the probe page, the archives' scripts on ---
        if reader_file and site:
            ff.eval(ctx, "location.hash = '#/content/site/probe.html'")
            res = {}
            for _ in range(60):
                kids = ff.call("browsingContext.getTree", root=ctx)["contexts"][0].get("children") or []
                v = ff.eval(kids[0]["context"], "(function(){var o=document.getElementById('out');"
                            "return o && o.textContent !== 'probing' ? o.textContent : ''})()",
                            sandbox="smz-test") if kids else None
                if v:
                    res = json.loads(v)
                    break
                time.sleep(0.3)
            ok(res, "Firefox: the probe page's script ran (%s)" % res)
            for k in ("parent", "top", "network", "local", "other", "other_abs", "storage", "cookie"):
                ok(res.get(k) == "blocked", "Firefox: an archived script cannot reach %s (%s)" % (k, res.get(k)))
    finally:
        ff.close()


if __name__ == "__main__":
    run(main)
