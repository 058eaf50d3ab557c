"""What each translation translates: stale translations, the translator's XLIFF file both ways, and a new
edition's list of what still speaks of the old one. In-process, on copies of the project's sheets."""

import copy
import re
import shutil
from pathlib import Path

import pytest
import yaml
from lxml import etree

from factsheet.errors import DataError
from factsheet.model.next_edition import start_edition
from factsheet.model.translations import record_file, segments, stale_problems, text_hash, updated_record, write_record
from factsheet.model.validate import checked_sheet
from factsheet.model.xliff import NS, export, read
from factsheet.paths import LABELS_DIR

from conftest import CANADA, ROOT, tree_digest

NORDVALE = ROOT / "data" / "nordvale"
X = f"{{{NS}}}"


@pytest.fixture()
def data(tmp_path):
    shutil.copytree(CANADA, tmp_path / "canada" / "2023")
    return tmp_path


def sheet_of(data):
    from factsheet.model.sheet import load_sheet

    return load_sheet(data / "canada" / "2023" / "sheet.yaml")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def states(sheet_dir, language):
    return {(s.file, s.key): s.state for s in segments(sheet_dir, language)}


def test_the_committed_translations_are_recorded_and_current():
    for sheet_dir, languages in ((CANADA, ["fr", "es"]), (NORDVALE / "2023", ["fr"]), (NORDVALE / "2024", ["fr"])):
        for language in languages:
            found = states(sheet_dir, language)
            assert found and set(found.values()) == {"translated"}, (sheet_dir, language)


def test_a_changed_paragraph_is_stale_in_every_language_with_a_word_diff(data):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "narrative" / "intro.md", "joined the ILO in 1919", "joined the International Labour "
         "Organization in 1919")
    for language in ("fr", "es"):
        found = states(sheet_dir, language)
        assert found[("narrative/intro.md", "body.1")] == "stale"
        assert sum(state == "stale" for state in found.values()) == 1
    with pytest.raises(DataError) as refused:
        checked_sheet(sheet_dir)
    lines = [str(p) for p in refused.value.problems]
    assert len(lines) == 2
    for language in ("fr", "es"):
        line = next(x for x in lines if f"intro.{language}.md" in x)
        assert ", paragraph 1: translates an older English text" in line
        assert "[-ILO-] {+International Labour Organization+}" in line
        assert f"LANGUAGE={language}" in line


def test_a_changed_field_is_stale_and_names_its_key(data):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "sheet.yaml", "  - Human dignity\n", "  - Human dignity and rights\n")
    problems, warnings = stale_problems(sheet_of(data), sheet_dir)
    assert [p.where for p in problems] == ["key priority_areas.1", "key priority_areas.1"]
    assert {Path(p.file).name for p in problems} == {"sheet.fr.yaml", "sheet.es.yaml"}
    assert all("Human dignity {+and rights+}" in p.message for p in problems)
    assert warnings == []


def test_a_moved_paragraph_whose_text_is_unchanged_is_not_stale(data):
    sheet_dir = data / "canada" / "2023"
    path = sheet_dir / "projects" / "02-indonesia-industrial-relations.md"
    front, first, second = re.match(r"(---\n.*?\n---\n)(.*?)\n\n(.*?)\n?\Z", path.read_text(encoding="utf-8"),
                                    re.DOTALL).groups()
    path.write_text(f"{front}{second}\n\n{first}\n", encoding="utf-8")
    assert set(states(sheet_dir, "fr").values()) == {"translated"}
    assert stale_problems(sheet_of(data), sheet_dir) == ([], [])
    # the same paragraph changed as well as moved is stale
    path.write_text(f"{front}{second} More.\n\n{first}\n", encoding="utf-8")
    found = states(sheet_dir, "fr")
    assert found[("projects/02-indonesia-industrial-relations.md", "body.1")] == "stale"
    assert found[("projects/02-indonesia-industrial-relations.md", "body.2")] == "translated"


def test_a_translation_corrected_by_hand_needs_no_change_to_the_record(data):
    sheet_dir = data / "canada" / "2023"
    record = record_file(sheet_dir, "fr").read_bytes()
    edit(sheet_dir / "narrative" / "intro.fr.md", "Le Canada a adhéré", "Le Canada a rejoint")
    edit(sheet_dir / "sheet.fr.yaml", "  - Dignité humaine\n", "  - La dignité humaine\n")
    assert set(states(sheet_dir, "fr").values()) == {"translated"}
    assert stale_problems(sheet_of(data), sheet_dir) == ([], [])
    assert record_file(sheet_dir, "fr").read_bytes() == record


