"""The engine's floor for one language: plain WeasyPrint, in a fresh process, on a sheet's HTML as built.

Usage: python bench/plain_render.py HTML PUBLISHED_PDF ARCHIVAL_PDF [TIDY_CSV]

Lays the HTML out once (``weasyprint.HTML(filename=...).render()``) and writes it as both variants with the
options the project's render stage (factsheet/render/pdf.py) gives WeasyPrint: pdf_variant (PDF/UA-1, PDF/A-3a),
pdf_identifier, and for the archival variant the cleaned table attached. None of the project's own work: no
sandboxed fetcher, no layout search or print rules, no tagging fix-up. The import of WeasyPrint is part of
what it costs, as it is of any process that renders; the bench times the whole process.
"""

import sys

from weasyprint import HTML, Attachment

PUBLISHED, ARCHIVAL = "pdf/ua-1", "pdf/a-3a"  # as factsheet/render/pdf.py names them


def main(html: str, published: str, archival: str, tidy: str | None = None) -> None:
    """Lay ``html`` out once and write its two PDFs."""
    document = HTML(filename=html).render()
    document.write_pdf(published, pdf_variant=PUBLISHED, pdf_identifier=True)
    attachments = [Attachment(filename=tidy, relationship="Data")] if tidy else []
    document.write_pdf(archival, pdf_variant=ARCHIVAL, pdf_identifier=True, attachments=attachments)


if __name__ == "__main__":
    main(*sys.argv[1:])
