"""Place answers: the Veilig Thuis region for where a child lives, and who serves that place.

Two sides of the covenant ask: a JGZ professional gets the region's Veilig Thuis, 0800-2000,
the vertrouwensarts and the gemeente's JGZ and local team; a Veilig Thuis / SAVE professional
gets the gemeente's JGZ first, with how to reach it, and never "bel Veilig Thuis". Every place
in a gemeente names its JGZ organisation (a region pack's ``coverage``; at least the gemeente's
GGD, "te bevestigen"). The answer is short: about one phone screen before its cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.phrases import DANGER, PLACE
from dialogs.plaintext import UNCONFIRMED
from dialogs.targets import PLACE_KINDS, PlaceTarget, decode
from knowledge.library import KnowledgeBase
from knowledge.model import Coverage, Gemeente, Region

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
_NATIONAL_SOURCES = ("cbs-veiligthuisregio", "augeo-veilig-thuis")


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


def place_text(
    knowledge: KnowledgeBase,
    place: Place,
    *,
    partner_side: bool = False,
    jgz_inbox: bool = False,
    nurse: bool = False,
) -> str:
    """What to do for a child living at ``place``. For the JGZ (default): region, 0800-2000,
    what to say, the vertrouwensarts, who serves the gemeente. For a Veilig Thuis / SAVE
    professional (``partner_side``): the gemeente's JGZ first, with how to reach it (through
    Verbind when it has an inbox here: ``jgz_inbox``), then the local team and the region.
    ``nurse``: a jeugdverpleegkundige, who reaches the vertrouwensarts through the jeugdarts."""
    if partner_side:
        return "\n".join(_partner_lines(knowledge, place, jgz_inbox=jgz_inbox))
    if place.gemeente is None:
        call = PLACE["call-region"]
    else:
        # A former gemeente is no woonplaats: the caller names today's gemeente.
        named = place.gemeente.name if place.until is not None else place.name
        call = PLACE["call"].format(named=named)
    lines = [_where(place), f"{call} {PLACE['nurse' if nurse else 'doctor']}"]
    coverage = _coverage(knowledge, place)
    if coverage:
        lines.append(" ".join(coverage))
    return "\n".join([*lines, DANGER])


def _partner_lines(knowledge: KnowledgeBase, place: Place, *, jgz_inbox: bool) -> list[str]:
    gemeente = place.gemeente
    if gemeente is None:
        return [_where(place), DANGER]
    entry = knowledge.coverage.get(gemeente.code)
    lines = []
    if entry is not None:
        jgz = knowledge.organisations[entry.jgz]
        key = "jgz-first-4-18" if entry.jgz_ages == "4-18" else "jgz-first"
        lines.append(PLACE[key].format(gemeente=gemeente.name, jgz=jgz.name, mark=_mark(entry)))
        reach = [PLACE["jgz-inbox"]] if jgz_inbox else []
        if jgz.phone and "phone" not in jgz.unconfirmed:
            reach.append(PLACE["jgz-phone"].format(phone=jgz.phone))
        elif not jgz_inbox:
            reach.append(PLACE["jgz-no-phone"].format(unconfirmed=UNCONFIRMED))
        lines.append(" ".join(reach))
    lines.append(_team(knowledge, gemeente, entry))
    return [*lines, _where(place), DANGER]


def _where(place: Place) -> str:
    region = place.region.name
    if place.gemeente is None:
        return PLACE["region"].format(region=region)
    if place.name == place.gemeente.name:
        return PLACE["gemeente"].format(name=place.name, region=region)
    if place.until is not None:
        return PLACE["former"].format(
            name=place.name, until=place.until, gemeente=place.gemeente.name, region=region
        )
    return PLACE["woonplaats"].format(name=place.name, gemeente=place.gemeente.name, region=region)


def _mark(entry: Coverage, field: str = "jgz") -> str:
    return f" ({UNCONFIRMED})" if field in entry.unconfirmed else ""


def _coverage(knowledge: KnowledgeBase, place: Place) -> list[str]:
    """The gemeente's JGZ and local team, each marked when not confirmed."""
    gemeente = place.gemeente
    if gemeente is None:
        return []
    entry = knowledge.coverage.get(gemeente.code)
    lines = []
    if entry is not None:
        jgz = knowledge.organisations[entry.jgz].name
        key = "jgz-4-18" if entry.jgz_ages == "4-18" else "jgz"
        lines.append(PLACE[key].format(gemeente=gemeente.name, jgz=jgz, mark=_mark(entry)))
    return [*lines, _team(knowledge, gemeente, entry)]


def _team(knowledge: KnowledgeBase, gemeente: Gemeente, entry: Coverage | None) -> str:
    if entry is None or entry.local_team is None:
        # Every gemeente has a local team; which one is not in our data.
        return PLACE["team-unknown"].format(gemeente=gemeente.name, unconfirmed=UNCONFIRMED)
    team = knowledge.organisations[entry.local_team].name
    return PLACE["team"].format(team=team, mark=_mark(entry, "local_team"))


def place_contact_ids(
    knowledge: KnowledgeBase, place: Place, *, partner_side: bool = False
) -> list[str]:
    """Organisation ids to show as cards for ``place``, most useful first: for the JGZ the
    region's Veilig Thuis and vertrouwensarts, then the gemeente's JGZ, local team and the
    region's child protection; for Veilig Thuis / SAVE the gemeente's JGZ and local team."""
    pack = knowledge.pack_for(place.region.code)
    served: list[str] = []
    if place.gemeente is not None and place.gemeente.code in knowledge.coverage:
        entry = knowledge.coverage[place.gemeente.code]
        served = [i for i in (entry.jgz, entry.local_team) if i is not None]
    if partner_side:
        ids = served
    else:
        ids = [
            pack.veilig_thuis or NATIONAL_VEILIG_THUIS,
            pack.vertrouwensarts or VERTROUWENSARTS,
            *served,
            *pack.protection,
        ]
    return [i for i in dict.fromkeys(ids) if i in knowledge.organisations]


def place_sources(knowledge: KnowledgeBase, place: Place) -> tuple[str, ...]:
    """Source ids for a place answer: the national ones and those of the region's pack."""
    return (*_NATIONAL_SOURCES, *knowledge.pack_for(place.region.code).sources)
