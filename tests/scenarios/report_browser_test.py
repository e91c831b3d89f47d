#!/usr/bin/env python3
"""The replay report in a real browser: headless Chromium from Debian.

    report_browser_test.py PCSIM SOURCE WORK [SCREENSHOT_DIR]

Replays two EST scenarios of the library and a failing copy of one (with a
long unbroken word in its diff) with --report, then runs Chromium at
1,400 x 1,000 on the pages and checks:

- the scenario page's DOM (--dump-dom) holds the charge explanations, the
  EST marking, the step markers and the marks of the changes (the backfill's
  EST action among them);
- on both pages, at 1,400 px, nothing is wider than the window, no table
  scrolls sideways, and no failure text is cut or hidden behind a scroll bar
  (copies of the pages with a measuring script; the report has no script);
- the screenshots are PNG files of 1,400 x 1,000 pixels.

With SCREENSHOT_DIR, the index page and the scenario page are also saved
there as report-index.png and report-scenario.png (the README's pictures,
docs/images/). Exit 77 (skipped) when /usr/bin/chromium is not installed:
`tools/dev setup` installs the Debian package chromium.
"""
import html
import json
import os
import shutil
import struct
import subprocess
import sys

# PCSIM_CHROMIUM names another binary (a missing one shows the skip).
CHROMIUM = os.environ.get("PCSIM_CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1400, 1000
SCENARIOS = ["scenarios/est/s8-cancel-during-est-refund-by-days.yaml", "scenarios/est/s9-24-hour-rule.yaml"]
SCENARIO_PAGE = "scenarios_est_s8-cancel-during-est-refund-by-days.html"

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def chromium(work, url, *args, window=(WIDTH, HEIGHT)):
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--window-size={window[0]},{window[1]}", f"--user-data-dir={work}/profile",
               "--no-first-run", "--disable-extensions", *args, url]
    run = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if run.returncode != 0:
        sys.exit(f"report_browser: chromium failed ({run.returncode}): {' '.join(command)}\n{run.stderr}")
    return run.stdout


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def screenshot(work, url, path, window=(WIDTH, HEIGHT)):
    if os.path.exists(path):
        os.remove(path)
    chromium(work, url, f"--screenshot={path}", window=window)
    size = png_size(path) if os.path.exists(path) else None
    check(size == window, f"{path}: expected a PNG of {window[0]} x {window[1]}, got {size}")


