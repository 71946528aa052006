"""What the reader's browser tests share (reader_flow.py, reader_url.py):
opening smz-reader.html, picking files through DevTools
(DOM.setFileInputFiles), waiting for the page the reader shows, and reading
or clicking inside its sandboxed frame through an isolated world of that
frame (Page.createIsolatedWorld: the frame's DOM, none of its scripts)."""
import json
import time

from cdp import CDPError


def state(p):
    return p.eval("window.smzReader ? window.smzReader.state() : null") or {}


def pick(p, files, selector="#smz-pick"):
    p.call("DOM.enable")
    node = p.query(selector)
    if not node:
        raise CDPError("no file input " + selector)
    p.call("DOM.setFileInputFiles", files=list(files), nodeId=node)


def wait_shown(p, pred=None, timeout=30):
    """Waits until the reader shows a page (PRED(target) true, if given)
    and is no longer busy; returns its virtual address."""
    deadline = time.time() + timeout
    while True:
        s = state(p)
        t = s.get("shown")
        if t and not s.get("busy") and (pred is None or pred(t)):
            time.sleep(0.15)  # the frame's load
            return t
        if time.time() > deadline:
            return None
        p.b.pump(0.1)


def _frame(p):
    """(session, frame id) of the frame shown.  Chromium runs a sandboxed
    frame in a process of its own, a target of its own: auto-attach finds
    it; a frame in the page's process is found in the frame tree."""
    if not getattr(p, "_frames", None):
        p._frames = {}
        p._nframes = 0
        p.call("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=False, flatten=True)
    keep = []
    for e in p.b.events:
        m, par = e.get("method"), e.get("params", {})
        if m == "Target.attachedToTarget" and par["targetInfo"]["type"] == "iframe":
            p._nframes += 1
            p._frames[par["sessionId"]] = (p._nframes, par["targetInfo"]["targetId"])
        elif m == "Target.detachedFromTarget":
            p._frames.pop(par.get("sessionId"), None)
        else:
            keep.append(e)
    p.b.events[:] = keep
    if p._frames:
        sid = max(p._frames, key=lambda k: p._frames[k][0])
        return sid, p._frames[sid][1]
    tree = p.call("Page.getFrameTree")["frameTree"]
    kids = tree.get("childFrames") or []
    return (p.sid, kids[0]["frame"]["id"]) if kids else (None, None)


def frame_eval(p, expr, timeout=10):
    """EXPR evaluated against the DOM of the frame shown (an isolated world:
    the page's own scripts neither see nor change it)."""
    deadline = time.time() + timeout
    while True:
        sid, fid = _frame(p)
        if fid:
            try:
                ctx = p.b.call("Page.createIsolatedWorld", session=sid, frameId=fid,
                               worldName="smz-test")["executionContextId"]
                r = p.b.call("Runtime.evaluate", session=sid, expression=expr, contextId=ctx,
                             returnByValue=True, awaitPromise=True)
                if "exceptionDetails" not in r:
                    return r["result"].get("value")
            except CDPError:
                pass
        if time.time() > deadline:
            raise CDPError("cannot evaluate in the frame: " + expr)
        time.sleep(0.1)


def frame_wait(p, expr, timeout=15):
    deadline = time.time() + timeout
    while True:
        v = frame_eval(p, expr)
        if v or time.time() > deadline:
            return v
        p.b.pump(0.1)


def frame_click(p, selector):
    """A real mouse click on SELECTOR inside the frame."""
    r = frame_eval(p, "(function(){var e=document.querySelector(%s); if(!e) return null; e.scrollIntoView({block:'center'});"
                      "var r=e.getClientRects()[0]||e.getBoundingClientRect(); return [r.left+Math.min(r.width/2,20), r.top+r.height/2];})()"
                   % json.dumps(selector))
    if not r:
        raise CDPError("no element %s in the frame" % selector)
    off = p.eval("(function(){var r=document.getElementById('smz-frame').getBoundingClientRect();return [r.left,r.top]})()")
    x, y = r[0] + off[0], r[1] + off[1]
    for t in ("mousePressed", "mouseReleased"):
        p.call("Input.dispatchMouseEvent", type=t, x=x, y=y, button="left", clickCount=1)


def go(p, target):
    """Shows the virtual address TARGET as a typed address would."""
    p.eval("location.hash = %s" % json.dumps("#" + target))
