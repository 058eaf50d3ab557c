"""A sheet's page of the web edition (output/site/<subject>-<edition>-<language>.html): what it shows.

The page holds what the PDF holds, from the same computed figures: the chart inline as SVG with its
figures table, the projects and quotes, the PDF's pages as images, and links to the PDF, the archival PDF and
the cleaned table. Its entry (entry()) is what the site's index and the social card show of it.
"""

from pathlib import Path

from factsheet.model.checked import CheckedSheet
from factsheet.model.contributions import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from factsheet.render import brand
from factsheet.render.page import context
from factsheet.web import site
from factsheet.web.pages import amounts_kept_whole, menu_name, summary, templates

PAGE_TEMPLATE = "sheet.html.j2"


def page_values(model: CheckedSheet, chart_file: Path, site_dir: Path, language: str | None,
                languages: list[str], site_url: str | None = None, site_language: str = "en",
                phone_chart_file: Path | None = None) -> dict:
    """What the page shows: the PDF's values (factsheet.render.page.context), with the site's addresses."""
    site_dir, sheet_name = Path(site_dir), model.name
    values = context(model, "", {"on_dark": site.LOGO}, language=language,
                     photo_src=lambda file: site.photo(sheet_name, file))
    values["logos"]["on_dark"] = site.logo(brand.logo_language(brand.load_brand(), values["sheet"].language))
    sheet, labels, fmt = values["sheet"], values["labels"], values["formatter"]
    name = f"{sheet_name}-{sheet.language}"

    def download(label, href):
        """A file the page links to, with its size; None if the site lacks it (a preview has no archival PDF;
        a build makes every one before the page)."""
        file = site_dir / href
        if not file.is_file():
            return None
        return {"label": labels[label].format(size=fmt.file_size(file.stat().st_size)), "href": href}

    values["chart"]["svg"] = site.inline_svg(Path(chart_file).read_text(encoding="utf-8"), values["chart"]["alt"])
    # on a phone, the chart drawn narrower and taller (its text as large as in print), in place of the wide one
    values["chart"]["phone_svg"] = site.inline_svg(Path(phone_chart_file).read_text(encoding="utf-8"),
                                                   values["chart"]["alt"], prefix="chart-phone-") \
        if phone_chart_file else None
    values["site"] = {
        "name": name,
        "subject": model.data["subject"],
        "edition": model.data["edition"],
        "stylesheet": site.STYLESHEET,
        "icon": site.ICON,
        "index": site.index(sheet.language, site_language),
        "url": site.absolute(site.page(name), site_url) if site_url else None,
        "card": site.absolute(site.card(name), site_url),
        "card_alt": labels["web_card_alt"].format(
            title=sheet.title, date=values["edition"],
            figures=fmt.join(f"{f['value']} ({f['caption']})" for f in values["key_figures"])),
        "locale": site.og_locale(sheet.language),
        "other_locales": [site.og_locale(code) for code in languages if code != sheet.language],
        "phone_href": site.phone_href(sheet.contact.phone) if sheet.contact.phone else None,
        "legal": labels["web_legal"].format(year=sheet.edition_date.year, organisation=sheet.contact.organisation),
        "pdf": site.pdf(name),
        "downloads": [file for file in (download("web_pdf", site.pdf(name)),
                                        download("web_archival", site.archival_pdf(name)),
                                        download("web_table", site.table(sheet_name))) if file],
        # the downloadable table's columns, named and explained in the page's language (its data dictionary)
        "table_columns": [{"name": column, "meaning": labels[f"web_column_{column}"].format(
            streams=fmt.join(f"{s.id} = {s.label}" for s in sheet.streams))}
            for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)],
        "pages": [site.page_image(name, n) for n in range(1, page_count(site_dir / site.previews(name)) + 1)],
        "languages": [{"code": code, "name": menu_name(code), "href": site.page(f"{sheet_name}-{code}")}
                      for code in languages if code != sheet.language],
    }
    return values


def page_count(previews_dir: Path) -> int:
    """How many page images there are (page-1.png, page-2.png, ...)."""
    count = 0
    while (Path(previews_dir) / site.PAGE_IMAGE.format(number=count + 1)).is_file():
        count += 1
    return count


def entry(values: dict) -> dict:
    """The page as the index shows it (the social card shows its summary too)."""
    sheet, name = values["sheet"], values["site"]["name"]
    return {**summary(values), "name": name, "subject": values["site"]["subject"],
            "edition": values["site"]["edition"], "edition_date": sheet.edition_date.isoformat(),
            "language_name": menu_name(sheet.language), "donor": sheet.donor.name, "page": site.page(name),
            "thumbnail": site.thumbnail(name), "card": site.card(name), "pdf": site.pdf(name),
            "order": sheet.languages.index(sheet.language), "publish": sheet.publish}


def sheet_page(values: dict) -> str:
    """The page's HTML, from its values (page_values)."""
    return amounts_kept_whole(templates().get_template(PAGE_TEMPLATE).render(**values), values["labels"])
