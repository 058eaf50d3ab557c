# The web edition: <output_dir>/site/ (factsheet/web/site.py names its files).


rule write_site_assets:
    """Write the web edition's stylesheet, logo and fonts (the PDF's static fonts as WOFF2)."""
    input:
        stage=stage_module("write_site_assets"),
        brand=BRAND,
        fonts=rules.write_brand_assets.output.fonts,
        templates=WEB_TEMPLATES,
        package=FILES.package_version,
    output:
        stylesheet=SITE / site.STYLESHEET,
        logo=SITE / site.LOGO,
        language_logos=[SITE / site.logo(language) for language in LOGO_LANGUAGES],
        icon=SITE / site.ICON,
        fonts=[SITE / site.web_font(face["file"]) for face in font_faces(load_brand(Path(str(BRAND))))],
    log:
        LOGS / "write_site_assets.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        fonts=FONTS,
        site=SITE,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.write_site_assets --brand-file {input.brand:q} --fonts-dir {params.fonts:q}"
        " --site-dir {params.site:q}"


rule publish_sheet_files:
    """Put a sheet's cleaned table and its photos (at a web size, without camera metadata) into the site."""
    input:
        stage=stage_module("publish_sheet_files"),
        checked=rules.check_sheet.output.checked,
        photos=sheet_photos,
        package=FILES.package_version,
    output:
        table=SITE / site.table("{subject}-{edition}"),
        photos=directory(SITE / site.photos("{subject}-{edition}")),
    log:
        LOGS / "publish_sheet_files" / "{subject}-{edition}.log",
    priority: 1
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=2,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.publish_sheet_files --checked-file {input.checked:q}"
        " --table-file {output.table:q} --photos-dir {output.photos:q}"


rule render_web:
    """Write a sheet's web page in one language: its texts and computed figures, the chart inline, its PDF's
    pages as images (page 1 also the index's thumbnail), links to its files (its PDF and archival PDF, put
    into the site first); and its entry for the index."""
    input:
        stage=stage_module("render_web"),
        checked=rules.check_sheet.output.checked,
        chart=rules.plot_contributions.output.chart,
        chart_phone=rules.plot_contributions.output.chart_phone,
        labels=LABELS,
        templates=[*TEMPLATES, *WEB_TEMPLATES],
        assets=rules.write_site_assets.output,
        files=rules.publish_sheet_files.output,
        pdf=rules.render_pdf.output.pdf,
        archival=FILES.archival("{subject}-{edition}-{lang}"),
        package=FILES.package_version,
    output:
        page=SITE / site.page("{subject}-{edition}-{lang}"),
        entry=FILES.entry("{subject}-{edition}-{lang}"),
        previews=directory(SITE / site.previews("{subject}-{edition}-{lang}")),
        pdf=SITE / site.pdf("{subject}-{edition}-{lang}"),
        archival=SITE / site.archival_pdf("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_web" / "{subject}-{edition}-{lang}.log",
    priority: 1
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        site=SITE,
        languages=lambda w: languages(w.subject, w.edition),  # a param: the page is made again when they change
        site_url=["--site-url", config["site_url"]] if config["site_url"] else [],
        site_language=config["site_language"],
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_web --checked-file {input.checked:q} --chart-file {input.chart:q}"
        " --phone-chart-file {input.chart_phone:q} --pdf-file {input.pdf:q} --archival-file {input.archival:q} --site-dir {params.site:q} --html-file {output.page:q}"
        " --entry-file {output.entry:q} --language {wildcards.lang} --languages {params.languages}"
        " {params.site_url:q} --site-language {params.site_language:q}"


rule render_card:
    """Draw a sheet's social card (1200 x 630 PNG): title, date and key figures."""
    input:
        stage=stage_module("render_card"),
        checked=rules.check_sheet.output.checked,
        labels=LABELS,
        fonts=rules.write_brand_assets.output.fonts,
        logo=logo_of,
        logos=rules.write_brand_assets.output.language_logos,
        templates=[*TEMPLATES, *WEB_TEMPLATES],
        brand=BRAND,
        package=FILES.package_version,
    output:
        card=SITE / site.card("{subject}-{edition}-{lang}"),
    log:
        LOGS / "render_card" / "{subject}-{edition}-{lang}.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        fonts=FONTS,
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_card --checked-file {input.checked:q}"
        " --fonts-dir {params.fonts:q} --logo-file {input.logo:q} --card-file {output.card:q} --language {wildcards.lang}"


rule site_index:
    """Write the site's index: every sheet by subject, edition and language, with page-1 thumbnails. In
    batches, the pages are made by the batch jobs, so the index waits for those."""
    input:
        stage=stage_module("render_site_index"),
        pages=BATCH_SUMMARIES if BATCHES else [FILES.entry(f"{s}-{e}-{code}") for s, e, code in site_pages()],
        templates=WEB_TEMPLATES,
        labels=LABELS,
        package=FILES.package_version,
    output:
        index=SITE / site.INDEX,
        # an index in each other language of the pages, beside it (index-fr.html)
        others=[
            SITE / site.index(code, config["site_language"])
            for code in sorted({code for _, _, code in site_pages()} - {config["site_language"]})
        ],
    log:
        LOGS / "site_index.log",
    priority: 1
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=2,
    params:
        language=config["site_language"],
        entries=[FILES.entry(f"{s}-{e}-{code}") for s, e, code in site_pages()],
    shell:
        "python -m factsheet.workflow.job --log {log:q} factsheet.stages.render_site_index --entry-files {params.entries:q}"
        " --index-file {output.index:q} --language {params.language:q}"
