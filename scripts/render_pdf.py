"""Stage: turn a sheet's HTML into the PDF, reading only allowed files."""

from pathlib import Path

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path, run_stage
from factsheet.fetcher import ResourceRefused, SandboxedFetcher
from factsheet.files import atomic_path


def render(html_file: Path, pdf_file: Path, sheet_dir: Path) -> None:
    from weasyprint import HTML  # the slow import, paid only by this stage

    html_file = Path(html_file).resolve()
    fetcher = SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, Path(sheet_dir), html_file.parent.parent],
                               sheet_dir=Path(sheet_dir))
    try:
        document = HTML(filename=html_file, url_fetcher=fetcher, media_type="print").render()
        with atomic_path(pdf_file) as tmp:
            document.write_pdf(tmp, pdf_identifier=b"", uncompressed_pdf=False)
    except ResourceRefused as err:
        raise DataError([Problem(display_path(html_file), "", str(err))]) from None


def main(html_file: Path, pdf_file: Path, sheet_dir: Path) -> None:
    render(Path(html_file), Path(pdf_file), Path(sheet_dir))


if __name__ == "__main__" and "snakemake" in globals():
    run_stage(main, snakemake.input.html, snakemake.output.pdf, snakemake.params.sheet_dir)  # noqa: F821
