"""Narrative blocks: Markdown that names computed figures, like {{ totals.assessed | usd_millions }}.

A block is first filled in by a sandboxed Jinja environment (it can read the
names below and use the filters, nothing else), then rendered as Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import markdown, paths
from .errors import DataError, Problem, display_path
from .figures import Figures
from .sheet import Sheet, read_text

# The blocks a sheet may have, in reading order; each is optional.
BLOCKS = ("intro", "partnership", "priorities", "commitments", "financial")


def narrative_names(sheet: Sheet, figures: Figures) -> dict:
    """The names a narrative block may use (listed in the README)."""
    return {
        "donor": sheet.donor.model_dump(),
        "title": sheet.title,
        "edition_date": sheet.edition_date,
        "period": figures.period,
        "windows": figures.windows,
        "totals": figures.totals,
        "by_year": figures.by_year,
        "streams": {s.id: s.label for s in sheet.streams},
    }


def environment(filters: dict) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(filters)
    return env


def fill(text: str, names: dict, env: SandboxedEnvironment, path: Path) -> str:
    """Replace {{ ... }} in a text with computed values; a clear problem if a name is wrong."""
    try:
        return env.from_string(text).render(**names)
    except jinja2.TemplateSyntaxError as err:
        raise DataError([Problem(display_path(path), f"line {err.lineno}",
                                 f"the {{{{ ... }}}} expression is not valid ({err.message})")]) from None
    except jinja2.exceptions.SecurityError as err:
        raise DataError([Problem(display_path(path), "", f"{err.message}; texts may only name the values "
                                 f"listed in the README ({', '.join(sorted(names))})")]) from None
    except jinja2.UndefinedError as err:
        raise DataError([_unknown_name(err.message or "", text, names, path)]) from None
    except (TypeError, ValueError, ArithmeticError) as err:
        raise DataError([Problem(display_path(path), "", f"a {{{{ ... }}}} expression failed: {err}")]) from None


def _unknown_name(message: str, text: str, names: dict, path: Path) -> Problem:
    """A problem naming the misspelt name, the line it is on, and the names that would work there."""
    match = re.search(r"has no (?:attribute|element) '?([^']+?)'?$|'([^']+)' is undefined", message)
    bad = (match.group(1) or match.group(2)) if match else ""
    expressions = [(number, expression) for number, row in enumerate(text.splitlines(), start=1)
                   for expression in re.findall(r"{{(.*?)}}", row)]
    hit = next(((n, e) for n, e in expressions if re.search(rf"[.\[\s'\"]{re.escape(bad)}\b|^\s*{re.escape(bad)}\b",
                                                               e)), None) if bad else None
    parent = re.match(r"\s*(\w+)", hit[1]).group(1) if hit else None
    options = sorted(names)
    if parent in names and parent != bad:
        value = names[parent]
        options = sorted(map(str, value)) if isinstance(value, dict) else \
            sorted(n for n in dir(value) if not n.startswith("_"))
    owner = f" of {parent}" if parent in names and parent != bad else ""
    shown = f"{{{{{hit[1]}}}}}" if hit else repr(bad)
    return Problem(display_path(path), f"line {hit[0]}" if hit else "",
                   f"{shown} names {bad!r}, which is not a name{owner} a text can use; "
                   f"expected one of {', '.join(options)}")


def load_blocks(sheet_dir: Path, names: dict, env: SandboxedEnvironment) -> dict[str, dict]:
    """Every narrative block of a sheet as {"heading": str | None, "html": str}."""
    folder = sheet_dir / paths.NARRATIVE_DIR
    blocks, problems = {}, []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.stem not in BLOCKS or path.suffix != ".md":
            problems.append(Problem(display_path(path), "", f"{path.name!r} is not a narrative block; expected "
                                    f"one of {', '.join(b + '.md' for b in BLOCKS)}"))
            continue
        try:
            heading, body = markdown.split_heading(fill(read_text(path), names, env, path))
        except DataError as err:
            problems += err.problems
            continue
        blocks[path.stem] = {"heading": heading, "html": markdown.to_html(body)}
    if problems:
        raise DataError(problems)
    return blocks
