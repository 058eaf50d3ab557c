"""The Slurm profile on a real Slurm: the sheets are built by real Slurm jobs through profiles/slurm, unmodified,
and the PDFs are byte for byte those of a local build, on the single-node Slurm that the tests start on this machine
(conftest.slurm_running)."""

import os
import shutil
import subprocess

import pytest

from conftest import SLURM, cluster_python, copy_checkout, outputs

pytestmark = pytest.mark.cluster


@pytest.fixture
def slurm(slurm_running):
    if slurm_running.startswith("a single-node"):
        pytest.skip(slurm_running)  # not this kind of machine
    assert not slurm_running, slurm_running


def jobs_run_in(folder) -> list[str]:
    """The Slurm jobs that completed with ``folder`` as their working directory (squeue keeps finished jobs
    for MinJobAge; the cluster has no accounting)."""
    listed = subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i %T %Z"], capture_output=True,
                            text=True, check=True).stdout
    return [job for job, state, workdir in (line.split(maxsplit=2) for line in listed.splitlines())
            if state == "COMPLETED" and os.path.realpath(workdir) == os.path.realpath(folder)]


def test_the_sheets_built_by_slurm_jobs_are_those_of_a_local_build(slurm, built, tmp_path):
    cluster = copy_checkout(tmp_path / "cluster")
    shutil.rmtree(cluster / "data" / "nordvale")  # the Canada sheet, in its three languages, is enough here
    done = subprocess.run([cluster_python(), "-m", "snakemake", "--workflow-profile", "profiles/slurm"],
                          cwd=cluster, capture_output=True, text=True, timeout=1200)  # the profile as shipped
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert jobs_run_in(cluster), "no Slurm job ran in the checkout"
    local, done, _ = built  # the session's local build of the same checkout
    assert done.returncode == 0, done.stderr[-3000:]
    slurm_files, local_files = outputs(cluster), outputs(local)
    pdfs = sorted(p.name for p in local_files.pdfs_dir.glob("canada-*.pdf"))
    assert pdfs and pdfs == sorted(p.name for p in slurm_files.pdfs_dir.glob("*.pdf"))
    for name in pdfs:
        assert (slurm_files.pdfs_dir / name).read_bytes() == (local_files.pdfs_dir / name).read_bytes(), name
    # the web edition's pages, files, previews and cards too (the index lists other sheets locally)
    made = sorted(p.relative_to(slurm_files.root) for p in slurm_files.site.rglob("*")
                  if p.is_file() and "canada-" in str(p.relative_to(slurm_files.root))
                  and p.name != ".snakemake_timestamp")  # Snakemake's mark in a folder it made
    assert made, "the batch jobs wrote no web page"
    for relative in made:
        assert (slurm_files.root / relative).read_bytes() == (local_files.root / relative).read_bytes(), relative


def config_of(conf: str) -> dict[str, str]:
    """`scontrol show config` of the cluster whose slurm.conf is ``conf``, as a dict."""
    shown = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True, check=True,
                           env={**os.environ, "SLURM_CONF": conf}).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition("=") for line in shown.splitlines())}


def test_the_test_run_has_a_cluster_of_its_own_which_another_cannot_take(slurm, tmp_path):
    """The run's Slurm lives in the run's folder (configuration, munge socket, state). A second cluster started
    beside it, as another test run on the machine would, is refused with one line naming the running one, and
    leaves it running."""
    run = os.path.realpath(os.environ["SLURM_STATE_DIR"])
    ours = config_of(os.environ["SLURM_CONF"])
    assert os.path.realpath(ours["SLURM_CONF"]) == os.path.realpath(os.environ["SLURM_CONF"])
    assert ours["SLURM_CONF"].startswith(run) and ours["StateSaveLocation"].startswith(run)
    assert f"socket={run}/" in ours["AuthInfo"], ours["AuthInfo"]

    other = {**os.environ, "SLURM_STATE_DIR": str(tmp_path / "other"),
             "SLURM_CONF": str(tmp_path / "other" / "slurm.conf")}
    try:
        started = subprocess.run([*SLURM, "start"], env=other, capture_output=True, text=True, timeout=300)
    finally:
        subprocess.run([*SLURM, "stop"], env=other, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "another test cluster is running on this machine" in started.stderr and run in started.stderr, \
        started.stderr
    still = subprocess.run([*SLURM, "status"], capture_output=True, text=True, timeout=60)
    assert still.returncode == 0, still.stdout + still.stderr  # the run's own cluster answers as before
    job = subprocess.run(["sbatch", "--parsable", "--wait", "--wrap", "srun true"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)  # srun in a job finds it too
    assert job.returncode == 0, job.stderr
