#!/usr/bin/python3
"""Loads each report.html in headless Chromium and checks what a reader sees.

For every report given: the page makes no request beyond itself and its data:
URIs (it is self-contained), every figure decodes and renders with non-zero
size, every table has rows beyond its header, and the console shows no error.
A screenshot of each page is written to SHOTS (its path printed).

    .ci/browser.py SHOTS outputs/*/report.html
    .ci/browser.py --self-check SHOTS outputs/quickstart/report.html

--self-check corrupts one figure of a copy of the report and passes only if
the check then fails (the check's own test, run in CI).

Chromium is driven over the DevTools protocol (python3-websocket).
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

PAGE_FACTS = """JSON.stringify({
  images: [...document.images].map(i => ({alt: i.alt, complete: i.complete, natural: i.naturalWidth,
                                           width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height})),
  tables: [...document.querySelectorAll("table")].map(t => t.rows.length),
  height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth
})"""


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="amsga-chromium-")
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, "--window-size=1100,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("chromium did not start its DevTools server")
        port = open(port_file).read().split()[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.events = []
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(domain + ".enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if any(e.get("method") == event for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError(f"no {event} within {seconds} s")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def check(browser, report, shot):
    """The problems a reader would see in `report`; writes its screenshot to `shot`."""
    url = "file://" + os.path.abspath(report)
    browser.events = []
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    facts = json.loads(browser.call("Runtime.evaluate", expression=PAGE_FACTS, returnByValue=True)["result"]["value"])
    problems = []
    for e in browser.events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            request = p["request"]["url"]
            if request != url and not request.startswith("data:"):
                problems.append(f"requests {request} (a report must be self-contained)")
        elif method == "Runtime.consoleAPICalled" and p.get("type") == "error":
            problems.append("console error: " + " ".join(str(a.get("value", "")) for a in p.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            problems.append("exception: " + p["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            problems.append("console error: " + p["entry"].get("text", ""))
    for image in facts["images"]:
        if not image["complete"] or image["natural"] == 0 or image["width"] == 0 or image["height"] == 0:
            problems.append(f"figure {image['alt']} does not render ({image['natural']} px wide decoded, "
                            f"{image['width']:.0f} x {image['height']:.0f} on the page)")
    for k, rows in enumerate(facts["tables"]):
        if rows < 2:
            problems.append(f"table {k + 1} has {rows} row(s): no data under its header")
    height = min(facts["height"], 16000)
    png = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                       clip={"x": 0, "y": 0, "width": facts["width"], "height": height, "scale": 0.5})
    with open(shot, "wb") as f:
        f.write(base64.b64decode(png["data"]))
    return problems, facts


def corrupted_copy(report, folder):
    """A copy of `report` whose first figure's SVG is cut in half (no longer an image)."""
    html = open(report, encoding="utf-8").read()
    match = re.search(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', html)
    if not match:
        raise RuntimeError(f"{report} has no figure to corrupt")
    svg = base64.b64decode(match.group(1))
    broken = base64.b64encode(svg[: len(svg) // 2]).decode()
    path = os.path.join(folder, "corrupted-report.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html[: match.start(1)] + broken + html[match.end(1):])
    return path


def main(args):
    self_check = args[:1] == ["--self-check"]
    if self_check:
        args = args[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    shots, reports = args[0], args[1:]
    os.makedirs(shots, exist_ok=True)
    browser = Browser()
    failed = 0
    try:
        if self_check:
            path = corrupted_copy(reports[0], shots)
            problems, _ = check(browser, path, os.path.join(shots, "corrupted-report.png"))
            print(f"self-check: {reports[0]} with its first figure cut in half: {len(problems)} problem(s)")
            for p in problems:
                print("  " + p)
            if not any(p.startswith("figure ") for p in problems):
                print("error: the check did not catch a corrupted figure")
                failed = 1
        else:
            for report in reports:
                name = os.path.basename(os.path.dirname(os.path.abspath(report)))
                shot = os.path.join(shots, name + ".png")
                problems, facts = check(browser, report, shot)
                print(f"{report}: {len(facts['images'])} figures, {len(facts['tables'])} tables, "
                      f"{'ok' if not problems else str(len(problems)) + ' problem(s)'}; screenshot {shot}")
                for p in problems:
                    print("  error: " + p)
                failed += bool(problems)
    finally:
        browser.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
