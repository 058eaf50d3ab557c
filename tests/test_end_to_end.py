"""The workflow on the real data, into a temporary checkout; the PDF checked as a reader would."""

import csv
import re
import shutil
import subprocess
import sys
from decimal import ROUND_DOWN, Decimal

import pytest
from pypdf import PdfReader

from factsheet.render.brand import font_faces, load_brand

from conftest import CANADA, ROOT, SHARED, copy_checkout, first_language_only, outputs, run_workflow, tree_digest

A4_POINTS = (595.28, 841.89)
# A PDF font's name: the brand file's family, then the style words of its face ("Noto-Sans-Arabic-Bold").
BRAND_FONT = re.compile("(" + "|".join(re.escape(f["family"].replace(" ", "-")) for f in font_faces(load_brand()))
                        + r")(-(Ultra-Light|Light|Book|Medium|Semi-Bold|Bold|Ultra-Bold|Heavy|Italic|Oblique))*")
# Arabic written with letters that each have a glyph of their own (the dotted letters share theirs with others,
# so a PDF's text cannot tell them apart): "work and dialogue", "peace to the workers", "general support".
ARABIC_TITLE, ARABIC_TEXT, ARABIC_LABEL = "العمل والحوار", "السلام للعمال", "الدعم العام"
GREEK = "Καναδάς"  # in the title: the heading face (Overpass) has no Greek, the body face (Noto Sans) has


@pytest.fixture(scope="module")
def pdf(built):
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    path = outputs(workdir).pdf("canada-2023")
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def arabic_pdf(tmp_path_factory):
    """The Canada sheet with Arabic in its title, in a narrative paragraph and as a stream label (which the
    chart's legend shows), Greek in its title and an arrow (Overpass has it, Noto Sans not) in the paragraph,
    built by the workflow in a checkout copy."""
    workdir = copy_checkout(tmp_path_factory.mktemp("arabic"))
    sheet = workdir / "data" / "arabic" / "2023"
    shutil.copytree(CANADA, sheet)
    first_language_only(sheet)  # the edits are of the English texts
    for file, old, new in [("sheet.yaml", "title: Canada ILO cooperation", f"title: Canada ILO cooperation — "
                                                                            f"{ARABIC_TITLE} ({GREEK})"),
                           ("sheet.yaml", "label: Assessed contributions", f"label: {ARABIC_LABEL}"),
                           ("narrative/intro.md", "Canada joined the ILO", f"{ARABIC_TEXT} → Canada joined the ILO")]:
        text = (sheet / file).read_text(encoding="utf-8")
        assert old in text
        (sheet / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    done = run_workflow(workdir, "--config", 'sheets=["arabic/2023"]', "site=False")  # its PDF only
    assert done.returncode == 0, done.stderr[-3000:]
    return outputs(workdir).pdf("arabic-2023")


def published_totals() -> dict[str, str]:
    """Each stream's total from the raw table, as the brief prints it (rounded down to 0.1 million)."""
    sums: dict[str, Decimal] = {}
    with open(CANADA / "contributions.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amount = Decimal(row["amount_usd"].replace(",", ""))
            sums[row["stream"]] = sums.get(row["stream"], Decimal(0)) + amount
    return {s: f"US$ {(v / 1_000_000).quantize(Decimal('0.1'), rounding=ROUND_DOWN)} million" for s, v in sums.items()}


def pdf_text(path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_pdf_is_four_a4_pages(pdf):
    reader = PdfReader(pdf)
    assert len(reader.pages) == 4
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=0.5)


def fonts_of(reader):
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            yield font
        for xobject in (resources.get("/XObject") or {}).values():
            for font in ((xobject.get_object().get("/Resources") or {}).get("/Font") or {}).values():
                yield font.get_object()


@pytest.mark.parametrize("sheet", ["pdf", "arabic_pdf"])
def test_every_font_is_an_embedded_brand_font(request, sheet):
    fonts = list(fonts_of(PdfReader(request.getfixturevalue(sheet))))
    assert fonts, "no fonts found"
    for font in fonts:
        name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
        assert BRAND_FONT.fullmatch(name), f"{name} is not a font of templates/brand/brand.yaml"
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


def test_arabic_is_printed_as_text_with_the_fallback_font(arabic_pdf):
    text = pdf_text(arabic_pdf)
    assert GREEK in text and "→ Canada joined" in text
    for words in (ARABIC_TITLE, ARABIC_TEXT, ARABIC_LABEL):
        assert all(word in text for word in words.split()), f"{words} is not in the PDF's text"
    names = {str(font["/BaseFont"]).split("+")[-1] for font in fonts_of(PdfReader(arabic_pdf))}
    assert {"Noto-Sans-Arabic", "Noto-Sans-Arabic-Bold"} <= names  # the title is bold, the paragraph regular


def test_totals_are_printed_as_computed(pdf):
    text = pdf_text(pdf)
    totals = published_totals()
    assert set(totals) == {"assessed", "voluntary"}
    for printed in totals.values():
        assert printed in text
    with open(CANADA / "contributions.csv", encoding="utf-8") as handle:
        years = sorted({int(row["year"]) for row in csv.DictReader(handle)})
    assert f"Between {years[0]} and {years[-1]}" in text
    assert f"Overall Contributions to the ILO, {years[0]}-{years[-1] % 100:02d}" in text


@pytest.mark.skipif(not (SHARED / "tools" / "fidelity.py").is_file(),
                    reason="the original brief is not beside the checkout")
def test_text_fidelity_to_the_original_brief(pdf):
    done = subprocess.run([sys.executable, str(SHARED / "tools" / "fidelity.py"), str(pdf),
                           str(SHARED / "seed" / "canada-ilo-cooperation-2023.txt"), "--min", "0.98"],
                          capture_output=True, text=True)
    score = float(re.search(r"fidelity (\d\.\d+)", done.stdout).group(1))
    assert score >= 0.98, done.stdout
    assert done.returncode == 0


def test_build_leaves_data_untouched_and_no_partial_files(built, pdf):
    workdir, _, before = built
    assert tree_digest(workdir / "data") == before
    assert not list(outputs(workdir).root.rglob("*.part"))


def test_workflow_lint_is_clean():
    done = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Lints for" not in done.stdout + done.stderr