# Measures the laid-out page: the page's width against the window's, and each
# failure text's content against its box (scrollWidth/Height > clientWidth/
# Height means text cut or hidden). Written into the body's data-check.
MEASURE = """<script>
window.addEventListener('load', () => {
  const root = document.documentElement;
  const boxes = [...document.querySelectorAll('pre.failure, div.scroll')].map(e => ({
    what: e.tagName.toLowerCase() + '.' + e.className,
    sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight,
    visible: getComputedStyle(e).visibility === 'visible' && e.getClientRects().length > 0}));
  document.body.setAttribute('data-check', JSON.stringify(
      {inner: window.innerWidth, page: root.scrollWidth, boxes: boxes}));
});
</script>
"""


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    pcsim, source, work = sys.argv[1:4]
    work = os.path.abspath(work)
    shots = sys.argv[4] if len(sys.argv) == 5 else None
    if not os.access(CHROMIUM, os.X_OK):
        print(f"report_browser: skipped: {CHROMIUM} is not installed "
              "(tools/dev setup installs the Debian package chromium)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # A failing copy: a wrong total, and an expected name of 400 characters
    # with no space, so that the diff has a line wider than the page.
    with open(os.path.join(source, SCENARIOS[0])) as f:
        text = f.read()
    text = text.replace("scenario: Cancelling during EST", "scenario: (fails on purpose) Cancelling during EST", 1)
    text = text.replace("totalForCustomer: -281.80}", "totalForCustomer: -281.81}", 1)
    text = text.replace("    e3: {status: deleted}", "    e3: {status: deleted, friendlyName: " + "x" * 400 + "}", 1)
    failing = os.path.join(work, "failing-copy.yaml")
    with open(failing, "w") as f:
        f.write(text)

    report = os.path.join(work, "report")
    # From the source folder, so that the pages name the library's files as
    # scenarios/est/... (and the page names follow).
    run = subprocess.run([os.path.abspath(pcsim), "replay", *SCENARIOS, failing, "--report", report,
                          "--junit", os.path.join(work, "junit.xml")],
                         capture_output=True, text=True, timeout=120, cwd=source)
    check(run.returncode == 1, f"pcsim replay: expected exit 1 (one scenario fails), got {run.returncode}\n"
          f"{run.stdout}{run.stderr}")
    check("2 passed, 1 failed" in run.stdout, f"pcsim replay: {run.stdout}")

    index = os.path.join(report, "index.html")
    page = os.path.join(report, "scenarios", SCENARIO_PAGE)
    check(os.path.exists(page), f"no page {page}")

    # The scenario page, as the browser built it.
    dom = html.unescape(chromium(work, "file://" + page, "--dump-dom"))
    for needle in [
        "44.50 x 10 = 445.00 (whole cycle)",
        "-44.50 / 30 x 19 = -28.1833\u2026 -> -28.18; -28.18 x 10 = -281.80 "
        "(19 of 30 days; billing.rounding.cancelImmediate: truncate-unit-price)",
        "432.00 x 10 = 4320.00 (whole cycle)",
        '<span class="badge est">EST</span>',
        '<tr class="charge-row est"',
        '<circle class="charge est"',
        ">EST +445.00</text>",
        '<td class="term-text">Extended Service Term</td>',
        '<g class="step" data-step="1" data-action="purchase">',
        '<g class="step" data-step="3" data-action="cancel">',
        'data-label="auto-renew off"',
        'data-label="EST (backfill)" data-by="backfill"',
        "scheduled action set by the partner",
    ]:
        check(needle in dom, f"the scenario page's DOM lacks {needle!r}")

    # Both pages at 1,400 px: nothing wider than the window, no table
    # scrolled sideways, no failure text cut or hidden.
    for name, path, failure_texts in [("index", index, 1), ("scenario page", page, 0)]:
        with open(path) as f:
            measured = f.read().replace("</body>", MEASURE + "</body>")
        probe = path[:-len(".html")] + "-measured.html"
        with open(probe, "w") as f:
            f.write(measured)
        dom = chromium(work, "file://" + probe, "--dump-dom")
        start = dom.find("data-check=\"")
        check(start >= 0, f"{name}: the measuring script did not run")
        if start < 0:
            continue
        value = html.unescape(dom[start + len("data-check=\""):dom.find("\"", start + len("data-check=\""))])
        m = json.loads(value)
        check(m["inner"] == WIDTH, f"{name}: window width {m['inner']}, expected {WIDTH}")
        check(m["page"] <= m["inner"], f"{name}: {m['page']} px wide in a {m['inner']} px window")
        pres = [b for b in m["boxes"] if b["what"].startswith("pre.")]
        check(len(pres) == failure_texts, f"{name}: expected {failure_texts} failure texts, found {len(pres)}")
        for b in m["boxes"]:
            check(b["visible"], f"{name}: {b['what']} is not visible")
            check(b["sw"] <= b["cw"], f"{name}: {b['what']}: content {b['sw']} px wide in a box of {b['cw']} px")
            if b["what"].startswith("pre."):
                check(b["sh"] <= b["ch"], f"{name}: {b['what']}: content {b['sh']} px high in a box of {b['ch']} px")
    dom = html.unescape(chromium(work, "file://" + index, "--dump-dom"))
    check("x" * 400 in dom, "the index's DOM lacks the failure's long word")
    check("totalForCustomer: expected -281.81, actual -281.8\n" in dom, "the index's DOM lacks the failing total")

    # Screenshots.
    screenshot(work, "file://" + index, os.path.join(work, "index.png"))
    screenshot(work, "file://" + page, os.path.join(work, "scenario.png"))
    if shots:  # the README's pictures (docs/images/)
        os.makedirs(shots, exist_ok=True)
        screenshot(work, "file://" + index, os.path.join(shots, "report-index.png"), window=(WIDTH, 640))
        screenshot(work, "file://" + page, os.path.join(shots, "report-scenario.png"), window=(WIDTH, 1300))

    if failures:
        print("report_browser: FAILED\n  " + "\n  ".join(failures))
        return 1
    print(f"report_browser: the index and a scenario page checked in {CHROMIUM} at {WIDTH} x {HEIGHT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
