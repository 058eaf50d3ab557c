"""Stage: put a sheet's shared files into the web edition: the cleaned contributions table and the photos.

The table is the one the figures were computed from (spreadsheet formulas made inert, as in the archival
PDF's attachment). Each photo is copied at a web size, without its camera metadata (EXIF, GPS).
"""

from pathlib import Path

from factsheet import paths
from factsheet.errors import display_path
from factsheet.files import atomic_path, confined, inside, write_text
from factsheet.model import checked
from factsheet.model.contributions import neutralised_csv
from factsheet.web import site
from factsheet.workflow.cli import command_line

WEB_PHOTO_WIDTH = 1600  # px: sharp at twice the width a photo takes on a wide screen


def write_web_photo(source: Path, target: Path) -> None:
    """A photo at most WEB_PHOTO_WIDTH wide, as JPEG (quality 82) or PNG, with no metadata."""
    from PIL import Image, ImageOps

    with Image.open(source) as original:
        image = ImageOps.exif_transpose(original)  # turned as the camera meant, then the tags are dropped
        if image.width > WEB_PHOTO_WIDTH:
            image = image.resize((WEB_PHOTO_WIDTH, round(image.height * WEB_PHOTO_WIDTH / image.width)),
                                 Image.Resampling.LANCZOS)
        with atomic_path(target) as tmp:
            if original.format == "PNG":
                image.save(tmp, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(tmp, format="JPEG", quality=82, optimize=True, progressive=True)


def main(checked_file: Path, table_file: Path, photos_dir: Path) -> None:
    """Write the sheet's table to ``table_file`` and the photos its projects show into ``photos_dir``."""
    model = checked.read(Path(checked_file))
    write_text(table_file, neutralised_csv(model.data["table_csv"]))
    Path(photos_dir).mkdir(parents=True, exist_ok=True)
    for entry in model.projects():
        photo = entry.model.photo
        if photo:
            source = confined(model.sheet_dir / photo.file, model.sheet_dir)
            given_in = display_path(model.sheet_dir / paths.PROJECTS_DIR / entry.file)
            target = inside(Path(photos_dir) / site.photo_file(photo.file), photos_dir, given_in, "key photo.file",
                            photo.file)
            write_web_photo(source, target)


if __name__ == "__main__":
    command_line(main)
