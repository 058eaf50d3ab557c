"""Every folder and fixed file the pipeline knows, in one place."""

import os
from pathlib import Path

# The checkout the package lives in (installed in place by `make`: pip install --editable).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = PROJECT_ROOT / "factsheet"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
BRAND_DIR = TEMPLATES_DIR / "brand"
BRAND_FILE = BRAND_DIR / "brand.yaml"
LABELS_DIR = TEMPLATES_DIR / "labels"
STYLESHEET = TEMPLATES_DIR / "factsheet.css"
SHEET_TEMPLATE = "factsheet.html.j2"
# The web edition's templates and stylesheet (output/site/, see factsheet/web/site.py).
WEB_TEMPLATES_DIR = TEMPLATES_DIR / "web"
WEB_STYLESHEET = WEB_TEMPLATES_DIR / "site.css"
DATA_DIR = PROJECT_ROOT / "data"
# The environment for cluster runs: .venv plus the executor plugins (`make cluster-env`).
CLUSTER_PYTHON = PROJECT_ROOT / ".venv-cluster" / "bin" / "python"
# The folders of the pipeline's own files, which no build writes into.
OWN_FOLDERS = (PACKAGE_DIR, TEMPLATES_DIR, PROJECT_ROOT / "config", PROJECT_ROOT / "rules", PROJECT_ROOT / "scripts",
               PROJECT_ROOT / ".venv")

# Files inside one sheet's data folder, data/<subject>/<edition>/.
SHEET_FILE = "sheet.yaml"
CONTRIBUTIONS_STEM = "contributions"  # .csv or .xlsx
NARRATIVE_DIR = "narrative"
PROJECTS_DIR = "projects"
QUOTES_DIR = "quotes"
PHOTOS_DIR = "photos"
TEXT_FOLDERS = (NARRATIVE_DIR, PROJECTS_DIR, QUOTES_DIR)  # the folders of Markdown texts, translated beside them


# URL scheme naming a file in the sheet's data folder (sheet:photos/x.jpg),
# resolved by the PDF stage's sandboxed URL fetcher.
SHEET_SCHEME = "sheet"


def _protected(data_dir: Path) -> list[tuple[Path, str]]:
    """The folders no build writes into, and what each is."""
    return [(Path(data_dir).resolve(), "the sheets' data (data_dir)"),
            *((folder, "the pipeline's own files") for folder in OWN_FOLDERS)]


def output_dir_problem(output_dir: Path, data_dir: Path) -> str | None:
    """Why ``output_dir`` cannot take a build's files, or None: a build writes there and removes the files it
    finds cut short (an empty Markdown file, a template without its end), so it may neither be nor hold nor lie
    in the sheets' data or the pipeline's own files."""
    out = Path(output_dir).resolve()
    linked = "through a link, " if out != Path(output_dir).absolute() else ""
    for folder, what in _protected(data_dir):
        shown = os.path.relpath(folder, Path.cwd())
        if out == folder or out.is_relative_to(folder):
            return f"{linked}it lies in {shown}/, {what}"
        if folder.is_relative_to(out):
            return f"{linked}it holds {shown}/, {what}"
    return None


def links_out_of(output_dir: Path, data_dir: Path) -> str | None:
    """A link inside ``output_dir`` to the sheets' data or the pipeline's own files, which a build would write
    through ("output/site: a link to data/canada/2023, the sheets' data (data_dir)"), or None."""
    for path in _links(Path(output_dir)):
        target = path.resolve()
        for protected, what in _protected(data_dir):
            shown = f"{os.path.relpath(path, Path.cwd())}: a link to {os.path.relpath(target, Path.cwd())}"
            if target == protected or target.is_relative_to(protected):
                return f"{shown}, {'in ' if target != protected else ''}{what}"
            if protected.is_relative_to(target):
                return f"{shown}, which holds {os.path.relpath(protected, Path.cwd())}/, {what}"
    return None


def _links(folder: Path):
    """The links under ``folder``, not followed (the entries' types come with the listing: no file is opened)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_symlink():
            yield Path(entry.path)
        elif entry.is_dir(follow_symlinks=False):
            yield from _links(Path(entry.path))
