"""Headless Chromium for the web edition's browser tests (tests/test_site_browser.py), through Selenium.

The browser is the system's: Chromium and its ChromeDriver at /usr/bin (`make browser` installs Debian's,
scripts/browser/install.sh; FACTSHEET_CHROMIUM and FACTSHEET_CHROMEDRIVER name others), never one that Selenium
Manager downloads. axe-core comes from node_modules/
(`npm ci`, pinned by package-lock.json) and is injected into each page. Nothing is fetched from the network:
Chromium's own background traffic is switched off and every host name but 127.0.0.1 fails to resolve, so a page
that asks for anything remote gets an error (and the request is still seen in the log, where the tests look).

    with Browser() as browser:
        visit = browser.open(page.as_uri(), 390)   # console errors, requests and failed loads of this load
        browser.overflow(), browser.broken_images(), browser.fonts(), browser.axe()
        browser.screenshot(path)
"""

import base64
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("FACTSHEET_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("FACTSHEET_CHROMEDRIVER", "/usr/bin/chromedriver"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    # Scrollbars take no room, as on a phone: the layout viewport is the whole window width.
    "--hide-scrollbars",
    # Nothing resolves but the tests' own static server: a remote request fails here instead of leaving.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
HEIGHT = 900          # window height; screenshots cover the whole page regardless
SCREENSHOT_LIMIT = 32000  # px: a taller page is cut there (the capture stays a few MB)
SCHEMES_INSIDE = {"data", "blob", "about"}  # requests that fetch nothing


def missing() -> list[str]:
    """What `make browser` installs and is not there."""
    return [str(path) for path in (CHROMIUM, CHROMEDRIVER, AXE) if not path.is_file()]


@dataclass
class Visit:
    """One page load: what the console reported as errors, every URL requested, every load that failed."""
    url: str
    width: int
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def site_path(url: str, site: Path, origin: str | None = None) -> str | None:
    """The file of ``site`` that ``url`` fetches, as a path relative to it ("fonts/x.woff2"), or None if ``url``
    fetches anything else: a file:// URL outside the folder, or another origin than ``origin`` (the URL of a
    server serving ``site``, e.g. "http://127.0.0.1:8000")."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        path, site = Path(unquote(parts.path)).resolve(), site.resolve()
        return path.relative_to(site).as_posix() if path.is_relative_to(site) else None
    if origin and f"{parts.scheme}://{parts.netloc}" == origin:
        return unquote(parts.path).lstrip("/")
    return None


def requests_outside(requests: list[str], site: Path, origin: str | None = None) -> list[str]:
    """The requested URLs that leave ``site``: file:// URLs outside its folder and any other scheme but data:,
    blob: and about: (http(s) only to ``origin``, when a server serves ``site`` there)."""
    return [url for url in requests
            if urlsplit(url).scheme not in SCHEMES_INSIDE and site_path(url, site, origin) is None]


# Waits for the fonts and every image (lazy ones are made eager: the screenshot and the image check see them all).
SETTLE = """
const done = arguments[arguments.length - 1];
const images = [...document.images].map(img => {
  if (img.loading === 'lazy') img.loading = 'eager';
  return img.complete ? null : new Promise(ready => {
    img.addEventListener('load', ready); img.addEventListener('error', ready);
  });
});
Promise.all([document.fonts.ready, ...images]).then(() => requestAnimationFrame(() => done(true)));
"""

# Sideways overflow: the document's width, whether it scrolls sideways at all, and the outermost elements whose
# visible right edge (clipped by ancestors that clip horizontally) lies beyond the viewport.
OVERFLOW = """
const root = document.documentElement, viewport = root.clientWidth;
window.scrollTo(1e6, window.scrollY); const scrolled = window.scrollX; window.scrollTo(0, 0);
const clips = new Map();
const clipsX = el => {
  if (!clips.has(el)) clips.set(el, getComputedStyle(el).overflowX !== 'visible');
  return clips.get(el);
};
const name = el => el.localName + (el.id ? '#' + el.id : '') +
  (el.getAttribute('class') || '').split(/\\s+/).filter(Boolean).map(c => '.' + c).join('');
const flagged = new Set(), elements = [];
for (const el of document.body.querySelectorAll('*')) {
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 && rect.height === 0) continue;
  let right = rect.right, ancestor = el.parentElement, inside = false;
  for (; ancestor && ancestor !== document.body; ancestor = ancestor.parentElement) {
    if (flagged.has(ancestor)) { inside = true; break; }
    if (clipsX(ancestor)) right = Math.min(right, ancestor.getBoundingClientRect().right);
  }
  if (!inside && right > viewport + 0.5) {
    flagged.add(el);
    elements.push(`${name(el)} (right edge at ${Math.round(right)}px)`);
  }
}
return {scrollWidth: root.scrollWidth, viewport, scrolled, elements};
"""

BROKEN_IMAGES = """
return [...document.images].filter(img => !img.complete || img.naturalWidth === 0)
  .map(img => img.currentSrc || img.getAttribute('src') || img.outerHTML.slice(0, 120));
