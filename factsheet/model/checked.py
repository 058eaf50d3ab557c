"""The checked sheet: one JSON file per sheet (output/checked/<subject>-<edition>.json) that check_sheet writes
once every file of the sheet has passed its checks, and that every later stage reads instead of data/.

It holds the sheet resolved in each of its languages (the fields of sheet.yaml with their translation, the
narrative blocks as HTML, the projects and quotes with their texts filled in, the chart's source and note), the
contributions table, tidy, the figures computed from it, and the raw text of every text file
(for the change report and the review page). Its format is docs/checked-sheet.md; its JSON Schema,
checked_sheet.schema.json beside this module, is checked when the file is written and when it is read.
"""

from __future__ import annotations

import functools
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from factsheet import paths
from factsheet.errors import display_path
from factsheet.files import write_text
from factsheet.model import markdown
from factsheet.model.contributions import PLAUSIBLE_MAX_USD, read_tidy, write_tidy
from factsheet.model.figures import Figures, Period, compute_for
from factsheet.model.languages import in_language, load_projects, load_quotes
from factsheet.model.narrative import chart_lines, environment, fill_entry, load_blocks, narrative_names
from factsheet.model.sheet import Project, Quote, Sheet, entry_file, load_sheet, read_text
from factsheet.model.translations import Segment, segments
from factsheet.model.validate import checked_sheet
from factsheet.render.formatting import Formatter, load_labels, year_ranges

FORMAT = 1
SCHEMA_FILE = Path(__file__).with_name("checked_sheet.schema.json")


def check(sheet_dir: Path, plausible_max_usd: float = PLAUSIBLE_MAX_USD,
          labels_dir: Path = paths.LABELS_DIR) -> CheckedSheet:
    """Check every file of the sheet (raising DataError with every problem) and return it checked."""
    summary, table = checked_sheet(Path(sheet_dir), labels_dir, plausible_max_usd)
    return CheckedSheet(build(sheet_dir, table, summary, labels_dir))


def build(sheet_dir: Path, table: pd.DataFrame, summary: dict, labels_dir: Path = paths.LABELS_DIR) -> dict:
    """The model of a sheet that passed :func:`factsheet.model.validate.checked_sheet` (its ``table`` and
    ``summary``)."""
    sheet_dir = Path(sheet_dir)
    buffer = io.StringIO()
    write_tidy(table, buffer)
    table_csv = buffer.getvalue()
    table = read_tidy(io.StringIO(table_csv))  # as the later stages read it: amounts to the cent
    base = load_sheet(sheet_dir / paths.SHEET_FILE)
    figures = compute_for(table, base)
    return {
        "format": FORMAT,
        "sheet_dir": display_path(sheet_dir),
        "subject": sheet_dir.parent.name,
        "edition": sheet_dir.name,
        "languages": list(base.languages),
        "summary": summary,
        "table_csv": table_csv,
        "figures": {
            "period": [figures.period.first, figures.period.last],
            "windows": {s: [w.first, w.last] for s, w in figures.windows.items()},
            "totals": figures.totals,
            "by_year": [{"year": year, "amounts": amounts} for year, amounts in figures.by_year.items()],
        },
        "sources": _sources(sheet_dir),
        "translations": {code: [asdict(s) for s in segments(sheet_dir, code) if s.state != "translated"]
                         for code in base.languages[1:]},
        "editions": {code: _edition(sheet_dir, base, table, code, labels_dir) for code in base.languages},
    }


def _edition(sheet_dir: Path, base: Sheet, table: pd.DataFrame, language: str, labels_dir: Path) -> dict:
    """The sheet in ``language``: what its page shows that is read from the sheet's folder."""
    sheet = in_language(base, sheet_dir, language)
    labels = load_labels(sheet.language, labels_dir)
    typography = labels.get("typography")
    fmt = Formatter(sheet.language, labels)
    figures = compute_for(table, sheet, labels)
    names, env = narrative_names(sheet, figures), environment(fmt.filters())
    blocks = load_blocks(sheet_dir, names, env, sheet, typography)
    projects = [markdown.typeset_model(p, typography) for p in load_projects(sheet_dir, sheet)]
    quotes = [markdown.typeset_model(q, typography) for q in load_quotes(sheet_dir, projects, sheet)]
    typeset = markdown.typeset_model(sheet, typography)

    def filled(folder: str, entry) -> dict:  # the entry, its file, and its body with the {{ }} filled in
        return {"entry": entry.model_dump(mode="json"), "file": entry_file(sheet_dir / folder, entry.id).name,
                "filled": fill_entry(sheet_dir / folder, entry.id, entry.body, names, env, typeset)}

    return {
        "sheet": sheet.model_dump(mode="json"),
        "blocks": blocks,
        "projects": [filled(paths.PROJECTS_DIR, p) for p in projects],
        "quotes": [filled(paths.QUOTES_DIR, q) for q in quotes],
        "chart": chart_lines(typeset, sheet_dir, names, env),
    }


