"""The warm process's first preparation (imported first by the forkserver, see factsheet.stages.PRELOAD).

- No garbage collection while the libraries load: they build many objects and free few, so the collector's
  passes are wasted (factsheet.preload freezes what is loaded, without a collection pass).
- No hypothesis: pandera imports that test library, when it is installed, for its data synthesis, which no
  stage uses; with it come pytest and more, a quarter of a second of every build's start. A module set to
  None in sys.modules is one Python's import system reports as missing.
"""

import gc
import sys

gc.disable()
sys.modules.setdefault("hypothesis", None)
