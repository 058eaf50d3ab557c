"""The code's structure: the package's modules import each other without a loop (counting imports inside
functions too), and no stage imports another stage (what stages share lives in the package)."""

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "factsheet"
STAGES_DIR = PACKAGE / "stages"


def module_name(path: Path, root: Path = ROOT) -> str:
    """The dotted name of the module at ``path`` (factsheet/model/sheet.py: factsheet.model.sheet)."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, modules: set[str], name: str) -> set[str]:
    """The modules of ``modules`` that the module ``name`` at ``path`` imports anywhere in it (``from .x import``,
    ``from factsheet.x import``, ``from factsheet import x``, ``import factsheet.x``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(filter(None, [base, node.module]))
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
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
    (tmp_path / "factsheet" / "model").mkdir(parents=True)
    (tmp_path / "factsheet" / "a.py").write_text("from .model.b import x\n", encoding="utf-8")
    (tmp_path / "factsheet" / "model" / "b.py").write_text("def f():\n    from .c import y\n", encoding="utf-8")
    (tmp_path / "factsheet" / "model" / "c.py").write_text("from factsheet import a\n", encoding="utf-8")
    paths = {module_name(p, tmp_path): p for p in tmp_path.rglob("*.py")}
    graph = {name: imported(path, set(paths), name) for name, path in paths.items()}
    assert loops(graph) == [["factsheet.a", "factsheet.model.b", "factsheet.model.c", "factsheet.a"]]


def test_the_package_has_no_import_loop():
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths) - {"factsheet"}  # importing a sub-package imports its parent first: not a loop
    graph = {name: imported(path, modules, name) - {name} for name, path in paths.items() if name in modules}
    assert len(graph) > 40 and loops(graph) == []


def test_no_stage_imports_another_stage():
    stages = {module_name(p) for p in STAGES_DIR.glob("*.py")} - {"factsheet.stages"}
    importing = {p.name: sorted(imported(p, stages - {name}, name))
                 for p in STAGES_DIR.glob("*.py") if (name := module_name(p)) in stages}
    assert {name: found for name, found in importing.items() if found} == {}


def test_the_stage_list_is_the_rules_stages_and_each_is_a_script():
    """factsheet.stages.STAGES, which the warm process imports, is the list of stages: every stage a rule or the
    preview runs is in it, and each is a module of factsheet/stages/ with a command line."""
    from factsheet.stages import STAGES

    workflow = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "Snakefile", *(ROOT / "rules").glob("*.smk")])
    command = r"python -m factsheet\.workflow\.job --log \{log:q\} factsheet\.stages\.(\w+)"
    run_by_rules = set(re.findall(command, workflow))
    preview = (PACKAGE / "commands" / "preview.py").read_text(encoding="utf-8")
    run_by_preview = set(re.findall(r'self\.run\("(\w+)"', preview))
    assert run_by_rules | run_by_preview == set(STAGES)
    for stage in STAGES:
        assert (STAGES_DIR / f"{stage}.py").read_text(encoding="utf-8").startswith('"""Stage: '), stage
