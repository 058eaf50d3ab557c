"""The pipeline's stages, one module each: a ``main()`` whose parameters are its command line
(``python -m factsheet.stages.<stage> --help``, see factsheet.workflow.cli), run by a rule of rules/*.smk."""

import pkgutil

STAGES = tuple(module.name for module in pkgutil.iter_modules(__path__))
