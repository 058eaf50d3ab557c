"""The warm process's last preparation (imported last by the forkserver, see factsheet.stages.PRELOAD): load
what the libraries load only on first use, then freeze what is loaded out of the garbage collector's sight, so
that no forked job walks or copies it.

As Python's documentation of gc.freeze advises for a process that forks: the collector was disabled from the
start (factsheet.preload_start), so nothing is collected before the freeze (a pass over the libraries'
objects would cost a tenth of a second of every build's start, to free a little memory no job needs), and
each job runs with the collector disabled (factsheet.stages)."""

import contextlib
import gc

from .brand import load_brand, printable
from .contributions import load_validation

load_validation()  # pandera's backends, registered on the first validation
with contextlib.suppress(Exception):  # a broken brand file is reported by the stage that reads it
    printable(load_brand())  # the characters the brand's fonts print, read once for every job's check
gc.freeze()
gc.enable()  # for the warm process itself, which lives as long as the build
