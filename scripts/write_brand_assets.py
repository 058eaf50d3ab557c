"""Stage: write the brand's derived files: the matplotlib style and the logo in the colour it is printed in."""

from pathlib import Path

from factsheet.brand import load_brand, logo_in, mplstyle
from factsheet.errors import run_stage
from factsheet.files import write_text


def main(brand_file: Path, style_file: Path, logo_on_dark: Path) -> None:
    brand = load_brand(Path(brand_file))
    write_text(style_file, mplstyle(brand))
    write_text(logo_on_dark, logo_in(brand, brand["colours"]["white"], Path(brand_file).parent))


if __name__ == "__main__" and "snakemake" in globals():
    run_stage(main, snakemake.input.brand, snakemake.output.style,  # noqa: F821
              snakemake.output.logo_on_dark)  # noqa: F821
