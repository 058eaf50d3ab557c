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


def output_dir_problem(output_dir: Path, data_dir: Path) -> str | None:
    """Why ``output_dir`` cannot take a build's files, or None: a build writes there and removes the files it
    finds cut short (an empty Markdown file, a template without its end), so it may neither be nor hold nor lie
    in the sheets' data or the pipeline's own files."""
    out = Path(output_dir).resolve()
    for folder, what in ((Path(data_dir).resolve(), "the sheets' data (data_dir)"),
                         *((f, "the pipeline's own files") for f in OWN_FOLDERS)):
        shown = os.path.relpath(folder, Path.cwd())
        if out == folder or out.is_relative_to(folder):
            return f"it lies in {shown}/, {what}"
        if folder.is_relative_to(out):
            return f"it holds {shown}/, {what}"
    return None