def test_stale_warn_prints_the_stale_translation_with_a_warning(data):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "narrative" / "intro.md", "in 1919", "in 1919 (a founding member)")
    edit(sheet_dir / "sheet.yaml", "languages: [en, fr, es]", "languages: [en, fr, es]\nstale: {es: warn}")
    problems, warnings = stale_problems(sheet_of(data), sheet_dir)
    assert [Path(p.file).name for p in problems] == ["intro.fr.md"]
    assert len(warnings) == 1 and "intro.es.md, paragraph 1" in warnings[0] and "stale: warn for es" in warnings[0]


def test_marking_a_translation_reviewed_updates_only_its_record(data):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "narrative" / "intro.md", "in 1919", "in 1919 (a founding member)")
    edit(sheet_dir / "sheet.yaml", "  - Human dignity\n", "  - Human dignity and rights\n")
    before = record_file(sheet_dir, "fr").read_text(encoding="utf-8")
    record = updated_record(sheet_dir, "fr", lambda s: s.file == "narrative/intro.md")
    assert write_record(sheet_dir, "fr", record, "en")
    after = record_file(sheet_dir, "fr").read_text(encoding="utf-8")
    found = states(sheet_dir, "fr")
    assert found[("narrative/intro.md", "body.1")] == "translated"
    assert found[("sheet.yaml", "priority_areas.1")] == "stale"
    assert text_hash((sheet_dir / "narrative" / "intro.md").read_text(encoding="utf-8")) in after
    assert len([line for line in after.splitlines() if line not in before.splitlines()]) == 2  # hash, source


def xliff_of(sheet_dir: Path, language: str, target: Path, labels_dir: Path = LABELS_DIR) -> Path:
    target.write_bytes(export(sheet_dir, language, "en", labels_dir))
    return target


@pytest.fixture()
def labels(tmp_path):
    """A copy of the project's labels, which translation-in may write."""
    return Path(shutil.copytree(LABELS_DIR, tmp_path / "labels"))


def label_keys() -> list[str]:
    """The English labels a reader sees, as the translator's file names them (settings left out)."""
    data = yaml.safe_load((LABELS_DIR / "en.yaml").read_text(encoding="utf-8"))
    return [f"{k}.{i}" if isinstance(v, list) else k for k, v in data.items()
            if k not in ("typography", "date_format") for i in (range(len(v)) if isinstance(v, list) else [0])]


def label_units(path: Path) -> dict:
    """The units of the labels' <file>, by name."""
    files = [f for f in etree.parse(str(path)).getroot().iter(f"{X}file") if f.get("id") == "labels"]
    assert len(files) == 1
    return {u.get("name"): u for u in files[0].iter(f"{X}unit")}


def test_the_xliff_file_is_read_by_an_independent_xliff_2_reader(data, tmp_path):
    from translate.storage.xliff2 import Xliff2File

    sheet_dir = data / "canada" / "2023"
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")
    store = Xliff2File.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    found = segments(sheet_dir, "fr")
    assert len(units) == len(found) + len(label_keys())
    assert store.gettargetlanguage() == "fr" and store.getsourcelanguage() == "en"
    assert all(u.istranslated() and not u.isfuzzy() for u in units)
    # every computed value is a protected placeholder, never text the translator could break
    root = etree.parse(str(path)).getroot()
    placeholders = [p for f in root.iter(f"{X}file") if f.get("id") != "labels" for p in f.iter(f"{X}ph")]
    assert placeholders and all(p.get("canDelete") == "no" and p.get("disp").startswith("{{") for p in placeholders)
    assert not any("{{" in (e.text or "") + (e.tail or "") for e in root.iter(f"{X}source", f"{X}target"))
    expressions = (sheet_dir / "narrative" / "financial.md").read_text(encoding="utf-8").count("{{")
    financial = [u for u in root.iter(f"{X}unit") if u.getparent().get("original").endswith("narrative/financial.md")]
    assert sum(len(u.findall(f"{X}segment/{X}source/{X}ph")) for u in financial) == expressions


