"""The brand file (templates/brand/brand.yaml) turned into CSS, a matplotlib style, the logo and fonts.

Fonts come from the pinned font packages, which ship variable fonts. The brand
assets stage cuts them once into static instances (one file per weight and
style the brand lists, reduced to the Latin, Greek and Cyrillic ranges the
sheets are written in, a fallback font to its script's ranges): WeasyPrint
embeds such files in a fraction of the time a variable font takes, and every
PDF carries only small subsets. What these cut fonts map is what a sheet may
hold (printable()): the check refuses any other character.
"""

import contextlib
import functools
from pathlib import Path

import fontpkg

from factsheet import paths
from factsheet.files import atomic_path, load_yaml, read_template_file
from factsheet.web.site import web_font_file

# Characters the role faces (heading, body) keep: Basic Latin to Latin Extended-B, combining marks,
# Greek, Cyrillic, Latin Extended Additional, punctuation, currency, letterlike
# symbols, arrows, geometric shapes, the no-break spaces and ligatures.
UNICODE_RANGES = [(0x20, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x1E00, 0x1EFF),
                  (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x21FF), (0x25A0, 0x25FF), (0xA0, 0xA0),
                  (0xFB00, 0xFB06)]
SCRIPTS = ["Latin", "Greek", "Cyrillic"]  # the scripts of these ranges, as the check names them
# What a fallback font keeps beside its script's ranges, so that shaping a run of its script never meets a
# missing glyph: the spaces, joiners, direction marks and zero-width characters such a run holds (they choose
# no font of their own) and the dotted circle drawn under a mark that follows no letter.
SHAPING_RANGES = [(0x20, 0x20), (0xA0, 0xA0), (0x200B, 0x200F), (0x2028, 0x202F), (0x2060, 0x2064),
                  (0x2066, 0x2069), (0x25CC, 0x25CC), (0xFEFF, 0xFEFF)]


def load_brand(path: Path = paths.BRAND_FILE) -> dict:
    """The brand values as a dict."""
    return load_yaml(read_template_file(path))


def logo_languages(brand: dict) -> list[str]:
    """The languages with a logo of their own (brand ``logos:``); every other has the brand's ``logo``."""
    return sorted(brand.get("logos") or {})


def logo_language(brand: dict, language: str | None) -> str | None:
    """``language`` if it has a logo of its own, else None (the brand's ``logo``)."""
    return language if language in logo_languages(brand) else None


def logo_in(brand: dict, colour: str, brand_dir: Path = paths.BRAND_DIR, language: str | None = None) -> str:
    """The logo of ``language`` (by default the brand's ``logo``) as SVG, its currentColor fills set to one
    colour (one file per background)."""
    file = (brand.get("logos") or {}).get(language) or brand["logo"]
    return read_template_file(brand_dir / file, brand_dir.parent).replace("currentColor", colour)


def family(brand: dict, role: str) -> str:
    """The typeface of a role ('heading' or 'body')."""
    return brand["fonts"][role]["family"]


def fallback_fonts(brand: dict) -> list[dict]:
    """The fonts for scripts the role faces do not cover, in the order of the brand file."""
    return brand.get("fallback_fonts") or []


def font_stack(brand: dict, role: str) -> list[str]:
    """A role's font list: its own typeface, then the other roles' and the fallback fonts, so that every
    character one of the brand's fonts covers is drawn with a brand font, never with a system font."""
    families = [family(brand, role), *(f["family"] for f in [*brand["fonts"].values(), *fallback_fonts(brand)])]
    return list(dict.fromkeys(families))


def scripts(brand: dict) -> list[str]:
    """The names of the scripts the brand's fonts print (Latin, Greek, Cyrillic and the fallbacks')."""
    return [*SCRIPTS, *(f["script"] for f in fallback_fonts(brand))]


def _ranges(font: dict) -> list[tuple[int, int]]:
    """The code points a font is cut down to: a fallback's ranges ('0600-06FF') and SHAPING_RANGES, or
    UNICODE_RANGES for a role's face."""
    if "ranges" not in font:
        return UNICODE_RANGES
    return [tuple(int(end, 16) for end in r.split("-")) for r in font["ranges"]] + SHAPING_RANGES


