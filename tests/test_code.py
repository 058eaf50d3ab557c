"""The code's structure: the package's modules import each other without a loop (counting imports inside
functions too), and no stage imports another stage (what stages share lives in the package)."""

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "factsheet"
STAGES_DIR = PACKAGE / "stages"


def imported(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that ``path`` imports anywhere in it (``from .x``, ``from factsheet.x``, ``from
    factsheet import x``, ``import x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or node.module == "factsheet":
                found |= {node.module} if node.module and node.level else {a.name for a in node.names}
            elif node.module:
                found |= {node.module.removeprefix("factsheet.").split(".")[0], node.module.split(".")[0]}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("factsheet.").split(".")[0] for a in node.names}
    return found & modules


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop a depth-first walk of ``graph`` meets, as the modules along it."""
    found, state, path = [], {}, []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                found.append([*path[path.index(other):], other])
            elif other not in state:
                visit(other)
        state[module] = "done"
        path.pop()

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_the_loop_finder_finds_a_loop_through_an_import_inside_a_function(tmp_path):
    (tmp_path / "a.py").write_text("from .b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from .c import y\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("from factsheet import a\n", encoding="utf-8")
    modules = {"a", "b", "c"}
    graph = {p.stem: imported(p, modules) for p in tmp_path.glob("*.py")}
    assert loops(graph) == [["a", "b", "c", "a"]]


def test_the_package_has_no_import_loop():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph = {p.stem: imported(p, modules) - {p.stem} for p in PACKAGE.glob("*.py")}
    assert loops(graph) == []


def test_no_stage_imports_another_stage():
    stages = {p.stem for p in STAGES_DIR.glob("*.py")}
    importing = {p.name: sorted(imported(p, stages - {p.stem})) for p in STAGES_DIR.glob("*.py")}
    assert {name: found for name, found in importing.items() if found} == {}


def test_the_stage_list_is_the_rules_stages_and_each_is_a_script():
    """factsheet.stages.STAGES, which the warm process imports, is the list of stages: every stage a rule or the
    preview runs is in it, and each is a module of factsheet/stages/ with a command line."""
    from factsheet.stages import STAGES

    workflow = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "Snakefile", *(ROOT / "rules").glob("*.smk")])
    run_by_rules = set(re.findall(r"python -m factsheet\.job --log \{log:q\} factsheet\.stages\.(\w+)", workflow))
    preview = (PACKAGE / "commands" / "preview.py").read_text(encoding="utf-8")
    run_by_preview = set(re.findall(r'self\.run\("(\w+)"', preview))
    assert run_by_rules | run_by_preview == set(STAGES)
    for stage in STAGES:
        assert (STAGES_DIR / f"{stage}.py").read_text(encoding="utf-8").startswith('"""Stage: '), stage
