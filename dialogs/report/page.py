"""The report as Dutch HTML: tiles with the previous period beside them, the covenant's figures,
SVG bar charts and tables per split, and the pick-up trend per quarter.

:func:`render_html` writes one standalone page (``verbind report --format html``);
:func:`render_page` the same report with the filters and downloads of ``/rapport``. A small
count is drawn as a fixed dashed marker labelled "<5", never as a bar whose length tells
anything; what may be shown is :mod:`dialogs.report.shown`'s to decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from dialogs.report.figures import Report
from dialogs.report.shown import Line, PickupLine, Shown, ShownBreakdown, shown_report
from dialogs.report.wording import EMPTY, SUBTITLE, TITLE, notes, period
from knowledge.pageshell import html_page

__all__ = ["CSS", "PageControls", "render_html", "render_page"]

CSS = """
:root { color: #1a1a1a; background: #ffffff; }
body { font: 16px/1.5 system-ui, "Segoe UI", Arial, sans-serif; max-width: 60rem;
  margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #1f4e79; }
.sub, .noten { color: #3d3d3d; }
.waarschuwing { border: 2px solid #a4262c; background: #fdf3f4; padding: 0.6rem 1rem;
  border-radius: 6px; }
.kern { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr));
  gap: 0.8rem; margin: 1.2rem 0; padding: 0; }
.kern div { border: 2px solid #1f4e79; border-radius: 6px; padding: 0.5rem 0.9rem; }
.kern dt { font-size: 0.9rem; }
.kern dd { margin: 0; font-size: 1.6rem; font-weight: 700; color: #1f4e79; }
.kern dd.vorige { font-size: 0.9rem; font-weight: normal; color: #3d3d3d; }
.paar { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5rem; align-items: start; }
svg { width: 100%; height: auto; }
svg text { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 14px;
  fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid #8c8c8c;
  vertical-align: top; overflow-wrap: anywhere; hyphens: auto; }
tbody th { font-weight: normal; }
.getal { text-align: right; font-variant-numeric: tabular-nums; }
.legenda { font-size: 0.9rem; margin: 0 0 0.3rem; }
.legenda span { display: inline-block; width: 1.2rem; height: 0.7rem; margin: 0 0.3rem 0 0.8rem;
  border: 1.5px solid #1f4e79; }
.legenda .nu { background: #1f4e79; margin-left: 0; }
.legenda .toen { background: #c5d5e4; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: end;
  border: 1px solid #8c8c8c; border-radius: 6px; padding: 0.8rem; margin: 1rem 0; }
form.filters div { display: flex; flex-direction: column; font-size: 0.9rem;
  min-width: 0; max-width: 100%; }
form.filters select { width: 100%; }
.paar > * { min-width: 0; }

form.filters input, form.filters select, form.filters button { font: inherit;
  padding: 0.3rem; min-height: 2.5rem; max-width: 100%; }
form.filters button { background: #1f4e79; color: #ffffff; border: 2px solid #1f4e79;
  border-radius: 4px; padding: 0.3rem 1rem; }
.downloads a { display: inline-block; margin: 0 1rem 0.5rem 0; padding: 0.4rem 0.2rem; }
@media (max-width: 50rem) { .paar { grid-template-columns: 1fr; } }
@media (max-width: 30rem) { body { padding: 0.6rem; } table { font-size: 0.85rem; }
  th, td { padding: 0.2rem 0.2rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  form.filters, .downloads { display: none; }
  section { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

_NOW = "#1f4e79"
_THEN = "#c5d5e4"
_CHART_WIDTH = 400
_BAR_SPACE = 300
_ROW_HEIGHT = 54
_MASK_WIDTH = 22
"""The width of the marker for a suppressed count: fixed, so it reveals nothing."""


@dataclass(frozen=True)
class PageControls:
    """What ``/rapport`` shows above the report: the filter form and the downloads."""

    action: str
    """Where the filter form goes (``/rapport``)."""
    regions: Sequence[tuple[str, str]]
    """(code, name) of each region to filter on."""
    organisations: Sequence[tuple[str, str]]
    """(id, name) of each organisation to filter on."""
    downloads: Sequence[tuple[str, str]]
    """(label, href) of each download of this very report."""


def render_html(report: Report) -> str:
    """The report as one standalone Dutch HTML page (no links, no scripts)."""
    return html_page(_title(report), _body(report, None), style=CSS)


def render_page(report: Report, controls: PageControls) -> str:
    """The report page of ``/rapport``: the filters, the downloads, then the report."""
    return html_page(_title(report), _body(report, controls), style=CSS)


def _title(report: Report) -> str:
    return f"{TITLE}, {period(report.period)}"


def _body(report: Report, controls: PageControls | None) -> str:
    body = [f"<h1>{escape(TITLE)}</h1>", f'<p class="sub">{escape(SUBTITLE)}</p>']
    if controls is not None:
        body.append(_filters(report, controls))
    body.append(
        f"<p>Periode: <strong>{escape(period(report.period))}</strong>; vorige periode: "
        f"{escape(period(report.previous_period))}. {escape(report.scope)}.</p>"
    )
    if report.warning:
        body.append(f'<p class="waarschuwing" role="alert">{escape(report.warning)}</p>')
    if controls is not None and controls.downloads:
        links = "".join(
            f'<a href="{escape(href)}" download>{escape(label)}</a>'
            for label, href in controls.downloads
        )
        body.append(f'<p class="downloads">{links}</p>')
    if report.empty:
        body.append(f"<p><strong>{escape(EMPTY)}</strong></p>")
    else:
        shown = shown_report(report)
        body.append(_tiles("Totaal", "totaal", shown.headline))
        body.append(_tiles("Afspraken uit het convenant", "convenant", shown.covenant))
        body += [_section(split) for split in shown.breakdowns]
        body.append(_pickup(shown.pickup))
    body.append(_notes(report))
    return "\n".join(body)


def _filters(report: Report, controls: PageControls) -> str:
    def select(
        name: str, label: str, choices: Sequence[tuple[str, str]], chosen: str | None
    ) -> str:
        options = [f'<option value=""{"" if chosen else " selected"}>Alle</option>']
        options += [
            f'<option value="{escape(code)}"{" selected" if code == chosen else ""}>'
            f"{escape(text)}</option>"
            for code, text in choices
        ]
        return (
            f'<div><label for="f-{name}">{label}</label>'
            f'<select id="f-{name}" name="{name}">{"".join(options)}</select></div>'
        )

    chosen = report.filters
    return (
        f'<form class="filters" method="get" action="{escape(controls.action)}">'
        '<div><label for="f-van">Van</label><input id="f-van" type="date" name="van" '
        f'value="{report.start.isoformat()}" required></div>'
        '<div><label for="f-tot">Tot en met</label><input id="f-tot" type="date" name="tot" '
        f'value="{report.end.isoformat()}" required></div>'
        f"{select('regio', 'Regio', controls.regions, chosen.region)}"
        f"{select('organisatie', 'Organisatie', controls.organisations, chosen.organisation)}"
        "<button type=submit>Toon</button></form>"
    )


def _tiles(title: str, ident: str, lines: Sequence[Line]) -> str:
    items = "".join(
        f"<div><dt>{escape(x.label)}</dt><dd>{escape(x.now.text())}</dd>"
        f'<dd class="vorige">vorige periode: {escape(x.before.text())}</dd></div>'
        for x in lines
    )
    return (
        f'<section><h2 id="{ident}">{escape(title)}</h2>'
        f'<dl class="kern" aria-labelledby="{ident}">{items}</dl></section>'
    )


def _section(split: ShownBreakdown) -> str:
    return (
        f'<section><h2 id="{split.key}">{escape(split.title)}</h2>{_legend()}'
        f'<div class="paar">{_chart(split)}{_table(split)}</div></section>'
    )


def _legend() -> str:
    return (
        '<p class="legenda" aria-hidden="true"><span class="nu"></span>deze periode'
        '<span class="toen"></span>vorige periode</p>'
    )


def _table(split: ShownBreakdown) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th>'
        f'<td class="getal">{escape(r.count.text())}</td>'
        f'<td class="getal">{escape(r.requests.text())}</td>'
        f'<td class="getal">{escape("" if r.previous is None else r.previous.text())}</td></tr>'
        for r in split.rows
    )
    return (
        f'<table aria-labelledby="{split.key}"><thead><tr>'
        f'<th scope="col">{escape(split.column)}</th><th scope="col" class="getal">Aantal</th>'
        '<th scope="col" class="getal">Waarvan verzoeken</th>'
        '<th scope="col" class="getal">Vorige periode</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _chart(split: ShownBreakdown) -> str:
    """A horizontal bar chart, this period and the previous one per row; a suppressed count gets
    one fixed marker, never a length of its own."""
    values = [r.count.value for r in split.rows]
    values += [r.previous.value for r in split.rows if r.previous is not None]
    scale = max([5.0, *(v for v in values if v is not None)])  # never from a suppressed count
    height = _ROW_HEIGHT * len(split.rows) + 8
    summary = "; ".join(
        f"{r.label}: {r.count.text()} (vorige periode: "
        f"{'' if r.previous is None else r.previous.text()})"
        for r in split.rows
    )
    ident = f"grafiek-{split.key}"
    bars = "".join(
        _bars(index * _ROW_HEIGHT, r.label, r.count, r.previous, scale)
        for index, r in enumerate(split.rows)
    )
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}" height="{height}">'
        f'<title id="{ident}-t">Staafdiagram: consultaties {escape(split.title.lower())}, '
        f'deze en vorige periode</title><desc id="{ident}-d">{escape(summary)}</desc>'
        f"{bars}</svg>"
    )


def _bars(top: int, label: str, now: Shown, then: Shown | None, scale: float) -> str:
    first, first_end = _bar(top + 20, 14, now, scale, _NOW)
    second, second_end = ("", 0.0) if then is None else _bar(top + 37, 9, then, scale, _THEN)
    title = f"{label}: {now.text()}" + ("" if then is None else f", vorige periode {then.text()}")
    return (
        f"<g><title>{escape(title)}</title>"
        f'<text x="0" y="{top + 14}">{escape(label)}</text>{first}{second}'
        f'<text x="{max(first_end, second_end) + 6}" y="{top + 32}">'
        f"{escape(_bar_text(now))}</text></g>"
    )


def _bar(y: int, height: int, figure: Shown, scale: float, fill: str) -> tuple[str, float]:
    """One bar and where it ends; a suppressed count a fixed dashed marker; 0 nothing."""
    if figure.value is None:
        marker = (
            f'<rect class="gemaskeerd" x="0" y="{y}" width="{_MASK_WIDTH}" height="{height}" '
            f'fill="#ffffff" stroke="{_NOW}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
        return marker, float(_MASK_WIDTH)
    if figure.value == 0:
        return "", 0.0
    length = round(figure.value / scale * _BAR_SPACE, 1)
    return (
        f'<rect x="0" y="{y}" width="{length}" height="{height}" fill="{fill}" '
        f'stroke="{_NOW}" stroke-width="1"/>',
        length,
    )


def _bar_text(figure: Shown) -> str:
    return f"{figure.text()} (te klein om te tonen)" if figure.suppressed else figure.text()


def _pickup(lines: Sequence[PickupLine]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(x.label)}</th>'
        + "".join(
            f'<td class="getal">{escape(f.text())}</td>'
            for f in (x.picked_up, x.median_working, x.p90_working, x.median_clock, x.p90_clock)
        )
        + "</tr>"
        for x in lines
    )
    headers = ("Opgepakt", "Mediaan (werktijd)", "90% binnen (werktijd)", "Mediaan (klokuren)")
    heads = "".join(f'<th scope="col" class="getal">{h}</th>' for h in headers)
    return (
        '<section><h2 id="oppaktijd">Oppaktijd per kwartaal</h2>'
        '<table aria-labelledby="oppaktijd"><thead><tr><th scope="col">Kwartaal</th>'
        f'{heads}<th scope="col" class="getal">90% binnen (klokuren)</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _notes(report: Report) -> str:
    items = "".join(f"<li>{escape(note)}</li>" for note in notes(report))
    return f'<footer class="noten"><h2>Zo is geteld</h2><ul>{items}</ul></footer>'
