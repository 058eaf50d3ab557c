"""`make check` shares the machine with other runs: an installation waits for another's apt lock (marked `system`:
root and apt-get).

(The cluster test's own Slurm, in the run's folder beside another cluster, is tested in test_cluster.py.)"""

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT

pytestmark = pytest.mark.system

# Holds apt's locks as another apt-get would (fcntl locks), for the seconds given, and says when it has them.
HOLD_APT_LOCKS = """
import fcntl, sys, time
held = []
for name in ("/var/lib/apt/lists/lock", "/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock"):
    handle = open(name, "a")
    fcntl.lockf(handle, fcntl.LOCK_EX)
    held.append(handle)
print("held", flush=True)
time.sleep(float(sys.argv[1]))
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"), reason="apt-get, as root")
def test_the_browser_install_waits_while_another_installation_holds_apts_lock():
    held_for = 4.0
    holder = subprocess.Popen([sys.executable, "-c", HOLD_APT_LOCKS, str(held_for)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        # A browser that is missing, and a package that is installed: apt-get runs, installs nothing, and the
        # script then says the browser is still missing, once apt's lock was free.
        done = subprocess.run(["bash", str(ROOT / "scripts" / "browser" / "install.sh")], capture_output=True,
                              text=True, timeout=300,
                              env={**os.environ, "FACTSHEET_CHROMIUM": "/nonexistent/chromium",
                                   "BROWSER_PACKAGES": "bash"})
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    assert "Could not get lock" not in done.stderr, done.stderr
    assert "holds apt's lock; waiting" in done.stderr, done.stderr
    assert "/nonexistent/chromium is still missing" in done.stderr, done.stderr
    assert waited >= held_for - 1
