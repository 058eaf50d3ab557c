"""A sheet's translations: hand them to a translator as XLIFF 2.0, read them back, mark them reviewed.

Usage:
  python -m factsheet.commands.translation out SHEET LANGUAGE [--file F]
      (make translation-out SHEET=canada/2024 LANGUAGE=fr)
  python -m factsheet.commands.translation in FILE                         (make translation-in FILE=...)
  python -m factsheet.commands.translation reviewed SHEET LANGUAGE [--key K]
      (make translation-reviewed SHEET=... LANGUAGE=...)

These commands write the sheet's translations and their record (translations.<language>.yaml) under data/,
and translated labels into templates/labels/<language>.yaml, as the user asks them to; a build never does.
"""

import argparse
import sys
from pathlib import Path

import yaml

from factsheet import paths
from factsheet.errors import DataError, Problem, display_path, run_command
from factsheet.files import atomic_path
from factsheet.model.editions import is_sheet_name, linked_folder, sheet_languages
from factsheet.model.translations import apply, apply_labels, label_segments, segments, updated_record, write_record
from factsheet.model.xliff import export, read


def _sheet(data_dir: Path, sheet: str, language: str) -> tuple[Path, list[str]]:
    sheet_dir = Path(data_dir) / sheet
    if not is_sheet_name(sheet):
        raise DataError([Problem(f"SHEET={sheet}", "", "not the name of a sheet; expected SHEET as <subject>/<edition> "
                                 "of a sheet under data/, like canada/2024")])
    linked = linked_folder(data_dir, *sheet.split("/"))
    if linked:  # its translations would be written where the link leads
        raise DataError([linked])
    if not (sheet_dir / paths.SHEET_FILE).is_file():
        raise DataError([Problem(display_path(sheet_dir), "", f"no {paths.SHEET_FILE} here; expected SHEET as "
                                 "<subject>/<edition>, like canada/2024")])
    languages = sheet_languages(sheet_dir)
    if language not in languages[1:]:
        raise DataError([Problem(display_path(sheet_dir / paths.SHEET_FILE), "key languages",
                                 f"{language!r} is not a translated language of this sheet; expected one of "
                                 f"{', '.join(languages[1:]) or '(none)'}")])
    return sheet_dir, languages


def default_file(sheet: str, language: str) -> Path:
    return paths.PROJECT_ROOT / "output" / "translations" / f"{sheet.replace('/', '-')}-{language}.xlf"


def out(sheet: str, language: str, file: Path | None, data_dir: Path, labels_dir: Path = paths.LABELS_DIR) -> None:
    sheet_dir, languages = _sheet(data_dir, sheet, language)
    target = file or default_file(sheet, language)
    with atomic_path(target) as tmp:
        tmp.write_bytes(export(sheet_dir, language, languages[0], labels_dir))
    states = [s.state for s in segments(sheet_dir, language)]
    counts = ", ".join(f"{states.count(k)} {k}" for k in ("new", "stale", "carried", "unrecorded", "translated")
                       if states.count(k))
    labels = label_segments(labels_dir, languages[0], language)
    missing = sum(1 for _, _, text in labels if text is None)
    print(f"Wrote {display_path(target)}: {len(states)} segments ({counts}) and {len(labels)} labels"
          f"{f' ({missing} new)' if missing else ''}. Send it to the translator; "
          f"read it back with make translation-in FILE={display_path(target)}")


def into(file: Path, data_dir: Path, labels_dir: Path = paths.LABELS_DIR) -> None:
    sheet_dir, language, found, labels = read(Path(file), data_dir, labels_dir)
    languages = sheet_languages(sheet_dir)
    written = apply(sheet_dir, language, found)
    labels_file = apply_labels(labels_dir, languages[0], language, labels) if labels else None
    written += [labels_file] if labels_file else []
    recorded = write_record(sheet_dir, language,
                            updated_record(sheet_dir, language, lambda s: (s.file, s.key) in found), languages[0])
    left = sum(1 for s in segments(sheet_dir, language) if s.state in ("new", "stale"))
    files = ", ".join(display_path(p) for p in written) or "no text changed"
    print(f"Read {len(found)} translated segments and {len(labels)} labels from {display_path(file)}: {files}"
          f"{'; the record is updated' if recorded else ''}."
          + (f" {left} segments are still to translate." if left else ""))


def reviewed(sheet: str, language: str, key: str | None, data_dir: Path) -> None:
    sheet_dir, languages = _sheet(data_dir, sheet, language)
    file, _, field = (key or "").partition(":")
    known = {s.file for s in segments(sheet_dir, language)}
    if file and file not in known:
        raise DataError([Problem(f"KEY={key}", "", f"{file!r} is not a text of {sheet}; expected one of "
                                 f"{', '.join(sorted(known))} (and :key or :body.N after it, optionally)")])

    def chosen(s) -> bool:
        return (not file or s.file == file) and (not field or s.key == field)

    marked = sum(1 for s in segments(sheet_dir, language) if chosen(s) and s.target is not None
                 and s.state != "translated")
    write_record(sheet_dir, language, updated_record(sheet_dir, language, chosen), languages[0])
    print(f"Marked {marked} {language} translation{'' if marked == 1 else 's'} of {sheet} reviewed"
          f"{' in ' + key if key else ''}.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("out", help="write the XLIFF file of a sheet in one language")
    command.add_argument("sheet", help="<subject>/<edition>, like canada/2024")
    command.add_argument("language", help="a translated language of the sheet, like fr")
    command.add_argument("--file", type=Path, help="where to write it (default: output/translations/)")
    command = commands.add_parser("in", help="read a translated XLIFF file back into the sheet")
    command.add_argument("file", type=Path)
    command = commands.add_parser("reviewed", help="mark translations checked for the sheet's edition")
    command.add_argument("sheet")
    command.add_argument("language")
    command.add_argument("--key", help="only one text (narrative/intro.md) or segment (sheet.yaml:chart.source)")
    args = parser.parse_args(argv)
    try:
        if args.command == "out":
            out(args.sheet, args.language, args.file, args.data_dir)
        elif args.command == "in":
            into(args.file, args.data_dir)
        else:
            reviewed(args.sheet, args.language, args.key, args.data_dir)
    except yaml.YAMLError as err:  # a file of the sheet that does not parse: one line, as for any bad input
        mark = getattr(err, "problem_mark", None)
        place = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        shown = display_path(args.file) if args.command == "in" else display_path(args.data_dir / args.sheet)
        raise DataError([Problem(shown, "", f"a YAML file of the sheet (sheet.yaml, a translation or a text's front "
                                 f"matter) does not parse: {getattr(err, 'problem', None) or err}{place}; expected "
                                 "valid YAML (make names the file)")]) from None


if __name__ == "__main__":
    run_command(main, sys.argv[1:])
