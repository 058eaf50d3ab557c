"""Narrative blocks: Markdown that names computed figures, like {{ totals.assessed | usd_millions }}.

A block is first filled in by a sandboxed Jinja environment (it can read the
names below and use the filters, nothing else), then rendered as Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import confined
from factsheet.model import markdown
from factsheet.model.figures import Figures
from factsheet.model.languages import sheet_text_file, text_file
from factsheet.model.sheet import Sheet, base_stem, body_first_line, read_text, text_language, untranslated_texts
from factsheet.model.sheet import entry_id as entry_id_of

# The blocks a sheet may have, in reading order; each is optional.
BLOCKS = ("intro", "partnership", "priorities", "commitments", "financial")


def narrative_names(sheet: Sheet, figures: Figures) -> dict:
    """The names a narrative block may use (listed in docs/writing-a-sheet.md)."""
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


MAX_EXPRESSION = 200  # characters between {{ and }}; a name path with filters is far shorter
STATEMENTS = "statements are not allowed in a text; expected only {{ name }} or {{ name | filter }}"


def environment(filters: dict) -> SandboxedEnvironment:
    """The parser of {{ }} expressions, knowing only ``filters`` (no Jinja globals, tests or built-in filters).

    Texts are never run as Jinja templates: each expression is parsed and evaluated by :func:`fill`.
    """
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    env.tests.clear()
    env.filters = dict(filters)
    return env


class _Refused(Exception):
    """An expression outside the language: what is wrong with it."""

class _Unknown(Exception):
    """A name, key or filter that does not exist: the bad name and the names that would work there."""
    def __init__(self, bad: str, owner: str | None, options: list[str]):
        super().__init__(bad)
        self.bad, self.owner, self.options = bad, owner, options


def fill(text: str, names: dict, env: SandboxedEnvironment, path: Path, first_line: int = 1) -> str:
    """Replace each {{ ... }} of a text with its value; one problem per wrong expression.

    An expression is a name path (``period.first``, ``by_year[2020].assessed``, ``windows.assessed.long``:
    names, keys and attributes that exist in ``names``) followed by zero or more filters of ``env``
    (``| usd_millions``). Nothing else: no statements, calls, arithmetic or literals to compute with.
    ``first_line`` is the file's line the text starts on (a project's body starts after its front matter).
    """
    def _line(text: str, offset: int) -> int:
        return text.count("\n", 0, offset) + first_line

    problems, pieces, position = [], [], 0
    for line in sorted({_line(text, match.start()) for match in re.finditer(r"{%|{#", text)}):
        problems.append(Problem(display_path(path), f"line {line}", STATEMENTS))
    # An expression ends at its }}; one that meets the next {{ (or the end) first was never closed.
    for match in re.finditer(r"{{((?:(?!{{).)*?)(}}|(?={{)|\Z)", text, re.DOTALL):
        line = _line(text, match.start())
        expression = match.group(1)
        pieces.append(text[position:match.start()])
        position = match.end()
        if not match.group(2):
            opened = " ".join(["{{", *expression.split()[:1]])  # the name it begins with
            problems.append(Problem(display_path(path), f"line {line}", f"{opened} has no closing }}}}; expected "
                                    "{{ name }} or {{ name | filter }} on one line"))
            continue
        shown = "{{" + expression + "}}"
        try:
            value = str(_evaluate(expression, names, env))
            if value.endswith(".") and text.startswith(".", position):
                position += 1  # "… 54,6 millions de dollars É.-U." ends the sentence: one full stop, not two
            pieces.append(value)
        except _Unknown as err:
            owner = f" of {err.owner}" if err.owner else ""
            problems.append(Problem(display_path(path), f"line {line}",
                                    f"{shown} names {err.bad!r}, which is not a name{owner} a text can use; "
                                    f"expected one of {', '.join(err.options) or '(none)'}"))
        except _Refused as err:
            problems.append(Problem(display_path(path), f"line {line}",
                                    f"{shown} is not allowed: {err}; expected only a name like "
                                    "{{ totals.overall }} followed by filters like | usd_millions"))
    if problems:
        raise DataError(sorted(problems, key=lambda p: int(p.where.split()[-1])))
    pieces.append(text[position:])
    return "".join(pieces)


def _evaluate(expression: str, names: dict, env: SandboxedEnvironment):
    """The value of one expression (the text between {{ and }})."""
    from jinja2 import nodes

    if len(expression) > MAX_EXPRESSION:
        raise _Refused(f"it is longer than {MAX_EXPRESSION} characters")
    if "\n" in expression.strip():
        raise _Refused("it runs over several lines")
    try:
        template = env.parse("{{" + expression + "}}")
    except jinja2.TemplateSyntaxError as err:
        raise _Refused(f"it is not a valid expression ({err.message})") from None
    except RecursionError:
        raise _Refused("it is nested too deeply") from None
    outputs = template.body
    if len(outputs) != 1 or not isinstance(outputs[0], nodes.Output) or len(outputs[0].nodes) != 1:
        raise _Refused("it is not one expression")
    return _value(outputs[0].nodes[0], names, env)


def _value(node, names: dict, env: SandboxedEnvironment):
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        if node.name not in names:
            raise _Unknown(node.name, None, sorted(names))
        return names[node.name]
    if isinstance(node, nodes.Getattr):
        return _member(_value(node.node, names, env), node.attr, _path(node.node))
    if isinstance(node, nodes.Getitem):
        if not isinstance(node.arg, nodes.Const) or not isinstance(node.arg.value, (int, str)) \
                or isinstance(node.arg.value, bool):
            raise _Refused("a [key] must be a number or a name written out, like by_year[2020]")
        return _member(_value(node.node, names, env), node.arg.value, _path(node.node))
    if isinstance(node, nodes.Filter):
        if node.node is None:
            raise _Refused("a filter must follow a name")
        if node.name not in env.filters:
            raise _Unknown(node.name, "the filters", sorted(env.filters))
        if node.kwargs or node.dyn_args or node.dyn_kwargs or \
                not all(isinstance(a, nodes.Const) and isinstance(a.value, (int, float, str)) for a in node.args):
            raise _Refused(f"the filter {node.name!r} may only be given plain values")
        value = _value(node.node, names, env)
        try:
            return env.filters[node.name](value, *(a.value for a in node.args))
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError) as err:
            raise _Refused(f"the filter {node.name!r} cannot format {value!r} ({err})") from None
    what = {nodes.Call: "calls", nodes.Const: "values typed in", nodes.TemplateData: "text"}.get(type(node))
    if what is None:
        what = "arithmetic" if isinstance(node, (nodes.BinExpr, nodes.UnaryExpr)) else \
            f"{type(node).__name__.lower()} expressions"
    raise _Refused(f"{what} are not part of the expression language")


def _path(node) -> str:
    """The name path of a node as written: by_year[2020], windows.assessed."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_path(node.node)}[{node.arg.value!r}]"
    return "?"


