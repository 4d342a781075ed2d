#!/usr/bin/env python3
"""Generate the national directory YAML (regions, gemeenten) from the CBS tables.

Usage: scripts/build_directory.py DATA_DIR [OUT_DIR]

DATA_DIR holds gemeente_veiligthuisregio.csv and woonplaats_gemeente.csv (CBS open data,
CC BY 4.0). The output under knowledge/content/directory/ is committed; re-run after the yearly
CBS update and review the diff (municipal mergers happen on 1 January). What serves each
gemeente in a region (its JGZ, its local team) is region-pack content under
knowledge/content/regions/, edited by hand.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "knowledge" / "content" / "directory"
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


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    gemeenten, places = read(Path(argv[1]))
    out = Path(argv[2]) if len(argv) == 3 else OUT
    (out / "regions.yaml").write_text(regions_yaml(gemeenten), encoding="utf-8")
    (out / "gemeenten.yaml").write_text(gemeenten_yaml(gemeenten, places), encoding="utf-8")
    count = sum(map(len, places.values()))
    print(f"{len(gemeenten)} gemeenten, {count} woonplaatsen written to {out.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
