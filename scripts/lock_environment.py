"""Maintenance: resolve pyproject.toml's pins and write requirements.lock and environment.yml.

Run by `make lock` with the Python of a fresh, empty environment: it installs
the direct dependencies (and the test extras) there, then writes every
installed package's version into both files, so they always agree.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "factsheet-pipeline"


def frozen(python: str) -> list[str]:
    """Every installed distribution as name==version, sorted, without the project itself."""
    out = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable", "--all"],
                         check=True, capture_output=True, text=True).stdout
    skip = {"pip", "setuptools", "wheel", PROJECT}
    pins = [line for line in out.splitlines() if "==" in line and line.split("==")[0].lower() not in skip]
    return sorted(pins, key=str.lower)


def direct_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *[d for extra in project["optional-dependencies"].values() for d in extra]]


def main(python: str = sys.executable) -> None:
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *direct_dependencies()], check=True)
    pins = frozen(python)
    header = "# Every Python package of the pipeline, pinned. Written by `make lock`; do not edit by hand.\n"
    (ROOT / "requirements.lock").write_text(header + "".join(f"{p}\n" for p in pins), encoding="utf-8")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        "# The pipeline's environment for conda users: the same pins as requirements.lock.",
        "# Written by `make lock`; do not edit by hand.",
        "name: factsheet-pipeline",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={version}",
        "  - pip",
        "  - pip:",
        *[f"      - {p}" for p in pins],
    ]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
