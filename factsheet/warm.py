"""The warm process: what the forkserver of factsheet.jobs imports, once, before it forks the first job.

In order: it ends with the process that started it, and so do its jobs, however that ends (recovery.
end_with_parent); the garbage collector is off while the libraries load, as they build many objects and free
few; hypothesis, a test library that pandera imports when it is installed (with pytest in tow) for a data
synthesis no stage uses, is kept out (a module set to None in sys.modules is one Python reports as missing);
the libraries and every stage module are imported, and what the libraries load on first use is loaded; then
what is loaded is frozen out of the collector's sight, as Python's documentation of gc.freeze advises for a
process that forks, so that no forked job walks or copies it. Each job then runs with the collector disabled
(a job is short: what it allocates is freed when it ends).

Why a warm process at all: docs/design.md, Speed.
"""

import contextlib
import gc
import importlib
import sys

from .recovery import end_with_parent

end_with_parent()
gc.disable()
sys.modules.setdefault("hypothesis", None)

LIBRARIES = ["numpy", "pandas", "pandera.pandas", "pydantic", "matplotlib", "matplotlib.pyplot",
             "matplotlib.backends.backend_svg", "weasyprint", "fontTools.subset", "pypdfium2", "PIL.Image"]

from .stages import STAGES  # noqa: E402 - after the collector is off

for module in [*LIBRARIES, *(f"factsheet.stages.{stage}" for stage in STAGES)]:
    importlib.import_module(module)

from .brand import load_brand, printable  # noqa: E402
from .contributions import load_validation  # noqa: E402

load_validation()  # pandera's backends, registered on the first validation
with contextlib.suppress(Exception):  # a broken brand file is reported by the stage that reads it
    printable(load_brand())  # the characters the brand's fonts print, read once for every job's check
gc.freeze()
gc.enable()  # for the warm process itself, which lives as long as the build
