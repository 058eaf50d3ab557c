"""The Snakemake profiles: each is valid, and a dry run with it plans every job (no cluster needed; the executor
profiles' dry runs need the cluster environment, and are marked `cluster`)."""

import re
import shutil

import pytest
import yaml

from factsheet.model.editions import sheet_languages

from conftest import ROOT, cluster_python, copy_checkout, run_workflow

PROFILES = sorted(p.name for p in (ROOT / "profiles").iterdir() if (p / "config.yaml").is_file())
STAGES = {"write_brand_assets", "check_sheet", "plot_contributions", "render_html",
          "render_pdf", "report_changes", "all", "publish_sheet_files", "render_web",
          "render_card"}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    return copy_checkout(tmp_path_factory.mktemp("profiles") / "checkout")


# Dry runs: the default profile's in make test; the executor profiles' with the cluster environment (make check)
DRY_RUNS = [profile if profile == "default" else pytest.param(profile, marks=pytest.mark.cluster)
            for profile in PROFILES]


def planned(output: str) -> dict[str, int]:
    table = output.split("Job stats:")[1].split("Reasons:")[0]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", table, re.MULTILINE) if rule != "total"}


def test_the_expected_profiles_exist():
    assert {"default", "slurm", "kubernetes"} <= set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_settings_are_sound(profile):
    settings = yaml.safe_load((ROOT / "profiles" / profile / "config.yaml").read_text(encoding="utf-8"))
    if profile != "default":
        assert settings["executor"] == profile
        assert settings["default-resources"]["mem_mb"] >= 1000
        assert settings["cores"] >= 1  # the size of one node, which a cluster job must fit on
    if profile == "slurm":  # fewer, larger jobs: a batch of sheets a job, on all the cores of a node
        assert settings["config"] == ["batch_size=25"] and "groups" not in settings
        assert settings["slurm-status-command"] == "squeue"
    if profile == "kubernetes":
        groups = settings["groups"]
        assert set(groups) == STAGES - {"all", "write_brand_assets"}  # every per-sheet stage is grouped (the site's
        # index is a local rule)
        assert len(set(groups.values())) == 1 and settings["group-components"][next(iter(groups.values()))] > 1


@pytest.mark.parametrize("profile", DRY_RUNS)
def test_dry_run_with_the_profile_plans_every_job(checkout, profile, tmp_path, request):
    if profile != "default":  # not needed, but a dry run is quicker with a Slurm to answer the plugin
        request.getfixturevalue("slurm_running")
    args = ["--workflow-profile", f"profiles/{profile}", "--dry-run"]
    if profile == "kubernetes":  # inputs live in the shared store the pods mount: stand one up here
        store = tmp_path / "store"
        shutil.copytree(checkout / "data", store / "data")
        args += ["--default-storage-prefix", str(store)]
    done = run_workflow(checkout, *args, **({} if profile == "default" else {"python": cluster_python()}))
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    jobs = planned(done.stdout + done.stderr)
    sheets = len(list((checkout / "data").glob("*/*/sheet.yaml")))
    found = sorted((checkout / "data").glob("*/*/sheet.yaml"))
    languages = {p: sheet_languages(p.parent) for p in found}
    editions = sum(len(codes) for codes in languages.values())  # one per language of each sheet
    later = [p for p in found
             if any(int(q.parent.name) < int(p.parent.name) for q in p.parent.parent.glob("*/sheet.yaml"))]
    reports = sum(len(languages[p]) for p in later)
    if profile == "slurm":  # the three real sheets fit in one batch, after the brand's and site's assets; the
        # site's index follows it, locally
        assert jobs == {"package_version": 1, "write_brand_assets": 1, "write_site_assets": 1, "build_batch": 1,
                        "site_index": 1, "all": 1}
        return
    assert jobs == {"package_version": 1, "write_brand_assets": 1, "check_sheet": sheets,
                    "plot_contributions": editions, "render_html": editions, "render_pdf": editions,
                    "report_changes": reports, "name_first_language": sheets + len(later), "all": 1,
                    "render_review": sheets,  # each edition's review page
                    # the web edition: shared files once, each sheet's table and photos, each page's own
                    "write_site_assets": 1, "publish_sheet_files": sheets,
                    "render_web": editions, "render_card": editions, "site_index": 1}
