"""make preview, for real: factsheet/commands/preview.py started on a copy of the Canada sheet, served on localhost, its
texts edited as an editor saves them, watched over HTTP and in the real browser (Chromium), then stopped with
Ctrl-C."""

import contextlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from pypdf import PdfReader

from factsheet.web import site
from factsheet.workflow.outputs import Outputs

from browser import Browser, missing
from conftest import CANADA, ROOT, first_language_only, outputs

SCREENSHOTS = outputs(ROOT).root / "test-artefacts" / "screenshots"


class Preview:
    """A running preview and its address; its messages are collected as it prints them."""

    def __init__(self, data, out: Outputs):
        self.intro = data / "canada" / "2023" / "narrative" / "intro.md"
        self.out = out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "factsheet.commands.preview", "canada/2023", "--port", "0", "--data-dir",
             str(data), "--output-dir", str(out.root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=ROOT)
        self.lines = []
        for line in self.process.stdout:
            self.lines.append(line)
            if found := re.search(r"(http://127\.0\.0\.1:\d+/) ", line):
                self.address = found.group(1)
            if line.startswith("Watching"):
                break
        assert self.process.poll() is None and hasattr(self, "address"), "".join(self.lines)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.address + path, timeout=10) as response:
            return response.read().decode("utf-8")

    def state(self) -> dict:
        return json.loads(self.get("__preview/state"))

    def wait(self, condition, timeout: float = 60) -> tuple[dict, float]:
        """The state once ``condition(state)`` holds, and the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            state = self.state()
            if condition(state):
                return state, time.monotonic() - start
            time.sleep(0.02)
        raise AssertionError(f"the preview did not get there in {timeout} s: {self.state()}")

    def save(self, text: str) -> dict:
        """Save the intro as an editor does, and return the state just before."""
        before = self.state()
        self.intro.write_text(text, encoding="utf-8")
        return before

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=30)
        return self.process.returncode, "".join(self.lines) + rest


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    data = tmp_path_factory.mktemp("preview") / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    first_language_only(data / "canada" / "2023")
    running = Preview(data, outputs(data.parent))
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_it_serves_the_sheet_and_its_pdf(preview):
    page = preview.get("")
    assert "<h1>Canada ILO cooperation</h1>" in page and "__preview/live.js" in page
    assert 'iframe src="/files/canada-2023-en.pdf' in preview.get("__preview/pdf")
    assert preview.state()["problems"] == []


def test_it_answers_only_to_this_machines_names_and_lists_no_folder(preview):
    """A page elsewhere that renames its site to 127.0.0.1 (DNS rebinding) sends its own name as Host: it would
    read the draft through the reader's browser. A folder's listing would show every file of the preview."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(preview.address)

    def status(path: str, host: str) -> int:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.request("GET", path, headers={"Host": host})
        with contextlib.closing(connection):
            return connection.getresponse().status

    assert status("/__preview/state", f"127.0.0.1:{address.port}") == 200
    assert status("/__preview/state", f"localhost:{address.port}") == 200
    assert status("/__preview/state", "attacker.example") == 403
    assert status("/", f"attacker.example:{address.port}") == 403
    assert status("/photos/", f"127.0.0.1:{address.port}") == 404


def test_a_saved_text_updates_the_page_then_the_pdf(preview):
    text = preview.intro.read_text(encoding="utf-8")
    before = preview.save(text.replace("founding Member States", "founding member States (edited)", 1))
    _, page_seconds = preview.wait(lambda s: s["page"] > before["page"])
    assert "founding member States (edited)" in preview.get("canada-2023-en.html")
    _, pdf_seconds = preview.wait(lambda s: s["pdf"] > before["pdf"])
    pdf = PdfReader(preview.out.site / site.pdf("canada-2023-en"))
    assert "(edited)" in pdf.pages[0].extract_text()
    print(f"page updated after {page_seconds:.2f} s, PDF after {pdf_seconds:.2f} s")


def test_a_refused_text_shows_the_builds_line_and_keeps_the_last_good_page(preview, tmp_path):
    good = preview.intro.read_text(encoding="utf-8")
    page_before = preview.get("canada-2023-en.html")
    preview.save(good + "\nThe total was {{ totals.no_such_stream }}.\n")
    state, _ = preview.wait(lambda s: s["problems"])
    shell = subprocess.run([sys.executable, "-m", "factsheet.stages.check_sheet",
                            "--sheet-dir", str(preview.intro.parents[1]),
                            "--checked-file", str(tmp_path / "checked.json")], cwd=ROOT, capture_output=True,
                           text=True)
    assert shell.returncode == 1
    assert state["problems"] == [line for line in shell.stderr.splitlines() if line.startswith("error: ")]
    assert preview.get("canada-2023-en.html") == page_before, "the last good page stays in place"
    before = preview.save(good)
    preview.wait(lambda s: not s["problems"] and s["page"] > before["page"])


@pytest.mark.browser
def test_the_open_page_reloads_itself_and_shows_a_problem(preview):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def waiting(driver):  # the page may reload between finding an element and reading it: then look again
        return WebDriverWait(driver, 20, 0.05, ignored_exceptions=[StaleElementReferenceException])

    assert not missing(), "run make browser"
    good = preview.intro.read_text(encoding="utf-8")
    with Browser() as browser:
        browser.open(preview.address, 1280)
        lead = lambda driver: driver.find_element(By.CSS_SELECTOR, ".lead").text  # noqa: E731
        preview.save(good.replace("Since then", "Since that day", 1))
        waiting(browser.driver).until(lambda d: "Since that day" in lead(d))
        preview.save(good + "\n{{ no_such_name }}\n")
        alert = waiting(browser.driver).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "[role=alert]") if e.is_displayed()), None))
        assert "error: " in alert.text and "no_such_name" in alert.text
        assert "Since that day" in lead(browser.driver), "the last good version stays visible"
        browser.screenshot(SCREENSHOTS / "preview-problem-1280.png")
        preview.save(good)
        waiting(browser.driver).until(lambda d: "Since then" in lead(d))
        assert not any(e.is_displayed() for e in browser.driver.find_elements(By.CSS_SELECTOR, "[role=alert]"))


def test_ctrl_c_stops_it_without_a_traceback_also_while_it_rebuilds(preview):
    """Stopped while the PDF of an edit is being made (the page comes first, in a fraction of the PDF's
    time): its stage is stopped, not waited for, it leaves no temporary file, and the last PDF stays."""
    text = preview.intro.read_text(encoding="utf-8")
    before = preview.save(text.replace("Since then", "Since that day", 1))
    preview.wait(lambda s: s["page"] > before["page"])
    status, output = preview.stop()
    assert status == 0 and "Preview stopped." in output and "Traceback" not in output, output
    assert "error:" not in output.split("Preview stopped.")[1], output
    assert not list(preview.out.root.rglob(".*.part")), "a stopped stage removes its temporary files"
    assert not list(preview.out.root.rglob(".*.next")), "the edit's PDF was stopped, not made in full and left"
    pdf = PdfReader(preview.out.site / site.pdf("canada-2023-en"))  # whole, and the last one made:
    assert "Since that day" not in "".join(page.extract_text() for page in pdf.pages), "the edit's was stopped"


def test_an_output_folder_in_the_data_is_refused_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "canada", data / "canada")
    done = subprocess.run([sys.executable, "-m", "factsheet.commands.preview", "canada/2023", "--data-dir",
                           str(data), "--output-dir", str(data / "canada" / "preview")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "it lies in" in done.stderr, done.stderr
    assert "the sheets' data (data_dir), where the preview would write files" in done.stderr
    assert not (data / "canada" / "preview").exists()