def _sources(sheet_dir: Path) -> dict[str, str]:
    """The text of sheet.yaml, its translations and every text file, by its path in the sheet's folder."""
    files = sorted(sheet_dir.glob("sheet*.yaml"))
    files += [p for folder in paths.TEXT_FOLDERS if (sheet_dir / folder).is_dir()
              for p in sorted((sheet_dir / folder).glob("*.md"))]
    return {p.relative_to(sheet_dir).as_posix(): read_text(p, sheet_dir) for p in files}


def write(path: Path, model: dict) -> None:
    """Write the model, after checking it against its schema (a model the schema refuses is a bug here)."""
    schema_validator().validate(model)
    write_text(path, json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


@functools.cache
def schema_validator():
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@dataclass(frozen=True)
class CheckedSheet:
    """A checked sheet as the later stages read it."""

    data: dict

    @property
    def languages(self) -> list[str]:
        return self.data["languages"]

    def language(self, language: str | None) -> str:
        """``language``, or the sheet's first when None."""
        return language or self.languages[0]

    def sheet(self, language: str | None = None) -> Sheet:
        """The sheet's fields in ``language`` (by default its first)."""
        fields = self.data["editions"][self.language(language)]["sheet"]
        # Validated as the sheet's first language, whose fields the translation replaced (languages.in_language)
        sheet = Sheet.model_validate({**fields, "language": fields["languages"][0]})
        return sheet.model_copy(update={"language": fields["language"]})

    def figures(self, labels: dict | None = None) -> Figures:
        """The figures, their year ranges read as ``labels`` (of a language) say."""
        found, ranges = self.data["figures"], year_ranges(labels) if labels else {}
        return Figures(period=Period(*found["period"], **ranges),
                       windows={s: Period(*w, **ranges) for s, w in found["windows"].items()},
                       totals=dict(found["totals"]),
                       by_year={row["year"]: dict(row["amounts"]) for row in found["by_year"]})

    def edition(self, language: str | None = None) -> dict:
        """What the sheet's page shows in ``language`` that was read from its folder (see :func:`_edition`)."""
        return self.data["editions"][self.language(language)]

    def projects(self, language: str | None = None) -> list[Entry]:
        """The projects in ``language``, in the typography of its labels."""
        return [Entry(Project.model_validate(p["entry"]), p["file"], p["filled"])
                for p in self.edition(language)["projects"]]

    def quotes(self, language: str | None = None) -> list[Entry]:
        """The quotes in ``language``, in the typography of its labels."""
        return [Entry(Quote.model_validate(q["entry"]), q["file"], q["filled"])
                for q in self.edition(language)["quotes"]]

    def translation_status(self, language: str) -> list[Segment]:
        """The segments of the sheet whose translation into ``language`` is missing, stale or unchecked."""
        return [Segment(**s) for s in self.data["translations"][language]]

    @property
    def name(self) -> str:
        """<subject>-<edition>"""
        return f"{self.data['subject']}-{self.data['edition']}"

    @property
    def sheet_dir(self) -> Path:
        """The sheet's folder, where its photos are."""
        return Path(self.data["sheet_dir"])


@dataclass(frozen=True)
class Entry:
    """A project or quote: its fields, its file in the sheet's folder (projects/05-forteress.md), and its body
    with the {{ }} filled in."""

    model: Project | Quote
    file: str
    filled: str


def read(path: Path) -> CheckedSheet:
    """The checked sheet written by check_sheet, checked against its schema."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    schema_validator().validate(data)
    return CheckedSheet(data)
