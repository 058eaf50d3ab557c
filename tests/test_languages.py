"""Languages of a sheet: each edition built, tagged and formatted in its language; missing translations refused.

The built PDFs come from the session's workflow run (conftest ``built``); the checks of the translation rules run
in-process on copies of the Canada sheet.
"""

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from decimal import ROUND_DOWN, Decimal

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from factsheet.errors import DataError
from factsheet.model.markdown import typeset
from factsheet.model.validate import checked_sheet
from factsheet.render.formatting import Formatter, load_labels

from conftest import CANADA, ROOT, outputs

EDITIONS = [("canada", "2023", "en"), ("canada", "2023", "fr"), ("canada", "2023", "es"),
            ("nordvale", "2023", "fr"), ("nordvale", "2024", "fr")]
# Month names as each language writes them in a date (independent of the Babel data the pipeline uses).
MONTHS = {"en": "January February March April May June July August September October November December",
          "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
          "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"}
DECIMAL_MARK = {"en": ".", "fr": ",", "es": ","}
DATE_PATTERN = {"en": "{month} {year}", "fr": "{month} {year}", "es": "{month} de {year}"}
BRAND_FONT = re.compile(r"(Overpass|Noto-Sans)(-[A-Za-z-]+)?")


def edition_id(case) -> str:
    return "-".join(case)


def pdf_text(path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def titles(items) -> list[str]:
    """Every bookmark's title, the nested ones too."""
    return [title for item in items for title in (str(item.title), *titles(item.children))]


def sheet_text(subject: str, edition: str, language: str) -> dict:
    """What the edition's readers see of sheet.yaml: the file itself, or its translation."""
    folder = ROOT / "data" / subject / edition
    name = "sheet.yaml" if language == languages_of(subject, edition)[0] else f"sheet.{language}.yaml"
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def languages_of(subject: str, edition: str) -> list[str]:
    return yaml.safe_load((ROOT / "data" / subject / edition / "sheet.yaml").read_text(encoding="utf-8"))["languages"]


def totals_in_millions(output, subject: str, edition: str) -> dict[str, Decimal]:
    """Each stream's total from the cleaned table (the checked sheet's), in millions rounded down to 0.1, as the
    sheets print it."""
    sums: dict[str, Decimal] = {}
    table = json.loads(output.checked(f"{subject}-{edition}").read_text(encoding="utf-8"))["table_csv"]
    for row in csv.DictReader(io.StringIO(table)):
        sums[row["stream"]] = sums.get(row["stream"], Decimal(0)) + Decimal(row["amount_usd"])
    return {s: (v / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_DOWN) for s, v in sums.items()}


@pytest.fixture(scope="module")
def output(built):
    workdir, done, _ = built
    assert done.returncode == 0, done.stderr[-3000:]
    return outputs(workdir)


def test_make_writes_every_language_of_every_sheet_and_the_first_under_the_plain_name(output):
    for subject, edition, language in EDITIONS:
        assert output.pdf(f"{subject}-{edition}-{language}").is_file()
    for subject, edition in {(s, e) for s, e, _ in EDITIONS}:
        first = languages_of(subject, edition)[0]
        assert output.pdf(f"{subject}-{edition}").read_bytes() == \
            output.pdf(f"{subject}-{edition}-{first}").read_bytes()


@pytest.mark.parametrize("case", EDITIONS, ids=edition_id)
def test_pdf_is_tagged_with_its_language_and_described_in_it(output, case):
    subject, edition, language = case
    texts = sheet_text(subject, edition, language)
    with pikepdf.open(output.pdf(f"{subject}-{edition}-{language}")) as pdf:
        assert str(pdf.Root.Lang) == language
        info = pdf.docinfo
        assert str(info["/Title"]) == texts["title"]
        labels = load_labels(language)
        subject_words = labels["pdf_subject"].split("{donor}")[1].split("{period}")[0].strip()
        assert subject_words in str(info["/Subject"])
        assert labels["pdf_keywords"][1] in str(info["/Keywords"])
        with pdf.open_outline() as tree:
            outline = titles(tree.root)
    headings = []
    for name in ("financial", "partnership", "priorities"):
        path = ROOT / "data" / subject / edition / "narrative" / (
            f"{name}.md" if language == languages_of(subject, edition)[0] else f"{name}.{language}.md")
        if path.is_file() and path.read_text(encoding="utf-8").startswith("# "):
            # as the language sets it: Canada’s for the Canada's typed
            headings.append(typeset(path.read_text(encoding="utf-8").splitlines()[0][2:], labels.get("typography")))
    assert headings and all(any(h in title for title in outline) for h in headings), outline
    html = output.html(f"{subject}-{edition}-{language}").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in html  # WeasyPrint hyphenates by it


@pytest.mark.parametrize("case", EDITIONS, ids=edition_id)
def test_figures_and_dates_are_printed_in_the_locale_format(output, case):
    subject, edition, language = case
    text = pdf_text(output.pdf(f"{subject}-{edition}-{language}"))
    labels = load_labels(language)
    for millions in totals_in_millions(output, subject, edition).values():
        number = f"{millions:.1f}".replace(".", DECIMAL_MARK[language])
        printed = labels["usd_millions"].replace("\u00a0", " ").format(value=number)
        assert printed in text, f"{printed!r} is not in the {language} PDF"
    date = yaml.safe_load((ROOT / "data" / subject / edition / "sheet.yaml").read_text())["edition_date"]
    month = MONTHS[language].split()[date.month - 1]
    assert DATE_PATTERN[language].format(month=month, year=date.year) in text
    chart = output.chart(f"{subject}-{edition}-{language}").read_text(encoding="utf-8")
    title = labels["chart_title"].split("{possessive}")[0].strip()
    assert title in chart and labels["chart_axis"] in chart
    tick = re.compile(rf"\d+{re.escape(DECIMAL_MARK[language])}\d\b")
    assert tick.search(chart), "the chart's bar labels are not in the locale's number format"


@pytest.mark.parametrize("case", EDITIONS, ids=edition_id)
def test_every_character_is_printed_with_a_brand_font(output, case):
    """No fallback font: accented letters, guillemets and no-break spaces all come from the brand's fonts."""
    subject, edition, language = case
    reader = PdfReader(output.pdf(f"{subject}-{edition}-{language}"))
    names = set()
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    assert names and all(BRAND_FONT.fullmatch(name) for name in names), names
    text = pdf_text(output.pdf(f"{subject}-{edition}-{language}"))
    accented = {"fr": "éèàçô«»", "es": "áéíóúñ", "en": ""}[language]
    assert all(c in text for c in accented if c in "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "data" / subject / edition).rglob(f"*.{language}.*")))


@pytest.mark.parametrize("case", [c for c in EDITIONS if c[2] != "en"], ids=edition_id)
def test_pdfua_checker_finds_no_errors_in_each_language(output, case):
    subject, edition, language = case
    done = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json",
                           str(output.pdf(f"{subject}-{edition}-{language}"))], capture_output=True, text=True)
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0, report["findings"]


