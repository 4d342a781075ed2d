#!/usr/bin/env python3
"""Generate the national directory YAML (regions, gemeenten, former gemeenten).

Usage: scripts/build_directory.py DATA_DIR [OUT_DIR]

DATA_DIR holds gemeente_veiligthuisregio.csv and woonplaats_gemeente.csv (CBS open data,
CC BY 4.0). scripts/data/herindelingen.tsv (former gemeenten since the 1990s, by the names of
today's gemeenten; its sources are in its header) becomes former.yaml, with today's CBS codes;
a name that is not a gemeente today stops the script with ``herindelingen.tsv:LINE: message``.
The output under knowledge/content/directory/ is committed; re-run after the yearly CBS update
and review the diff (municipal mergers happen on 1 January). What serves each
gemeente in a region (its JGZ, its local team) is region-pack content under
knowledge/content/regions/, edited by hand.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "knowledge" / "content" / "directory"
HERINDELINGEN = Path(__file__).resolve().parent / "data" / "herindelingen.tsv"
ATTRIBUTION = "# Bron: CBS (Centraal Bureau voor de Statistiek), open data, licentie CC BY 4.0.\n"

# CBS spells a few region names loosely; these are the display names (capitals and hyphens only).
DISPLAY = {"West-brabant": "West-Brabant", "Noord- en Midden Limburg": "Noord- en Midden-Limburg"}


def quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read(data: Path) -> tuple[list[dict[str, str]], dict[str, list[tuple[int, str]]]]:
    with (data / "gemeente_veiligthuisregio.csv").open(encoding="utf-8") as f:
        gemeenten = list(csv.DictReader(f))
    places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with (data / "woonplaats_gemeente.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places[row["gemeentecode"]].append((int(row["woonplaatscode"]), row["woonplaats"]))
    return gemeenten, places


def regions_yaml(gemeenten: list[dict[str, str]]) -> str:
    regions = sorted({(g["vt_code"], g["vt_regio"]) for g in gemeenten})
    lines = [
        ATTRIBUTION,
        "# The 25 Veilig Thuis regions (CBS classification Veiligthuisregio 2025).\n",
        "regions:\n",
    ]
    for code, cbs_name in regions:
        fields = [
            f"code: {code}",
            f"name: {quote(DISPLAY.get(cbs_name, cbs_name))}",
            f"cbs_name: {quote(cbs_name)}",
            "sources: [cbs-veiligthuisregio]",
        ]
        lines.append(f"  - {{{', '.join(fields)}}}\n")
    return "".join(lines)


def gemeenten_yaml(
    gemeenten: list[dict[str, str]], places: dict[str, list[tuple[int, str]]]
) -> str:
    lines = [
        ATTRIBUTION,
        "# Every gemeente with its Veilig Thuis region and its woonplaatsen [CBS code, name].\n",
        "gemeenten:\n",
    ]
    for g in sorted(gemeenten, key=lambda g: g["gemeentecode"]):
        code = g["gemeentecode"]
        pairs = ", ".join(f"[{c}, {quote(name)}]" for c, name in sorted(places[code]))
        fields = f"code: {code}, name: {quote(g['gemeente'])}, region: {g['vt_code']}"
        lines.append(f"  - {{{fields}, places: [{pairs}]}}\n")
    return "".join(lines)


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def former_yaml(gemeenten: list[dict[str, str]], table: Path = HERINDELINGEN) -> str:
    """former.yaml: each former gemeente with today's code(s); raises SystemExit on a bad line."""
    codes = {_key(g["gemeente"]): g["gemeentecode"] for g in gemeenten}
    lines = [
        ATTRIBUTION,
        "# Former gemeenten and where their area is today; generated from"
        " scripts/data/herindelingen.tsv\n# (its header names the sources).\n",
        "aliases:\n",
    ]
    seen: set[str] = set()
    for number, line in enumerate(table.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(("#", "former\t")) or not line.strip():
            continue
        name, year, today = line.split("\t")
        if _key(name) in codes or _key(name) in seen:
            continue  # the name is still a gemeente (it absorbed others), or listed already
        seen.add(_key(name))
        targets = [codes.get(_key(part)) for part in today.split("|")]
        if None in targets or not year.isdigit():
            raise SystemExit(f"{table.name}:{number}: unknown gemeente or year in {line!r}")
        fields = [f"name: {quote(name)}", f"gemeente: {targets[0]}"]
        if len(targets) > 1:
            fields.append(f"also: [{', '.join(str(t) for t in targets[1:])}]")
        note = f"voormalige gemeente (tot {year}); nu {' / '.join(today.split('|'))}"
        fields += [f"year: {year}", f"note: {quote(note)}"]
        lines.append(f"  - {{{', '.join(fields)}}}\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    gemeenten, places = read(Path(argv[1]))
    out = Path(argv[2]) if len(argv) == 3 else OUT
    (out / "regions.yaml").write_text(regions_yaml(gemeenten), encoding="utf-8")
    (out / "gemeenten.yaml").write_text(gemeenten_yaml(gemeenten, places), encoding="utf-8")
    (out / "former.yaml").write_text(former_yaml(gemeenten), encoding="utf-8")
    count = sum(map(len, places.values()))
    print(f"{len(gemeenten)} gemeenten, {count} woonplaatsen written to {out.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
