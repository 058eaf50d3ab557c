"""The web edition in a real browser: every page of output/site/ opened in headless Chromium (tests/browser.py) at a
phone's width (390 px) and a desktop's (1280 px), from file:// and from a static server on 127.0.0.1. Each page
must not scroll sideways, log no error, load every font and image it asks for from the site's own folder (nothing
from elsewhere, whatever the host), use the self-hosted brand fonts and have no axe-core violation at WCAG 2.1 AA.
Full-page screenshots are kept for CI under output/test-artefacts/screenshots/<page>-<width>.png."""

import re
import struct
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from factsheet.render import brand
from factsheet.web.site import INDEX

from browser import Browser, describe_violations, missing, requests_outside, site_path
from conftest import ROOT, outputs

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]
SCREENSHOTS = outputs(ROOT).root / "test-artefacts" / "screenshots"
BRAND = brand.load_brand()
BRAND_FAMILIES = {"body": brand.family(BRAND, "body"), "h1": brand.family(BRAND, "heading")}  # Noto Sans, Overpass
SHEET = r"[a-z0-9-]+-\d{4}-[a-z]{2}(-[A-Z]{2})?"  # <subject>-<edition>-<lang>
SHEET_PAGE = re.compile(rf"{SHEET}\.html")
SCREENSHOT = re.compile(rf"(index|{SHEET})-\d+\.png")  # this test's (test_preview.py keeps others there)


@dataclass
class Result:
    """Everything checked on one page at one width."""
    page: str
    width: int
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    screenshot: Path | None = None


def font_problems(fonts: dict, requests: list[str], site: Path, origin: str | None = None) -> list[str]:
    """Why the page's text is not set in the site's own brand fonts: a face that failed; body text not set in the
    brand's body typeface or the h1 not in its heading one (first family of their font-family); that family
    declared by no @font-face of the page or none of its faces loaded; no font file loaded from site/fonts/."""
    faces = fonts["faces"]
    problems = [f"{f['family']} {f['weight']} {f['style']} failed to load" for f in faces if f["status"] == "error"]
    for element, family in fonts["used"].items():
        if family is None:  # a page without h1
            continue
        if family != BRAND_FAMILIES[element]:
            problems.append(f"{element} is set in {family!r}, not in the brand's {BRAND_FAMILIES[element]!r}")
        own = [f for f in faces if f["family"] == family]
        if not own:
            problems.append(f"{element} is set in {family!r}, which is not a self-hosted font (no @font-face)")
        elif not any(f["status"] == "loaded" for f in own):
            problems.append(f"{element} is set in {family!r}, none of whose faces loaded "
                            f"({', '.join(f['weight'] + ' ' + f['status'] for f in own)})")
    if not any((site_path(url, site, origin) or "").startswith("fonts/") for url in requests):
        problems.append("no font file was loaded from the site's fonts/ folder")
    return problems


def check(browser: Browser, url: str, width: int, site: Path, origin: str | None = None,
          screenshot: Path | None = None) -> Result:
    """Open ``url`` at ``width`` and run every check on it."""
    visit = browser.open(url, width)
    result = Result(Path(urlsplit(url).path).name, width, visit.console_errors, visit.failed,
                    requests_outside(visit.requests, site, origin), browser.broken_images(), browser.overflow(),
                    font_problems(browser.fonts(), visit.requests, site, origin))
    if screenshot:
        result.screenshot = browser.screenshot(screenshot)
    result.violations = browser.axe()
    return result


def report(results: list[Result], what: str) -> str:
    """The offending pages and widths, with their offending things."""
    lines = []
    for r in results:
        found = describe_violations(r.violations) if what == "violations" else getattr(r, what)
        if found:
            lines.append(f"{r.page} at {r.width}px:")
            lines += [f"  {item}" for item in found]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def browser():
    if gone := missing():
        pytest.fail(f"{', '.join(gone)} missing: run make browser")
    with Browser() as started:
        yield started


@pytest.fixture(scope="module")
def site(built) -> Path:
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    folder = outputs(workdir).site
    assert (folder / INDEX).is_file(), f"the workflow wrote no {folder / INDEX}"
    return folder


@pytest.fixture(scope="module")
def pages(site) -> list[Path]:
    found = sorted(site.glob("*.html"))
    sheets = [p for p in found if SHEET_PAGE.fullmatch(p.name)]
    assert sheets, f"no sheet page (<subject>-<edition>-<lang>.html) in {site}: {[p.name for p in found]}"
    return found