def test_the_change_report_follows_the_language(output):
    report = output.changes("nordvale-2024-fr").read_text(encoding="utf-8")
    labels = load_labels("fr")
    assert report.startswith("# " + labels["changes_title"].split(":")[0])
    assert f"## {labels['changes_figures']}" in report and f"## {labels['changes_texts']}" in report
    assert "narrative/intro.fr.md" in report and "narrative/intro.md`" not in report
    amounts = re.findall(r"\| (\d{1,3}(?:\u202f\d{3})+\u00a0dollars\u00a0É\.-U\.) \|", report)
    assert amounts, "no amount in the French format"
    assert output.changes("nordvale-2024").read_bytes() == output.changes("nordvale-2024-en").read_bytes()


# ------------------------------------------------------------------------- the rules, in-process

@pytest.fixture
def canada(tmp_path):
    """A copy of the Canada sheet (English, French, Spanish) to edit."""
    target = tmp_path / "data" / "canada" / "2023"
    shutil.copytree(CANADA, target)
    return target


def problems_of(sheet_dir) -> list[str]:
    with pytest.raises(DataError) as caught:
        checked_sheet(sheet_dir)
    return [str(p) for p in caught.value.problems]


def drop_key(path, *keys):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    holder = data
    for key in keys[:-1]:
        holder = holder[key]
    del holder[keys[-1]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_missing_translation_is_refused_with_everything_missing_for_that_language(canada):
    (canada / "narrative" / "intro.fr.md").unlink()
    (canada / "projects" / "05-forteress-tunisia.fr.md").unlink()
    drop_key(canada / "sheet.fr.yaml", "chart", "note")
    drop_key(canada / "sheet.fr.yaml", "streams", "voluntary")
    (canada / "quotes" / "01-leila-omrani.es.md").unlink()
    problems = problems_of(canada)
    [french] = [p for p in problems if "French edition (fr)" in p]
    for missing in ("narrative/intro.fr.md", "projects/05-forteress-tunisia.fr.md", "sheet.fr.yaml key chart.note",
                    "sheet.fr.yaml key streams.voluntary"):
        assert missing in french
    assert "4 translations" in french and "sheet.yaml, key languages" in french and "fallback" in french
    [spanish] = [p for p in problems if "Spanish edition (es)" in p]
    assert "quotes/01-leila-omrani.es.md" in spanish and "1 translation:" in spanish


def test_a_named_fallback_builds_with_a_warning_per_text(canada):
    (canada / "narrative" / "intro.fr.md").unlink()
    (canada / "projects" / "05-forteress-tunisia.fr.md").unlink()
    sheet = canada / "sheet.yaml"
    allowed = "\nfallback:\n  fr: [narrative/intro, projects/forteress-tunisia]\n"
    sheet.write_text(sheet.read_text(encoding="utf-8") + allowed, encoding="utf-8")
    summary, _ = checked_sheet(canada)
    assert len(summary["warnings"]) == 2
    assert all("French" in w and "fallback.fr" in w for w in summary["warnings"])
    done = subprocess.run([sys.executable, "-m", "factsheet.stages.check_sheet", "--sheet-dir", str(canada),
                           "--checked-file", str(canada.parent / "s.json")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: ") == 2 and "intro.md" in done.stderr


@pytest.mark.parametrize("edit, expected", [
    (("narrative/intro.de.md", "Text"), "a translation into 'de', which is not a translated language"),
    (("narrative/summary.fr.md", "Text"), "is not a narrative block"),
    (("projects/10-new.fr.md", "---\ntitle: x\n---\nText"), "a translation of 10-new.md, which does not exist"),
    (("sheet.de.yaml", "title: x\n"), "a translation into 'de'"),
])
def test_stray_translations_are_refused(canada, edit, expected):
    name, text = edit
    (canada / name).write_text(text, encoding="utf-8")
    assert any(expected in p for p in problems_of(canada))


@pytest.mark.parametrize("change, expected", [
    (("languages: [en, fr, es]", "languages: [en, fr, fr]"), "'fr' is given twice"),
    (("languages: [en, fr, es]", "languages: [en, french]"), "key languages.1"),
    (("languages: [en, fr, es]", "languages: [en, fr, es]\nfallback: {de: [narrative/intro]}"),
     "fallback names 'de'"),
    (("languages: [en, fr, es]", "languages: [en, fr, es]\nfallback: {fr: [narrative/summary]}"),
     "'narrative/summary' is not a text of this sheet"),
    (("languages: [en, fr, es]", "languages: [en, fr, es, it]"), "'it' has no labels file"),
])
def test_bad_language_settings_are_refused(canada, change, expected):
    sheet = canada / "sheet.yaml"
    old, new = change
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert any(expected in p for p in problems_of(canada)), problems_of(canada)


def test_a_translated_project_must_match_its_untranslated_one(canada):
    path = canada / "projects" / "07-asean-triangle-migrant-workers.fr.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("countries: [", "partner: GAC\ncountries: [Laos, ", 1), encoding="utf-8")
    problems = problems_of(canada)
    assert any("07-asean-triangle-migrant-workers.fr.md, key partner" in p and "unknown key" in p for p in problems)


# ------------------------------------------------------------------------- formatting by locale

@pytest.mark.parametrize("language, millions, whole, date, listed", [
    ("en", "US$ 54.6 million", "US$ 54,643,557", "June 2023", "Cambodia, Lao PDR, and Thailand"),
    ("fr", "54,6 millions de dollars É.-U.", "54 643 557 dollars É.-U.", "juin 2023", "Cambodia, Lao PDR et Thailand"),
    ("es", "54,6 millones de dólares de los Estados Unidos", "54.643.557 dólares de los Estados Unidos",
     "junio de 2023", "Cambodia, Lao PDR y Thailand"),
])
def test_formatter_follows_the_locale_and_the_house_style(language, millions, whole, date, listed):
    fmt = Formatter(language, load_labels(language))

    def plain(text):
        return text.replace("\u00a0", " ").replace("\u202f", " ")

    assert plain(fmt.usd_millions(54_643_557)) == millions
    assert plain(fmt.usd(54_643_557)) == whole
    assert fmt.month_year(dt.date(2023, 6, 1)) == date
    assert fmt.join(["Cambodia", "Lao PDR", "Thailand"]) == listed
    number = fmt.usd_millions(54_643_557)  # the number bound to the word on each side of it
    assert re.search(r"(^|\S\u00a0)54[.,]6(\u00a0\S|$)", number) and " 54" not in number and "6 " not in number


def test_a_full_stop_after_an_amount_that_ends_with_one_is_not_doubled(canada):
    from factsheet.model.narrative import environment, fill

    fmt = Formatter("fr", load_labels("fr"))
    text = fill("Plus de {{ total | usd_millions }}.", {"total": 37_200_000}, environment(fmt.filters()),
                canada / "narrative" / "intro.fr.md")
    assert text.endswith("É.-U.") and not text.endswith("..")