def font_faces(brand: dict) -> list[dict]:
    """Every static font the brand uses: family, style, weight, file name and the ranges it keeps."""
    faces = []
    for font in [*brand["fonts"].values(), *fallback_fonts(brand)]:
        for style, key in (("normal", "weights"), ("italic", "italic_weights")):
            for weight in font.get(key, []):
                slug = fontpkg.slugify(font["family"])
                faces.append({"family": font["family"], "style": style, "weight": weight,
                              "file": f"{slug}-{style}-{weight}.ttf", "ranges": _ranges(font)})
    return faces


def static_font_path(face: dict) -> Path:
    """Where the static instance of a face is kept: in the Python environment (it is derived from
    the packages installed there), keyed by the package version, so a new pin cuts anew."""
    import hashlib
    import importlib.metadata
    import os
    import sys

    package = f"fontpkg-{fontpkg.slugify(face['family'])}"
    key = hashlib.sha256(repr((importlib.metadata.version(package), face["ranges"])).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("FACTSHEET_FONT_CACHE", Path(sys.prefix) / "share" / "factsheet-fonts"))
    return cache / f"{Path(face['file']).stem}-{key}.ttf"


def cached(face: dict) -> bool:
    """Whether the cache holds a whole static instance of a face (a damaged one is cut again)."""
    path = static_font_path(face)
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        return handle.read(4) in (b"\x00\x01\x00\x00", b"OTTO", b"true") and path.stat().st_size > 1024
    return False


def static_font(face: dict) -> Path:
    """The static instance of a face, cut once per environment."""
    path = static_font_path(face)
    if not cached(face):
        with atomic_path(path) as tmp:
            write_static_font(face, tmp)
    return path


def write_static_font(face: dict, target: Path) -> None:
    """Cut one static, reduced instance out of the packaged variable font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = fontpkg.path(face["family"], face["weight"], face["style"], nearest=True)
    font = TTFont(source, recalcTimestamp=False)  # the package's own date, so every cut is identical
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for first, last in face["ranges"] for c in range(first, last + 1)])
    subsetter.subset(font)
    if "fvar" in font:
        axes = {axis.axisTag: axis for axis in font["fvar"].axes}
        location = {"wght": face["weight"]} | ({"wdth": 100} if "wdth" in axes else {})
        font = instancer.instantiateVariableFont(font, location, updateFontNames="STAT" in font)
    font.save(target)


def css(brand: dict, fonts_url: str, web: bool = False) -> str:
    """@font-face rules (fonts under ``fonts_url``: the static TrueType files, or with ``web`` their WOFF2
    copies of the web edition) and :root custom properties for the stylesheet."""
    def source(face):
        if web:

            return f'url("{fonts_url}/{web_font_file(face["file"])}") format("woff2"); font-display: swap'
        return f'url("{fonts_url}/{face["file"]}")'

    faces = [f'@font-face {{ font-family: "{f["family"]}"; src: {source(f)}; '
             f'font-weight: {f["weight"]}; font-style: {f["style"]}; }}' for f in font_faces(brand)]
    props = [f"  --colour-{name}: {value};" for name, value in brand["colours"].items()]
    props += [f"  --font-{role}: " + ", ".join(f'"{name}"' for name in font_stack(brand, role)) + ";"
              for role in brand["fonts"]]
    for role, setting in brand["type"].items():  # the type system: one size and leading per role
        props += [f"  --type-{role}-size: {setting['size']}pt;", f"  --type-{role}-leading: {setting['leading']};"]
    props.append(f"  --paragraph-space: {brand['paragraph_space']}em;")
    return "\n".join(faces) + "\n:root {\n" + "\n".join(props) + "\n}\n"


def printable(brand: dict) -> frozenset[str]:
    """Every character the brand's fonts print: the union of the maps of the static fonts the PDF embeds
    (cut first if the cache lacks them), read once per process and set of fonts."""
    return _mapped(tuple(static_font(face) for face in font_faces(brand)))


@functools.cache
def _mapped(fonts: tuple[Path, ...]) -> frozenset[str]:
    from fontTools.ttLib import TTFont

    chars: set[str] = set()
    for path in fonts:
        with TTFont(path, lazy=True) as font:
            chars.update(map(chr, font.getBestCmap()))
    return frozenset(chars)


def mplstyle(brand: dict) -> str:
    """A matplotlib style sheet carrying the brand's colours, fonts and sizes."""
    colours, chart = brand["colours"], brand["chart"]
    cycle = ", ".join(f"'{colours[name].lstrip('#')}'" for name in brand["chart_series"])
    grey = colours["grey-text"].lstrip("#")
    lines = {
        "font.family": ", ".join(font_stack(brand, "body")),
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
