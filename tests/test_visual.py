"""Visual regression: every page of four sheets, rendered small in grey (factsheet/render/page_images.py), must look as
its
approved image, tests/approved/<sheet>/page-<N>.png. When a sheet's pages differ, the test writes all its new page
images and a diff image of each page that changed to output/test-artefacts/visual/<sheet>/; `make approve` accepts
them.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from visual import TOLERANCE, compare, diff_file, render_pages, save_page

from factsheet.render.page_images import (
    APPROVED_DIR,
    ARTEFACTS_DIR,
    numbered_from_one,
    page_file,
    page_files,
)

from conftest import ROOT, outputs

# The real sheets in English (their plain names) and two shapes of the corpus: four streams over five pages, and a
# title long enough to wrap in the title band.
SHEETS = ["canada-2023", "nordvale-2024", "four-streams-2024", "long-title-2024"]
A4 = (298, 421)


def _page(*blocks: tuple[int, int, int, int]) -> Image.Image:
    """A white A4 page image with black rectangles (left, top, right, bottom)."""
    page = Image.new("L", A4, 255)
    for block in blocks:
        page.paste(0, block)
    return page


def test_identical_pages_match():
    page = _page((20, 20, 200, 60))
    result = compare(page, page.copy())
    assert result.matches and result.changed == 0 and result.diff is None


def test_a_pixel_of_noise_stays_within_the_tolerance():
    noisy = _page((20, 20, 200, 60))
    noisy.putpixel((150, 300), 0)
    result = compare(_page((20, 20, 200, 60)), noisy)
    assert result.matches and 0 < result.changed <= TOLERANCE


def test_a_moved_block_is_a_difference_and_the_diff_shows_where():
    result = compare(_page((20, 20, 120, 60)), _page((20, 300, 120, 340)))
    assert not result.matches and result.changed > TOLERANCE
    width, height = A4
    assert result.diff.height == height and result.diff.width > 3 * width  # approved | new | changes
    changes = np.asarray(result.diff)[:, -width:]
    red = np.all(changes == (255, 0, 0), axis=-1)
    assert red[20:60, 20:120].all() and red[300:340, 20:120].all()  # where the block was, and where it is
    assert red.sum() == 2 * 100 * 40  # and nowhere else


def test_a_page_of_another_size_is_a_difference():
    assert not compare(_page(), Image.new("L", (298, 420), 255)).matches


def _shown(path: Path) -> str:
    """A path as the reader finds it, from the project's folder."""
    return str(path.relative_to(ROOT))


def _differences(sheet: str, pages: list[Image.Image], artefacts: Path) -> list[str]:
    """How a sheet's new pages differ from its approved ones; writes a diff image of each page that changed."""
    approved = page_files(APPROVED_DIR / sheet)
    if not approved:
        return [f"no approved pages for {sheet} in {_shown(APPROVED_DIR / sheet)}/"]
    problems = [] if numbered_from_one(approved) and len(approved) == len(pages) else [
        f"{sheet}'s PDF has {len(pages)} pages; {_shown(APPROVED_DIR / sheet)}/ holds pages "
        f"{', '.join(map(str, sorted(approved)))}"]
    for number in sorted(approved.keys() & range(1, len(pages) + 1)):
        result = compare(Image.open(approved[number]), pages[number - 1])
        if not result.matches:
            save_page(result.diff, diff_file(artefacts, number))
            size = "" if result.same_size else ", and its size changed"
            problems.append(f"{sheet}, page {number}: {result.changed:.2%} of its pixels changed (at most "
                            f"{TOLERANCE:.1%} may){size}; see {_shown(diff_file(artefacts, number))}")
    return problems


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_page_looks_as_approved(corpus_build, sheet):
    pages = render_pages(outputs(corpus_build).pdf(sheet))
    artefacts = ARTEFACTS_DIR / sheet
    shutil.rmtree(artefacts, ignore_errors=True)  # left by an earlier run: stale
    problems = _differences(sheet, pages, artefacts)
    if problems:
        for number, page in enumerate(pages, start=1):
            save_page(page, page_file(artefacts, number))
        pytest.fail("\n".join([*problems, f"Look at the images in {_shown(artefacts)}/ (a diff shows approved | new "
                               "| changes in red); if they are as intended, run `make approve` and commit "
                               "tests/approved/."]))
