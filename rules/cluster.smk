# Cluster runs in batches (config batch_size, set by profiles/slurm): a job builds a batch of sheets as a
# local build inside its allocation, on all the cores it has.
# Not Snakemake's group jobs, which profiles/kubernetes uses: on Slurm, the job-step plugin runs a group's jobs
# one at a time, each as a Snakemake of its own started by srun (upstream:
# snakemake/snakemake-executor-plugin-slurm#469). Measured here: a group job of 25 synthetic sheets had run 84
# job steps in 5 minutes, where a local build makes those 25 sheets in about 50 s.


rule build_batch:
    """Build a batch of sheets in one job, on all the cores it has: a local build of those sheets (each stage
    in a fresh fork of the job's own warm process), which rebuilds only what changed; the summary lists what
    it built."""
    input:
        sheets=lambda w: sorted(str(p) for s, _ in BATCHES[int(w.batch)] for p in (DATA / s).rglob("*") if p.is_file()),
        code=[FILES.package_version, *TEMPLATES, *WEB_TEMPLATES, *WORKFLOW_FILES, *STAGE_MODULES],
        brand_assets=rules.write_brand_assets.output,
        site_assets=lambda w: rules.write_site_assets.output if config["site"] else [],  # defined below
    output:
        summary=OUT / "batches" / "{batch}.txt",
    log:
        LOGS / "build_batch" / "{batch}.log",
    conda:
        "../environment.yml"
    threads: lambda wildcards: workflow.cores  # all the cores the job is given (a node, see profiles/slurm)
    resources:
        # Snakemake and the warm process, and a stage running on each core
        mem_mb=lambda wildcards, threads: 500 + 500 * threads,
        runtime=60,
    params:
        archival=config["archival"],
        data_dir=config["data_dir"],
        output_dir=lambda w: config["output_dir"],  # the batch builds into the same folder
        sheets=lambda w: json.dumps([f"{s}/{e}" for s, e in BATCHES[int(w.batch)]]),
        targets=lambda w: [str(t) for t in finished(BATCHES[int(w.batch)])],
    shell:
        # the local build of the batch's sheets (make's Snakemake), then the batch's summary
        "(python -m factsheet.workflow.snakemake_process --cores {threads} --nolock --logger factsheet"
        " --config sheets={params.sheets:q} batch_size=0 archival={params.archival} data_dir={params.data_dir:q}"
        " output_dir={params.output_dir:q} -- {params.targets:q}"
        " && printf '%s\\n' {params.targets:q} > {output.summary:q}) > {log:q} 2>&1"
