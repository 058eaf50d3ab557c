"""Every stage runs alone from the shell, as a failed job can be repeated by hand:

    python -m factsheet.stages.check_sheet --sheet-dir data/canada/2023 --checked-file output/checked/canada-2023.json

The options are the parameters of the stage's ``main()``, named as the rules name them: a path, a text
(``str``) or a list of either (``list[Path]``: the option takes several values).
"""

from __future__ import annotations

import argparse
import inspect
import sys
import types
import typing
from pathlib import Path

from factsheet.errors import run_stage


def command_line(main, argv: list[str] | None = None) -> None:
    """Parse ``argv`` into ``main``'s parameters (``--sheet-dir`` for ``sheet_dir``) and run it as a stage."""
    module = sys.modules[main.__module__]
    parser = argparse.ArgumentParser(prog=f"python -m {module.__spec__.name}",
                                     description=" ".join(filter(None, [(module.__doc__ or "").strip(),
                                                                        inspect.getdoc(main)])))
    hints = typing.get_type_hints(main)
    for name, parameter in inspect.signature(main).parameters.items():
        required = parameter.default is inspect.Parameter.empty
        hint = hints.get(name, Path)
        optional = typing.get_origin(hint) in (typing.Union, types.UnionType)  # X | None
        kind = [t for t in typing.get_args(hint) if t is not type(None)] if optional else [hint]
        many = typing.get_origin(kind[0]) is list
        value_type = typing.get_args(kind[0])[0] if many else kind[0]
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, required=required,
                            type=str if value_type is str else Path, metavar=name.upper(),
                            **({"nargs": "*"} if many else {}), **({} if required else {"default": parameter.default}),
                            help="" if required else f"(optional; default: {parameter.default})")
    run_stage(main, **vars(parser.parse_args(argv)))
