"""Write the corpus of sheet shapes the layout must hold (tests/test_shapes.py builds each one).

Usage: python tests/corpus/make_corpus.py [TARGET_DIR]   (default: tests/corpus/data)

Every sheet is made of the real texts of data/canada/2023 and data/nordvale/2024 (texts the
layout was not tuned on, in other combinations), cut and combined into the shapes a donor
brief may take: 1 to 4 streams with their own reporting windows, 0 to 12 projects, a partner
with a single project, 0 to 2 quotes, a 60-name country list, a 150-character title, 3- and
15-year windows. The written folders are committed, so they can be read as examples.
"""

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "data" / "canada" / "2023", ROOT / "data" / "nordvale" / "2024"]
COUNTRIES = [
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Bangladesh", "Benin", "Bolivia",
    "Bosnia and Herzegovina", "Brazil", "Burkina Faso", "Cambodia", "Cameroon", "Chad", "Chile", "Colombia",
    "Costa Rica", "Côte d'Ivoire", "Democratic Republic of the Congo", "Ecuador", "Egypt", "El Salvador",
    "Ethiopia", "Ghana", "Guatemala", "Haiti", "Honduras", "India", "Indonesia", "Iraq", "Jordan", "Kenya",
    "Lao People's Democratic Republic", "Lebanon", "Liberia", "Madagascar", "Malawi", "Mali", "Mexico",
    "Mongolia", "Morocco", "Mozambique", "Myanmar", "Nepal", "Niger", "Nigeria", "Pakistan", "Peru",
    "Philippines", "Rwanda", "Senegal", "Sierra Leone", "Sri Lanka", "Tunisia", "Uganda", "Ukraine",
    "United Republic of Tanzania", "Viet Nam", "Zambia"]
STREAMS = [("assessed", "Assessed contributions"), ("rbsa", "Core voluntary funding (RBSA)"),
           ("earmarked", "Earmarked voluntary contributions"), ("in_kind", "In-kind contributions")]
CONTACT = {"organisation": "International Labour Organization",
           "address": ["Route des Morillons 4", "CH-1211 Geneva 22 Switzerland"],
           "phone": "+41 22 799 7370", "email": "partnerships@ilo.org", "web": "ilo.org/partnerships"}