"""

FONTS = """
const first = selector => {
  const el = document.querySelector(selector);
  return el ? getComputedStyle(el).fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '') : null;
};
return {
  faces: [...document.fonts].map(f => ({family: f.family.replace(/^["']|["']$/g, ''), weight: f.weight,
                                        style: f.style, status: f.status})),
  used: {body: first('body'), h1: first('h1')},
};
"""

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(results => done(results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
  }))))
  .catch(error => done({error: String(error)}));
"""


class Browser:
    """One headless Chromium with a fresh profile, for many page loads."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        if gone := missing():
            raise FileNotFoundError(f"{', '.join(gone)} missing: run make browser")
        os.environ["SE_OFFLINE"] = "true"  # Selenium Manager (not used: the driver's path is given) never downloads
        self.profile = tempfile.mkdtemp(prefix="factsheet-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        try:
            self.driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        except Exception:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.set_script_timeout(30)
        self.driver.set_page_load_timeout(30)
        self.driver.get("about:blank")  # leaves the start page, whose own requests are then drained
        self.width = None
        self._axe = AXE.read_text(encoding="utf-8")

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def resize(self, width: int):
        """Make the layout viewport (window.innerWidth) ``width`` px wide."""
        outer = width
        for _ in range(3):
            self.driver.set_window_size(outer, HEIGHT)
            inner = self.driver.execute_script("return window.innerWidth")
            if inner == width:
                self.width = width
                return
            outer += width - inner
        raise RuntimeError(f"cannot make the viewport {width}px wide (it is {inner}px)")

    def open(self, url: str, width: int) -> Visit:
        """Load ``url`` in a viewport ``width`` px wide, wait for its fonts and images, and report what the load
        logged: console errors (level SEVERE), every URL requested, every load that failed or answered >= 400."""
        if width != self.width or self.driver.execute_script("return window.innerWidth") != width:
            self.resize(width)
        self.driver.get_log("browser"), self.driver.get_log("performance")  # drained: only this load's remain
        self.driver.get(url)
        self.driver.execute_async_script(SETTLE)
        visit = Visit(url, width)
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                visit.console_errors.append(entry["message"])
        urls = {}
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message["method"], message.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                visit.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                reason = params.get("blockedReason") or params.get("errorText")
                visit.failed.append(f"{urls.get(params['requestId'], params['requestId'])}: {reason}")
            elif method == "Network.responseReceived" and params["response"].get("status", 0) >= 400:
                visit.failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
        return visit

    def overflow(self) -> list[str]:
        """Why the current page scrolls sideways (nothing if it does not)."""
        found = self.driver.execute_script(OVERFLOW)
        problems = []
        if found["scrollWidth"] > found["viewport"]:
            problems.append(f"the document is {found['scrollWidth']}px wide in a {found['viewport']}px viewport")
        if found["scrolled"]:
            problems.append(f"it scrolls {found['scrolled']}px sideways")
        elements = found["elements"]
        problems += [f"beyond the viewport: {e}" for e in elements[:12]]
        if len(elements) > 12:
            problems.append(f"and {len(elements) - 12} more elements")
        return problems

    def broken_images(self) -> list[str]:
        """The <img> elements that did not load (naturalWidth 0)."""
        return self.driver.execute_script(BROKEN_IMAGES)

    def fonts(self) -> dict:
        """The page's font faces (family, weight, style, status) and the first family of body's and h1's
        computed font-family: {"faces": [...], "used": {"body": ..., "h1": ...}}."""
        return self.driver.execute_script(FONTS)

    def screenshot(self, path: Path) -> Path:
        """Save a screenshot of the whole page (not only the window) as PNG (cut at SCREENSHOT_LIMIT px)."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(max(size["height"], 1), SCREENSHOT_LIMIT)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1},
        })
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def axe(self, tags: list[str] = WCAG_21_AA) -> list[dict]:
        """axe-core's violations on the current page at ``tags`` (by default WCAG 2.1 A and AA): each with id,
        impact, help, helpUrl and nodes (target selectors, failure summary)."""
        self.driver.execute_script(self._axe)
        violations = self.driver.execute_async_script(AXE_RUN, tags)
        if isinstance(violations, dict):
            raise RuntimeError(f"axe-core failed on {self.driver.current_url}: {violations['error']}")
        return violations


def describe_violations(violations: list[dict], targets: int = 3) -> list[str]:
    """One line per violation: id, impact, help and the first few target selectors."""
    lines = []
    for v in violations:
        # a target is a list of selectors, one per frame or shadow root down to the element
        selectors = [" >> ".join(map(str, node["target"])) for node in v["nodes"]]
        more = f" (+{len(selectors) - targets} more)" if len(selectors) > targets else ""
        lines.append(f"{v['id']} [{v['impact']}] {v['help']}: {', '.join(selectors[:targets])}{more}")
    return lines