def test_an_xliff_round_trip_with_no_change_changes_no_byte(data, tmp_path, labels):
    from factsheet.commands.translation import into

    sheet_dir = data / "canada" / "2023"
    for language in ("fr", "es"):
        before = tree_digest(sheet_dir), tree_digest(labels)
        path = xliff_of(sheet_dir, language, tmp_path / f"{language}.xlf", labels)
        assert len(label_units(path)) == len(label_keys())  # the labels travel too, all translated
        into(path, data, labels)
        assert (tree_digest(sheet_dir), tree_digest(labels)) == before
    # also with a stale translation in it, which the translator left untouched, and a label Spanish lacks
    edit(sheet_dir / "narrative" / "intro.md", "in 1919", "in 1919 (a founding member)")
    edit(labels / "es.yaml", "web_skip:", "# web_skip:")
    before = tree_digest(sheet_dir), tree_digest(labels)
    into(xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf", labels), data, labels)
    into(xliff_of(sheet_dir, "es", tmp_path / "es.xlf", labels), data, labels)
    assert (tree_digest(sheet_dir), tree_digest(labels)) == before


def translate_stale(path: Path, change) -> int:
    """What a translation tool does: the translator's new target for each segment that needs work, marked
    translated. Returns how many it changed."""
    tree = etree.parse(str(path))
    count = 0
    for segment in tree.getroot().iter(f"{X}segment"):
        if segment.get("state") == "initial":
            target = segment.find(f"{X}target")
            change(target)
            segment.set("state", "translated")
            count += 1
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return count


def test_a_translated_segment_is_read_back_into_its_file_and_recorded(data, tmp_path):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "narrative" / "financial.md", "constitute the ILO's core funding",
         "make up the ILO's core funding")
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")

    def change(target):
        target.text = target.text.replace("Les **contributions statutaires**", "Les **contributions obligatoires**")

    assert translate_stale(path, change) == 1
    from factsheet.commands.translation import into

    into(path, data)
    text = (sheet_dir / "narrative" / "financial.fr.md").read_text(encoding="utf-8")
    assert "Les **contributions obligatoires**" in text and text.count("{{") == 6  # its placeholders kept
    assert states(sheet_dir, "fr")[("narrative/financial.md", "body.2")] == "translated"
    assert states(sheet_dir, "es")[("narrative/financial.md", "body.2")] == "stale"


@pytest.mark.parametrize("damage, expected", [
    (lambda target: target.remove(target.find(f"{X}ph")), "is missing in the target"),
    (lambda target: target.append(etree.fromstring(f'<ph xmlns="{NS}" id="ph9" disp="x"/>')),
     "a placeholder <ph id='ph9'> in the target that the source does not have"),
    (lambda target: setattr(target, "text", "{{ totals.overall }} " + (target.text or "")),
     "{{ }} typed as text"),
    (lambda target: target.append(etree.fromstring(f'<pc xmlns="{NS}" id="b1">gras</pc>')),
     "<pc> in the target"),
])
def test_a_broken_placeholder_is_refused_naming_the_segment(data, tmp_path, damage, expected):
    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "narrative" / "financial.md", "constitute the ILO's core funding",
         "make up the ILO's core funding")
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")
    translate_stale(path, damage)
    before = tree_digest(data)
    with pytest.raises(DataError) as refused:
        read(path, data)
    assert len(refused.value.problems) == 1
    problem = refused.value.problems[0]
    assert problem.where == "unit narrative/financial.md, body.2" and expected in problem.message
    assert tree_digest(data) == before


def test_the_labels_travel_as_a_file_of_their_own_with_their_fields_as_placeholders(data, tmp_path):
    from translate.storage.xliff2 import Xliff2File

    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf")
    root = etree.parse(str(path)).getroot()
    files = list(root.iter(f"{X}file"))
    assert files[-1].get("id") == "labels" and files[-1].get("original") == "templates/labels/en.yaml"
    units = label_units(path)
    assert list(units) == label_keys()  # one unit per label, in the file's order; no typography or date pattern
    assert "pdf_keywords.2" in units and not any(k.startswith(("typography", "date_format")) for k in units)
    title = units["chart_title"].find(f"{X}segment")
    assert title.get("state") == "translated"
    for part in ("source", "target"):
        element = title.find(f"{X}{part}")
        assert [(p.get("disp"), p.get("equiv"), p.get("canDelete")) for p in element.iter(f"{X}ph")] == [
            ("{possessive}", "{possessive}", "no"), ("{period_short}", "{period_short}", "no")]
    assert title.find(f"{X}target/{X}ph").tail == " à l’OIT, "
    # no label's field is text a translator could break
    for unit in units.values():
        for element in unit.iter(f"{X}source", f"{X}target"):
            assert not any("{" in t or "}" in t for t in [element.text or ""] + [p.tail or "" for p in element])
    # the independent reader sees them as translated units of the same document
    store = Xliff2File.parsefile(str(path))
    read_back = {u.getunitelement().get("name"): u for u in store.units if not u.isheader()
                 and u.getunitelement().getparent().get("id") == "labels"}
    assert read_back["contact_heading"].source == "Contact details"
    assert read_back["contact_heading"].target == "Coordonnées"
    assert all(u.istranslated() for u in read_back.values())


