"""A PDF's pages as the web edition shows them: PNG images site.PAGE_IMAGE_WIDTH wide (page-1.png, ...), and
page 1 as the index's thumbnail (site.THUMBNAIL)."""

from pathlib import Path

from factsheet.files import atomic_path
from factsheet.web import site


def save_png(image, target: Path) -> None:
    """A page image in at most 256 colours (a third of the size; the same bytes on every run)."""
    from PIL import Image

    with atomic_path(target) as tmp:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(tmp, format="PNG")


def write_previews(pdf_file: Path, previews_dir: Path) -> None:
    """Draw every page of ``pdf_file`` and page 1 as the thumbnail into ``previews_dir``, removing the images of
    pages it no longer has."""
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
