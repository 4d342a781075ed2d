"""Directory checks: regions, municipalities, woonplaatsen, aliases and coverage fit together."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from knowledge.normalise import normalise
from knowledge.problems import Problem

if TYPE_CHECKING:
    from knowledge.library import KnowledgeBase
    from knowledge.model import NodeHook, Organisation, RegionPack

__all__ = ["check_directory"]


def check_directory(knowledge: KnowledgeBase) -> list[Problem]:
    """Every problem in how the directory's parts refer to each other."""
    return [
        *_regions(knowledge),
        *_gemeenten(knowledge),
        *_aliases(knowledge),
        *_coverage(knowledge),
        *_packs(knowledge),
        *_faq_counterparts(knowledge),
        *_contact_data(knowledge),
        *_served_gemeenten(knowledge),
    ]


def _problem(
    knowledge: KnowledgeBase, kind: str, ident: str, message: str, *path: str | int
) -> Problem:
    origin = knowledge.origins[(kind, ident)]
    return origin.document.problem((*origin.path, *path), message)


_CONTACT_FIELDS = (("phone", "telefoonnummer"), ("email", "e-mailadres"))
_JOINED_DIGITS = re.compile(r"(?<=\d)[ -](?=\d)")


def _contact_data(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """Every phone number and e-mail address of a directory entry is either quoted by one of
    its sources (a source's title says what the page showed on its ``checked`` date) or
    listed in ``unconfirmed`` (shown as "te bevestigen" with the entry's ``verified`` date)."""
    for organisation in knowledge.organisations.values():
        for field_name, label in _CONTACT_FIELDS:
            value = getattr(organisation, field_name)
            if value is None or field_name in organisation.unconfirmed:
                continue
            if not _quoted(knowledge, organisation, value):
                message = (
                    f"{label} {value} staat in geen van de bronnen van deze organisatie; "
                    "noem de bron die het bevestigt, of zet "
                    f"'{field_name}' in 'unconfirmed' (te bevestigen)"
                )
                yield _problem(knowledge, "organisation", organisation.id, message, field_name)


def _served_gemeenten(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """An organisation's ``gemeenten`` exist and lie in the regions whose packs name it; a
    dossier line's ``jgz`` are its pack's JGZ organisations."""
    for organisation in knowledge.organisations.values():
        regions = knowledge.organisation_regions(organisation.id)
        for i, code in enumerate(organisation.gemeenten):
            gemeente = knowledge.gemeenten.get(code)
            if gemeente is None:
                message = f"gemeente '{code}' bestaat niet"
            elif regions and gemeente.region not in regions:
                message = (
                    f"gemeente '{code}' ({gemeente.name}) ligt buiten de regio van deze organisatie"
                )
            else:
                continue
            yield _problem(knowledge, "organisation", organisation.id, message, "gemeenten", i)
    for pack in knowledge.packs.values():
        for i, org in enumerate(pack.dossier.jgz if pack.dossier else ()):
            if org not in pack.jgz:
                message = f"dossierregel voor JGZ '{org}', die niet in 'jgz' van het pakket staat"
                yield _problem(knowledge, "pack", pack.id, message, "dossier", "jgz", i)


def _quoted(knowledge: KnowledgeBase, organisation: Organisation, value: str) -> bool:
    """Whether a source of ``organisation`` quotes ``value`` in its title (numbers compared
    without the spaces and dashes between digits)."""
    wanted = _JOINED_DIGITS.sub("", value.casefold())
    pattern = re.compile(rf"(?<![\w@.]){re.escape(wanted)}(?![\w@]|\.\w)")
    titles = (knowledge.sources[s].title for s in organisation.sources if s in knowledge.sources)
    return any(pattern.search(_JOINED_DIGITS.sub("", t.casefold())) for t in titles)


def _regions(knowledge: KnowledgeBase) -> Iterator[Problem]:
    used = {g.region for g in knowledge.gemeenten.values()}
    for region in knowledge.regions.values():
        for i, source in enumerate(region.sources):
            if source not in knowledge.sources:
                yield _problem(
                    knowledge, "region", region.code, f"bron '{source}' bestaat niet", "sources", i
                )
        if knowledge.gemeenten and region.code not in used:
            yield _problem(knowledge, "region", region.code, "regio zonder gemeenten")


def _gemeenten(knowledge: KnowledgeBase) -> Iterator[Problem]:
    seen: dict[int, str] = {}
    for gemeente in knowledge.gemeenten.values():
        if gemeente.region not in knowledge.regions:
            message = f"regio '{gemeente.region}' bestaat niet"
            yield _problem(knowledge, "gemeente", gemeente.code, message, "region")
        for i, (code, name) in enumerate(gemeente.places):
            if code in seen:
                message = f"woonplaatscode {code} ({name}) staat ook bij {seen[code]}"
                yield _problem(knowledge, "gemeente", gemeente.code, message, "places", i)
            seen[code] = gemeente.code


def _aliases(knowledge: KnowledgeBase) -> Iterator[Problem]:
    names = {normalise(g.name) for g in knowledge.gemeenten.values()}
    for alias in knowledge.aliases.values():
        if alias.gemeente not in knowledge.gemeenten:
            message = f"gemeente '{alias.gemeente}' bestaat niet"
            yield _problem(knowledge, "alias", alias.id, message, "gemeente")
        for i, code in enumerate(alias.also):
            if code not in knowledge.gemeenten:
                message = f"gemeente '{code}' bestaat niet"
                yield _problem(knowledge, "alias", alias.id, message, "also", i)
        if normalise(alias.name) in names:
            message = f"'{alias.name}' is al de naam van een gemeente"
            yield _problem(knowledge, "alias", alias.id, message, "name")


def _coverage(knowledge: KnowledgeBase) -> Iterator[Problem]:
    for entry in knowledge.coverage.values():
        if entry.gemeente not in knowledge.gemeenten:
            message = f"gemeente '{entry.gemeente}' bestaat niet"
            yield _problem(knowledge, "coverage", entry.gemeente, message, "gemeente")
        for key in ("jgz", "local_team"):
            org = getattr(entry, key)
            if org is not None and org not in knowledge.organisations:
                message = f"organisatie '{org}' bestaat niet"
                yield _problem(knowledge, "coverage", entry.gemeente, message, key)


def _packs(knowledge: KnowledgeBase) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for pack in knowledge.packs.values():
        if pack.region in seen:
            message = f"regio {pack.region} heeft al een regiopakket ('{seen[pack.region]}')"
            yield _problem(knowledge, "pack", pack.id, message, "region")
        seen[pack.region] = pack.id
        if knowledge.regions and pack.region not in knowledge.regions:
            yield _problem(
                knowledge, "pack", pack.id, f"regio '{pack.region}' bestaat niet", "region"
            )
        yield from _pack_references(knowledge, pack)
        yield from _pack_coverage(knowledge, pack)


def _pack_coverage(knowledge: KnowledgeBase, pack: RegionPack) -> Iterator[Problem]:
    """Every gemeente of the pack's region names its JGZ (a generated pack: the GGD)."""
    missing = sorted(
        g.code
        for g in knowledge.gemeenten.values()
        if g.region == pack.region and g.code not in knowledge.coverage
    )
    if missing:
        listed = ", ".join(missing[:5]) + (
            f" en {len(missing) - 5} meer" if len(missing) > 5 else ""
        )
        message = f"gemeente(n) zonder JGZ in 'coverage': {listed}"
        yield _problem(knowledge, "pack", pack.id, message, "region")
    # A gemeente's JGZ is one of the pack's JGZ organisations: it gets an inbox, and what it
    # sends runs partner → JGZ.
    serving = sorted(
        {
            c.jgz
            for c in knowledge.coverage.values()
            if c.gemeente in knowledge.gemeenten
            and knowledge.gemeenten[c.gemeente].region == pack.region
            and c.jgz not in pack.jgz
        }
    )
    for org in serving:
        message = f"JGZ '{org}' dient een gemeente van de regio maar staat niet in 'jgz'"
        yield _problem(knowledge, "pack", pack.id, message, "jgz")


def _pack_references(knowledge: KnowledgeBase, pack: RegionPack) -> Iterator[Problem]:
    organisations: list[tuple[str | None, tuple[str | int, ...]]] = [
        (pack.veilig_thuis, ("veilig_thuis",)),
        (pack.vertrouwensarts, ("vertrouwensarts",)),
        *((o, ("protection", i)) for i, o in enumerate(pack.protection)),
        *((o, ("jgz", i)) for i, o in enumerate(pack.jgz)),
        *((o, ("chain", i)) for i, o in enumerate(pack.chain)),
    ]
    for org, path in organisations:
        if org is not None and org not in knowledge.organisations:
            yield _problem(knowledge, "pack", pack.id, f"organisatie '{org}' bestaat niet", *path)
    sources: list[tuple[str, tuple[str | int, ...]]] = [
        (s, ("sources", i)) for i, s in enumerate(pack.sources)
    ]
    if pack.dossier is not None and pack.dossier.source is not None:
        sources.append((pack.dossier.source, ("dossier", "source")))
    for source, path in sources:
        if source not in knowledge.sources:
            yield _problem(knowledge, "pack", pack.id, f"bron '{source}' bestaat niet", *path)
    if pack.covenant is not None and pack.covenant not in knowledge.trees:
        message = f"boom '{pack.covenant}' bestaat niet"
        yield _problem(knowledge, "pack", pack.id, message, "covenant")
    for i, hook in enumerate(pack.hooks):
        for message, path in _hook_problems(knowledge, pack, hook):
            yield _problem(knowledge, "pack", pack.id, message, "hooks", i, *path)


def _hook_problems(
    knowledge: KnowledgeBase, pack: RegionPack, hook: NodeHook
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """What is wrong with one hook, with its path: the node or FAQ entry must be national
    (another region's content is not this pack's to change) and everything it adds must exist."""
    if hook.faq is not None:
        yield from _faq_hook_problems(knowledge, pack, hook.faq)
    else:
        yield from _node_hook_problems(knowledge, pack, hook)
    for key, known, noun in (
        ("contacts", knowledge.organisations, "organisatie"),
        ("related", knowledge.trees, "boom"),
        ("sources", knowledge.sources, "bron"),
    ):
        for j, ident in enumerate(getattr(hook, key)):
            if ident not in known:
                yield f"{noun} '{ident}' bestaat niet", (key, j)


def _node_hook_problems(
    knowledge: KnowledgeBase, pack: RegionPack, hook: NodeHook
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    tree = knowledge.trees.get(hook.tree or "")
    if tree is None:
        yield f"boom '{hook.tree}' bestaat niet", ("tree",)
        return
    if knowledge.tree_region(tree.id) not in (None, pack.region):
        yield f"boom '{hook.tree}' hoort bij een ander regiopakket", ("tree",)
    if not tree.has_node(hook.node or ""):
        yield f"knoop '{hook.node}' bestaat niet in boom '{hook.tree}'", ("node",)
    elif hook.related and tree.node(hook.node or "").options:
        yield "'related' kan alleen bij een advies dat een pad afsluit", ("related",)


def _faq_hook_problems(
    knowledge: KnowledgeBase, pack: RegionPack, faq: str
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    if faq not in knowledge.faq:
        yield f"vraag '{faq}' bestaat niet", ("faq",)
    elif knowledge.faq_region(faq) is not None:
        # A pack's own entry says what it says there; a hook adds to national answers only.
        yield f"vraag '{faq}' hoort bij een regiopakket, niet bij de landelijke inhoud", ("faq",)


def _faq_counterparts(knowledge: KnowledgeBase) -> Iterator[Problem]:
    """A pack's FAQ entry may name the national entry answered for a child elsewhere
    (``national``); a national entry names none."""
    for entry in knowledge.faq.values():
        if entry.national is None:
            continue
        if knowledge.faq_region(entry.id) is None:
            message = "'national' hoort bij een vraag van een regiopakket"
        elif entry.national not in knowledge.faq:
            message = f"vraag '{entry.national}' bestaat niet"
        elif knowledge.faq_region(entry.national) is not None:
            message = f"vraag '{entry.national}' is geen landelijke vraag"
        else:
            continue
        yield _problem(knowledge, "faq", entry.id, message, "national")
