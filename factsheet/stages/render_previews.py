"""Stage: draw a PDF's pages as PNG images for the web edition: every page, and page 1 as a thumbnail."""

from pathlib import Path

from factsheet.files import atomic_path
from factsheet.web import site
from factsheet.workflow.cli import command_line


def save_png(image, target: Path) -> None:
    """A page image in at most 256 colours (a third of the size; the same bytes on every run)."""
    from PIL import Image

    with atomic_path(target) as tmp:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(tmp, format="PNG")


def main(pdf_file: Path, previews_dir: Path) -> None:
    """Write every page (site.PAGE_IMAGE: page-1.png, page-2.png, ...; site.PAGE_IMAGE_WIDTH wide) and page 1 as
    site.THUMBNAIL into ``previews_dir``."""
    from PIL import Image

    from factsheet.render.page_images import drawn_pages

    previews_dir = Path(previews_dir)
    previews_dir.mkdir(parents=True, exist_ok=True)
    for stale in previews_dir.glob(site.PAGE_IMAGE.format(number="*")):
        stale.unlink()
    for number, image in enumerate(drawn_pages(Path(pdf_file), width=site.PAGE_IMAGE_WIDTH), start=1):
        save_png(image, previews_dir / site.PAGE_IMAGE.format(number=number))
        if number == 1:
            height = round(image.height * site.THUMBNAIL_WIDTH / image.width)
            save_png(image.resize((site.THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS),
                     previews_dir / site.THUMBNAIL)


if __name__ == "__main__":
    command_line(main)
