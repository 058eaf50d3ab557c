"""The pinned environment: the lock, environment.yml and pyproject.toml agree."""

import re
import tomllib

from conftest import ROOT


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


def test_every_direct_dependency_is_locked_at_its_pinned_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = pins([*project["dependencies"], *[d for extra in project["optional-dependencies"].values()
                                               for d in extra]])
    lock = pins((ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines())
    assert direct and all(lock.get(name) == version for name, version in direct.items()), \
        {name: (version, lock.get(name)) for name, version in direct.items() if lock.get(name) != version}
