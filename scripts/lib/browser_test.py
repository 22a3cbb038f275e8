#!/usr/bin/env python3
"""The search page in a real browser (issue 15): headless Chromium, driven over the DevTools protocol, loads
esco-search's page, submits a query with the keyboard, follows a result to its concept page and back, checks
the DOM at each step, saves screenshots, and checks that a hostile label and query stay text.

Standard library only: the DevTools protocol is JSON over one WebSocket, and the small client below speaks
just the part of RFC 6455 it needs (masked text frames out; text, continuation, ping and close frames in).
Usage: browser_test.py --chromium PATH --search URL --weaviate URL [--screenshots DIR]
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HOSTILE = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> 'q' & \"dq\" &amp;"
QUERY = "hair stylist"
TIMEOUT = 60  # seconds for any one page to settle; generous for a loaded 2-core machine


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class WebSocket:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            check(chunk, "DevTools closed the WebSocket during the handshake")
            head += chunk
        check(head.startswith(b"HTTP/1.1 101"), f"DevTools refused the WebSocket: {head[:80]!r}")

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            check(chunk, "DevTools closed the WebSocket")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise Failure("DevTools closed the WebSocket")
            if opcode == 0x9:  # ping: answer with pong (masked, as a client must)
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | n]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class Page:
    """One browser tab over the DevTools protocol."""

    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                check("error" not in message, f"{method}: {message.get('error')}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        check("exceptionDetails" not in result, f"script failed: {expression}: {result.get('exceptionDetails')}")
        return result["result"].get("value")

    def wait_for(self, expression, what):
        """Polls until `expression` is true: navigation, back/forward cache and load events all end here."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if self.js(f"document.readyState === 'complete' && !!({expression})"):
                    return
            except Failure:
                pass  # the document is being replaced
            time.sleep(0.1)
        raise Failure(f"timed out after {TIMEOUT} s waiting for {what}; page: {self.js('location.href')}")

    def navigate(self, action, expression, what):
        """Runs `action` (a DevTools call or a script), then waits for a new document where `expression` holds.
        A mark on the old document tells the two apart (a page restored from the back/forward cache keeps an
        older mark, never this one)."""
        self.marks = getattr(self, "marks", 0) + 1
        self.js(f"window.__escoMark = {self.marks}")
        action()
        self.wait_for(f"window.__escoMark !== {self.marks} && ({expression})", what)

    def key(self, key, code, vk, text=""):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=vk,
                      nativeVirtualKeyCode=vk, text=text if kind == "keyDown" else "")

    def screenshot(self, path):
        if not path:
            return
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        print(f"browser test: screenshot {path}")


def start_chromium(chromium, profile):
    process = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "chromium.log"), "wb"))
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failure(f"chromium exited with {process.returncode}; see {profile}/chromium.log")
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if lines:
                return process, int(lines[0])
        time.sleep(0.1)
    raise Failure("chromium did not open its DevTools port")


def page_socket(port):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT))
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise Failure("chromium has no page target")