def translate_label(path: Path, name: str, change) -> None:
    """What a translation tool does with one label: the translator's target, marked translated."""
    tree = etree.parse(str(path))
    files = [f for f in tree.getroot().iter(f"{X}file") if f.get("id") == "labels"]
    unit = next(u for u in files[0].iter(f"{X}unit") if u.get("name") == name)
    segment = unit.find(f"{X}segment")
    target = segment.find(f"{X}target")
    if target is None:
        target = etree.SubElement(segment, f"{X}target")
    change(segment.find(f"{X}source"), target)
    segment.set("state", "translated")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_a_translated_label_is_written_into_the_labels_file_keeping_its_comments(data, tmp_path, labels):
    from factsheet.commands.translation import into

    sheet_dir = data / "canada" / "2023"
    french = labels / "fr.yaml"
    before = french.read_text(encoding="utf-8")
    edit(french, "contact_heading: Coordonnées\n", "")  # a label French lacks: initial, no target
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf", labels)
    segment = label_units(path)["contact_heading"].find(f"{X}segment")
    assert segment.get("state") == "initial" and segment.find(f"{X}target") is None

    def coordinates(source, target):
        target.text = "Coordonnées"

    def title(source, target):  # the fields moved, as French word order has them
        target.text = "Total des contributions "
        first, second = (copy.deepcopy(p) for p in source.iter(f"{X}ph"))
        target[:] = [first, second]
        first.tail, second.tail = " à l’OIT, ", ""

    translate_label(path, "contact_heading", coordinates)
    translate_label(path, "chart_title", title)
    into(path, data, labels)
    after = french.read_text(encoding="utf-8")
    loaded = yaml.safe_load(after)
    assert loaded["contact_heading"] == "Coordonnées"
    assert loaded["chart_title"] == "Total des contributions {possessive} à l’OIT, {period_short}"
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ['chart_title: "Total des contributions {possessive} à l’OIT, {period_short}"']
    assert "contact_heading: Coordonnées" in after.splitlines()  # added back
    assert after.startswith("# Words a reader sees that do not come from a sheet's data, in French.")
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]  # every comment kept
    assert (labels / "en.yaml").read_bytes() == (LABELS_DIR / "en.yaml").read_bytes()


def test_a_new_languages_labels_file_starts_from_the_source_languages(data, tmp_path, labels):
    from factsheet.commands.translation import into

    sheet_dir = data / "canada" / "2023"
    edit(sheet_dir / "sheet.yaml", "languages: [en, fr, es]", "languages: [en, fr, es, de]")
    path = xliff_of(sheet_dir, "de", tmp_path / "de.xlf", labels)
    assert {u.find(f"{X}segment").get("state") for u in label_units(path).values()} == {"initial"}
    translate_label(path, "contact_heading", lambda source, target: setattr(target, "text", "Kontakt"))
    into(path, data, labels)
    german = (labels / "de.yaml").read_text(encoding="utf-8")
    english = (labels / "en.yaml").read_text(encoding="utf-8")
    assert german == english.replace("contact_heading: Contact details\n", "contact_heading: Kontakt\n")


def _remove_ph(source, target):
    target.remove(target.find(f"{X}ph"))


def _add_ph(source, target):
    target.append(etree.fromstring(f'<ph xmlns="{NS}" id="ph9" disp="{{donor}}" equiv="{{donor}}"/>'))


def _repeat_ph(source, target):
    target.append(copy.deepcopy(target.find(f"{X}ph")))


def _typed_ph(source, target):
    target.remove(target.find(f"{X}ph"))
    target.text = "{possessive} " + (target.text or "")


def _broken_ph(source, target):
    target.remove(target.find(f"{X}ph"))
    target.text = "{possessive " + (target.text or "")


