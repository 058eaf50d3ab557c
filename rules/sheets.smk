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
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    run:
        jobs.run(
            "write_brand_assets",
            log=log[0],
            brand_file=input.brand,
            style_file=output.style,
            logo_on_dark=output.logo_on_dark,
            fonts_dir=FILES.fonts_dir,
            language_logos={language: FILES.logo_on_dark_in(language) for language in LOGO_LANGUAGES},
        )


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
    threads: 1
    resources:
        mem_mb=400,
        runtime=2,
    run:
        jobs.run(
            "check_sheet",
            log=log[0],
            sheet_dir=sheet_dir(wildcards),
            checked_file=output.checked,
            plausible_max_usd=config["plausible_max_usd"],
        )


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
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    run:
        jobs.run("plot_contributions", log=log[0], **chart_arguments(input, output, wildcards))


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
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    run:
        jobs.run("render_html", log=log[0], **html_arguments(input, output, wildcards))


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
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    run:
        jobs.run("render_pdf", log=log[0], **pdf_arguments(input, output, wildcards))


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
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    run:
        jobs.run(
            "report_changes",
            log=log[0],
            old_checked=input.old,
            new_checked=input.new,
            report_file=output.report,
            language=wildcards.lang,
        )


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
    threads: 1
    resources:
        mem_mb=400,
        runtime=2,
    run:
        jobs.run("render_review", log=log[0], **review_arguments(input, output, wildcards))


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
    threads: 1
    resources:
        mem_mb=100,
        runtime=1,
    run:
        jobs.copy(input[0], output[0])


use rule name_first_language as name_first_language_archival with:
    input:
        lambda w: FILES.archival(f"{w.subject}-{w.edition}-{first_language(w)}"),
    output:
        FILES.archival("{subject}-{edition}"),
    log:
        LOGS / "name_first_language" / "archive-{subject}-{edition}.log",
