"""An interrupted build (Ctrl-C or SIGTERM at any point) is finished by running the build again."""

import os
import re
import signal
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import PDFS_ONLY, outputs, quick_checkout


def build_command(site: bool) -> list[str]:
    return [sys.executable, "-m", "factsheet.commands.build", "--cores", "2", *([] if site else PDFS_ONLY)]


def start_build(workdir, site):
    return subprocess.Popen(build_command(site), cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


# Ctrl-C stops a build of the PDFs and the web edition (14 steps); the other signals, quicker builds of the PDFs
# alone (7 steps: brand assets, check, chart and HTML side by side, PDF, its plain name, the end), each at
# another point: while the PDF is laid out, while the chart or the HTML is made, while both are.
@pytest.mark.parametrize(("how", "after_steps", "site"), [("SIGINT", 9, True), ("SIGTERM", 4, False),
                                                          ("SIGTERM to the group", 3, False), ("SIGHUP", 2, False)])
def test_interrupted_build_recovers_on_the_next_run(tmp_path, how, after_steps, site):
    workdir = quick_checkout(tmp_path / "checkout")  # one sheet in one language: quicker to finish
    build = start_build(workdir, site)
    for line in build.stdout:  # interrupt once some steps are done and others are running
        done = re.match(r"(\d+) of (\d+) steps", line)
        if done and int(done[1]) >= after_steps:
            break
    else:
        pytest.fail("the build finished before it could be interrupted")
    if how == "SIGINT":  # Ctrl-C reaches the whole foreground process group
        os.killpg(build.pid, signal.SIGINT)
    elif how == "SIGTERM to the group":  # `timeout`, or a job scheduler, stopping everything it started
        os.killpg(build.pid, signal.SIGTERM)
    else:  # CI stopping the build command; a closed terminal
        build.send_signal(getattr(signal, how))
    said, _ = build.communicate(timeout=120)
    assert build.returncode != 0
    assert "Traceback" not in said and "Error" not in said, said
    assert said.rstrip().endswith("Interrupted: run make again to finish; nothing half-written is kept."), said

    output = outputs(workdir)
    for pdf in output.pdfs_dir.glob("*.pdf"):  # whatever was finished must be whole
        assert len(PdfReader(pdf).pages) >= 1

    again = subprocess.run(build_command(site), cwd=workdir, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    sheets = sorted(f"{p.parent.parent.name}-{p.parent.name}" for p in (workdir / "data").glob("*/*/sheet.yaml"))
    for sheet in sheets:
        assert len(PdfReader(output.pdf(sheet)).pages) >= 1
    assert not list(output.root.rglob("*.part")), "temporary files were left behind"
    assert "Built" in again.stdout