@pytest.mark.parametrize("damage, expected", [
    (_remove_ph, "the placeholder {possessive} (<ph id='ph1'>) is missing in the target"),
    (_add_ph, "a placeholder <ph id='ph9'> in the target that the source does not have"),
    (_repeat_ph, "the placeholder {possessive} (<ph id='ph1'>) is given 2 times in the target"),
    (_typed_ph, "{ } typed as text"),
    (_broken_ph, "{ } typed as text"),
])
def test_a_broken_label_placeholder_is_refused_naming_the_unit(data, tmp_path, labels, damage, expected):
    from factsheet.commands.translation import into

    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf", labels)
    translate_label(path, "chart_title", damage)
    before = tree_digest(data), tree_digest(labels)
    with pytest.raises(DataError) as refused:
        into(path, data, labels)
    problems = refused.value.problems
    assert {p.where for p in problems} == {"unit templates/labels/en.yaml, chart_title"}
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert (tree_digest(data), tree_digest(labels)) == before


def test_an_xliff_file_with_a_missing_unit_or_not_xliff_is_refused(data, tmp_path):
    sheet_dir = data / "canada" / "2023"
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")
    tree = etree.parse(str(path))
    unit = next(tree.getroot().iter(f"{X}unit"))
    unit.getparent().remove(unit)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    with pytest.raises(DataError) as refused:
        read(path, data)
    assert [p.where for p in refused.value.problems] == ["unit sheet.yaml, title"]
    assert "missing" in refused.value.problems[0].message
    path.write_text("<html/>", encoding="utf-8")
    with pytest.raises(DataError, match="not an XLIFF 2 file"):
        read(path, data)


@pytest.mark.parametrize("sheet", ["../outside", "../..", "canada/..", "/tmp", "canada/2023x"])
def test_an_xliff_file_naming_a_sheet_outside_the_data_folder_is_refused(tmp_path, sheet):
    """translation-in writes into the sheet the file names: only a data/<subject>/<edition>/ folder."""
    data = tmp_path / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    shutil.copytree(CANADA, tmp_path / "outside")  # a sheet where "../outside" leads
    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf")
    tree = etree.parse(str(path))
    for file in tree.getroot().iter(f"{X}file"):
        if file.get("id") != "labels":
            file.set("original", file.get("original").replace("canada/2023", sheet, 1))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    with pytest.raises(DataError, match="expected <subject>/<edition> of a sheet in the data folder"):
        read(path, data)


@pytest.mark.parametrize("command", ["out", "reviewed"])
def test_a_sheet_named_outside_the_data_folder_is_refused_by_the_translation_commands(tmp_path, command):
    from factsheet.commands import translation

    data = tmp_path / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    shutil.copytree(CANADA, tmp_path / "outside" / "2023")  # a sheet where "../outside/2023" leads
    before = tree_digest(tmp_path / "outside")
    with pytest.raises(DataError, match="not the name of a sheet; expected SHEET as <subject>/<edition>"):
        if command == "out":
            translation.out("../outside/2023", "fr", tmp_path / "fr.xlf", data)
        else:
            translation.reviewed("../outside/2023", "fr", None, data)
    assert tree_digest(tmp_path / "outside") == before and not (tmp_path / "fr.xlf").exists()


def test_a_sheet_folder_that_is_a_link_is_refused_by_the_translation_commands(tmp_path):
    """data/evil/2024 linked to a sheet elsewhere: the commands would write its translations there."""
    from factsheet.commands import translation

    data = tmp_path / "data"
    shutil.copytree(CANADA, data / "canada" / "2023")
    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf")  # exported before the folder was moved
    (tmp_path / "elsewhere").mkdir()
    shutil.move(data / "canada" / "2023", tmp_path / "elsewhere" / "2023")
    (data / "canada" / "2023").symlink_to(tmp_path / "elsewhere" / "2023")
    before = tree_digest(tmp_path / "elsewhere")
    for attempt in (lambda: translation.reviewed("canada/2023", "fr", None, data), lambda: read(path, data),
                    lambda: translation.out("canada/2023", "fr", tmp_path / "out.xlf", data)):
        with pytest.raises(DataError, match="the folder '2023' is a link"):
            attempt()
    assert tree_digest(tmp_path / "elsewhere") == before and not (tmp_path / "out.xlf").exists()


