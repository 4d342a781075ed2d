"""Place answers: the Veilig Thuis region for where a child lives, and who serves that place."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.phrases import DANGER, VEILIG_THUIS_NUMBER
from dialogs.targets import PLACE_KINDS, PlaceTarget, decode
from knowledge.library import KnowledgeBase
from knowledge.model import Gemeente, Region

__all__ = [
    "NATIONAL_VEILIG_THUIS",
    "PLACE_KINDS",
    "Place",
    "place_contact_ids",
    "place_label",
    "place_sources",
    "place_text",
    "resolve_place",
]

NATIONAL_VEILIG_THUIS = "veilig-thuis"
VERTROUWENSARTS = "vertrouwensarts"
ALARM = "alarmnummer"
_NATIONAL_SOURCES = ("cbs-veiligthuisregio", "augeo-veilig-thuis")

_UNCONFIRMED = "te bevestigen"


@dataclass(frozen=True)
class Place:
    """A resolved place target: the name typed for, its gemeente (if any) and its region."""

    name: str
    gemeente: Gemeente | None
    region: Region
    until: int | None = None
    """For a former gemeente: the year it stopped being one (it is in ``gemeente`` now)."""


def resolve_place(knowledge: KnowledgeBase, target: str | PlaceTarget) -> Place | None:
    """The place ``target`` names (a ``PlaceTarget`` or its string, ``gemeente:GM0355``), or
    None when it names no place in ``knowledge``."""
    found = decode(target) if isinstance(target, str) else target
    if not isinstance(found, PlaceTarget):
        return None
    kind, ident = found.kind, found.code
    if kind == "former" and ident in knowledge.aliases:
        alias = knowledge.aliases[ident]
        today = knowledge.gemeenten[alias.gemeente]
        return Place(alias.name, today, knowledge.regions[today.region], until=alias.year)
    if kind == "gemeente" and ident in knowledge.gemeenten:
        gemeente = knowledge.gemeenten[ident]
        return Place(gemeente.name, gemeente, knowledge.regions[gemeente.region])
    if kind == "region" and ident in knowledge.regions:
        region = knowledge.regions[ident]
        return Place(region.name, None, region)
    if kind == "woonplaats" and ident.isdigit():
        code = int(ident)
        for gemeente in knowledge.gemeenten.values():
            name = next((n for c, n in gemeente.places if c == code), None)
            if name is not None:
                return Place(name, gemeente, knowledge.regions[gemeente.region])
    return None


def place_label(place: Place) -> str:
    """A button label that tells same-named places apart, with the region each lies in:
    "Bergen (NH.) — <region>"."""
    if place.gemeente is None:
        return f"Veilig Thuis-regio {place.region.name}"
    if place.name == place.gemeente.name:
        return f"{place.name} — {place.region.name}"
    return f"{place.name} ({place.gemeente.name}) — {place.region.name}"


def place_text(knowledge: KnowledgeBase, place: Place) -> str:
    """What to do for a child living at ``place``: region, 0800-2000, what to say, who serves."""
    region = place.region.name
    if place.gemeente is None:
        where = f"Veilig Thuis-regio {region}."
        say = "Noem de woonplaats van het kind; u komt dan bij de regio waar het kind woont."
    else:
        where = _where(place)
        # A former gemeente is no woonplaats: the caller names today's gemeente.
        named = place.gemeente.name if place.until is not None else place.name
        say = f"Noem de woonplaats van het kind: {named}. U komt dan bij Veilig Thuis {region}."
    lines = [
        where,
        f"Bel {VEILIG_THUIS_NUMBER}. {say}",
        "De regio hangt af van waar het kind woont, niet van waar u werkt.",
        "Overleg van arts tot arts: vraag naar de vertrouwensarts (normaal tijdens kantooruren).",
        DANGER,
    ]
    lines += _coverage_lines(knowledge, place)
    return "\n".join(lines)


def _where(place: Place) -> str:
    assert place.gemeente is not None
    if place.name == place.gemeente.name:
        return f"Gemeente {place.name} valt onder Veilig Thuis-regio {place.region.name}."
    if place.until is not None:
        return (
            f"{place.name} was tot {place.until} een gemeente en hoort nu bij de gemeente "
            f"{place.gemeente.name}, Veilig Thuis-regio {place.region.name}."
        )
    return (
        f"{place.name} ligt in de gemeente {place.gemeente.name}, "
        f"Veilig Thuis-regio {place.region.name}."
    )


def _coverage_lines(knowledge: KnowledgeBase, place: Place) -> list[str]:
    if place.gemeente is None:
        return []
    if place.gemeente.code not in knowledge.coverage:
        # National default: every gemeente has a local team; which one is not in our data.
        return [
            f"Lokaal team: het wijk- of sociaal team van de gemeente {place.gemeente.name} "
            f"({_UNCONFIRMED})."
        ]
    entry = knowledge.coverage[place.gemeente.code]
    jgz = knowledge.organisations[entry.jgz].name
    team = knowledge.organisations[entry.local_team].name
    mark = {
        field: f" ({_UNCONFIRMED})" if field in entry.unconfirmed else ""
        for field in ("jgz", "local_team")
    }
    return [
        f"JGZ in {place.gemeente.name}: {jgz}{mark['jgz']}.",
        f"Lokaal team: {team}{mark['local_team']}.",
    ]


def place_contact_ids(knowledge: KnowledgeBase, place: Place) -> list[str]:
    """Organisation ids to show as cards for ``place``, most useful first."""
    pack = knowledge.pack_for(place.region.code)
    ids = [pack.veilig_thuis or NATIONAL_VEILIG_THUIS, VERTROUWENSARTS]
    if place.gemeente is not None and place.gemeente.code in knowledge.coverage:
        entry = knowledge.coverage[place.gemeente.code]
        ids += [entry.jgz, entry.local_team]
    ids += pack.protection
    return [i for i in ids if i in knowledge.organisations]


def place_sources(knowledge: KnowledgeBase, place: Place) -> tuple[str, ...]:
    """Source ids for a place answer: the national ones and those of the region's pack."""
    return (*_NATIONAL_SOURCES, *knowledge.pack_for(place.region.code).sources)
