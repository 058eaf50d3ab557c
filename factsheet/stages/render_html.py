"""Stage: fill the Jinja2 sheet template with the checked sheet's texts and figures in one language."""

import os
from pathlib import Path

from factsheet.files import write_text
from factsheet.model import checked
from factsheet.render.page import context, render
from factsheet.workflow.cli import command_line


def main(checked_file: Path, chart_file: Path, logo_file: Path, fonts_dir: Path, html_file: Path,
         tall_chart_file: Path | None = None, language: str | None = None) -> None:
    """Write the sheet's HTML in ``language`` (one of its languages; by default the first); the files it refers
    to are given relative to it."""
    def relative(path):
        return os.path.relpath(path, Path(html_file).parent)

    values = context(checked.read(Path(checked_file)), relative(chart_file), {"on_dark": relative(logo_file)},
                     fonts_url=relative(fonts_dir), language=language)
    values["chart"]["tall_src"] = relative(tall_chart_file) if tall_chart_file else None
    write_text(html_file, render(values))


if __name__ == "__main__":
    command_line(main)
