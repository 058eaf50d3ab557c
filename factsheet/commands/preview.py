"""Live preview for editors: make preview SHEET=canada/2023 [SHEET_LANGUAGE=fr] [PORT=8000]

Builds one sheet in one language into output/preview/ and serves its web page and its PDF on
http://127.0.0.1:PORT/. It then watches the sheet's folder and the templates (the brand file among them):
on every save it rebuilds what the change needs with the build's own stages, each in a fresh fork of a
process that imported the libraries once (factsheet/workflow/warm.py): the web page first, then the PDF beside
it. The open page reloads by itself. A problem is shown in the page, the same line the build prints, and
the last good version stays in place until the problem is fixed. Ctrl-C stops the preview.
"""

from __future__ import annotations

import argparse
import http.server
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from factsheet import paths
from factsheet.files import copy_file, shown_as_given
from factsheet.model.editions import is_sheet_name, linked_folder, sheet_languages
from factsheet.render import brand
from factsheet.web import site
from factsheet.workflow import job, warm
from factsheet.workflow.outputs import Outputs
from factsheet.workflow.recovery import BuildLock, BuildRunning

PREVIEW_DIR = paths.PROJECT_ROOT / "output" / "preview"
ENDPOINT = "/__preview/"  # the preview's own addresses, beside the site's files
WATCH_DEBOUNCE_MS = 30     # changes this close together are one save (an editor writes a file in steps)

LIVE_SCRIPT = """(function () {
  var shown = null, watch = document.documentElement.dataset.previewWatch || "page";
  var box = document.createElement("div");
  box.setAttribute("role", "alert");
  box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:9999;margin:0;padding:12px 16px;" +
    "background:black;color:white;border-top:6px solid red;font:14px/1.45 monospace;" +  // not the brand's
    "white-space:pre-wrap;max-height:45vh;overflow:auto;display:none";
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(box); });
  function update(state) {
    if (shown !== null && state[watch] !== shown) { location.reload(); return; }
    shown = state[watch];
    box.textContent = state.problems.join("\\n");
    box.style.display = state.problems.length ? "block" : "none";
  }
  var events = new EventSource("/__preview/events");
  events.onmessage = function (message) { update(JSON.parse(message.data)); };
})();
"""

PDF_PAGE = """<!DOCTYPE html>
<html lang="en" data-preview-watch="pdf"><head><meta charset="utf-8"><title>{title} (PDF preview)</title>
<style>html, body {{ margin: 0; height: 100%; }} iframe {{ border: 0; width: 100%; height: 100%; }}</style>
<script src="{endpoint}live.js"></script></head>
<body><iframe src="/{pdf}?v={version}" title="{title}"></iframe></body></html>
"""


@dataclass
class State:
    """What the open pages follow: a version per output (it changes when the output is made anew) and the
    problems that stopped the last rebuild (empty when it went through)."""

    page: int = 0
    pdf: int = 0
    problems: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def snapshot(self) -> dict:
        return {"page": self.page, "pdf": self.pdf, "problems": list(self.problems)}

    def update(self, **values) -> None:
        with self.changed:
            for key, value in values.items():
                setattr(self, key, value)
            self.changed.notify_all()


