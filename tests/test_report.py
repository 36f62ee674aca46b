"""The HTML report: its data (spans match the log) and a real browser opening it.

The browser test drives headless Chromium (Debian's ``chromium``) through the
Chrome DevTools Protocol over ``--remote-debugging-pipe`` (standard library
only) and saves a screenshot to ``test-artifacts/report.png``.
"""
from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cleaner import report
from cleaner.changelog import read_log

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CLEANER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """samples/ cleaned with --report: (out dir, log, report)."""
    out = tmp_path_factory.mktemp("report") / "out"
    result = _cli("clean", "samples", "--out", out, "--report", out / "report.html")
    assert result.returncode == 0, result.stderr
    return out, out / "cleaner-log.jsonl", out / "report.html"


def _log_edits(log: Path) -> list[tuple]:
    return sorted((e["path"], e["id"], e["rule"], e["text"]) for e in read_log(log)
                  if e["type"] == "edit" and e["rule"] != report.MARKUP)


def _data_spans(data: dict) -> list[tuple]:
    out = []
    for index, doc in enumerate(data["docs"]):
        pieces, spans, _ = data["texts"][index]
        text = "".join(p for _, p in pieces) if pieces and pieces[0][0] == 0 else None
        assert text is not None and len(pieces) == 1, "samples are small: whole texts embedded"
        for start, end, rule, *_ in spans:
            out.append((doc["p"], doc.get("i"), data["rules"][rule], text[start:end]))
    return sorted(out)


# --------------------------------------------------------------------------- data


def test_spans_match_the_log(cleaned):
    _, log, _ = cleaned
    data = report.build(log)
    assert data["meta"]["mismatches"] == 0 and data["meta"]["full_text"]
    assert _data_spans(data) == _log_edits(log)
    assert not any(d.get("w") for d in data["docs"])  # every original rebuilt and verified


def test_overview_and_findings(cleaned):
    _, log, _ = cleaned
    entries = list(read_log(log))
    summary = next(e for e in entries if e["type"] == "summary")
    data = report.build(log)
    o = data["overview"]
    assert o["documents"] == summary["documents"] == len(data["docs"])
    assert o["chars_in"] == summary["chars_in"] and o["chars_removed"] == summary["chars_removed"]
    assert o["edits_by_rule"] == summary["edits_by_rule"]
    dups = [e for e in entries if e["type"] == "duplicate"]
    assert sum(len(c["members"]) for c in data["clusters"]) == len(dups)
    docs = data["docs"]
    for c in data["clusters"]:
        for m in c["members"]:
            assert docs[m["d"]]["c"][1] == 0 and docs[c["kept"]]["c"][1] == 1
    # a recycled passage: both sides' texts are the logged spans, the matching runs inside them
    recycled = [e for e in entries if e["type"] == "recycled"]
    assert len(data["recycled"]) == len(recycled)
    for rec, entry in zip(data["recycled"], recycled):
        assert docs[rec["t"]]["p"] == entry["path"] and docs[rec["s"]]["p"] == entry["source_path"]
        assert rec["tt"] and rec["st"] and rec["tm"] and rec["sm"]
        for a, b in rec["tm"]:
            assert rec["tt"][a:b].split()[0].lower() in rec["st"].lower()
    exact = [r for r in data["recycled"] if r["sim"] == 1.0]
    assert exact and all(r["tt"] == r["st"] for r in exact)


def test_html_markup_is_collapsed_and_offsets_still_match(cleaned):
    _, log, _ = cleaned
    data = report.build(log)
    page = next(i for i, d in enumerate(data["docs"]) if d["p"].endswith(".html"))
    text = data["texts"][page][0][0][1]
    assert "<!DOCTYPE" not in text and "<head>" not in text and data["docs"][page]["h"] > 0
    assert "\u2019" in text  # &rsquo; shown as its replacement


