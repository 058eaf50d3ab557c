"""The PDFs as published and archived: reproducible, accessible (PDF/UA-1), archival (PDF/A-3a), described."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from factsheet.workflow.outputs import Outputs

from conftest import ROOT, copy_checkout, outputs, run_workflow

SHEET = "canada-2023"


@pytest.fixture(scope="module")
def builds(built, tmp_path_factory):
    """The session's build, and two more in other folders with the archival variant on (the third in English
    and without the web edition: each language's PDFs and web pages are compared between the first two)."""
    first, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    others = []
    for name, languages, site in (("second", "[]", True), ("third", "[en]", False)):
        workdir = copy_checkout(tmp_path_factory.mktemp(name) / "elsewhere")
        again = run_workflow(workdir, "--config", "archival=True", 'sheets=["canada/2023"]', f"languages={languages}",
                             f"site={site}")
        assert again.returncode == 0, again.stderr[-3000:]
        others.append(workdir)
    return [first, *others]


LANGUAGES = ["en", "fr", "es"]  # of the Canada sheet


def test_same_inputs_give_byte_identical_pdfs_and_charts_in_every_language(builds):
    for language in LANGUAGES:
        folders = builds if language == "en" else builds[:2]
        for file in (Outputs.pdf, Outputs.chart, Outputs.html):
            paths = [file(outputs(workdir), f"{SHEET}-{language}") for workdir in folders]
            relative = paths[0].relative_to(outputs(folders[0]).root)
            assert len({path.read_bytes() for path in paths}) == 1, f"{relative} differs between builds"
    assert len({outputs(workdir).pdf(SHEET).read_bytes() for workdir in builds}) == 1
    archival = {outputs(workdir).archival(f"{SHEET}-en").read_bytes() for workdir in builds[1:]}
    assert len(archival) == 1


def test_same_inputs_give_a_byte_identical_web_edition(builds):
    """The Canada sheet's pages, their PDFs, table, previews and cards, and the site's shared files (stylesheet,
    logo, icon, fonts) are the same bytes in both builds of the web edition (the first build's index also lists
    Nordvale)."""
    def files(workdir):
        site = outputs(workdir).site
        found = {}
        for path in site.rglob("*"):
            relative = path.relative_to(site).as_posix()
            shared = ("/" not in relative and path.suffix != ".html") or relative.startswith("fonts/")
            if path.is_file() and path.name != ".snakemake_timestamp" and ("canada-" in relative or shared):
                found[relative] = path.read_bytes()
        return found

    first, second = files(builds[0]), files(builds[1])
    assert first.keys() == second.keys() and len(first) > 20
    assert [name for name in first if first[name] != second[name]] == []


def test_outputs_name_no_machine_path_or_user(builds):
    for workdir in builds:
        markers = {str(workdir), str(workdir.parent), str(Path.home()), sys.prefix}
        files = outputs(workdir)
        for path in [*files.pdfs_dir.glob("*.pdf"), *files.archive_dir.glob("*.pdf"),
                     *files.charts_dir.glob("*.svg"), *files.html_dir.glob("*.html")]:
            data = path.read_bytes()
            if path.suffix == ".pdf":  # look inside the compressed streams too
                with pikepdf.open(path) as pdf:
                    data += b"".join(stream_bytes(o) for o in pdf.objects if isinstance(o, pikepdf.Stream))
            for marker in markers:
                assert marker.encode() not in data, f"{path.name} names {marker}"


def stream_bytes(stream) -> bytes:
    """A stream decoded where PDF filters allow (images stay as stored)."""
    try:
        return stream.read_bytes()
    except pikepdf.PdfError:
        return stream.read_raw_bytes()


def test_document_dates_come_from_the_edition(builds):
    edition = yaml.safe_load((ROOT / "data" / "canada" / "2023" / "sheet.yaml").read_text())["edition_date"]
    info = PdfReader(outputs(builds[0]).pdf(SHEET)).metadata
    stamp = edition.strftime("%Y%m%d")
    assert info["/CreationDate"].startswith(f"D:{stamp}") and info["/ModDate"].startswith(f"D:{stamp}")


def pdfua(path) -> dict:
    done = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
                          capture_output=True, text=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("variant", ["published", "archival"])
