"""Writing outputs so that a reader never sees half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import yaml

from factsheet.errors import DataError, Problem

# libyaml's parser, which PyYAML's wheels carry: the same values as yaml.safe_load (the same constructor and
# resolver), parsed about ten times as fast; PyYAML's own parser where it is missing.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """The values of a YAML text, as yaml.safe_load reads them."""
    return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader


@contextlib.contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def copy_file(source: str | Path, target: str | Path) -> None:
    """Copy a file whole or not at all (a build stopped meanwhile leaves no half-written copy)."""
    import shutil

    with atomic_path(Path(target)) as tmp:
        shutil.copyfile(source, tmp)


def write_text(target: str | Path, text: str) -> None:
    """Write UTF-8 text atomically, with Unix newlines."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shown_as_given(path: str | Path) -> str:
    """A path as the user typed it (links not followed): relative to the working folder when inside it."""
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        if absolute.is_relative_to(base):
            return str(absolute.relative_to(base))
    return str(absolute)


def outside_problem(path: str | Path, root: str | Path, what: str = "the sheet's folder", name: str | None = None):
    """The problem with reading ``path`` if it, or a folder on its way, is a link leaving ``root``; else None.

    Every file a sheet or the brand is read from goes through this check (``confined``): a sheet cannot
    make the build read /etc/passwd by linking narrative/intro.md to it.
    """
    path, root = Path(path), Path(root)
    name = name or path.name
    base = root.resolve()
    if path.resolve().is_relative_to(base):
        return None
    given = Path(os.path.abspath(path))
    if given.is_relative_to(Path(os.path.abspath(root))) or given.is_relative_to(base):
        return Problem(shown_as_given(path), "", f"{name!r} is a link to a file outside {what} "
                       f"({path.resolve()}); expected a file inside {shown_as_given(root)}: copy the file there "
                       "instead of linking to it")
    return Problem(shown_as_given(path), "", f"{name!r} lies outside {what}; expected a file inside "
                   f"{shown_as_given(root)}")


def broken_link_problem(path: str | Path, root: str | Path, what: str = "the sheet's folder"):
    """The problem with ``path`` if it is a link that leads nowhere: to itself or round a loop of links, or to a
    file that does not exist; else None. Told without following it to the end (following a loop never ends)."""
    import errno

    path = Path(path)
    if not path.is_symlink() or path.exists():
        return None
    target = os.readlink(path)
    try:
        os.stat(path)
        looped = False
    except OSError as err:
        looped = err.errno == errno.ELOOP
    how = f"leads round a loop of links (to {target!r})" if looped else f"leads to {target!r}, which does not exist"
    return Problem(shown_as_given(path), "", f"{path.name!r} is a link that {how}; expected a file inside {what} "
                   f"({shown_as_given(root)}): replace the link by the file itself")


def confined(path: str | Path, root: str | Path, what: str = "the sheet's folder") -> Path:
    """``path`` itself, once :func:`outside_problem` found nothing wrong; a DataError naming it otherwise."""
    problem = outside_problem(path, root, what)
    if problem:
        raise DataError([problem])
    return Path(path)


def inside(path: str | Path, root: str | Path, file: str = "", place: str = "", value: str | None = None) -> Path:
    """``path`` itself when it lies below ``root`` once '..' and links are resolved; a DataError otherwise,
    naming the data ``file`` and ``place`` the name came from, and its ``value``.

    Every output whose name comes from data (a photo's copy in the web edition) goes through this before
    it is written, whatever the sheet's check let through: a build writes inside its output folder only.
    """
    path, root = Path(path), Path(root)
    if root.resolve() in path.resolve().parents:
        return path
    shown = f"{value!r} " if value is not None else ""
    raise DataError([Problem(file or shown_as_given(path), place,
                             f"{shown}would be written to {shown_as_given(path)}, outside "
                             f"{shown_as_given(root)}; expected a name that stays inside that folder")])


def read_template_file(path: Path, templates_dir: Path | None = None) -> str:
    """A brand or template file's text; a DataError naming it if it is a link leaving the templates folder
    (``templates_dir``: by default the folder above ``path``'s brand/ or labels/ folder, else templates/)."""
    path = Path(path)
    if templates_dir is None:
        templates_dir = path.parent.parent if path.parent.name in ("brand", "labels") else path.parent
    return confined(path, templates_dir, "the templates folder").read_text(encoding="utf-8")


def special_file_problem(path: str | Path):
    """The problem with reading ``path`` if it is a named pipe, a device or a socket (reading one could wait
    forever, or never end), told from its status without opening it; else None (also when it is missing)."""
    import stat


    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return Problem(shown_as_given(path), "", f"{Path(path).name!r} is {kind}, not a file; expected a regular "
                   "file saved by an editor or a spreadsheet program")