def test_untrusted_text_cannot_break_out(tmp_path):
    evil = 'Home\n</script><script>window.pwned=1</script><!-- <img src=x onerror="pwned=2">\n'
    body = "This is the article body with enough words to stay in place after cleaning. " * 5
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a<b>.txt").write_text(evil + body + "\n", encoding="utf-8")
    record = {"id": "</SCRIPT><script>window.pwned=3</script>", "text": evil + body}
    (tmp_path / "in" / "b.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _cli("clean", tmp_path / "in", "--out", out, "--report", out / "r.html", "--no-dedup")
    assert result.returncode == 0, result.stderr
    page = (out / "r.html").read_text(encoding="utf-8")
    assert page.lower().count("</script>") == page.lower().count("<script") and "pwned" in page
    assert "<script>window.pwned" not in page and "<img src=x" not in page and "a<b>" not in page
    data = report.build(out / "cleaner-log.jsonl")
    assert {d.get("i", d["p"].rsplit("/", 1)[-1]) for d in json.loads(report._json(data))["docs"]} == {
        "a<b>.txt", record["id"]}


def test_excerpts_and_compression_for_large_corpora(cleaned):
    _, log, _ = cleaned
    data = report.build(log, full_text=False)
    assert not data["meta"]["full_text"]
    spans_ok = []
    for index, (pieces, spans, _) in enumerate(data["texts"]):
        if data["docs"][index].get("r"):
            assert sum(len(p) for _, p in pieces) < data["docs"][index]["n"] or len(pieces) == 1
        for start, end, *_ in spans:
            piece = next(p for p in pieces if p[0] <= start and end <= p[0] + len(p[1]))
            spans_ok.append(piece[1][start - piece[0]:end - piece[0]])
    assert len(spans_ok) == len(_log_edits(log))
    page = report.render(data, compress=True).decode()
    assert 'data-enc="gzip"' in page


def test_changed_output_falls_back_to_the_logged_texts(tmp_path):
    out = tmp_path / "out"
    assert _cli("clean", "samples/003_920e5edfd9377e3d.txt", "--out", out).returncode == 0
    (out / "003_920e5edfd9377e3d.txt").write_text("edited after cleaning\n")
    data = report.build(out / "cleaner-log.jsonl")
    doc = data["docs"][0]
    assert "changed since the log was written" in doc["w"] and doc["u"] == 1
    logged = [e["text"] for e in read_log(out / "cleaner-log.jsonl") if e["type"] == "edit"]
    assert [text for _, text in data["texts"][0][0]] == logged


def test_skipped_files_are_listed_with_their_reason(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "a.txt").write_text("An article paragraph that stays where it is.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _cli("clean", tmp_path / "in", "--out", out, "--report", out / "r.html")
    assert result.returncode == 1 and (out / "r.html").exists()  # 1: a file was skipped
    data = report.build(out / "cleaner-log.jsonl")
    assert data["overview"]["errors"] == 1 and data["errors"][0][0].endswith("empty.txt")
    assert "empty" in data["errors"][0][1]


# --------------------------------------------------------------------------- CLI


def test_cli_report_refuses_to_overwrite(cleaned, tmp_path):
    _, log, _ = cleaned
    target = tmp_path / "r.html"
    first = _cli("report", log, "--out", target)
    assert first.returncode == 0, first.stderr
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    second = _cli("report", log, "--out", target)
    assert second.returncode == 2 and "exists" in second.stderr
    assert _cli("report", log, "--out", target, "--force").returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_clean_report_needs_a_log_and_refuses_existing(tmp_path):
    out = tmp_path / "out"
    dry = _cli("clean", "samples/000_18f99bd4d07bc900.txt", "--dry-run", "--report", tmp_path / "r.html")
    assert dry.returncode == 2 and "--report" in dry.stderr
    existing = tmp_path / "r.html"
    existing.write_text("keep me")
    refused = _cli("clean", "samples/000_18f99bd4d07bc900.txt", "--out", out, "--report", existing)
    assert refused.returncode == 2 and "exists" in refused.stderr and not out.exists()
    assert existing.read_text() == "keep me"


# --------------------------------------------------------------------------- a real browser


class Chromium:
    """Headless Chromium driven through the DevTools protocol over a pipe (fds 3 and 4)."""

    def __init__(self, profile: Path):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        high_r, high_w = os.dup(to_chrome_r), os.dup(from_chrome_w)

        def child_fds():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4, high_r, high_w))
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self.out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.inp = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.next_id = 0
        self.replies: dict[int, dict] = {}
        self.events: "queue.Queue[dict]" = queue.Queue()
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = b""
        while True:
            data = self.inp.read(1 << 16)
            if not data:
                with self.cond:
                    self.replies[-1] = {"closed": True}
                    self.cond.notify_all()
                return
            buffer += data
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self.cond:
                        self.replies[message["id"]] = message
                        self.cond.notify_all()
                else:
                    self.events.put(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout=60) -> dict:
        self.next_id += 1
        number = self.next_id
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.cond:
            while number not in self.replies:
                if -1 in self.replies:
                    raise RuntimeError("chromium closed the pipe")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(method)
                self.cond.wait(left)
            reply = self.replies.pop(number)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, timeout=60) -> dict:
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(method)
            event = self.events.get(timeout=left)
            seen.append(event)
            if event.get("method") == method:
                for other in seen[:-1]:
                    self.events.put(other)
                return event

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Page:
    def __init__(self, browser: Chromium):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None, timeout=60):
        return self.browser.send(method, params, self.session, timeout)

    def open(self, url: str, timeout=60) -> float:
        started = time.monotonic()
        self.send("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", timeout)
        self.wait_for("document.body && document.body.dataset.ready === '1'", timeout)
        return time.monotonic() - started

    def eval(self, expression: str, timeout=60):
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, timeout)
        if "exceptionDetails" in result:
            raise AssertionError(f"script error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.eval(f"!!({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.05)

    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and log errors seen so far."""
        found, keep = [], []
        while True:
            try:
                event = self.browser.events.get_nowait()
            except queue.Empty:
                break
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
            else:
                keep.append(event)
        for event in keep:
            self.browser.events.put(event)
        return found + (self.eval("window.crErrors || []") or [])

    def screenshot(self, path: Path, full: bool = False) -> None:
        params = {"format": "png", "captureBeyondViewport": full}
        if full:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000),
                              "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium); the browser test needs it")
    chrome = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chrome
    finally:
        chrome.close()


SPANS_JS = """(() => {
  const out = [];
  document.querySelectorAll('pre.text[data-doc]').forEach(pre => {
    const d = window.cleanerReport.data.docs[Number(pre.dataset.doc)];
    const byEdit = new Map();
    pre.querySelectorAll('mark.rm').forEach(m => {
      const key = m.dataset.e;
      if (!byEdit.has(key)) byEdit.set(key, {rule: m.dataset.rule, text: ''});
      byEdit.get(key).text += m.textContent;
    });
    byEdit.forEach(v => out.push([d.p, d.i === undefined ? null : d.i, v.rule, v.text]));
  });
  return out;
})()"""


def test_report_in_chromium(cleaned, browser):
    _, log, page_path = cleaned
    page = Page(browser)
    seconds = page.open(page_path.as_uri())
    assert page.errors() == []
    assert page.eval("document.querySelectorAll('#overview svg').length") == 3
    # documents: open every one and compare the highlighted spans with the log
    page.eval("document.querySelector('[data-tab=documents]').click()")
    total = page.eval("window.cleanerReport.data.docs.length")
    assert page.eval("document.querySelectorAll('#doclist .doc').length") == total == 14
    page.eval("document.getElementById('openall').click()")
    page.wait_for(f"document.querySelectorAll('pre.text[data-doc]').length === {total}")
    shown = sorted(tuple(x) for x in page.eval(SPANS_JS))
    assert shown == _log_edits(log)
    assert page.eval("[...document.querySelectorAll('mark.rm')].every(m => m.title.includes('score'))")
    assert page.eval("document.querySelectorAll('mark.rc').length") > 0  # recycled passages marked
    ARTIFACTS.mkdir(exist_ok=True)
    page.eval("document.querySelector('.doc[data-doc=\"3\"]').scrollIntoView()")
    page.screenshot(ARTIFACTS / "report-documents.png")
    # the rule filter: only documents with that rule are listed
    expected = sorted({(e["path"], e["id"]) for e in read_log(log)
                       if e["type"] == "edit" and e["rule"] == "foreign-language"})
    page.eval("""(() => {const s = document.getElementById('rule');
      s.value = String(window.cleanerReport.data.rules.indexOf('foreign-language'));
      s.dispatchEvent(new Event('change'));})()""")
    listed = page.eval("""[...document.querySelectorAll('#doclist .doc')].map(li => {
      const d = window.cleanerReport.data.docs[Number(li.dataset.doc)]; return [d.p, d.i === undefined ? null : d.i];})""")
    assert sorted(tuple(x) for x in listed) == expected and expected
    # search by file name
    page.eval("""(() => {const s = document.getElementById('rule'); s.value = ''; s.dispatchEvent(new Event('change'));
      const q = document.getElementById('q'); q.value = 'JSONL'; q.dispatchEvent(new Event('input'));})()""")
    assert page.eval("document.querySelectorAll('#doclist .doc').length") == 4
    # duplicates and recycled passages
    page.eval("document.querySelector('[data-tab=duplicates]').click()")
    assert page.eval("document.querySelectorAll('.cluster').length") == len(
        {e["cluster"] for e in read_log(log) if e["type"] == "duplicate"})
    page.eval("document.querySelector('[data-tab=recycled]').click()")
    assert page.eval("document.querySelectorAll('.rec').length") == 5
    assert page.eval("document.querySelectorAll('.rec mark.match').length") >= 10
    page.screenshot(ARTIFACTS / "report-recycled.png")
    page.eval("document.querySelector('[data-tab=overview]').click()")
    page.screenshot(ARTIFACTS / "report.png")
    assert page.errors() == []
    assert seconds < 30
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_compressed_excerpt_report_in_chromium(cleaned, browser, tmp_path):
    """The large-corpus form: gzip chunks decompressed by the browser, excerpts only."""
    _, log, _ = cleaned
    data = report.build(log, full_text=False)
    target = tmp_path / "excerpts.html"
    target.write_bytes(report.render(data, compress=True))
    page = Page(browser)
    page.open(target.as_uri())
    page.eval("document.querySelector('[data-tab=documents]').click()")
    page.eval("document.getElementById('openall').click()")
    page.wait_for("document.querySelectorAll('pre.text[data-doc]').length === 14")
    assert sorted(tuple(x) for x in page.eval(SPANS_JS)) == _log_edits(log)
    assert page.eval("document.querySelectorAll('pre.text .gap').length") > 0
    assert page.errors() == []
