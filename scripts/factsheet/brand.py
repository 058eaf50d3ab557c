"""The brand file (templates/brand/brand.yaml) turned into CSS and a matplotlib style."""

from __future__ import annotations

from pathlib import Path

import fontpkg
import yaml

from . import paths

FONT_SCHEME = "font"  # font:<family-slug>/<style> URLs, resolved by the URL fetcher


def load_brand(path: Path = paths.BRAND_FILE) -> dict:
    """The brand values as a dict."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def logo_in(brand: dict, colour: str, brand_dir: Path = paths.BRAND_DIR) -> str:
    """The logo's SVG with its currentColor fills set to one colour (one file per background)."""
    return (brand_dir / brand["logo"]).read_text(encoding="utf-8").replace("currentColor", colour)


def font_url(family: str, style: str = "normal") -> str:
    """A machine-independent URL for a packaged font: font:noto-sans/italic."""
    return f"{FONT_SCHEME}:{fontpkg.slugify(family)}/{style}"


def font_file(url: str) -> Path:
    """The packaged font file a font: URL names (raises FontpkgError if not installed)."""
    slug, _, style = url.removeprefix(f"{FONT_SCHEME}:").partition("/")
    family = next(name for name in fontpkg.families() if fontpkg.slugify(name) == slug)
    return fontpkg.path(family, 400, style or "normal", nearest=True)


def font_families(brand: dict) -> list[str]:
    return list(dict.fromkeys(brand["fonts"].values()))


def css(brand: dict) -> str:
    """@font-face rules and :root custom properties for the stylesheet."""
    faces = []
    for family in font_families(brand):
        styles = {f.style for f in fontpkg.family(family).files}
        for style in sorted(styles):
            faces.append(
                f'@font-face {{ font-family: "{family}"; src: url("{font_url(family, style)}"); '
                f"font-weight: 100 900; font-style: {style}; }}"
            )
    props = [f"  --colour-{name}: {value};" for name, value in brand["colours"].items()]
    props += [f'  --font-{role}: "{family}";' for role, family in brand["fonts"].items()]
    return "\n".join(faces) + "\n:root {\n" + "\n".join(props) + "\n}\n"


def mplstyle(brand: dict) -> str:
    """A matplotlib style sheet carrying the brand's colours, fonts and sizes."""
    colours, chart = brand["colours"], brand["chart"]
    cycle = ", ".join(f"'{colours[name].lstrip('#')}'" for name in brand["chart_series"])
    grey = colours["grey-text"].lstrip("#")
    lines = {
        "font.family": brand["fonts"]["body"],
        "font.size": chart["font_size"],
        "axes.titlesize": chart["title_size"],
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.prop_cycle": f"cycler('color', [{cycle}])",
        "axes.edgecolor": colours["grey-ui"].lstrip("#"),
        "axes.labelcolor": grey,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": colours["grey-light"].lstrip("#"),
        "grid.linewidth": 0.8,
        "text.color": colours["black"].lstrip("#"),
        "xtick.color": grey,
        "ytick.color": grey,
        "xtick.major.size": 0,
        "ytick.major.size": 0,
        "legend.frameon": False,
        "figure.figsize": f"{chart['width_mm'] / 25.4:.4f}, {chart['height_mm'] / 25.4:.4f}",
        "figure.dpi": 72,
        "svg.fonttype": "none",
        "svg.hashsalt": "factsheet",
    }
    header = "# Generated from templates/brand/brand.yaml by the workflow; edit that file instead.\n"
    return header + "".join(f"{key}: {value}\n" for key, value in lines.items())
