"""The pinned environment: the lock, environment.yml and pyproject.toml agree."""

import importlib.metadata
import re
import subprocess
import tomllib

import pytest

from conftest import ROOT, cluster_python


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        match = re.match(r"^\s*(?:-\s+)?([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_lock_and_environment_yml_name_the_same_packages_and_versions():
    lock = pins((ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines())
    conda = pins((ROOT / "environment.yml").read_text(encoding="utf-8").splitlines())
    assert lock, "the lock names no package"
    assert lock == conda


def test_every_direct_dependency_is_locked_at_its_pinned_version_in_the_lock_of_its_environment():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    local = pins([*project["dependencies"], *[d for name, deps in extras.items() if name != "cluster" for d in deps]])
    cluster = pins(extras["cluster"])
    lock = pins((ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines())
    cluster_lock = pins((ROOT / "requirements-cluster.lock").read_text(encoding="utf-8").splitlines())
    assert not set(lock) & set(cluster_lock), "a package is pinned in both locks"
    for direct, locked in ((local, lock), (cluster, cluster_lock)):
        assert direct and all(locked.get(name) == version for name, version in direct.items()), \
            {name: (version, locked.get(name)) for name, version in direct.items() if locked.get(name) != version}


def test_the_local_environment_has_no_executor_plugin():
    """Snakemake imports every installed plugin on start (the Slurm one runs `scontrol`, which waits up to 10 s
    where Slurm is installed but not running): local builds must not pay for that."""
    plugins = [d.metadata["Name"] for d in importlib.metadata.distributions()
               if d.metadata["Name"].lower().replace("_", "-").startswith("snakemake-executor-plugin-")]
    assert plugins == []


@pytest.mark.cluster
def test_the_cluster_environment_adds_the_executor_plugins_to_the_local_one():
    # Their distributions are read, not imported: the Slurm plugin asks Slurm for its configuration on import.
    listed = subprocess.run([cluster_python(), "-c", "import importlib.metadata as m, snakemake, weasyprint; "
                             "print(snakemake.__version__, m.version('snakemake-executor-plugin-slurm'), "
                             "m.version('snakemake-executor-plugin-kubernetes'))"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    locked = pins((ROOT / "requirements-cluster.lock").read_text(encoding="utf-8").splitlines())
    assert listed.stdout.split() == [importlib.metadata.version("snakemake"), locked["snakemake-executor-plugin-slurm"],
                                     locked["snakemake-executor-plugin-kubernetes"]]
