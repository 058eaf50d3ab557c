"""The web edition's pages: their templates, and what every page does to its text."""

import functools
import re

import jinja2

from factsheet import paths
from factsheet.model.languages import language_name
from factsheet.render.formatting import css_string


def menu_name(code: str) -> str:
    """A language's name in itself, as a language menu shows it: Français, Español."""
    name = language_name(code, code)
    return name[:1].upper() + name[1:]


def summary(values: dict) -> dict:
    """What the index and the social card show of a page, from its values (render.page.context): its language,
    title, date, organisation and key figures."""
    sheet = values["sheet"]
    return {"language": sheet.language, "title": sheet.title, "date": values["edition"],
            "organisation": sheet.contact.organisation,
            "key_figures": [{"value": f["value"], "caption": f["caption"], "stream": f["stream"]}
                            for f in values["key_figures"]]}


WORD_JOINER = "\u2060"  # no line break here, and nothing drawn


def amounts_kept_whole(html: str, labels: dict) -> str:
    """The page with each hyphenated word of the money wording ("É.-U." of "dollars É.-U.") joined across its
    hyphen: a browser would break a line after the hyphen, and leave "U." alone at the start of the next."""
    for label in ("usd", "usd_millions"):
        for word in set(re.findall(r"\S*-\S*", labels[label].partition("{value}")[2])):
            html = html.replace(word, word.replace("-", "-" + WORD_JOINER))
    return html


@functools.cache
def templates() -> jinja2.Environment:
    """The web edition's templates (templates/web/), HTML-escaped, strict about unknown names. One environment a
    process, which keeps the templates compiled (and compiles one again when its file changes)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.WEB_TEMPLATES_DIR), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["css_string"] = css_string  # a label inside the <style> element, which HTML escaping misses
    return environment
