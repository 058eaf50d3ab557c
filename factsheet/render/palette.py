"""One colour per funding stream, from the brand's chart series, and the ink that reads on it.

The key-figure card, the chart's bars and legend, and the figures table's row of a
stream all take its colour from here, in the order the sheet lists its streams.
"""

from __future__ import annotations


def series_colours(brand: dict, count: int) -> list[str]:
    """The first ``count`` chart series colours (hex), repeating the brand's list if there are more streams."""
    names = brand["chart_series"]
    return [brand["colours"][names[i % len(names)]] for i in range(count)]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a '#RRGGBB' colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str, brand: dict) -> str:
    """The brand's dark text colour on a fill, or white where the dark one would not reach AA contrast."""
    dark, white = brand["colours"]["dark-blue"], brand["colours"]["white"]
    return dark if contrast(fill, dark) >= contrast(fill, white) else white


def stream_css(brand: dict, count: int) -> str:
    """Custom properties per stream: .stream-1 { --stream-fill: ...; --stream-ink: ... } and so on."""
    return "\n".join(f".stream-{i} {{ --stream-fill: {fill}; --stream-ink: {ink_on(fill, brand)}; }}"
                     for i, fill in enumerate(series_colours(brand, count), start=1))