def _member(value, key, owner: str):
    """value[key] for a mapping, else the public, non-callable attribute ``key``: what a path can reach."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        if isinstance(key, str) and key.isdigit() and int(key) in value:
            return value[int(key)]
        raise _Unknown(str(key), owner, sorted(map(str, value)))
    options = _attributes(value)
    if isinstance(key, str) and key in options:
        return getattr(value, key)
    raise _Unknown(str(key), owner, options)


def _attributes(value) -> list[str]:
    """The attributes of a value a text may name: public and not methods (period.first, period.long)."""
    found = []
    for name in dir(value):
        if name.startswith("_"):
            continue
        try:
            member = getattr(value, name)
        except Exception:  # noqa: BLE001 - a property that fails is not a name to offer
            continue
        if not callable(member):
            found.append(name)
    return sorted(found)


def load_blocks(sheet_dir: Path, names: dict, env: SandboxedEnvironment, sheet: Sheet | None = None,
                typography: dict | None = None) -> dict[str, dict]:
    """Every narrative block of a sheet as {"heading": str | None, "html": str}, in the language of ``sheet``
    (its translation, intro.fr.md, where the edition is in another language than the first), set in its
    ``typography`` (the labels file's)."""
    folder = sheet_dir / paths.NARRATIVE_DIR
    if folder.exists() or folder.is_symlink():
        confined(folder, sheet_dir)
    blocks, problems = {}, []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if base_stem(path) not in BLOCKS or path.suffix != ".md":
            problems.append(Problem(display_path(path), "", f"{path.name!r} is not a narrative block; expected "
                                    f"one of {', '.join(b + '.md' for b in BLOCKS)} (or a translation, "
                                    "like intro.fr.md)"))
            continue
        if text_language(path) is not None:
            continue  # read in place of its untranslated text, below
        if sheet is not None:
            path = text_file(path, sheet)
        try:
            filled = fill(read_text(path, sheet_dir), names, env, path)
            wrong = markdown.structure_problems(filled, path) or markdown.problems(filled, path)
            if wrong:
                raise DataError(wrong)
            heading, body = markdown.split_heading(filled)
        except DataError as err:
            problems += err.problems
            continue
        blocks[base_stem(path)] = {"heading": markdown.typeset(heading, typography),
                                   "html": markdown.to_html(body, typography)}
    if problems:
        raise DataError(problems)
    return blocks


def fill_entry(folder: Path, entry_id: str, body: str, names: dict, env: SandboxedEnvironment,
               sheet: Sheet | None = None) -> str:
    """A project's or quote's body (``folder``/NN-<entry_id>.md, or its translation into the language of
    ``sheet``) with its {{ }} filled in and its Markdown checked, like a narrative block; problems name the file
    and its line."""
    path = next(p for p in untranslated_texts(folder) if entry_id_of(p) == entry_id)
    if sheet is not None:
        path = text_file(path, sheet)
    first = body_first_line(path, folder.parent)
    filled = fill(body, names, env, path, first_line=first)
    wrong = markdown.structure_problems(filled, path, first) or markdown.problems(filled, path, first_line=first)
    if wrong:
        raise DataError(wrong)
    return filled


def entry_problems(sheet_dir: Path, projects: list, quotes: list, names: dict,
                   env: SandboxedEnvironment, sheet: Sheet | None = None) -> list[Problem]:
    """Every problem of the {{ }} and the Markdown of the projects' and quotes' bodies (in the language of
    ``sheet``)."""
    problems = []
    for folder, entries in ((paths.PROJECTS_DIR, projects), (paths.QUOTES_DIR, quotes)):
        for entry in entries:
            try:
                fill_entry(sheet_dir / folder, entry.id, entry.body, names, env, sheet)
            except DataError as err:
                problems += err.problems
    return problems


def chart_lines(sheet: Sheet, sheet_dir: Path, names: dict, env: SandboxedEnvironment) -> dict[str, str | None]:
    """The chart's source and note with their {{ }} filled in (``{{ edition_date | month_year }}``: the
    source names the edition's date without it being typed each year); a problem names the key."""
    path = Path(sheet_dir) / paths.SHEET_FILE if sheet.language == sheet.languages[0] \
        else sheet_text_file(sheet_dir, sheet.language)
    found, problems = {}, []
    for key in ("source", "note"):
        value = getattr(sheet.chart, key)
        try:
            found[key] = fill(value, names, env, path) if value else value
        except DataError as err:
            problems += [Problem(p.file, f"key chart.{key}", p.message) for p in err.problems]
    if problems:
        raise DataError(problems)
    return found

