"""Links go somewhere real: in the PDF and the web page, a link is an https:, http: or mailto: address or a
#place in the sheet (factsheet/model/links.py).

WeasyPrint resolves any other link of a text (annex.pdf, ../../etc/passwd, //server/share) against the HTML
file's address, so the published PDF linked to file:// on the build machine. The check refuses such links
with the file and line; the renderers print them as text; the contact's e-mail and web site are checked as
such. Most tests run in-process; the last one scans every file of the suite's builds for file:// and for
the checkout's own path.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from factsheet.errors import DataError
from factsheet.model import checked, links, markdown
from factsheet.model.sheet import load_sheet
from factsheet.model.validate import checked_sheet
from factsheet.render.page import context, render

from conftest import CANADA, first_language_only, outputs

SHEET = Path("canada") / "2023"
PROJECT = "projects/01-jordan-garment-trade-unions.md"
QUOTE = "quotes/01-leila-omrani.md"


@pytest.fixture
def sheet(tmp_path) -> Path:
    folder = tmp_path / "data" / SHEET
    shutil.copytree(CANADA, folder)
    return first_language_only(folder)


# --- links in texts ---------------------------------------------------------------------------------------------------
# (id, Markdown placed on the second line of a text, words of the problem). Every one is a link somewhere a
# reader of the published sheet cannot go, or a trick to pass for a web address.

HOSTILE = [
    ("relative-file", "See [the annex](annex.pdf).", ["'annex.pdf' is a relative address", "file://"]),
    ("climbing", "See [this](../../etc/passwd).", ["'../../etc/passwd' is a relative address"]),
    ("protocol-relative", "See [the share](//server/share).", ["'//server/share' has no scheme"]),
    ("percent-escaped-scheme", "See [this](%6Aavascript:alert(1)).", ["hides the scheme 'javascript:'"]),
    ("javascript", "See [this](javascript:alert(1)).", ["the scheme 'javascript:'"]),
    ("data", "See [this](data:text/html;base64,PHNjcmlwdD4=).", ["the scheme 'data:'"]),
    ("file", "See [this](file:///etc/passwd).", ["the scheme 'file:'"]),
    ("ftp", "See [this](ftp://ftp.example.org/report.pdf).", ["the scheme 'ftp:'"]),
    ("backslashes", "See [the share](\\\\server\\share).", ["backslash"]),
    ("tab-inside-the-scheme", "See [this](java&#x09;script:alert(1)).", ["invisible character"]),
    ("zero-width-space-in-host", "See [the ILO](https://www.ilo.org\u200b.example.net/).", ["invisible character"]),
    ("credentials", "See [the ILO](https://user:secret@www.ilo.org/).", ["user name or password"]),
    ("no-host", "See [the ILO](https:/www.ilo.org).", ["has no host name"]),
    ("bare-host-name", "See [the report](http://intranet/report).", ["does not name a web host"]),
    ("autolink", "See <file:///etc/passwd>.", ["'file:///etc/passwd'", "the scheme 'file:'"]),
    ("reference-definition", "See [the annex][annex].\n\n[annex]: annex.pdf", ["'annex.pdf' is a relative address"]),
    ("mailto-without-address", "Write to [us](mailto:javascript:alert(1)).", ["no e-mail address after mailto:"]),
]


@pytest.mark.parametrize(("snippet", "expected"), [pytest.param(*case[1:], id=case[0]) for case in HOSTILE])
def test_a_link_that_goes_nowhere_real_is_refused_and_printed_as_text(snippet, expected):
    text = f"A first line.\n{snippet}\n"
    problems = markdown.problems(text, Path("narrative/intro.md"))
    assert [(p.file, p.where) for p in problems] == [("narrative/intro.md", "line 2")], problems
    assert all(words in problems[0].message for words in expected), problems[0].message
    assert problems[0].message.startswith("a link to ") and "; expected " in problems[0].message
    for html in (markdown.to_html(text), markdown.inline_html(" ".join(text.split()))):
        assert "href" not in html, html


def test_web_mail_and_place_links_pass_and_are_kept():
    text = ("See [the ILO](https://www.ilo.org/global/lang--en/index.htm?x=1#top), <http://www.ilo.org>, "
            "[a brochure](https://bücher.example.de/a%20b.pdf), [us](mailto:partnerships@ilo.org) and "
            "[the figures](#figures).")
    assert markdown.problems(text, Path("narrative/intro.md")) == []
    html = markdown.to_html(text)
    assert html.count("href=") == 5 and links.unsafe_hrefs(html) == []


def test_the_check_names_each_refused_link_by_file_and_line(sheet):
    """Narrative, project and quote texts, and a quote's role (inline Markdown in its front matter)."""
    texts = ("narrative/intro.md", PROJECT, QUOTE)
    for file in texts:
        path = sheet / file
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nSee [the annex](annex.pdf).\n",
                        encoding="utf-8")
    quote = sheet / QUOTE
    quote.write_text(quote.read_text(encoding="utf-8").replace(
        'role: "President', 'role: "[Head](//intranet/office) and President', 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        checked_sheet(sheet)
    found = {(p.file, p.where) for p in info.value.problems if p.message.startswith("a link to ")}
    last = {file: (sheet / file).read_text(encoding="utf-8").count("\n") for file in texts}
    expected = {*((f"{sheet}/{file}", f"line {last[file]}") for file in texts), (f"{sheet}/{QUOTE}", "key role")}
    assert found == expected, "\n".join(map(str, info.value.problems))


def uris(pdf: Path) -> list[str]:
    """Every link of a PDF (its /URI actions)."""
    with pikepdf.open(pdf) as document:
        return [str(annotation.A.URI) for page in document.pages for annotation in page.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]


def test_the_pdf_links_only_to_the_web(tmp_path):
    """The review's case, printed: a text's relative, climbing, protocol-relative and escaped links became
    file:// links of the PDF. Now only the web address is a link (the scan below is shown to see a file://
    link, on the same HTML with the link typed raw)."""
    from weasyprint import HTML

    text = ("[the annex](annex.pdf), [this](../../etc/passwd), [the share](//server/share), "
            "[that](%6Aavascript:alert(1)) and [the ILO](https://www.ilo.org/).")
    (tmp_path / "html").mkdir()
    raw = tmp_path / "raw.pdf"
    HTML(string='<p><a href="annex.pdf">annex</a></p>', base_url=str(tmp_path / "html" / "x.html")).write_pdf(raw)
    assert [uri for uri in uris(raw) if uri.startswith("file:")] and leaks(tmp_path, tmp_path / "html")
    raw.unlink()
    HTML(string=markdown.to_html(text), base_url=str(tmp_path / "html" / "x.html")).write_pdf(tmp_path / "x.pdf")
    assert uris(tmp_path / "x.pdf") == ["https://www.ilo.org/"]
    assert leaks(tmp_path, tmp_path / "html") == []


def test_a_template_that_would_link_elsewhere_is_refused(tmp_path):
    """The PDF's HTML is checked as a whole (the template's own hrefs, and any a text slipped through)."""
    (tmp_path / "factsheet.html.j2").write_text('<a href="https://www.ilo.org/">ILO</a> <a href="#top">top</a> '
                                                '<a href="annex.pdf">annex</a>', encoding="utf-8")
    with pytest.raises(DataError) as info:
        render({}, tmp_path)
    assert [p.file.endswith("factsheet.html.j2") for p in info.value.problems] == [True]
    assert "'annex.pdf' is a relative address" in info.value.problems[0].message


# --- the contact's e-mail and web site ---------------------------------------------------------------------------

CONTACTS = [
    ("email-with-a-script", "email", "javascript:alert(1)//@evil.example", "not an e-mail address"),
    ("email-with-a-query", "email", "partnerships@ilo.org?cc=<all@ilo.org>", "not an e-mail address"),
    ("web-script", "web", "javascript:alert(document.domain)", "the scheme 'javascript:'"),
    ("web-http", "web", "http://www.ilo.org/partnerships", "the scheme 'http:'"),
    ("web-protocol-relative", "web", "//evil.example/x", "no host name"),
    ("web-credentials", "web", "www.ilo.org@evil.example/x", "user name or password"),
]


@pytest.mark.parametrize(("key", "value", "expected"), [pytest.param(*case[1:], id=case[0]) for case in CONTACTS])
def test_a_contact_that_is_no_real_address_is_refused(sheet, key, value, expected):
    yaml = sheet / "sheet.yaml"
    text = yaml.read_text(encoding="utf-8")
    old = {"email": "email: partnerships@ilo.org", "web": "web: ilo.org/partnerships"}[key]
    yaml.write_text(text.replace(old, f"{key}: {json.dumps(value)}", 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_sheet(yaml)
    problem = info.value.problems[0]
    assert problem.where == f"key contact.{key}" and repr(value) in problem.message and expected in problem.message


@pytest.mark.parametrize(("web", "href"), [("ilo.org/partnerships", "https://ilo.org/partnerships"),
                                           ("https://www.ilo.org/partnerships", "https://www.ilo.org/partnerships")])
def test_the_contact_links_in_the_pdf(sheet, tmp_path, web, href):
    yaml = sheet / "sheet.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("web: ilo.org/partnerships", f"web: {web}", 1),
                    encoding="utf-8")
    html = render(context(checked.check(sheet), "chart.svg", {"on_dark": "logo.svg"}))
    assert f'<a href="{href}">{web}</a>' in html and '<a href="mailto:partnerships@ilo.org">' in html


# --- no output of a build holds a file:// link or the checkout's path ---------------------------------------------

def pdf_text(path: Path) -> str:
    """A PDF as text to search: its objects with every stream decoded (links, XMP metadata, attachments,
    content), and every string of it decoded (UTF-16 ones included)."""
    def strings(obj):
        if isinstance(obj, pikepdf.String):
            yield str(obj)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            for child in obj.as_list() if isinstance(obj, pikepdf.Array) else [obj[key] for key in obj]:
                if not getattr(child, "is_indirect", False):  # an indirect one is among pdf.objects
                    yield from strings(child)

    with pikepdf.open(path) as pdf:
        decoded = io.BytesIO()
        pdf.save(decoded, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return decoded.getvalue().decode("latin-1") + "\n".join(s for obj in pdf.objects for s in strings(obj))


def leaks(folder: Path, checkout: Path) -> list[str]:
    """Each file under ``folder`` holding 'file://' or the path of ``checkout``: 'name: what'."""
    found = []
    needles = {"file://", str(checkout), str(checkout.resolve())}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".pdf":
            text += pdf_text(path)
        found += [f"{path.relative_to(folder)}: {needle}" for needle in sorted(needles) if needle in text.lower()
                  or needle in text]
    return found


@pytest.mark.parametrize("build", ["built", "corpus_build"])
def test_no_output_holds_a_file_url_or_the_checkout_path(request, build):
    """Every file of the suite's builds (PDFs decoded, HTML, SVG, JSON, CSV, Markdown, images, logs)."""
    if build == "built":
        checkout, done, _ = request.getfixturevalue("built")
        assert done.returncode == 0, done.stderr[-3000:]
    else:
        checkout = request.getfixturevalue("corpus_build")
    output = outputs(checkout).root
    assert any(output.rglob("*.pdf")) and any(output.rglob("*.html"))
    assert leaks(output, checkout) == []