def mentions(made) -> dict[str, str]:
    """make edition's list of dated places: {"<file>, line N": what it names}."""
    found = {}
    for line in made.texts_to_check:
        place, _, named = line.rpartition(": mentions ")
        found[Path(place.split(",")[0]).name + "," + place.split(",", 1)[1]] = named
    return found


def test_make_edition_lists_past_dates_in_texts_fields_and_table_notes_but_not_comments_or_computed(data):
    made = start_edition(data, "canada", 2024)
    found = mentions(made)
    target = data / "canada" / "2024"
    notes = [line for line in (target / "contributions.csv").read_text(encoding="utf-8").splitlines()
             if "June 2023" in line]
    assert notes and all(f"contributions.csv, line {n}" in found for n in range(2, len(notes) + 2))
    assert "2023" in found["contributions.csv, line 2"] and "June" in found["contributions.csv, line 2"]
    for name in ("01-jordan-garment-trade-unions.md", "01-jordan-garment-trade-unions.fr.md",
                 "01-jordan-garment-trade-unions.es.md"):
        assert any(place.startswith(f"{name}, line") for place in found), name
    for name in ("sheet.yaml", "sheet.fr.yaml", "sheet.es.yaml"):  # the chart source is computed; comments out
        assert not any(place.startswith(f"{name},") for place in found), (name, found)
    assert not any("1919" in named for named in found.values())  # history, not the edition
    assert not any(place.startswith("translations.") for place in found)
    # a date typed into the chart source is named, with its line
    edit(target / "sheet.yaml", "({{ edition_date | month_year }})", "(June 2023)")
    shutil.rmtree(data / "canada" / "2025", ignore_errors=True)
    again = mentions(start_edition(data, "canada", 2025))
    line = next(n for n, text in enumerate((target / "sheet.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if "(June 2023)" in text)
    assert again[f"sheet.yaml, line {line}"] == "2023, June"


def test_make_edition_on_nordvale_lists_only_dates_typed_outside_comments(tmp_path):
    shutil.copytree(NORDVALE, tmp_path / "nordvale")
    latest = tmp_path / "nordvale" / "2024"
    # its only dates are in comments ("the May 2024 edition") and the edition date: nothing to check
    assert start_edition(tmp_path, "nordvale", 2025).texts_to_check == []
    shutil.rmtree(tmp_path / "nordvale" / "2025")
    edit(latest / "narrative" / "intro.md", "In this imagined story,", "Since May 2023, and")
    edit(latest / "narrative" / "intro.fr.md", "Nordvale", "En mai 2023, Nordvale")
    table = latest / "contributions.csv"
    rows = table.read_text(encoding="utf-8").splitlines()
    rows[-1] = rows[-1].rsplit(",", 1)[0] + ",revised in 2024"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = mentions(start_edition(tmp_path, "nordvale", 2025))
    lines = (tmp_path / "nordvale" / "2025" / "contributions.csv").read_text(encoding="utf-8").splitlines()
    revised = next(n for n, line in enumerate(lines, 1) if "revised in 2024" in line)
    assert found == {"intro.fr.md, line 1": "2023, mai", "intro.md, line 1": "2023, May",
                     f"contributions.csv, line {revised}": "2024"}


def test_a_new_editions_translations_start_stale(data):
    start_edition(data, "canada", 2024)
    target = data / "canada" / "2024"
    with pytest.raises(DataError) as refused:
        checked_sheet(target)
    carried = [str(p) for p in refused.value.problems if "translations were checked for the 2023 edition" in str(p)]
    assert len(carried) == 2 and all("not yet for 2024" in line for line in carried)
    assert {s.state for s in segments(target, "fr")} == {"carried"}


def checked_file(sheet_dir: Path, target: Path) -> Path:
    """The sheet checked, as check_sheet writes it."""
    from factsheet.model import checked

    checked.write(target, checked.check(sheet_dir).data)
    return target


def test_the_review_page_shows_figures_side_by_side_text_changes_and_translations_to_check(data, tmp_path):
    import lxml.html

    from factsheet.stages import render_review

    old_dir = data / "canada" / "2023"
    old_checked = checked_file(old_dir, tmp_path / "old.json")
    start_edition(data, "canada", 2024)
    new_dir = data / "canada" / "2024"
    table = new_dir / "contributions.csv"
    table.write_text(re.sub(r"2023,(assessed|voluntary),,[^\n]*", r'2023,\1,"12,000,000",',
                            table.read_text(encoding="utf-8")), encoding="utf-8")
    edit(new_dir / "narrative" / "intro.md", "in 1919", "in 1919, a founding member,")
    edit(new_dir / "sheet.yaml", "languages: [en, fr, es]", "languages: [en, fr, es]\nstale: warn")
    edit(new_dir / "sheet.yaml", "year is illustrative", "year is estimated")
    new_checked = checked_file(new_dir, tmp_path / "new.json")
    page = tmp_path / "review.html"
    render_review.main(new_checked=new_checked, new_pdfs=[], review_file=page, old_checked=old_checked, old_pdfs=[])
    root = lxml.html.parse(str(page)).getroot()
    def shown(cell) -> str:
        return cell.text_content().replace("\u00a0", " ")

    rows = {shown(tr[0]): (shown(tr[1]), shown(tr[2]))
            for tr in root.xpath("//h2[@id='figures']/following-sibling::table[1]/tbody/tr")}
    assert rows["Period"] == ("2018-2022", "2019-2023")
    assert rows["Assessed contributions, 2023"] == ("—", "US$ 12,000,000")
    assert rows["Assessed contributions, 2018"][1] == "—"
    assert [h.text_content() for h in root.xpath("//h3")] == ["sheet.yaml", "narrative/intro.md"]
    texts = "//h2[@id='texts']/following-sibling::*[following-sibling::h2[@id='translations']]"
    assert [e.text_content() for e in root.xpath(f"{texts}//ins")] == ["estimated;", "1919, a founding member,"]
    assert [e.text_content() for e in root.xpath(f"{texts}//del")] == ["illustrative;", "1919"]
    stale = [tr.text_content() for tr in root.xpath("//h2[@id='translations']/following-sibling::*[1]//tr")]
    assert any("narrative/intro.md, paragraph 1" in row and "stale" in row and "French" in row for row in stale)
    assert any("narrative/intro.md, paragraph 1" in row and "Spanish" in row for row in stale)
    carried = [row for row in stale if "checked for the 2023 edition" in row]
    assert len(carried) == len(stale) - 4  # every other translation: carried over, to check for 2024
    assert "<script" not in page.read_text(encoding="utf-8") and "http" not in page.read_text(encoding="utf-8")


def test_segments_the_translation_lacks_are_added_by_translation_in(data, tmp_path):
    from factsheet.commands.translation import into

    sheet_dir = data / "canada" / "2023"
    french = sheet_dir / "sheet.fr.yaml"
    french.write_text(re.sub(r"  note: .*\n", "", french.read_text(encoding="utf-8")), encoding="utf-8")
    project = (sheet_dir / "projects" / "05-forteress-tunisia.md").read_text(encoding="utf-8")
    (sheet_dir / "projects" / "10-new.md").write_text(project.replace("FORTER'ESS - Promoting", "New:"),
                                                      encoding="utf-8")
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")

    tree = etree.parse(str(path))
    added = 0
    for segment in tree.getroot().iter(f"{X}segment"):
        if segment.get("state") == "initial":
            assert segment.find(f"{X}target") is None  # new: nothing to show
            etree.SubElement(segment, f"{X}target").text = "FR " + segment.find(f"{X}source").text
            segment.set("state", "translated")
            added += 1
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    assert added == 1 + 4  # chart.note; the new project's title, country and two paragraphs
    into(path, data)
    assert set(states(sheet_dir, "fr").values()) == {"translated"}
    text = french.read_text(encoding="utf-8")
    assert "note: \"FR The split by year" in text or "note: FR The split by year" in text
    assert text.startswith("# Canada ILO cooperation — texts of the French edition.")  # comments kept
    with pytest.raises(DataError) as refused:  # only the Spanish translation of the new project is missing now
        checked_sheet(sheet_dir)
    assert [p.message.split(":")[0] for p in refused.value.problems] == ["the Spanish edition (es) is missing 1 "
                                                                          "translation"]


INJECTED = '</style><h1 style="color:red">INJECTED</h1><style>x::after(content:"'


def test_a_translated_label_with_markup_is_refused_naming_the_unit(data, tmp_path, labels):
    """page_of is set inside the PDF's <style> element: a translator's "</style>..." would be markup on every
    page of the language, so translation-in refuses < or > in a label whose source has neither."""
    from factsheet.commands.translation import into

    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf", labels)

    def inject(source, target):
        target.text = INJECTED
        target[:] = [copy.deepcopy(p) for p in source.iter(f"{X}ph")]

    translate_label(path, "page_of", inject)
    before = tree_digest(data), tree_digest(labels)
    with pytest.raises(DataError) as refused:
        into(path, data, labels)
    [problem] = refused.value.problems
    assert problem.where == "unit templates/labels/en.yaml, page_of"
    assert "INJECTED" in problem.message and "holds '<' and '>'" in problem.message
    assert "expected text without markup characters" in problem.message
    assert (tree_digest(data), tree_digest(labels)) == before


def test_a_label_with_markup_typed_into_a_labels_file_is_refused_by_the_check(data, labels):
    edit(labels / "fr.yaml", 'page_of: "{page} / {pages}"', f"page_of: '{INJECTED}{{page}} / {{pages}}'")
    with pytest.raises(DataError) as refused:
        checked_sheet(data / "canada" / "2023", labels_dir=labels)
    [problem] = refused.value.problems
    assert problem.file.endswith("labels/fr.yaml") and problem.where == "key page_of"
    assert "holds '<' and '>'" in problem.message and "('{page} / {pages}') has none" in problem.message


@pytest.mark.parametrize("attribute, value, expected", [
    ("trgLang", "en", "'en' is not one of the sheet's translated languages; expected 'fr' or 'es'"),
    ("trgLang", "de", "'de' is not one of the sheet's translated languages; expected 'fr' or 'es'"),
    ("trgLang", "../../x", "'../../x' is not a language code; expected 'fr' or 'es'"),
    ("trgLang", "", "'' is not a language code"),
    ("trgLang", None, "missing; expected 'fr' or 'es'"),
    ("srcLang", "fr", "'fr' is not the sheet's first language; expected 'en'"),
    ("srcLang", "../x", "'../x' is not a language code; expected 'en'"),
])
def test_an_xliff_file_for_another_language_than_the_sheets_is_refused(data, tmp_path, labels, attribute, value,
                                                                        expected):
    """The file's languages name the files translation-in writes: only the sheet's, as translation-out wrote."""
    from factsheet.commands.translation import into

    path = xliff_of(data / "canada" / "2023", "fr", tmp_path / "fr.xlf", labels)
    tree = etree.parse(str(path))
    if value is None:
        del tree.getroot().attrib[attribute]
    else:
        tree.getroot().set(attribute, value)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    before = tree_digest(data), tree_digest(labels)
    with pytest.raises(DataError) as refused:
        into(path, data, labels)
    [problem] = refused.value.problems
    assert problem.where == f"attribute {attribute}" and expected in problem.message
    assert "key languages of" in problem.message and "sheet.yaml" in problem.message
    assert (tree_digest(data), tree_digest(labels)) == before


def _unit_removed(text: str) -> str:
    start = text.index("<unit ")
    return text[:start] + text[text.index("</unit>", start) + len("</unit>"):]


@pytest.mark.parametrize("damage", [
    lambda text: text[:len(text) // 2],  # cut short: not XML
    lambda text: text.replace('trgLang="fr"', 'trgLang="../../x"', 1),
    lambda text: text.replace('srcLang="en"', 'srcLang=""', 1),
    _unit_removed,
    "broken sheet",
], ids=["malformed", "trgLang", "srcLang", "missing unit", "broken sheet"])
def test_the_translation_commands_answer_bad_input_with_one_line_and_no_traceback(data, tmp_path, damage):
    import os
    import subprocess
    import sys

    sheet_dir = data / "canada" / "2023"
    path = xliff_of(sheet_dir, "fr", tmp_path / "fr.xlf")
    if damage == "broken sheet":
        (sheet_dir / "sheet.fr.yaml").write_text("title: [unclosed\n", encoding="utf-8")
        arguments = ["out", "canada/2023", "fr", "--file", str(tmp_path / "out.xlf")]
    else:
        path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
        arguments = ["in", str(path)]
    before = tree_digest(data), tree_digest(LABELS_DIR)
    environment = {k: v for k, v in os.environ.items() if k != "FACTSHEET_DEBUG"}
    done = subprocess.run([sys.executable, "-m", "factsheet.commands.translation", "--data-dir", str(data),
                           *arguments], cwd=ROOT, capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert (tree_digest(data), tree_digest(LABELS_DIR)) == before and not (tmp_path / "out.xlf").exists()
