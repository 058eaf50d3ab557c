"""The editor's yearly loop of the README, end to end on the Canada sheet, through make: start the 2024
edition, enter its figures and change one English paragraph; the build stops on the stale French and Spanish
paragraph; the translators' XLIFF files go out, a tool translates that segment, the files come back in; the
build makes all three languages and the review page."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
from lxml import etree
from pypdf import PdfReader

from factsheet.model.next_edition import TO_FILL
from factsheet.model.xliff import NS

from conftest import ROOT, copy_checkout, data_unchanged, outputs

X = f"{{{NS}}}"
CHANGED = ("as one of the founding Member States of the Organization",
           "as one of the 42 founding Member States of the Organization")


def test_the_yearly_loop_of_the_readme(tmp_path):
    workdir = copy_checkout(tmp_path / "checkout")
    shutil.copy2(ROOT / "Makefile", workdir / "Makefile")
    for other in (workdir / "data").iterdir():
        if other.name != "canada":
            shutil.rmtree(other)
    use_env = [f"BIN={Path(sys.executable).parent}", "READY="]  # this environment, not a new .venv

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "--no-print-directory", *args, *use_env], cwd=workdir, capture_output=True,
                              text=True, timeout=900)

    def build() -> subprocess.CompletedProcess:  # what `make` runs, without the web edition (not the point here)
        with data_unchanged(workdir):
            return subprocess.run([sys.executable, "-m", "factsheet.commands.build", "--cores", "2",
                                   "--config", "site=False"],
                                  cwd=workdir, capture_output=True, text=True, timeout=900)

    # 1. the 2024 edition, its figures, one English paragraph changed
    started = make("edition", "SUBJECT=canada", "YEAR=2024")
    assert started.returncode == 0, started.stderr
    assert "were checked for 2023: the build stops until they are checked for this edition" in started.stdout
    sheet = workdir / "data" / "canada" / "2024"
    table = sheet / "contributions.csv"
    text = table.read_text(encoding="utf-8")
    text = text.replace(f"2023,assessed,,{TO_FILL}", '2023,assessed,"11,250,000",')
    text = text.replace(f"2023,voluntary,,{TO_FILL}", '2023,voluntary,"9,100,000",')
    table.write_text(text, encoding="utf-8")
    intro = sheet / "narrative" / "intro.md"
    intro.write_text(intro.read_text(encoding="utf-8").replace(*CHANGED), encoding="utf-8")

    # 2. the build stops on the stale French and Spanish paragraph
    refused = build()
    assert refused.returncode != 0
    for language in ("fr", "es"):
        assert (f"error: data/canada/2024/narrative/intro.{language}.md, paragraph 1: translates an older English "
                "text, which changed since: ") in refused.stdout + refused.stderr
        assert "{+42+}" in refused.stdout + refused.stderr
        assert "translations were checked for the 2023 edition, not yet for 2024" in refused.stdout + refused.stderr
    assert not outputs(workdir).pdf("canada-2024-fr").exists()

    # 3. each translator's XLIFF file out; a tool translates the stale segment; the file back in
    for language, number in (("fr", "42 "), ("es", "42 ")):
        xliff = tmp_path / f"canada-2024-{language}.xlf"
        sent = make("translation-out", "SHEET=canada/2024", f"LANGUAGE={language}", f"FILE={xliff}")
        assert sent.returncode == 0, sent.stderr
        assert "(1 stale, " in sent.stdout
        tree = etree.parse(str(xliff))
        todo = [s for s in tree.getroot().iter(f"{X}segment") if s.get("state") == "initial"]
        assert len(todo) == 1
        target = todo[0].find(f"{X}target")
        target.text = re.sub(r"(l’un des |uno de los )", rf"\g<1>{number}", target.text, count=1)
        todo[0].set("state", "translated")
        tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")
        back = make("translation-in", f"FILE={xliff}")
        assert back.returncode == 0, back.stderr
        assert f"data/canada/2024/narrative/intro.{language}.md" in back.stdout
        assert "42" in (sheet / "narrative" / f"intro.{language}.md").read_text(encoding="utf-8")

    # 4. all three languages, and the review page
    done = build()
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "before publishing, read output/canada-2024-review.html" in done.stdout
    for language in ("en", "fr", "es"):
        assert outputs(workdir).pdf(f"canada-2024-{language}").is_file()
    page = outputs(workdir).review("canada-2024")
    root = lxml.html.parse(str(page)).getroot()
    assert [e.text_content() for e in root.xpath("//h2[@id='texts']/following-sibling::*//ins")][:1] == ["42"]
    assert root.xpath("//h2[@id='translations']/following-sibling::p[1]")[0].text_content() \
        == "Every translation is current."
    images = root.xpath("//img/@src")
    pages = sum(len(PdfReader(outputs(workdir).pdf(f"canada-{edition}-{language}")).pages)
                for edition in (2023, 2024) for language in ("en", "fr", "es"))
    assert len(images) == pages and all(src.startswith("data:image/png;base64,") for src in images)
    print("\n\n".join(["$ make edition SUBJECT=canada YEAR=2024", started.stdout,
                       "$ make", (refused.stdout + refused.stderr)[-2500:],
                       "$ make translation-out / translation-in", sent.stdout, back.stdout,
                       "$ make", done.stdout[-600:]]))
