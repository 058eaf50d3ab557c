"""The HTML stage (escaping, strict templates) and the PDF stage's sandboxed fetcher."""

import shutil
from pathlib import Path

import jinja2
import pytest

from factsheet import paths
from factsheet.contributions import read_raw, tidy, write_tidy
from factsheet.errors import DataError
from factsheet.fetcher import ResourceRefused, SandboxedFetcher

from conftest import CANADA, ROOT
from render_html import context, render


@pytest.fixture()
def sheet_copy(tmp_path):
    folder = tmp_path / "data" / "canada" / "2023"
    shutil.copytree(CANADA, folder)
    tidy_file = tmp_path / "tidy.csv"
    write_tidy(tidy(read_raw(folder / "contributions.csv"), ["assessed", "voluntary"], folder), tidy_file)
    return folder, tidy_file


def test_html_has_language_title_and_chart_alt_text(sheet_copy):
    folder, tidy_file = sheet_copy
    html = render(context(folder, tidy_file, "../charts/x.svg", {"on_dark": "logo.svg"}))
    assert '<html lang="en">' in html
    assert "<title>Canada ILO cooperation</title>" in html
    assert 'alt="Stacked bar chart of Canada&#39;s contributions' in html
    assert "dcterms.created" in html and "2023-06-01" in html


def test_text_from_data_is_escaped(sheet_copy):
    folder, tidy_file = sheet_copy
    project = folder / "projects" / "01-jordan-garment-trade-unions.md"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace('title: "Jordan:', 'title: "<script>x</script> Jordan:', 1), encoding="utf-8")
    html = render(context(folder, tidy_file, "chart.svg", {"on_dark": "logo.svg"}))
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt; Jordan" in html


def test_html_typed_into_a_text_is_refused(sheet_copy):
    folder, tidy_file = sheet_copy
    intro = folder / "narrative" / "intro.md"
    intro.write_text("<img src=x onerror=alert(1)> Canada joined.\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        context(folder, tidy_file, "chart.svg", {"on_dark": "logo.svg"})
    [problem] = info.value.problems
    assert problem.file.endswith("narrative/intro.md") and problem.where == "line 1"
    assert "'<img src=x onerror=alert(1)>'" in problem.message and "HTML" in problem.message


def test_template_fails_loudly_on_a_missing_value(sheet_copy):
    folder, tidy_file = sheet_copy
    values = context(folder, tidy_file, "chart.svg", {"on_dark": "logo.svg"})
    del values["key_figures"]
    with pytest.raises(jinja2.UndefinedError):
        render(values)


@pytest.fixture()
def fetcher(tmp_path):
    return SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, tmp_path], sheet_dir=tmp_path)


def test_fetcher_serves_allowed_files(fetcher, tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    assert fetcher.fetch((paths.BRAND_DIR / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch("sheet:photo.png").read() == b"\x89PNG"


@pytest.mark.parametrize("url", [
    "https://example.org/logo.png",
    "http://127.0.0.1/x.css",
    "file:///etc/passwd",
    "file:///dev/urandom",
    "sheet:../../../../etc/passwd",
    "data:text/plain,hello",
    "ftp://example.org/x",
    "font:noto-sans/normal",
])
def test_fetcher_refuses_anything_else(fetcher, url):
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)


def test_fetcher_fails_on_a_missing_file(fetcher, tmp_path):
    with pytest.raises(ResourceRefused, match="does not exist"):
        fetcher.fetch((tmp_path / "missing.png").as_uri())


def test_project_layout_constants_point_at_real_files():
    assert paths.PROJECT_ROOT == ROOT
    for path in (paths.BRAND_FILE, paths.STYLESHEET, paths.TEMPLATES_DIR / paths.SHEET_TEMPLATE,
                 paths.labels_file("en")):
        assert Path(path).is_file(), path
