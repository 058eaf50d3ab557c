"""Imported once by the workers' fork server: every library and stage module a job needs."""

import matplotlib

matplotlib.use("Agg")

import check_sheet  # noqa: E402, F401
import jinja2  # noqa: E402, F401
import markdown_it  # noqa: E402, F401
import matplotlib.pyplot  # noqa: E402, F401
import pandas  # noqa: E402, F401
import pandera.pandas  # noqa: E402, F401
import weasyprint  # noqa: E402, F401
import write_brand_assets  # noqa: E402, F401

import clean_contributions  # noqa: E402, F401
import plot_contributions  # noqa: E402, F401
import render_html  # noqa: E402, F401
import render_pdf  # noqa: E402, F401
import report_changes  # noqa: E402, F401