def _front(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body.strip()


def untranslated(folder: Path) -> list[Path]:
    """A folder's texts in the sheet's first language (not their translations, NN-id.fr.md)."""
    return [p for p in sorted(folder.glob("*.md")) if "." not in p.stem]


def all_projects() -> list[tuple[dict, str]]:
    """(front matter, body) of every real project, Canada's and Nordvale's."""
    return [_front(p) for source in SOURCES for p in untranslated(source / "projects")]


def write_sheet(folder: Path, *, title: str, streams: list[dict], rows: list[tuple], partners: int,
                projects: list[tuple[dict, str]], quotes: int = 0, narrative: tuple = (), countries: int = 0,
                featured: int | None = None, window: tuple | None = None, single_partner_project: bool = False):
    """One sheet folder. ``projects`` are dealt round-robin to the partners (the last partner gets exactly one
    when ``single_partner_project``); ``narrative`` names the Canada blocks to copy."""
    (folder / "narrative").mkdir(parents=True)
    codes = [f"AG{i + 1}" for i in range(partners)]
    sheet = {"title": title, "language": "en", "edition_date": "2024-06-01",
             "donor": {"name": "Eastmarch", "possessive": "Eastmarch's"}, "streams": streams,
             **({"window": {"first": window[0], "last": window[1]}} if window else {}),
             "partners": [{"code": c, "name": f"Eastmarch Agency for {n}"} for c, n in
                          zip(codes, ["Labour", "Development", "Migration", "Social Insurance", "Skills", "Trade"],
                              strict=False)],
             "priority_areas": ["Decent jobs for young people", "Social protection for all", "Fair labour migration"],
             **({"countries": COUNTRIES[:countries]} if countries else {}),
             "chart": {"source": "Synthetic test data.", "note": "All figures are invented for this test."},
             "contact": CONTACT}
    (folder / "sheet.yaml").write_text(yaml.safe_dump(sheet, sort_keys=False, allow_unicode=True), encoding="utf-8")
    lines = ["year,stream,amount_usd,note"] + [f"{y},{s},{a},synthetic" for y, s, a in rows]
    (folder / "contributions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for block in narrative:
        text = (SOURCES[0] / "narrative" / f"{block}.md").read_text(encoding="utf-8")
        text = text.replace("Canada's", "Eastmarch's").replace("Canada", "Eastmarch")
        if block == "financial":
            text = "# Eastmarch's financial contributions\n\n" + "\n".join(
                f"- **{s['label']}**: {{{{ totals.{s['id']} | usd_millions }}}} over {{{{ windows.{s['id']}.long }}}}."
                for s in streams)
        (folder / "narrative" / f"{block}.md").write_text(text, encoding="utf-8")
    if projects:
        (folder / "projects").mkdir()
    for i, (meta, body) in enumerate(projects):
        if single_partner_project and partners > 1:
            partner = codes[-1] if i == len(projects) - 1 else codes[i % (partners - 1)]
        else:
            partner = codes[i % partners]
        meta = {"partner": partner, "title": meta["title"], "countries": meta.get("countries", []),
                **({"featured": True} if featured == i else {})}
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
        (folder / "projects" / f"{i + 1:02d}-project-{i + 1}.md").write_text(f"---\n{front}---\n{body}\n",
                                                                              encoding="utf-8")
    if quotes:
        (folder / "quotes").mkdir()
        sources = untranslated(SOURCES[1] / "quotes")
        for i in range(quotes):
            meta, body = _front(sources[i % len(sources)])
            meta.pop("project", None)
            front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
            (folder / "quotes" / f"{i + 1:02d}-quote-{i + 1}.md").write_text(f"---\n{front}---\n{body}\n",
                                                                              encoding="utf-8")


def amounts(stream_windows: dict[str, tuple[int, int]], zero: set = frozenset()) -> list[tuple]:
    """Rows for every year of each stream's window; (year, stream) pairs in ``zero`` are 0."""
    rows = []
    for n, (stream, (first, last)) in enumerate(stream_windows.items()):
        for year in range(first, last + 1):
            rows.append((year, stream, 0 if (year, stream) in zero else 1_500_000 + 730_000 * n + 91_000 * (year % 7)))
    return rows


def stream_list(count: int, windows: dict | None = None) -> list[dict]:
    windows = windows or {}
    return [{"id": i, "label": label, **({"window": {"first": windows[i][0], "last": windows[i][1]}}
                                         if i in windows else {})} for i, label in STREAMS[:count]]


def main(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    projects = all_projects()
    blocks = ("intro", "partnership", "priorities", "commitments", "financial")
    shapes = {
        # One stream over three years, no introduction, project, quote or commitments box: a one-page sheet.
        "one-stream": dict(title="Eastmarch ILO cooperation", streams=stream_list(1),
                           rows=amounts({"assessed": (2021, 2023)}), partners=1, projects=[],
                           narrative=("partnership", "financial")),
        # Three streams with their own windows (the brief that exposed the problem): assessed and
        # earmarked 2015-2018, RBSA 2018-2019; four partners; 60 countries; one featured project.
        "windows": dict(title="Eastmarch and the ILO: a partnership for decent work",
                        streams=[{"id": "assessed", "label": "Assessed contributions",
                                  "window": {"first": 2015, "last": 2018}},
                                 {"id": "earmarked", "label": "Earmarked voluntary contributions",
                                  "window": {"first": 2015, "last": 2018}},
                                 {"id": "rbsa", "label": "Core voluntary funding (RBSA)",
                                  "window": {"first": 2018, "last": 2019}}],
                        rows=amounts({"assessed": (2015, 2018), "earmarked": (2015, 2018), "rbsa": (2018, 2019)},
                                     zero={(2016, "earmarked")}),
                        partners=4, projects=projects[:1], countries=60, featured=0, narrative=blocks),
        # Four streams, all windows different, twelve projects, a partner with a single project, two quotes.
        "four-streams": dict(title="Eastmarch ILO cooperation", streams=stream_list(4, {
                                 "assessed": (2019, 2023), "rbsa": (2020, 2021), "earmarked": (2019, 2022)}),
                             rows=amounts({"assessed": (2019, 2023), "rbsa": (2020, 2021), "earmarked": (2019, 2022),
                                           "in_kind": (2019, 2023)}),
                             partners=4, projects=projects[:12], quotes=2, narrative=blocks,
                             single_partner_project=True),
        # A 150-character title and a fifteen-year window; six partners, eight projects, one quote.
        "long-title": dict(title=("Eastmarch and the International Labour Organization: fifteen years of "
                                  "cooperation for decent work, social justice and fair labour migration, 2009-2023"),
                           streams=stream_list(2), rows=amounts({"assessed": (2009, 2023), "rbsa": (2009, 2023)}),
                           partners=6, projects=projects[4:12], quotes=1, narrative=("intro", "partnership",
                                                                                      "priorities", "financial")),
        # Two streams, one partner with a single project and a quote, the intro, priorities and commitments: two pages.
        "short": dict(title="Eastmarch ILO cooperation", streams=stream_list(2),
                      rows=amounts({"assessed": (2020, 2023), "rbsa": (2020, 2023)}), partners=1,
                      projects=projects[12:13], quotes=1, narrative=("intro", "priorities", "commitments")),
    }
    for name, shape in shapes.items():
        write_sheet(target / name / "2024", **shape)
    print(f"{len(shapes)} sheets in {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data")