def test_pdfua_checker_finds_no_errors(builds, variant):
    files = outputs(builds[1])
    path = files.pdf(SHEET) if variant == "published" else files.archival(SHEET)
    report = pdfua(path)
    assert report["summary"]["errors"] == 0, report["findings"]
    if variant == "published":
        assert report["summary"]["warnings"] == 0, report["findings"]


def test_every_built_pdf_passes_structure_checks(builds):
    files = outputs(builds[1])
    for path in [*files.pdfs_dir.glob("*.pdf"), *files.archive_dir.glob("*.pdf")]:
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path.name  # what `qpdf --check` reports


@pytest.mark.skipif(not Path("/usr/bin/qpdf").exists(), reason="qpdf is not installed; pikepdf's check ran instead")
def test_qpdf_check(builds):
    done = subprocess.run(["/usr/bin/qpdf", "--check", str(outputs(builds[0]).pdf(SHEET))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tagged_with_language_title_bookmarks_and_links(builds):
    path = outputs(builds[0]).pdf(SHEET)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_outline() as outline:
            titles, items = [], list(outline.root)
            while items:
                item = items.pop(0)
                titles.append(item.title)
                items += list(item.children)
        uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert "Canada’s financial contributions" in titles and any(t.startswith("Canada’s contribution") for t in titles)
    assert "mailto:partnerships@ilo.org" in uris and "https://ilo.org/partnerships" in uris
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta.title == "Canada ILO cooperation"
    assert meta.author == "International Labour Organization"
    assert "2018-2022" in meta.subject and "Canada" in meta["/Keywords"]
    from factsheet import __version__
    assert meta.creator == f"factsheet pipeline {__version__}"


def test_chart_has_alt_text_with_its_figures(builds):
    html = outputs(builds[0]).html(f"{SHEET}-en").read_text(encoding="utf-8")
    alt = re.search(r'<img class="chart-image" src="[^"]*charts/[^"]+" alt="([^"]+)"', html).group(1)
    assert "2018: Assessed contributions US$\u00a010.9\u00a0million" in alt
    with pikepdf.open(outputs(builds[0]).pdf(SHEET)) as pdf:
        alts = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure" and "/Alt" in node:
                    alts.append(str(node.Alt))
                kids = node.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                    walk(kid)
        walk(pdf.Root.StructTreeRoot)
    assert any("10.9\u00a0million" in a for a in alts) and any(a == "International Labour Organization" for a in alts)


def test_archival_variant_is_pdfa3_with_the_cleaned_table_attached(builds):
    workdir = builds[1]
    with pikepdf.open(outputs(workdir).archival(SHEET)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp.pdfa_status == "3A"
        files = {name: spec for name, spec in pdf.attachments.items()}
        assert list(files) == [f"{SHEET}-contributions.csv"]
        attached = files[f"{SHEET}-contributions.csv"].get_file().read_bytes()
    table = json.loads(outputs(workdir).checked(SHEET).read_text(encoding="utf-8"))["table_csv"]
    assert attached == table.encode("utf-8")


# Text colour on background, for every kind of text the stylesheet sets (names from brand.yaml).
TEXT_ON_BACKGROUND = [
    ("black", "white"), ("blue", "white"), ("dark-blue", "white"), ("purple", "white"), ("grey-text", "white"),
    ("white", "blue"), ("white", "dark-blue"), ("dark-blue", "yellow"), ("dark-blue", "light-blue"),
    ("dark-blue", "green"), ("purple", "light-blue"), ("black", "light-blue"), ("grey-text", "light-blue"),
    ("black", "grey-alt"), ("dark-blue", "grey-alt"),
]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_colours_meet_wcag_aa_contrast(text, background):
    colours = yaml.safe_load((ROOT / "templates" / "brand" / "brand.yaml").read_text())["colours"]
    lighter, darker = sorted((luminance(colours[text]), luminance(colours[background])), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_stylesheet_uses_no_text_colour_pair_outside_the_checked_list():
    css = (ROOT / "templates" / "factsheet.css").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<![-\w])color:\s*var\(--colour-([\w-]+)\)", css))
    assert used <= {text for text, _ in TEXT_ON_BACKGROUND}, used
