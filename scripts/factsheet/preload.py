"""The warm process's last preparation (imported last by the forkserver, see factsheet.stages.PRELOAD): load
what the libraries load only on first use, then freeze what is loaded out of the garbage collector's sight, so
that no forked job walks or copies it."""

import gc

from .contributions import load_validation

load_validation()  # pandera's backends, registered on the first validation
gc.collect()
gc.freeze()
