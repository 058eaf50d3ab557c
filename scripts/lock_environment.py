"""Maintenance: resolve pyproject.toml's pins and write requirements.lock, requirements-cluster.lock and
environment.yml.

Run by `make lock` with the Python of a fresh, empty environment: it installs every direct dependency
(the extras included) there in one resolution, then writes each installed package's version into the
lock that needs it, so the files always agree:

- requirements.lock: what the local pipeline and its tests need (the `.venv` that `make` creates);
- requirements-cluster.lock: what only the `cluster` extra needs (the executor plugins and their
  dependencies, installed by `make cluster-env` into `.venv-cluster`, layered on `.venv`). They stay
  out of `.venv` because Snakemake imports every installed plugin on start, and the Slurm plugin then
  asks Slurm for its configuration (up to 10 s where Slurm is installed but not running).
"""

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "factsheet-pipeline"
CLUSTER_EXTRA = "cluster"


def frozen(python: str) -> dict[str, str]:
    """Every installed distribution as {canonical name: "name==version"}, without the project itself."""
    out = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable", "--all"],
                         check=True, capture_output=True, text=True).stdout
    skip = {"pip", "setuptools", "wheel", PROJECT}
    return {canonical(line.split("==")[0]): line for line in out.splitlines()
            if "==" in line and canonical(line.split("==")[0]) not in skip}


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name  # installed with the pipeline (Snakemake needs it)
    return canonicalize_name(name)


def needed_by(requirements: list[str]) -> set[str]:
    """The canonical names of ``requirements`` and everything they require (their extras' needs included),
    in the installed environment."""
    from packaging.requirements import Requirement
    seen: set[tuple[str, str]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonical(requirement.name)
        for extra in ["", *sorted(requirement.extras)]:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for line in importlib.metadata.requires(requirement.name) or []:
                child = Requirement(line)
                if child.marker is None or child.marker.evaluate({"extra": extra}):
                    todo.append(child)
    return {name for name, _ in seen}


def write_lock(path: Path, what: str, pins: list[str]) -> None:
    header = f"# {what} Written by `make lock`; do not edit by hand.\n"
    path.write_text(header + "".join(f"{p}\n" for p in sorted(pins, key=str.lower)), encoding="utf-8")


def main(python: str = sys.executable) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    local = [*project["dependencies"], *[d for name, deps in extras.items() if name != CLUSTER_EXTRA for d in deps]]
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *local, *extras[CLUSTER_EXTRA]], check=True)
    installed = frozen(python)
    base = needed_by(local)
    pins = [pin for name, pin in installed.items() if name in base]
    cluster = [pin for name, pin in installed.items() if name not in base]
    write_lock(ROOT / "requirements.lock", "Every Python package of the pipeline and its tests, pinned.", pins)
    write_lock(ROOT / "requirements-cluster.lock", "The packages only cluster execution needs (the `cluster` "
               "extra), pinned; installed over requirements.lock.", cluster)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        "# The pipeline's environment for conda users: the same pins as requirements.lock.",
        "# For a cluster, add requirements-cluster.lock with pip. Written by `make lock`; do not edit by hand.",
        "name: factsheet-pipeline",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={version}",
        "  - pip",
        "  - pip:",
        *[f"      - {p}" for p in sorted(pins, key=str.lower)],
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
