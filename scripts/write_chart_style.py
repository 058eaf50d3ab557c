"""Stage: write the matplotlib style (.mplstyle) from the brand file."""

from pathlib import Path

from factsheet.brand import load_brand, mplstyle
from factsheet.files import write_text


def main(brand_file: Path, style_file: Path) -> None:
    write_text(style_file, mplstyle(load_brand(Path(brand_file))))


if __name__ == "__main__" and "snakemake" in globals():
    main(snakemake.input.brand, snakemake.output.style)  # noqa: F821
