"""Stage: draw a sheet's social card, the 1200 x 630 image a shared link to its web page shows.

The card is laid out in HTML and CSS (templates/web/card.html.j2, factsheet/web/card.py) with the brand's
fonts, colours and logo, rendered by WeasyPrint and drawn to PNG by pypdfium2: the title, the edition's date
and the key figures, as the sheet's page gives them. It reads the checked sheet only, so a build draws it
beside the PDFs.
"""

from pathlib import Path

from factsheet.files import atomic_path
from factsheet.model import checked
from factsheet.web.card import card_entry, card_image
from factsheet.workflow.cli import command_line


def main(checked_file: Path, fonts_dir: Path, logo_file: Path, card_file: Path, language: str | None = None) -> None:
    """Write the card of the checked sheet's page in ``language`` (by default its first) to ``card_file`` (PNG,
    site.CARD_SIZE)."""
    image = card_image(card_entry(checked.read(Path(checked_file)), language), fonts_dir, logo_file)
    with atomic_path(card_file) as tmp:
        image.save(tmp, format="PNG")  # not optimize=True: several times as long, for a few per cent


if __name__ == "__main__":
    command_line(main)
