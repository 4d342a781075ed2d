#!/usr/bin/env python3
"""Generate the directory YAML (regions, gemeenten, Utrecht coverage) from the CBS tables.

Usage: scripts/build_directory.py DATA_DIR [OUT_DIR]

DATA_DIR holds gemeente_veiligthuisregio.csv and woonplaats_gemeente.csv (CBS open data,
CC BY 4.0). The output under knowledge/content/directory/ is committed; re-run after the yearly
CBS update and review the diff (municipal mergers happen on 1 January).
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "knowledge" / "content" / "directory"
VERIFIED = date(2026, 11, 23).isoformat()
ATTRIBUTION = "# Bron: CBS (Centraal Bureau voor de Statistiek), open data, licentie CC BY 4.0.\n"

# CBS spells a few region names loosely; these are the display names (capitals and hyphens only).
DISPLAY = {"West-brabant": "West-Brabant", "Noord- en Midden Limburg": "Noord- en Midden-Limburg"}
REGION_ORGANISATION = {"VT20": "veilig-thuis-utrecht"}

# JGZ per Utrecht municipality (DOMAIN.md §6): the city has its own JGZ; GGD regio Utrecht serves
# most others (member list te bevestigen); Rivas is named in the covenant for Vianen.
JGZ_UTRECHT = {"GM0344": ("jgz-utrecht", False), "GM1961": ("rivas", True)}
JGZ_DEFAULT = ("ggd-regio-utrecht", True)


def quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug(text: str) -> str:
    """The id part made from a municipality name."""
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text.casefold().replace("'", ""))
    return "-".join(part for part in cleaned.split("-") if part)


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
        org = REGION_ORGANISATION.get(code)
        fields = [
            f"code: {code}",
            f"name: {quote(DISPLAY.get(cbs_name, cbs_name))}",
            f"cbs_name: {quote(cbs_name)}",
            *([f"organisation: {org}"] if org else []),
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


def utrecht_yaml(gemeenten: list[dict[str, str]]) -> str:
    utrecht = sorted((g for g in gemeenten if g["vt_code"] == "VT20"), key=lambda g: g["gemeente"])
    lines = [
        "# Who serves each of the 26 municipalities of the Utrecht region (DOMAIN.md §6).\n",
        "# Names and numbers that are not confirmed are marked; nothing here is invented.\n",
        "organisations:\n",
    ]
    for g in utrecht:
        if g["gemeentecode"] == "GM0344":
            continue  # the city of Utrecht has its buurtteams (directory/utrecht.yaml)
        role = (
            f"Het lokale team (wijkteam, sociaal team) van de gemeente {g['gemeente']}. "
            "In een vrijwillig kader heeft het lokale team de regie."
        )
        lines += [
            f"  - id: lokaal-team-{slug(g['gemeente'])}\n",
            f"    name: {quote('Lokaal team ' + g['gemeente'])}\n",
            f"    role: {quote(role)}\n",
            "    unconfirmed: [name, phone]\n",
            f"    verified: {VERIFIED}\n",
            "    sources: [samen-veilig]\n",
        ]
    lines.append("coverage:\n")
    for g in utrecht:
        code = g["gemeentecode"]
        jgz, jgz_unconfirmed = JGZ_UTRECHT.get(code, JGZ_DEFAULT)
        team = "buurtteams-utrecht" if code == "GM0344" else f"lokaal-team-{slug(g['gemeente'])}"
        unconfirmed = "[jgz]" if jgz_unconfirmed else "[]"
        lines.append(
            f"  - {{gemeente: {code}, jgz: {jgz}, local_team: {team}, unconfirmed: {unconfirmed}, "
            f"verified: {VERIFIED}}}\n"
        )
    return "".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    gemeenten, places = read(Path(argv[1]))
    out = Path(argv[2]) if len(argv) == 3 else OUT
    (out / "regions.yaml").write_text(regions_yaml(gemeenten), encoding="utf-8")
    (out / "gemeenten.yaml").write_text(gemeenten_yaml(gemeenten, places), encoding="utf-8")
    (out / "utrecht-municipalities.yaml").write_text(utrecht_yaml(gemeenten), encoding="utf-8")
    count = sum(map(len, places.values()))
    print(f"{len(gemeenten)} gemeenten, {count} woonplaatsen written to {out.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
