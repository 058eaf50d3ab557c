# A sheet: its brand assets, the check of its files, and per language the chart, the HTML, the PDF, the
# change report since the previous edition; the edition's review page; the first language under the
# edition's plain name.


rule package_version:
    """The hash of the package's files: an input of every stage, so that a change to the package rebuilds."""
    input:
        PACKAGE,
    output:
        FILES.package_version,
    log:
        LOGS / "package_version.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=50,
        runtime=1,
    shell:
        "sha256sum {input:q} > {output:q} 2> {log:q}"


rule write_brand_assets:
    """Write the matplotlib style, the logo in its print colour and the static fonts from the brand file."""
    input:
        stage=stage_module("write_brand_assets"),
        brand=BRAND,
        logos=LOGOS,
        package=FILES.package_version,
    output:
        style=FILES.style,
        logo_on_dark=FILES.logo_on_dark,
        language_logos=[FILES.logo_on_dark_in(language) for language in LOGO_LANGUAGES],
        fonts=[FILES.fonts_dir / face["file"] for face in font_faces(load_brand(Path(str(BRAND))))],
    log:
        LOGS / "write_brand_assets.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        fonts=FONTS,
        logo_languages=LOGO_LANGUAGES,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.write_brand_assets --brand-file {input.brand:q}"
        " --style-file {output.style:q} --logo-on-dark {output.logo_on_dark:q} --fonts-dir {params.fonts:q}"
        " --logo-languages {params.logo_languages} --language-logos {output.language_logos:q}"


rule check_sheet:
    """Check every file of a sheet (table, sheet.yaml, texts, photos) before anything is drawn, and write the
    checked sheet: every language's texts and fields, the tidy table and the figures, which the stages after
    it read instead of the sheet's folder."""
    input:
        stage=stage_module("check_sheet"),
        sheet=sheet_files,
        labels=LABELS,
        brand=BRAND,  # the fonts it declares decide which characters print (read from the environment's cache)
        package=FILES.package_version,
    output:
        checked=FILES.checked("{subject}-{edition}"),
    log:
        LOGS / "check_sheet" / "{subject}-{edition}.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=400,
        runtime=2,
    params:
        sheet_dir=sheet_dir,
        plausible_max_usd=config["plausible_max_usd"],
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.check_sheet --sheet-dir {params.sheet_dir:q}"
        " --checked-file {output.checked:q} --plausible-max-usd {params.plausible_max_usd}"


rule plot_contributions:
    """Draw the contributions chart as SVG, text kept as text."""
    input:
        stage=stage_module("plot_contributions"),
        checked=rules.check_sheet.output.checked,  # every language's: their legends decide one chart design
        labels=LABELS,
        brand=BRAND,
        style=rules.write_brand_assets.output.style,
        fonts=rules.write_brand_assets.output.fonts,
        package=FILES.package_version,
    output:
        chart=FILES.chart("{subject}-{edition}-{lang}"),
        chart_tall=FILES.tall_chart("{subject}-{edition}-{lang}"),
        chart_phone=FILES.phone_chart("{subject}-{edition}-{lang}"),
    log:
        LOGS / "plot_contributions" / "{subject}-{edition}-{lang}.log",
    priority: on_the_way_to_pdfs
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        fonts=FONTS,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.plot_contributions --checked-file {input.checked:q}"
        " --brand-file {input.brand:q} --style-file {input.style:q} --fonts-dir {params.fonts:q} --svg-file {output.chart:q}"
        " --tall-svg-file {output.chart_tall:q} --phone-svg-file {output.chart_phone:q} --language {wildcards.lang}"


