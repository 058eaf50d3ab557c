"""Synthetic fact sheets for the benchmark: varied content drawn from the data model, reproducibly.

Usage: python bench/synthesize.py DATA_DIR COUNT [--seed 1]
Writes DATA_DIR/synthetic-NNN/2024/ sheets with 1-3 streams, 3-6 years, 1-6
partners, 0-12 projects of 30-450 words, 0-3 quotes and optional narrative blocks.
"""

import argparse
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
STREAMS = [("assessed", "Assessed contributions"), ("voluntary_core", "Voluntary core contributions (RBSA)"),
           ("voluntary_earmarked", "Voluntary earmarked contributions")]
COUNTRIES = ["Jordan", "Indonesia", "Ukraine", "Cambodia", "Tunisia", "Peru", "Bangladesh", "Kenya", "Ghana",
             "Nepal", "Viet Nam", "Senegal", "Zambia", "Honduras", "Guatemala", "Costa Rica", "Malaysia"]


def vocabulary() -> list[str]:
    """Words of the real brief's project texts, so synthetic paragraphs read like sheets do."""
    text = " ".join(p.read_text(encoding="utf-8").split("---")[-1]
                    for p in (ROOT / "data" / "canada" / "2023" / "projects").glob("*.md"))
    return re.findall(r"[A-Za-z][A-Za-z'-]+", text)


def paragraphs(rng: random.Random, words: list[str], count: int) -> str:
    out, left = [], count
    while left > 0:
        n = min(left, rng.randint(40, 120))
        sentence_words = [rng.choice(words) for _ in range(n)]
        text = " ".join(sentence_words)
        out.append(text[0].upper() + text[1:] + ".")
        left -= n
    return "\n\n".join(out)


def sheet(folder: Path, index: int, rng: random.Random, words: list[str]) -> None:
    streams = STREAMS[: rng.randint(1, 3)]
    years = range(2024 - rng.randint(3, 6), 2024)
    partners = [{"code": f"P{i + 1}", "name": f"Partner Agency {i + 1} of Donor {index}"}
                for i in range(rng.randint(1, 6))]
    donor = f"Donor {index:03d}"
    (folder / "narrative").mkdir(parents=True)
    (folder / "projects").mkdir()
    (folder / "quotes").mkdir()
    (folder / "sheet.yaml").write_text(yaml.safe_dump({
        "title": f"{donor} ILO cooperation (synthetic)", "language": "en", "edition_date": "2024-06-01",
        "donor": {"name": donor, "possessive": f"{donor}'s"},
        "streams": [{"id": i, "label": label} for i, label in streams], "partners": partners,
        "priority_areas": [paragraphs(rng, words, rng.randint(3, 8)).rstrip(".") for _ in range(rng.randint(0, 6))],
        "chart": {"source": "Synthetic benchmark data.", "note": "All figures are random."},
        "contact": {"organisation": "International Labour Organization", "address": ["Route des Morillons 4"],
                    "email": "partnerships@ilo.org", "web": "ilo.org/partnerships"},
    }, sort_keys=False), encoding="utf-8")
    rows = ["year,stream,amount_usd,note"]
    rows += [f"{y},{s},{rng.randint(100_000, 12_000_000)},synthetic" for y in years for s, _ in streams]
    (folder / "contributions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "narrative" / "intro.md").write_text(paragraphs(rng, words, rng.randint(30, 90)) + "\n")
    if rng.random() < 0.8:
        (folder / "narrative" / "partnership.md").write_text(
            f"# {donor}'s contribution to the ILO's priorities\n\n" + paragraphs(rng, words, rng.randint(60, 220)))
    bullets = "\n".join(f"- **{label}** reached {{{{ totals.{i} | usd_millions }}}} between {{{{ period.first }}}} "
                        f"and {{{{ period.last }}}}." for i, label in streams)
    (folder / "narrative" / "financial.md").write_text(f"# {donor}'s financial contributions\n\n{bullets}\n")
    projects = []
    for p in range(rng.randint(0, 12)):
        pid = f"project-{p + 1}"
        projects.append(pid)
        meta = {"partner": rng.choice(partners)["code"], "title": paragraphs(rng, words, rng.randint(5, 14)),
                "countries": rng.sample(COUNTRIES, rng.randint(1, 4))}
        body = paragraphs(rng, words, rng.choice([30, 60, 120, 200, 300, 450]))
        (folder / "projects" / f"{p + 1:02d}-{pid}.md").write_text(
            "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + body + "\n", encoding="utf-8")
    for q in range(rng.randint(0, 3)):
        meta = {"speaker": f"Speaker {q + 1}", "role": "Synthetic person"}
        if projects and rng.random() < 0.6:
            meta["project"] = rng.choice(projects)
        (folder / "quotes" / f"{q + 1:02d}-quote-{q + 1}.md").write_text(
            "---\n" + yaml.safe_dump(meta) + "---\n" + paragraphs(rng, words, rng.randint(20, 70)) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng, words = random.Random(args.seed), vocabulary()
    for index in range(1, args.count + 1):
        sheet(args.data_dir / f"synthetic-{index:03d}" / "2024", index, rng, words)


if __name__ == "__main__":
    main()