def http_json(url, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        text = response.read()
        return json.loads(text) if text.strip() else None


def run(page, search, weaviate, shots):
    def shot(name):
        page.screenshot(os.path.join(shots, name) if shots else None)

    # A phone: 412 CSS pixels wide, touch, device pixel ratio 2 (the screenshots show what a person sees).
    page.call("Emulation.setDeviceMetricsOverride", width=412, height=915, deviceScaleFactor=2, mobile=True)
    page.call("Page.navigate", url=search + "/")
    page.wait_for("document.querySelector('form.search')", "the search page")
    check(page.js("document.querySelector('meta[name=viewport]') !== null"), "no viewport meta")
    check(page.js("document.querySelector('label[for=q]').textContent.length > 0"), "the query box has no label")
    check(page.js("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone")

    # Keyboard only: Tab reaches the skip link first, then the query box takes text and Enter submits the form.
    page.key("Tab", "Tab", 9)
    check(page.js("document.activeElement.className") == "skip", "Tab does not reach the skip link first")
    page.js("document.getElementById('q').focus()")
    page.call("Input.insertText", text=QUERY)
    page.js("document.getElementById('type').value = 'occupation'")
    page.navigate(lambda: page.key("Enter", "Enter", 13, "\r"),
                  "location.search.includes('type=occupation') && document.querySelector('li.result a')", "results")
    results = page.js("""Array.from(document.querySelectorAll('li.result')).map(li => ({
        label: li.querySelector('h3 a').textContent, href: li.querySelector('h3 a').getAttribute('href'),
        type: li.querySelector('.type').textContent, score: li.querySelector('.score').textContent,
        desc: (li.querySelector('.desc') || {textContent: ''}).textContent}))""")
    check(len(results) > 0, f"no results for {QUERY}")
    check(all(r["type"] == "Occupation" for r in results), f"the type filter was ignored: {results[:3]}")
    check(all(0 <= float(r["score"]) <= 1 for r in results), "a score is not a number from 0 to 1")
    check(any("hair" in r["label"] for r in results[:3]), f"odd top results: {results[:3]}")
    check(page.js("document.getElementById('q').value") == QUERY, "the query box lost the query")
    check(page.js("document.getElementById('results-heading').textContent").endswith(f"\u201c{QUERY}\u201d"),
          "no results heading")
    shot("search-results.png")

    # Follow the first result to its concept page.
    first = results[0]
    page.navigate(lambda: page.js("document.querySelector('li.result h3 a').click()"),
                  "location.pathname === '/concept' && document.getElementById('concept-label')", "the concept page")
    check(page.js("document.getElementById('concept-label').textContent") == first["label"],
          "the concept page shows another label")
    relations = page.js("Array.from(document.querySelectorAll('section.relation h2')).map(h => h.textContent)")
    check(any(r.startswith("Essential skills") for r in relations) and any(r.startswith("ISCO group") for r in relations),
          f"an occupation's page lacks essential skills or its ISCO group: {relations}")
    check(page.js("document.querySelectorAll('section.relation a[href^=\"/concept?uri=\"]').length") > 0,
          "no relation links to another concept page")
    shot("concept.png")

    # Back to the results, as the browser's back button does.
    page.navigate(lambda: page.js("history.back()"),
                  "location.pathname === '/' && document.querySelector('li.result a')", "the results again")
    check(page.js("document.querySelector('li.result h3 a').textContent") == first["label"],
          "the results changed after going back")
    # The same results on a desktop screen, for the README.
    page.call("Emulation.setDeviceMetricsOverride", width=1100, height=760, deviceScaleFactor=1, mobile=False)
    page.navigate(lambda: page.js("location.reload()"), "document.querySelector('li.result a')",
                  "the results on a desktop screen")
    shot("search-desktop.png")

    # A hostile query: shown as text, never run.
    page.navigate(lambda: page.call("Page.navigate", url=search + "/?q=" + urllib.parse.quote(HOSTILE, safe="")),
                  "document.getElementById('results-heading')", "results of the hostile query")
    check(page.js("window.pwned === undefined"), "a script in the query ran")
    check(page.js("document.querySelectorAll('main script, main img').length") == 0, "the query became markup")
    check(page.js("document.getElementById('q').value") == HOSTILE, "the query box does not hold the query as typed")
    check(HOSTILE in page.js("document.getElementById('results-heading').textContent"), "the heading lost the query")

    # A hostile label, put into the Weaviate stand-in: shown as text in the results and on its page.
    skill = http_json(search + "/search?q=welding&type=skill&limit=1")["results"][0]
    http_json(f"{weaviate}/v1/objects/Skill/{skill['id']}", "PATCH",
              {"class": "Skill", "properties": {"preferredLabel": HOSTILE}})
    page.navigate(lambda: page.call("Page.navigate", url=search + "/?q=welding&type=skill"),
                  "document.querySelector('li.result a')", "results with the hostile label")
    check(page.js("window.pwned === undefined"), "a script in a label ran")
    labels = page.js("Array.from(document.querySelectorAll('li.result h3 a')).map(a => a.textContent)")
    check(HOSTILE in labels, f"the hostile label is not shown as text: {labels[:3]}")
    check(page.js("document.querySelectorAll('main script, main img').length") == 0, "the label became markup")
    page.navigate(
        lambda: page.call("Page.navigate", url=search + "/concept?uri=" + urllib.parse.quote(skill["uri"], safe="")),
        "document.getElementById('concept-label')", "the hostile label's concept page")
    check(page.js("document.getElementById('concept-label').textContent") == HOSTILE, "the h1 is not the label as text")
    check(page.js("window.pwned === undefined && document.querySelectorAll('main script, main img').length === 0"),
          "the concept page ran or rendered the label as markup")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--search", required=True)
    parser.add_argument("--weaviate", required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="esco-chromium.")
    process = None
    try:
        process, port = start_chromium(args.chromium, profile)
        run(Page(page_socket(port)), args.search.rstrip("/"), args.weaviate.rstrip("/"), args.screenshots)
    except Failure as failure:
        print(f"browser test FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if process:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    print("browser test: passed (search by keyboard, result, concept page, back, hostile query and label)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