class Problems(Exception):
    """A stage refused the sheet: its error lines, as the build prints them."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class SheetPreview:
    """One sheet in one language, built into ``out`` with the build's stages; rebuilt in parts on change."""

    def __init__(self, sheet_dir: Path, language: str, out: Outputs):
        self.sheet_dir, self.language, self.out = sheet_dir, language, out
        self.sheet = f"{sheet_dir.parent.name}-{sheet_dir.name}"
        self.name = f"{self.sheet}-{language}"
        self.state = State()
        self.problems: dict[str, list[str]] = {}  # by track: a page problem and a PDF problem are both shown

    # -- the stages, named and wired as the Snakefile's rules are --------------------------------------------
    def run(self, stage: str, **arguments) -> None:
        log = self.out.log(stage, self.name)
        try:
            job.run_stage(stage, log=log, **arguments)
        except job.StageFailed:
            text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
            lines = [line for line in text.splitlines() if line.startswith("error: ")]
            raise Problems(lines or [f"error: the {stage} stage stopped (its log: {log})"]) from None

    def brand_assets(self) -> None:
        self.run("write_brand_assets", brand_file=paths.BRAND_FILE, style_file=self.out.style,
                 logo_on_dark=self.out.logo_on_dark, fonts_dir=self.out.fonts_dir,
                 logo_languages=(codes := brand.logo_languages(brand.load_brand())),
                 language_logos=[self.out.logo_on_dark_in(code) for code in codes])

    def site_assets(self) -> None:
        self.run("write_site_assets", brand_file=paths.BRAND_FILE, fonts_dir=self.out.fonts_dir,
                 site_dir=self.out.site)

    def check(self) -> None:
        self.run("check_sheet", sheet_dir=self.sheet_dir, checked_file=self.out.checked(self.sheet))

    def sheet_files(self) -> None:
        self.run("publish_sheet_files", checked_file=self.out.checked(self.sheet),
                 table_file=self.out.site / site.table(self.sheet),
                 photos_dir=self.out.site / site.photos(self.sheet))

    def chart(self) -> None:
        self.run("plot_contributions", checked_file=self.out.checked(self.sheet), brand_file=paths.BRAND_FILE,
                 style_file=self.out.style, fonts_dir=self.out.fonts_dir, svg_file=self.out.chart(self.name),
                 tall_svg_file=self.out.tall_chart(self.name), language=self.language)

    def staged(self, path: Path) -> Path:
        """Where an output is made before the sheet passed its check: beside it, under a hidden name."""
        return path.with_name(f".{path.name}.next")

    def page(self, staged: bool = False, images: bool = False) -> None:
        """The web page (``staged``: under its staged name, for publish(); ``images``: the PDF's pages drawn for
        it first, once the PDF is made)."""
        page = self.out.site / site.page(self.name)
        self.run("render_web", checked_file=self.out.checked(self.sheet), chart_file=self.out.chart(self.name),
                 site_dir=self.out.site,
                 html_file=self.staged(page) if staged else page, entry_file=self.out.entry(self.name),
                 language=self.language, languages=[self.language],
                 pdf_file=self.out.pdf(self.name) if images else None)

    def page_with_images(self) -> None:
        """The web page with its PDF's pages as images (and their number), after the PDF."""
        self.page(images=True)

    def pdf(self, staged: bool = False) -> None:
        """The PDF, without its archival variant (the preview shows the published one); ``staged``: under its
        staged name, for publish()."""
        self.run("render_html", checked_file=self.out.checked(self.sheet), chart_file=self.out.chart(self.name),
                 logo_file=self.out.logo_on_dark_in(brand.logo_language(brand.load_brand(), self.language)),
                 fonts_dir=self.out.fonts_dir, html_file=self.out.html(self.name),
                 tall_chart_file=self.out.tall_chart(self.name), language=self.language)
        pdf = self.out.pdf(self.name)
        self.run("render_pdf", html_file=self.out.html(self.name), checked_file=self.out.checked(self.sheet),
                 pdf_file=self.staged(pdf) if staged else pdf)
        if not staged:
            self.publish("pdf")

    def publish(self, output: str) -> None:
        """Put a staged page or PDF in place (the PDF also into the site) and tell the open pages."""
        if output == "page":
            page = self.out.site / site.page(self.name)
            self.staged(page).replace(page)
        else:
            if self.staged(self.out.pdf(self.name)).is_file():
                self.staged(self.out.pdf(self.name)).replace(self.out.pdf(self.name))
            copy_file(self.out.pdf(self.name), self.out.site / site.pdf(self.name))

    # -- what a change needs -------------------------------------------------------------------------------
    def steps_for(self, changed: set[Path] | None) -> list[str]:
        """The shared steps a set of changed files needs, in order (None: everything, as on start); the page
        and the PDF follow every change."""
        if changed is None:
            return ["brand_assets", "site_assets", "check", "sheet_files", "chart"]
        steps = set()
        for path in changed:
            if path.is_relative_to(paths.BRAND_DIR):
                steps |= {"brand_assets", "site_assets", "check", "chart"}
            elif path.is_relative_to(paths.WEB_TEMPLATES_DIR):
                steps.add("site_assets")
            elif path.is_relative_to(paths.LABELS_DIR):
                steps.add("chart")
            elif path.is_relative_to(self.sheet_dir):
                steps.add("check")  # every text is checked, as by the build
                relative = path.relative_to(self.sheet_dir)
                if relative.parts[0] == paths.PHOTOS_DIR or relative.stem == paths.CONTRIBUTIONS_STEM:
                    steps.add("sheet_files")
                if relative.stem == paths.CONTRIBUTIONS_STEM or relative.name.startswith("sheet."):
                    steps |= {"sheet_files", "chart"}
        order = ["brand_assets", "site_assets", "check", "sheet_files", "chart"]
        return [step for step in order if step in steps]

    def rebuild(self, changed: set[Path] | None = None) -> dict:
        """Rebuild for ``changed`` files (None: everything): the shared steps, then the PDF and the page side
        by side, and the page once more when the PDF is done (for its page images and sizes). Returns the
        seconds after which each output was updated."""
        start = time.monotonic()
        made = (self.out.site / site.page(self.name)).is_file() and (self.out.site / site.pdf(self.name)).is_file()
        steps = self.steps_for(changed)
        if made and steps == ["check"]:
            return self.rebuild_text(start)
        try:
            for step in steps:
                getattr(self, step)()
        except Problems as problems:
            self.report({"shared": problems.lines})
            return {}
        self.problems = {}
        timings = {}
        if not made:  # the page links to the PDF: the PDF is made first
            self.track("pdf", [self.pdf, self.page_with_images], start, timings)
            return timings
        pdf = threading.Thread(target=self.track, args=("pdf", [self.pdf, self.page_with_images], start, timings),
                               name="preview-pdf")
        pdf.start()
        self.track("page", [self.page], start, timings)
        pdf.join()
        return timings

    def rebuild_text(self, start: float) -> dict:
        """A changed text: the sheet is checked, then its page and PDF are made side by side from the checked sheet,
        each put in place once made (a refused text never replaces the last good version)."""
        try:
            self.check()
        except Problems as problems:
            self.report({"shared": problems.lines})
            return {}
        results: dict[str, list[str]] = {}

        def attempt(output, make):
            try:
                make(staged=True)
                results[output] = []
            except Problems as problems:
                results[output] = problems.lines

        makers = {output: threading.Thread(target=attempt, args=(output, make), name=f"preview-{output}")
                  for output, make in (("page", self.page), ("pdf", self.pdf))}
        for maker in makers.values():
            maker.start()
        self.problems, timings = {}, {}
        for output, maker in makers.items():
            maker.join()
            if results[output]:
                self.report({**self.problems, output: results[output]})
                continue
            self.publish(output)
            self.state.update(**{output: getattr(self.state, output) + 1}, problems=self.all_problems())
            timings[output] = time.monotonic() - start
        if not results["pdf"]:
            self.track("pdf", [self.page_with_images], start, timings)
        return timings

    def track(self, name: str, steps: list, start: float, timings: dict) -> None:
        """Make one output and what follows it, telling the open pages as each page or PDF is in place."""
        try:
            for step in steps:
                step()
                output = {self.page: "page", self.page_with_images: "page", self.pdf: "pdf"}.get(step)
                if output:
                    self.problems.pop(name, None)
                    self.state.update(**{output: getattr(self.state, output) + 1}, problems=self.all_problems())
                    timings.setdefault(output, time.monotonic() - start)
        except Problems as problems:
            self.report({**self.problems, name: problems.lines})

    def report(self, problems: dict[str, list[str]]) -> None:
        """The problems that stop the outputs (by what they stop), shown in the open pages."""
        self.problems = problems
        self.state.update(problems=self.all_problems())

    def all_problems(self) -> list[str]:
        return list(dict.fromkeys(line for lines in self.problems.values() for line in lines))


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files, each page with the live script; the preview's own addresses under ENDPOINT."""

    preview: SheetPreview

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.preview.out.site), **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass  # the terminal shows what was rebuilt, not every request

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def local_host(self) -> bool:
        """Whether the request names this machine: a page elsewhere that renames its own site to 127.0.0.1 (DNS
        rebinding) would otherwise read the draft through the reader's browser."""
        host = self.headers.get("Host") or ""
        name = host.rpartition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
        return name.lower() in LOCAL_HOSTS

    def list_directory(self, path):
        """No folder listings: only the pages and the files they link to are served."""
        self.send_error(404)

    def do_HEAD(self):
        if not self.local_host():
            return self.send_error(403, "the preview answers only to this machine's own names")
        super().do_HEAD()

    def do_GET(self):
        if not self.local_host():
            return self.send_error(403, "the preview answers only to this machine's own names")
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.redirect("/" + site.page(self.preview.name))
        elif path == ENDPOINT + "events":
            self.events()
        elif path == ENDPOINT + "state":
            self.send_text(json.dumps(self.preview.state.snapshot()), "application/json")
        elif path == ENDPOINT + "live.js":
            self.send_text(LIVE_SCRIPT, "text/javascript")
        elif path == ENDPOINT + "pdf":
            self.send_text(PDF_PAGE.format(title=self.preview.name, endpoint=ENDPOINT,
                                           pdf=site.pdf(self.preview.name), version=self.preview.state.pdf),
                           "text/html")
        elif path.endswith(".html"):
            file = Path(self.translate_path(path))
            if not file.is_file():
                return self.send_error(404)
            html = file.read_text(encoding="utf-8")
            script = f'<script src="{ENDPOINT}live.js"></script>'
            self.send_text(html.replace("</head>", f"{script}\n</head>", 1), "text/html")
        else:
            super().do_GET()

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def send_text(self, text: str, kind: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def events(self) -> None:
        """Server-sent events: the state now, then at every change (and a comment line now and then, so a
        closed page is noticed)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, sent = self.preview.state, None
        try:
            while True:
                with state.changed:
                    state.changed.wait_for(lambda last=sent: state.snapshot() != last,
                                           timeout=None if sent is None else 15)
                    snapshot = state.snapshot()
                if snapshot == sent:
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(f"data: {json.dumps(snapshot)}\n\n".encode())
                    sent = snapshot
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def watched(preview: SheetPreview) -> list[Path]:
    return [preview.sheet_dir, paths.TEMPLATES_DIR]


def describe(changed: set[Path]) -> str:
    names = sorted(str(p.relative_to(paths.PROJECT_ROOT)) if p.is_relative_to(paths.PROJECT_ROOT) else str(p)
                   for p in changed)
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def report(timings: dict, preview: SheetPreview) -> str:
    made = [f"{name} {seconds:.2f} s" for name, seconds in timings.items() if name not in preview.problems]
    return "; ".join(made) if made else "nothing updated"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m factsheet.commands.preview", description=__doc__.split("\n\n")[1])
    parser.add_argument("sheet", help="the sheet, as <subject>/<edition> (data/<subject>/<edition>/)")
    parser.add_argument("--language", help="one of the sheet's languages (default: its first)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free)")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder of the sheets (default data/)")
    parser.add_argument("--output-dir", type=Path, default=PREVIEW_DIR, help="where the preview is built")
    args = parser.parse_args(argv)
    from watchfiles import watch

    linked = is_sheet_name(args.sheet) and linked_folder(args.data_dir, *args.sheet.split("/"))
    if linked:  # as the build, which skips it
        print(f"error: {linked}", file=sys.stderr)
        return 2
    sheet_dir = (args.data_dir / args.sheet).resolve()
    if not is_sheet_name(args.sheet) or not (sheet_dir / paths.SHEET_FILE).is_file():
        print(f"error: {args.sheet}: no sheet there (expected {sheet_dir / paths.SHEET_FILE}); give it as "
              "SHEET=<subject>/<edition>, for example SHEET=canada/2023", file=sys.stderr)
        return 2
    languages = sheet_languages(sheet_dir)
    language = args.language or languages[0]
    if language not in languages:
        print(f"error: {args.sheet}: {language!r} is not one of the sheet's languages ({', '.join(languages)})",
              file=sys.stderr)
        return 2
    apart = paths.output_dir_problem(args.output_dir, args.data_dir)
    if apart:
        print(f"error: --output-dir {str(args.output_dir)!r}: {apart}, where the preview would write files; expected "
              "a folder of its own", file=sys.stderr)
        return 2
    link = paths.links_out_of(args.output_dir, args.data_dir)
    if link:
        print(f"error: {link}, where the preview would write files; expected no link there: remove it",
              file=sys.stderr)
        return 2
    try:
        lock = BuildLock(args.output_dir)
    except BuildRunning as running:
        print(f"error: a preview is already running into {args.output_dir} (process {running}); stop it first",
              file=sys.stderr)
        return 1
    preview = SheetPreview(sheet_dir, language, Outputs(args.output_dir.resolve()))
    Handler.preview = preview
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    except OSError as err:
        print(f"error: port {args.port} cannot be used ({err.strerror}); choose another with PORT=...",
              file=sys.stderr)
        return 1
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="preview-server").start()
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        warm.compile_modules()
        warm.start()
        print(f"Building {args.sheet} ({language}) into {shown_as_given(args.output_dir)}/ ...", flush=True)
        timings = preview.rebuild()
        print(f"Preview of {args.sheet} ({language}): {address} (the PDF: {address}{ENDPOINT[1:]}pdf)",
              flush=True)
        print(f"  built: {report(timings, preview)}" + "".join(f"\n{line}" for line in preview.all_problems()),
              flush=True)
        print("Watching the sheet's files and the templates; Ctrl-C stops.", flush=True)
        for changes in watch(*watched(preview), debounce=WATCH_DEBOUNCE_MS, step=10):
            changed = {Path(path).resolve() for _, path in changes}
            timings = preview.rebuild(changed)
            print(f"{time.strftime('%H:%M:%S')} {describe(changed)}: {report(timings, preview)}", flush=True)
    except KeyboardInterrupt:
        job.stop_all()  # a rebuild's threads may be running stages: they stop too
        print("Preview stopped.", flush=True)
    finally:
        server.shutdown()
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
