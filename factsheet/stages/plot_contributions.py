"""Stage: draw the contributions chart (stacked bars per year, by stream) as SVG (factsheet/render/chart.py)."""

from pathlib import Path

from factsheet.files import write_text
from factsheet.model import checked
from factsheet.render.brand import load_brand
from factsheet.render.chart import chart_svgs
from factsheet.workflow.cli import command_line


def main(checked_file: Path, brand_file: Path, style_file: Path, fonts_dir: Path, svg_file: Path,
         tall_svg_file: Path | None = None, language: str | None = None, phone_svg_file: Path | None = None) -> None:
    """Draw the chart in ``language`` (one of the sheet's; by default the first) at the brand's size into
    ``svg_file`` and, if asked, at its taller size (which the PDF stage may choose to fill a short sheet's page)
    into ``tall_svg_file`` and at its phone size (the web page's on a narrow screen) into ``phone_svg_file``."""
    brand = load_brand(Path(brand_file))
    phone_width_mm, phone_height_mm = brand["chart"]["phone_size_mm"]
    targets = {svg_file: (None, None), tall_svg_file: (brand["chart"]["tall_height_mm"], None),
               phone_svg_file: (phone_height_mm, phone_width_mm)}
    targets = {target: size for target, size in targets.items() if target}
    svgs = chart_svgs(checked.read(Path(checked_file)), language, brand, Path(style_file), Path(fonts_dir),
                      list(targets.values()))
    for target, svg in zip(targets, svgs, strict=True):
        write_text(target, svg)


if __name__ == "__main__":
    command_line(main)
