"""The next `make` recovers by itself: from a build killed outright (no process of it left, the outputs those
of a clean build), from damaged generated files, from a folder that breaks the naming rule; and two builds at
once are refused."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from factsheet.model.editions import find_sheets, listed_sheets
from factsheet.workflow import recovery

from conftest import PDFS_ONLY, QUICK_EDITION, QUICK_SHEET, QUICK_SUBJECT, outputs, quick_checkout, tree_digest

BUILD = [sys.executable, "-m", "factsheet.commands.build", "--cores", "2", *PDFS_ONLY]
PAGES = 2  # of the quick sheet


def build(workdir):
    return subprocess.run(BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)


def started(workdir, steps=1):
    """A build that has finished ``steps`` steps and is still running."""
    process = subprocess.Popen(BUILD, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    for line in process.stdout:
        if line.startswith(f"{steps} of "):
            return process
    pytest.fail("the build ended before it could be caught running")


def test_folders_that_break_the_naming_rule_are_named_and_skipped(tmp_path):
    for folder in ["canada/2023", "canada/draft", "Canada Test/2023", "new_zealand/2023", "empty", ".git/x",
                   "new-zealand/2024"]:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "README.md").write_text("notes")
    sheets, problems = find_sheets(tmp_path)
    assert sheets == [("canada", "2023"), ("new-zealand", "2024")]
    said = "\n".join(map(str, problems))
    assert len(problems) == 4, said
    for name in ["Canada Test", "canada/draft", "new_zealand", "empty"]:
        assert name in said
    assert "rename it 'canada-test'" in said and "four-digit year" in said


def test_a_sheet_or_subject_folder_that_is_a_link_is_named_and_skipped(tmp_path):
    """A link would have the build read, and the translation and edition commands write, a folder outside data/."""
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    for folder in ["data/canada/2023", "elsewhere/2023", "elsewhere/nordvale/2024"]:
        (tmp_path / folder).mkdir(parents=True)
    (data / "canada" / "2024").symlink_to(elsewhere / "2023")
    (data / "nordvale").symlink_to(elsewhere / "nordvale")
    sheets, problems = find_sheets(data)
    assert sheets == [("canada", "2023")]
    said = "\n".join(map(str, problems))
    assert len(problems) == 2, said
    assert "data/canada/2024: the folder '2024' is a link (to " in said
    assert "data/nordvale: the folder 'nordvale' is a link" in said
    assert "expected a folder of the data folder" in said
    listed, refused = listed_sheets(data, ["canada/2023", "canada/2024"])  # the config's sheets: named ones
    assert listed == [("canada", "2023")] and [str(p) for p in refused] == [str(problems[0])]


def test_a_bad_folder_is_reported_and_every_valid_sheet_still_built(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    sheet = workdir / "data" / QUICK_SUBJECT / QUICK_EDITION
    shutil.copytree(sheet, workdir / "data" / "Canada Test" / "2023")
    shutil.copytree(sheet, workdir / "data" / "new_zealand" / "2023")
    done = build(workdir)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "error: data/Canada Test: the folder name 'Canada Test' does not fit the naming rule" in said
    assert "error: data/new_zealand: the folder name 'new_zealand'" in said
    assert "Traceback" not in said and "Exception" not in said, said
    assert len(PdfReader(outputs(workdir).pdf(QUICK_SHEET)).pages) == PAGES
    assert "Built 1 fact sheet" in said and "2 folders were skipped" in said


def test_a_build_killed_outright_is_recovered_by_the_next_make(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    running = started(workdir, steps=2)
    everything = [psutil.Process(running.pid), *psutil.Process(running.pid).children(recursive=True)]
    for process in everything:  # as on power loss: nobody cleans up (all are stopped first, so that none
        process.suspend()       # reacts to another's death: Snakemake is interrupted when the build command dies)
    for process in everything:
        process.kill()
    running.wait()
    psutil.wait_procs(everything, timeout=10)
    assert list((workdir / ".snakemake" / "locks").iterdir()), "the killed build left no lock to recover from"
    done = build(workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left its lock behind; removed it" in done.stdout
    assert len(PdfReader(outputs(workdir).pdf(QUICK_SHEET)).pages) == PAGES


def test_damaged_generated_files_are_made_again(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    assert build(workdir).returncode == 0
    output = outputs(workdir)
    font = sorted(output.fonts_dir.glob("*.ttf"))[0]
    whole_font, whole_pdf = font.read_bytes(), output.pdf(f"{QUICK_SHEET}-en").read_bytes()
    font.write_bytes(b"")
    for name in (f"{QUICK_SHEET}-en", QUICK_SHEET):  # an edition's PDF and its plain-name copy
        output.pdf(name).write_bytes(whole_pdf[: len(whole_pdf) // 2])
    output.chart(f"{QUICK_SHEET}-en").write_bytes(b"")
    done = build(workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"output/fonts/{font.name} was damaged" in done.stdout
    assert font.read_bytes() == whole_font
    for name in (f"{QUICK_SHEET}-en", QUICK_SHEET):
        assert output.pdf(name).read_bytes() == whole_pdf  # the same bytes as before the damage


def test_two_builds_at_once_the_second_is_refused(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    first = started(workdir)
    second = build(workdir)
    assert second.returncode == 1
    assert "Another build is running in this folder" in second.stderr
    rest, _ = first.communicate(timeout=600)
    assert first.returncode == 0, rest
    assert len(PdfReader(outputs(workdir).pdf(QUICK_SHEET)).pages) == PAGES
    assert build(workdir).returncode == 0


# ---------- kill -9 of a build with its web edition, then make again ----------

SITE_BUILD = [sys.executable, "-m", "factsheet.commands.build", "--cores", "2"]  # PDFs and web edition, as make
MAX_LINGER = 2.0  # seconds a process of a killed build may take to end


def outputs_digest(out):
    """tree_digest of the outputs, without the logs and the build's lock file."""
    return {name: digest for name, digest in tree_digest(out).items()
            if not name.startswith(("logs/", ".build.lock"))}


