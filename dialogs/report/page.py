"""The report as one standalone Dutch HTML page: totals, the covenant's figures, SVG bar charts
and tables. A small count is drawn as a fixed hatched marker labelled "<5", never as a bar whose
length tells anything (not even as long as the biggest real bar)."""

from __future__ import annotations

from html import escape

from dialogs.report.figures import SMALL_COUNT, Breakdown, Count, Report
from dialogs.report.wording import (
    EMPTY,
    MASK,
    SUBTITLE,
    TITLE,
    covenant_rows,
    headline,
    masked,
    notes,
    period,
)
from knowledge.pageshell import html_page

__all__ = ["render_html"]

_CSS = """
:root { color: #1a1a1a; background: #ffffff; }
body { font: 16px/1.5 system-ui, "Segoe UI", Arial, sans-serif; max-width: 60rem;
  margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #1f4e79; }
.sub, .noten { color: #3d3d3d; }
.kern { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; padding: 0; }
.kern div { border: 2px solid #1f4e79; border-radius: 6px; padding: 0.6rem 1rem;
  min-width: 11rem; }
.kern dt { font-size: 0.9rem; }
.kern dd { margin: 0; font-size: 1.8rem; font-weight: 700; color: #1f4e79; }
.paar { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5rem; align-items: start; }
svg { width: 100%; height: auto; }
svg text { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 14px;
  fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #8c8c8c; }
tbody th { font-weight: normal; }
.getal { text-align: right; font-variant-numeric: tabular-nums; }
.convenant dd { font-size: 1.4rem; }
@media (max-width: 50rem) { .paar { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

_BAR = "#1f4e79"
_CHART_WIDTH = 560
_BAR_SPACE = 490
_ROW_HEIGHT = 40
_MASK_WIDTH = 22
"""The width of the marker for a small count: fixed, so it reveals nothing."""


def render_html(report: Report) -> str:
    """The report as one standalone Dutch HTML page: totals, SVG bar charts and tables."""
    title = f"{TITLE}, {period(report)}"
    body = [f"<h1>{escape(TITLE)}</h1>", f'<p class="sub">{escape(SUBTITLE)}</p>']
    body.append(f"<p>Periode: <strong>{escape(period(report))}</strong></p>")
    if report.empty:
        body.append(f"<p><strong>{escape(EMPTY)}</strong></p>")
    else:
        body.append(_html_headline(report))
        body.append(_html_covenant(report))
        body += [_html_section(b) for b in report.breakdowns]
    body.append(_html_notes(report))
    return html_page(title, "\n".join(body), style=_CSS)


def _html_headline(report: Report) -> str:
    items = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
        for label, value in headline(report)
    )
    return f'<section aria-label="Totaal"><dl class="kern">{items}</dl></section>'


def _html_covenant(report: Report) -> str:
    items = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>"
        for _, label, value in covenant_rows(report)
    )
    return (
        '<section><h2 id="convenant">Afspraken uit het convenant</h2>'
        f'<dl class="kern convenant" aria-labelledby="convenant">{items}</dl></section>'
    )


def _html_section(breakdown: Breakdown) -> str:
    return (
        f'<section><h2 id="{breakdown.key}">{escape(breakdown.title)}</h2>'
        f'<div class="paar">{_svg_chart(breakdown)}{_html_table(breakdown)}</div></section>'
    )


def _html_table(breakdown: Breakdown) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th>'
        f'<td class="getal">{escape(masked(r.count))}</td>'
        f'<td class="getal">{escape(masked(r.requests))}</td></tr>'
        for r in breakdown.rows
    )
    return (
        f'<table aria-labelledby="{breakdown.key}"><thead><tr>'
        f'<th scope="col">{escape(breakdown.column)}</th><th scope="col" class="getal">Aantal</th>'
        '<th scope="col" class="getal">Waarvan verzoeken</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _html_notes(report: Report) -> str:
    items = "".join(f"<li>{escape(note)}</li>" for note in notes(report))
    return f'<footer class="noten"><h2>Toelichting</h2><ul>{items}</ul></footer>'


def _svg_chart(breakdown: Breakdown) -> str:
    """A horizontal bar chart; small counts get one fixed "<5" marker, never their own length."""
    shown = [r.count for r in breakdown.rows if r.count >= SMALL_COUNT]
    scale = max([SMALL_COUNT, *shown])  # never derived from a masked count
    height = _ROW_HEIGHT * len(breakdown.rows) + 8
    summary = "; ".join(f"{r.label}: {masked(r.count)}" for r in breakdown.rows)
    ident = f"grafiek-{breakdown.key}"
    bars = "".join(_svg_bar(index, row, scale) for index, row in enumerate(breakdown.rows))
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}" height="{height}">'
        f'<title id="{ident}-t">Staafdiagram: consultaties {escape(breakdown.title.lower())}'
        f'</title><desc id="{ident}-d">{escape(summary)}</desc>{bars}</svg>'
    )


def _svg_bar(index: int, row: Count, scale: int) -> str:
    top = index * _ROW_HEIGHT
    value = masked(row.count)
    if row.count == 0:
        bar, length = "", 0.0
    elif value == MASK:
        length = float(_MASK_WIDTH)
        bar = (
            f'<rect class="gemaskeerd" x="0" y="{top + 20}" width="{_MASK_WIDTH}" height="14" '
            f'fill="#ffffff" stroke="{_BAR}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    else:
        length = round(row.count / scale * _BAR_SPACE, 1)
        bar = f'<rect x="0" y="{top + 20}" width="{length}" height="14" fill="{_BAR}"/>'
    return (
        f"<g><title>{escape(row.label)}: {escape(value)}</title>"
        f'<text x="0" y="{top + 14}">{escape(row.label)}</text>{bar}'
        f'<text x="{length + 6}" y="{top + 32}">{escape(_bar_text(value))}</text></g>'
    )


def _bar_text(value: str) -> str:
    return f"{value} (te klein om te tonen)" if value == MASK else value
