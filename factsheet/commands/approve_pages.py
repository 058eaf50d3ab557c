"""Accept the new page images of the last visual test run as the approved ones (make approve).

When a sheet's pages differ from tests/approved/<sheet>/, tests/test_visual.py writes all its new page images and a
diff image of each changed page to output/test-artefacts/visual/<sheet>/. This copies the new pages into
tests/approved/<sheet>/ (removing approved pages beyond the new page count) and removes the artefacts it accepted.
Look at the diff images first; commit tests/approved/ afterwards.
"""

import argparse
import shutil
import sys

from factsheet.paths import PROJECT_ROOT
from factsheet.render.page_images import APPROVED_DIR, ARTEFACTS_DIR, numbered_from_one, page_file, page_files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("sheets", nargs="*", metavar="SHEET",
                        help="accept only these sheets, e.g. canada-2023 (default: every sheet with new pages)")
    args = parser.parse_args(argv)
    new = {folder.name: page_files(folder) for folder in sorted(ARTEFACTS_DIR.glob("*/")) if page_files(folder)}
    if unknown := [sheet for sheet in args.sheets if sheet not in new]:
        parser.error(f"nothing to approve for {', '.join(unknown)} (no new page images in "
                     f"{ARTEFACTS_DIR.relative_to(PROJECT_ROOT)}/): run make test first")
    if not new:
        print("nothing to approve: run make test first")
        return
    for sheet in args.sheets or new:
        pages, approved = new[sheet], APPROVED_DIR / sheet
        if not numbered_from_one(pages):
            sys.exit(f"error: {sheet}'s new pages are not pages 1 to {len(pages)}: run make test again")
        approved.mkdir(parents=True, exist_ok=True)
        for number, path in pages.items():
            shutil.copyfile(path, page_file(approved, number))
        beyond = sorted(number for number in page_files(approved) if number > len(pages))
        for number in beyond:
            page_file(approved, number).unlink()
        shutil.rmtree(ARTEFACTS_DIR / sheet)
        removed = f"; removed its approved page {', '.join(map(str, beyond))}" if beyond else ""
        print(f"approved {sheet}: {len(pages)} pages into {approved.relative_to(PROJECT_ROOT)}/{removed}")
    print("Commit tests/approved/ to keep them.")


if __name__ == "__main__":
    main()