def running(processes):
    """Those of ``processes`` still running (an ended one its parent has not reaped yet has ended)."""
    def alive(process):
        try:
            return process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    return [p for p in processes if alive(p)]


def described(process):
    try:
        return f"{process.pid} {' '.join(process.cmdline())[:100]}"
    except psutil.Error:
        return f"{process.pid} (ended meanwhile)"


def ended_within(processes, seconds):
    deadline = time.monotonic() + seconds
    while running(processes) and time.monotonic() < deadline:
        time.sleep(0.02)
    return running(processes)


@pytest.fixture(scope="module")
def clean_site_build(tmp_path_factory):
    """A quick checkout built from nothing with its web edition: (its folder, the outputs' digest)."""
    workdir = quick_checkout(tmp_path_factory.mktemp("clean") / "checkout")
    done = subprocess.run(SITE_BUILD, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir, outputs_digest(outputs(workdir).root)


def stage_jobs(command):
    """The running stage jobs of a build (forks of its warm process writing to a job's log: not a program the
    warm process runs while it imports the libraries, such as the compiler ctypes asks where a library is,
    which has the warm process's command line until it starts), once there is one (for up to 10 s)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        jobs = []
        for process in command.children(recursive=True):
            try:
                if "factsheet.workflow.warm" in " ".join(process.parent().cmdline()) and any(
                        f"{os.sep}logs{os.sep}" in file.path for file in process.open_files()):
                    jobs.append(process)
            except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                continue
        if jobs:
            return jobs
        time.sleep(0.01)
    pytest.fail("no stage job ran")


# Killed at three points of the 14 steps: while the sheet is checked and drawn, while the PDF is laid out,
# while the web edition's page, previews and card are made (directories half-written); the whole process
# group (a CI runner) or the build command alone. The jobs that run are stuck meanwhile (stopped: as one
# waiting on a read that never ends), which must not keep the build's processes alive.
@pytest.mark.parametrize(("after_steps", "group"), [(1, True), (4, False), (9, True)])
def test_kill_9_then_make_gives_the_outputs_of_a_clean_build_and_leaves_no_process(
        tmp_path, clean_site_build, after_steps, group):
    workdir = shutil.copytree(clean_site_build[0], tmp_path / "checkout",
                              ignore=shutil.ignore_patterns(outputs(clean_site_build[0]).root.name, ".snakemake"))
    build = subprocess.Popen(SITE_BUILD, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             process_group=0)
    for line in build.stdout:
        if line.startswith(f"{after_steps} of "):
            break
    else:
        pytest.fail("the build ended before it could be killed")
    command = psutil.Process(build.pid)
    for job in stage_jobs(command):
        job.suspend()
    family = [command, *command.children(recursive=True)]
    assert len(family) >= 4, family  # the build command, Snakemake, its warm process and a job at least
    if group:
        os.killpg(build.pid, signal.SIGKILL)
    else:
        build.kill()
    build.wait()
    build.stdout.close()
    again = subprocess.Popen(SITE_BUILD, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    left = ended_within(family, MAX_LINGER)  # while make runs again, at once
    lingering = [described(p) for p in left]
    said, _ = again.communicate(timeout=600)
    for process in left:
        with contextlib.suppress(psutil.NoSuchProcess):  # it may end meanwhile
            process.kill()
    assert not left, lingering
    assert again.returncode == 0, said
    assert "Traceback" not in said and "Exception" not in said, said
    assert outputs_digest(outputs(workdir).root) == clean_site_build[1]
    assert not ended_within(recovery.build_processes(outputs(workdir).root), MAX_LINGER)


def stopped_as_forked(warm, seconds=60):
    """The first job ``warm`` (a warm process) forks, stopped the instant it appears with its log open: before it
    has run a line of its own, the kernel's parent-death signal not yet set (as when the machine stalls it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{warm.pid}/task/{warm.pid}/children").read_text().split()
        except OSError:
            break
        for pid in children:
            with contextlib.suppress(OSError):
                fds = Path(f"/proc/{pid}/fd")
                if any(f"{os.sep}logs{os.sep}" in os.readlink(fd) for fd in fds.iterdir()):
                    os.kill(int(pid), signal.SIGSTOP)
                    return psutil.Process(int(pid))
    pytest.fail("the warm process forked no job")


def test_a_job_stopped_as_it_is_forked_ends_with_the_killed_build(tmp_path):
    workdir = quick_checkout(tmp_path / "checkout")
    build = subprocess.Popen(SITE_BUILD, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             process_group=0)
    try:
        command = psutil.Process(build.pid)
        deadline = time.monotonic() + 60
        warm = None
        while warm is None and time.monotonic() < deadline:
            with contextlib.suppress(psutil.Error):
                warm = next((p for p in command.children(recursive=True)
                             if "factsheet.workflow.warm" in " ".join(p.cmdline())), None)
        assert warm, "the build started no warm process"
        job = stopped_as_forked(warm)
        family = [command, *command.children(recursive=True)]
    finally:
        build.kill()
        build.wait()
    left = ended_within(family, MAX_LINGER)
    lingering = [described(p) for p in left]
    for process in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    assert job in family
    assert not left, lingering


def test_processes_of_a_stopped_build_are_waited_for_then_stopped(tmp_path):
    out = tmp_path / "output"
    marked = {**os.environ, recovery.BUILD_VARIABLE: str(out.resolve())}
    lingering = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=marked)
    other_build = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],  # of another folder
                                   env={**os.environ, recovery.BUILD_VARIABLE: str(tmp_path / "elsewhere")})
    try:
        found = recovery.build_processes(out)
        assert [p.pid for p in found] == [lingering.pid]
        stopped = recovery.end_stopped_build(out, grace=0.2)
        assert [p.pid for p in stopped] == [lingering.pid]
        assert not ended_within(stopped, MAX_LINGER)
        assert other_build.poll() is None
    finally:
        for process in (lingering, other_build):
            process.kill()
            process.wait()
