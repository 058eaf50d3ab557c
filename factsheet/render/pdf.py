"""A sheet's HTML laid out and written as its PDFs, reading only allowed files.

The published PDF is PDF/UA-1 (tagged, accessible). The archival variant is
PDF/A-3a (tagged too) with the cleaned contributions table attached, so the
figures travel with the report.
"""

import datetime as dt
import json
import os
from pathlib import Path

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path
from factsheet.files import atomic_path
from factsheet.model.contributions import neutralised_csv
from factsheet.render import layout, print_rules
from factsheet.render.fetcher import ResourceRefused, SandboxedFetcher

PUBLISHED = "pdf/ua-1"
ARCHIVAL = "pdf/a-3a"


def render(html_file: Path, sheet_dir: Path, targets: dict[str, Path], table: tuple[str, str] | None = None,
           edition_date: dt.date | None = None, budget: int | None = None, layout_file: Path | None = None,
           edition: str = "", tall_chart: bool | None = None) -> None:
    """Lay the HTML out and write it as each requested variant: {"pdf/ua-1": path, ...}; refuse it when it runs
    over ``budget`` pages. ``layout_file``: where to record its pages, layouts and the print rules it breaks."""
    from weasyprint import CSS, HTML, Attachment  # the slow import, paid only where a PDF is rendered

    if edition_date is not None:  # fontTools stamps the embedded font subsets with this date, not the clock
        os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(edition_date, dt.time(),
                                                                      tzinfo=dt.UTC).timestamp()))
    html_file = Path(html_file).resolve()
    fetcher = SandboxedFetcher(allowed=[paths.TEMPLATES_DIR, Path(sheet_dir), html_file.parent.parent],
                               sheet_dir=Path(sheet_dir))
    try:
        # At the brand's type, the blocks moved apart where a page would end with a large blank
        # (factsheet/render/layout.py).
        laid_out = layout.render_best(HTML(filename=html_file, url_fetcher=fetcher, media_type="print"),
                                      lambda css: CSS(string=css, url_fetcher=fetcher), budget, tall_chart)
        document = laid_out.document
        broken = print_rules.check(document)
        for violation in broken:
            print(f"warning: {display_path(html_file)}, {violation}")
        short = layout.short_last_page(laid_out.measure, len(document.pages), budget)
        if short:  # the sheet is too short for its pages: one line for the editor
            print(f"warning: {display_path(Path(sheet_dir) / paths.SHEET_FILE)}, pages: "
                  f"{edition or 'this edition'} {short}")
        print(f"laid out {laid_out.layouts} time{'s' if laid_out.layouts > 1 else ''}: {len(document.pages)} pages"
              + (f" (budget {budget})" if budget else ""))
        for variant, target in targets.items():
            attachments = []
            if variant == ARCHIVAL and table is not None:
                stamp = dt.datetime.combine(edition_date, dt.time(), tzinfo=dt.UTC)
                attachments.append(Attachment(
                    string=neutralised_csv(table[1]), url_fetcher=fetcher,
                    name=f"{table[0]}-contributions.csv", relationship="Data", created=stamp,
                    modified=stamp, description="The contributions table the figures of this fact sheet come from"))
            with atomic_path(target) as tmp:
                document.write_pdf(tmp, pdf_variant=variant, pdf_identifier=True, attachments=attachments,
                                   finisher=scope_table_headers)
        if layout_file is not None:
            record = {"pages": len(document.pages), "budget": budget, "layouts": laid_out.layouts,
                      "tall_chart": layout.TALL_CHART_CSS in laid_out.css,
                      "blank": [list(p) for p in laid_out.measure.pages],
                      "print_rules": [{"page": v.page, "rule": v.rule, "text": v.text} for v in broken]}
            with atomic_path(Path(layout_file)) as tmp:
                Path(tmp).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except ResourceRefused as err:
        raise DataError([Problem(display_path(html_file), "", str(err))]) from None
    except layout.OverBudget as err:
        raise DataError([Problem(display_path(Path(sheet_dir) / paths.SHEET_FILE), "pages",
                                 f"{edition or 'this edition'} {err}")]) from None
    except layout.LayoutFailed as err:
        raise DataError([Problem(display_path(html_file), "", f"{err}: shorten or split the longest text or "
                                 "box of the sheet, and report the sheet to the pipeline's maintainers")]) from None


def scope_table_headers(document, pdf) -> None:
    """Give each tagged table header cell a /Scope (Column in the first row, Row after it).

    WeasyPrint links header cells to data cells with /ID and /Headers; PDF/UA
    checkers also look for the header's own /Scope, which it does not write.
    """
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/TH":
            identifier = getattr(obj.get("ID"), "string", "")  # "<table>-<row>-<column>"
            row = identifier.split("-")[-2] if identifier.count("-") >= 2 else "0"
            attributes = obj.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = "/Column" if row == "0" else "/Row"