rule render_html:
    """Fill the sheet template with the sheet's texts and computed figures."""
    input:
        stage=stage_module("render_html"),
        checked=rules.check_sheet.output.checked,
        logo_on_dark=logo_of,
        logos=rules.write_brand_assets.output.language_logos,
        fonts=rules.write_brand_assets.output.fonts,
        labels=LABELS,
        templates=TEMPLATES,
        package=FILES.package_version,
    output:
        html=FILES.html("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_html" / "{subject}-{edition}-{lang}.log",
    priority: on_the_way_to_pdfs
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        fonts=FONTS,
        # The page only links to the charts (render_pdf needs them), so they are drawn meanwhile.
        chart=lambda w: FILES.chart(f"{w.subject}-{w.edition}-{w.lang}"),
        tall_chart=lambda w: FILES.tall_chart(f"{w.subject}-{w.edition}-{w.lang}"),
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_html --checked-file {input.checked:q}"
        " --chart-file {params.chart:q} --tall-chart-file {params.tall_chart:q} --logo-file {input.logo_on_dark:q}"
        " --fonts-dir {params.fonts:q} --html-file {output.html:q} --language {wildcards.lang}"


rule render_pdf:
    """Render the HTML to the published PDF (PDF/UA-1) and, when asked, the archival one (PDF/A-3a)."""
    input:
        stage=stage_module("render_pdf"),
        html=rules.render_html.output.html,
        budget=budget_record,
        checked=rules.check_sheet.output.checked,
        chart=rules.plot_contributions.output.chart,
        chart_tall=rules.plot_contributions.output.chart_tall,
        logos=rules.write_brand_assets.output,
        photos=sheet_photos,
        templates=TEMPLATES,
        package=FILES.package_version,
    output:
        **({"archival": FILES.archival("{subject}-{edition}-{lang}")} if ARCHIVAL else {}),
        pdf=FILES.pdf("{subject}-{edition}-{lang}"),
        layout=FILES.layout("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_pdf" / "{subject}-{edition}-{lang}.log",
    priority: on_the_way_to_pdfs
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        archival=lambda w, output: ["--archival-file", output.archival] if ARCHIVAL else [],
        budget=lambda w, input: ["--budget-file", input.budget] if input.budget else [],
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_pdf --html-file {input.html:q} --checked-file {input.checked:q}"
        " --pdf-file {output.pdf:q} --layout-file {output.layout:q} {params.archival:q} {params.budget:q}"
        " --language {wildcards.lang}"


rule report_changes:
    """Write what changed since the previous edition: figures old and new, texts added or removed."""
    input:
        stage=stage_module("report_changes"),
        old=previous_checked,
        new=rules.check_sheet.output.checked,
        labels=LABELS,
        package=FILES.package_version,
    output:
        report=FILES.changes("{subject}-{edition}-{lang}"),
    log:
        LOGS / "report_changes" / "{subject}-{edition}-{lang}.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.report_changes --old-checked {input.old:q} --new-checked {input.new:q}"
        " --report-file {output.report:q} --language {wildcards.lang}"


rule render_review:
    """Write an edition's review page: the previous edition's figures and this one's side by side, each
    text's changes as a word diff, the translations to check, and the pages of both editions."""
    input:
        stage=stage_module("render_review"),
        checked=rules.check_sheet.output.checked,
        pdfs=review_pdfs,
        previous=review_previous,
        labels=LABELS,
        package=FILES.package_version,
    output:
        review=FILES.review("{subject}-{edition}"),
    log:
        LOGS / "render_review" / "{subject}-{edition}.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=400,
        runtime=2,
    params:
        # input.previous: the previous edition's PDFs, then its checked sheet (none for a first edition)
        previous=lambda w, input: (
            ["--old-checked", input.previous[-1], "--old-pdfs", *input.previous[:-1]] if input.previous else []
        ),
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_review --new-checked {input.checked:q}"
        " --new-pdfs {input.pdfs:q} --review-file {output.review:q} {params.previous:q}"


rule name_first_language:
    """The sheet's first language under the edition's plain name too (canada-2023.pdf): a copy of its PDF or change report."""
    input:
        lambda w: OUT / f"{w.subject}-{w.edition}-{first_language(w)}{w.kind}",
    output:
        OUT / "{subject}-{edition}{kind}",
    log:
        LOGS / "name_first_language" / "{subject}-{edition}{kind}.log",
    wildcard_constraints:
        kind=r"\.pdf|-changes\.md",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=100,
        runtime=1,
    shell:
        "cp {input:q} {output:q} 2> {log:q}"


use rule name_first_language as name_first_language_archival with:
    input:
        lambda w: FILES.archival(f"{w.subject}-{w.edition}-{first_language(w)}"),
    output:
        FILES.archival("{subject}-{edition}"),
    log:
        LOGS / "name_first_language" / "archive-{subject}-{edition}.log",