@pytest.fixture(scope="module")
def results(browser, site, pages) -> dict[int, list[Result]]:
    """Every page checked at every width, once (the tests below each look at one kind of check)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # a previous run's: of pages that may be gone since
        if SCREENSHOT.fullmatch(old.name):
            old.unlink()
    started = time.monotonic()
    checked = {width: [check(browser, page.as_uri(), width, site, screenshot=SCREENSHOTS / f"{page.stem}-{width}.png")
                       for page in pages] for width in WIDTHS}
    print(f"{len(pages)} pages at {len(WIDTHS)} widths checked in {time.monotonic() - started:.1f} s")
    return checked


def fail_if_any(results: list[Result], title: str, *checks: str):
    """Fail, listing each offending page and width with what it did, if any of ``checks`` found something."""
    found = "\n".join(f"{what.replace('_', ' ')}:\n{listed}" for what in checks if (listed := report(results, what)))
    if found:
        pytest.fail(f"{title}\n{found}", pytrace=False)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(results, width):
    fail_if_any(results[width], "pages that scroll sideways", "overflow")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_logs_an_error_or_fails_to_load_a_file(results, width):
    fail_if_any(results[width], "pages that log errors or miss files", "console_errors", "failed", "broken_images")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_request_leaves_the_site(results, width):
    fail_if_any(results[width], "requests that leave output/site/ (only data: URLs and the site's files may load)",
                "outside")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_text_is_set_in_the_self_hosted_fonts(results, width):
    fail_if_any(results[width], "pages not set in the site's own fonts", "fonts")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_has_an_accessibility_violation_at_wcag_21_aa(results, width):
    fail_if_any(results[width], "axe-core violations at WCAG 2.1 A/AA (id [impact] help: first targets)", "violations")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_has_a_full_page_screenshot(results, pages, width):
    for result in results[width]:
        png = result.screenshot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", f"{result.screenshot} is no PNG"
        assert struct.unpack(">I", png[16:20])[0] == width, f"{result.screenshot} is not {width} px wide"
    assert [r.screenshot.name for r in results[width]] == [f"{p.stem}-{width}.png" for p in pages]


@pytest.fixture(scope="module")
def served(site):
    """The site on a static server at 127.0.0.1 (as any static host would serve it): its origin."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_the_site_works_from_a_static_server(browser, site, pages, served):
    sheet = next(p for p in pages if SHEET_PAGE.fullmatch(p.name))
    results = [check(browser, f"{served}/{page.name}", 1280, site, origin=served) for page in (site / INDEX,
                                                                                                sheet)]
    fail_if_any(results, f"served from {served}:", "console_errors", "failed", "outside", "broken_images", "fonts",
                "overflow", "violations")


def test_the_checks_find_a_page_that_scrolls_sideways_logs_an_error_and_asks_the_network(browser, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    page = site / "bad.html"
    page.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad on purpose</title></head>'
                    '<body><main><h1>Bad</h1><div class="too-wide" style="width: 2000px">wide</div>'
                    '<script>console.error("broken on purpose")</script>'
                    '<img src="http://example.invalid/x.png"></main></body></html>', encoding="utf-8")
    result = check(browser, page.as_uri(), 390, site)
    assert any("div.too-wide" in line for line in result.overflow), result.overflow
    assert any("broken on purpose" in line for line in result.console_errors), result.console_errors
    assert result.outside == ["http://example.invalid/x.png"], result.outside
    assert result.failed and result.broken_images == ["http://example.invalid/x.png"], result
    assert "no font file was loaded from the site's fonts/ folder" in result.fonts, result.fonts
    assert [v["id"] for v in result.violations] == ["image-alt"], describe_violations(result.violations)


CHART_ON_SCREEN = """
return [...document.querySelectorAll('.chart-drawing')].filter(d => d.getClientRects().length).map(d => {
  const svg = d.querySelector('svg'), box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')];
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const cut = texts.filter(t => { const r = t.getBoundingClientRect();
                                  return r.left < box.left - 1 || r.right > box.right + 1; }).map(t => t.textContent);
  return {hidden: d.scrollWidth - d.clientWidth, right: box.right, viewport: document.documentElement.clientWidth,
          smallest: Math.min(...sizes), cut: cut};
});
"""
SMALLEST_TEXT_PX = 9  # the chart's smallest text (legend, axis) on screen


def test_on_a_phone_the_chart_fits_the_screen_and_its_text_is_readable(browser, pages):
    """At 390 px, each sheet page shows one drawing of the chart: nothing of it hidden to scroll sideways, all of
    it on the screen, no text cut at its edges or smaller than SMALLEST_TEXT_PX."""
    problems = []
    for page in (p for p in pages if SHEET_PAGE.fullmatch(p.name)):
        browser.open(page.as_uri(), 390)
        shown = browser.driver.execute_script(CHART_ON_SCREEN)
        if len(shown) != 1:
            problems.append(f"{page.name}: {len(shown)} drawings of the chart shown")
            continue
        chart = shown[0]
        if chart["hidden"] > 0 or chart["right"] > chart["viewport"] + 0.5 or chart["smallest"] < SMALLEST_TEXT_PX \
                or chart["cut"]:
            problems.append(f"{page.name}: {chart}")
    assert not problems, "\n".join(problems)


SOCIAL = """
const meta = name => (document.querySelector(`meta[property="${name}"], meta[name="${name}"]`) || {}).content;
return {locale: meta('og:locale'), image: meta('og:image'), alt: meta('og:image:alt'), card: meta('twitter:card'),
        twitterImage: meta('twitter:image'), imageAlt: meta('twitter:image:alt'), lang: document.documentElement.lang,
        resolved: new URL(meta('og:image'), location.href).href};
"""


def test_each_page_has_its_social_card_metadata(browser, site, pages):
    """Read as a browser reads them: og:locale as language_TERRITORY in the page's language, the card's image and
    its alt text for Open Graph and Twitter, the image a file of the site."""
    problems = []
    for page in (p for p in pages if SHEET_PAGE.fullmatch(p.name)):
        browser.open(page.as_uri(), 1280)
        social = browser.driver.execute_script(SOCIAL)
        wrong = [
            "og:locale" if not re.fullmatch(rf"{social['lang']}_[A-Z]{{2}}", social["locale"] or "") else "",
            "twitter:card" if social["card"] != "summary_large_image" else "",
            "image alt" if not (social["alt"] and social["imageAlt"]) else "",
            "twitter:image" if social["twitterImage"] != social["image"] else "",
            "card file" if not (site / (site_path(social["resolved"], site) or "-")).is_file() else "",
        ]
        if any(wrong):
            problems.append(f"{page.name}: {', '.join(w for w in wrong if w)}: {social}")
    assert not problems, "\n".join(problems)
