"""The chain for any gemeente, in both directions: every region walked as its professionals would.

For one gemeente in each of the 25 Veilig Thuis regions a JGZ professional asks the place, asks
for a consultation, records one, opens the menu and reaches the acute outcome; a Veilig Thuis /
SAVE professional asks for the gemeente's JGZ and sends it a bevraging. Outside Utrecht nothing
of Utrecht or of another region shows; every place names the gemeente's JGZ; every request goes
to a partner of the child's region or names the phone route that exists. The place answers of
all 342 gemeenten are checked the same way, without a conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from dialogs import Conversation, MemorySessionStore, Reply
from dialogs.places import place_contact_ids, place_label, place_text, resolve_place
from dialogs.register import MemoryRegister
from dialogs.targets import PlaceTarget
from knowledge import KnowledgeBase, load_knowledge
from tests.test_consultation import KEY, ChannelChat, Desk

SHIPPED = load_knowledge()
UTRECHT = "VT20"
UTRECHT_WORDS = re.compile(r"Utrecht|\bSAVE\b|KIDOS|buurtteam", re.IGNORECASE)
"""What a reply for a child outside the Utrecht region never says."""
PHONE_SCREEN = 560
"""About one phone screen of text before the cards (a place answer's first screen)."""


def one_gemeente_per_region(knowledge: KnowledgeBase) -> list[str]:
    """Per region, its gemeente with the lowest CBS code (deterministic, no hand-picking)."""
    first: dict[str, str] = {}
    for code in sorted(knowledge.gemeenten):
        first.setdefault(knowledge.gemeenten[code].region, code)
    return [first[r] for r in sorted(first)]


GEMEENTEN = one_gemeente_per_region(SHIPPED)


def everything_shown(replies: Iterable[Reply]) -> str:
    """All a user sees of ``replies``: text, buttons, contact cards and source footers."""
    parts: list[str] = []
    for reply in replies:
        parts.append(reply.text)
        parts += [b.label for b in reply.buttons]
        parts += [f"{c.name} {c.role} {c.note or ''} {c.hours or ''}" for c in reply.contacts]
        parts += [s.title for s in reply.sources]
        if reply.form is not None:
            parts += [f"{f.label} {f.value}" for f in reply.form.fields]
    return "\n".join(parts)


def foreign_names(knowledge: KnowledgeBase, region: str) -> list[str]:
    """Names of organisations that belong to other regions only (never this one's)."""
    return sorted(
        org.name
        for org in knowledge.organisations.values()
        if (regions := knowledge.organisation_regions(org.id)) and region not in regions
    )


def assert_regional(knowledge: KnowledgeBase, region: str, shown: str, where: str) -> None:
    """``shown`` holds nothing of Utrecht (outside it) and no other region's organisation."""
    if region != UTRECHT:
        found = UTRECHT_WORDS.findall(shown)
        assert not found, f"{where}: {found}"
    leaked = [name for name in foreign_names(knowledge, region) if name in shown]
    assert not leaked, f"{where}: {leaked}"


def all_partners(knowledge: KnowledgeBase) -> Desk:
    """An intake for every organisation a pack names (as the built-in inbox has)."""
    return Desk(*sorted({o for p in knowledge.packs.values() for o in p.partners}))


async def say_place(chat: ChannelChat, text: str, code: str) -> None:
    """Type ``text`` about gemeente ``code``; where the name is also a woonplaats elsewhere,
    choose the gemeente as the user would."""
    await chat.say(text)
    if chat.replies[-1].text == "Bedoelt u een van deze?":
        place = resolve_place(SHIPPED, PlaceTarget("gemeente", code))
        assert place is not None
        await chat.click(place_label(place))


def chat_for(
    knowledge: KnowledgeBase, desk: Desk | None, key: str
) -> tuple[ChannelChat, MemoryRegister]:
    register = MemoryRegister()
    conversation = Conversation(
        knowledge, sessions=MemorySessionStore(), register=register, intakes=desk, key=KEY
    )
    return ChannelChat(conversation, key, "web"), register


# -- every gemeente, without a conversation ---------------------------------------------------


@pytest.mark.parametrize("partner_side", [False, True], ids=["jgz", "veilig-thuis"])
def test_every_place_answer_names_the_gemeentes_jgz(partner_side: bool) -> None:
    """For all 342 gemeenten the place answer names the gemeente's JGZ organisation (for Veilig
    Thuis / SAVE first, and without "bel Veilig Thuis"), shows only its own region's
    organisations, says nothing of Utrecht elsewhere, and fits about one phone screen."""
    for gemeente in SHIPPED.gemeenten.values():
        place = resolve_place(SHIPPED, PlaceTarget("gemeente", gemeente.code))
        assert place is not None
        text = place_text(SHIPPED, place, partner_side=partner_side, jgz_inbox=True)
        jgz = SHIPPED.organisations[SHIPPED.coverage[gemeente.code].jgz].name
        ids = place_contact_ids(SHIPPED, place, partner_side=partner_side)
        names = " ".join(SHIPPED.organisations[i].name for i in ids)
        assert jgz in text, gemeente.name
        assert SHIPPED.coverage[gemeente.code].jgz in ids, gemeente.name
        assert len(text) <= PHONE_SCREEN, (gemeente.name, len(text))
        assert all(SHIPPED.shown_in(i, gemeente.region) for i in ids), gemeente.name
        assert_regional(SHIPPED, gemeente.region, f"{text}\n{names}", gemeente.name)
        if partner_side:
            assert text.startswith(f"JGZ voor een kind in {gemeente.name}: {jgz}")
            assert "Bel Veilig Thuis" not in text
            assert "0800-2000" not in text


def test_the_region_check_can_fail() -> None:
    """The leak check finds Utrecht's words and another region's organisation."""
    with pytest.raises(AssertionError):
        assert_regional(SHIPPED, "VT08", "Bel SAVE", "test")
    with pytest.raises(AssertionError):
        assert_regional(SHIPPED, "VT08", "GGD IJsselland", "test")
    assert_regional(SHIPPED, "VT08", "GGD Groningen", "test")


# -- one gemeente per region, walked in a conversation -----------------------------------------


@pytest.mark.parametrize("code", GEMEENTEN, ids=lambda c: SHIPPED.gemeenten[c].name)
async def test_a_jgz_professional_walks_the_region(code: str) -> None:
    """The place answer, "overleg aanvragen" (and a request sent), "overleg vastleggen", the menu
    and the acute outcome all stay in the child's region."""
    gemeente = SHIPPED.gemeenten[code]
    region, pack = gemeente.region, SHIPPED.pack_for(gemeente.region)
    desk = all_partners(SHIPPED)
    chat, register = chat_for(SHIPPED, desk, f"jgz:{code}")
    jgz = SHIPPED.organisations[SHIPPED.coverage[code].jgz].name

    await say_place(chat, f"kind woont in {gemeente.name}", code)
    assert jgz in chat.text
    assert len(chat.replies[-1].text) <= PHONE_SCREEN
    shown = [everything_shown(chat.replies)]

    await chat.say("overleg aanvragen")
    offered = [b.payload.choice for r in chat.replies for b in r.buttons]
    partners = [c.split(":")[-1] for c in offered if c.startswith(("av:partner:", "av:bij:"))]
    assert partners, chat.text
    assert all(region in SHIPPED.organisation_regions(p) for p in partners), partners
    shown.append(everything_shown(chat.replies))
    await chat.click(chat.labels[0])
    await chat.click("Vandaag nog")
    shown.append(everything_shown(chat.replies))
    await chat.submit(gemeente=gemeente.name, telefoon="030 123 45 67")
    [record] = register.records
    assert (record.region, record.partner) == (region, partners[0])
    assert desk.delivered[-1].gemeente == gemeente.name

    await chat.say("overleg vastleggen")
    assert f"Voor een kind in {gemeente.name}?" in chat.text
    await chat.click("Ja")
    shown.append(everything_shown(chat.replies))
    await chat.click("Advies Veilig Thuis")
    await chat.click("Ik vroeg om overleg")
    assert (register.records[-1].partner, register.records[-1].region) == (
        pack.veilig_thuis,
        region,
    )
    shown.append(everything_shown(chat.replies))

    await chat.say("menu")
    shown.append(everything_shown(chat.replies))
    covenant = [t.title for t in SHIPPED.trees.values() if SHIPPED.tree_region(t.id)]
    if pack.covenant is None:
        assert not set(covenant) & set(chat.labels)

    await chat.say("meldcode")
    await chat.click("Jeugdarts")
    await chat.click("Ja")
    acute = chat.replies[-1]
    assert acute.emergency
    shown.append(everything_shown(chat.replies))
    assert_regional(SHIPPED, region, "\n".join(shown), gemeente.name)


@pytest.mark.parametrize("code", GEMEENTEN, ids=lambda c: SHIPPED.gemeenten[c].name)
async def test_without_an_inbox_a_request_names_the_phone_route(code: str) -> None:
    """Where no partner of the child's region has an intake, the request gives 0800-2000 with
    the child's woonplaats — a route that exists — and offers to record afterwards."""
    gemeente = SHIPPED.gemeenten[code]
    chat, register = chat_for(SHIPPED, None, f"phone:{code}")
    await say_place(chat, f"kind woont in {gemeente.name}", code)
    await chat.say("overleg aanvragen")
    assert "0800-2000" in chat.text
    assert gemeente.name in chat.text
    assert "per telefoon of e-mail" not in chat.text
    assert "Overleg vastleggen" in chat.labels
    assert register.records == []
    assert_regional(SHIPPED, gemeente.region, everything_shown(chat.replies), gemeente.name)


@pytest.mark.parametrize("code", GEMEENTEN, ids=lambda c: SHIPPED.gemeenten[c].name)
async def test_veilig_thuis_finds_and_asks_the_jgz_of_the_gemeente(code: str) -> None:
    """As Veilig Thuis / SAVE, "welke jgz hoort bij X" and "ik wil de jgz bevragen over een kind
    in X" name X's JGZ first and offer the bevraging, never "bel Veilig Thuis"; the bevraging
    reaches that JGZ, recorded with it as partner; a second request asks about the child."""
    gemeente = SHIPPED.gemeenten[code]
    coverage = SHIPPED.coverage[code]
    jgz = SHIPPED.organisations[coverage.jgz].name
    desk = all_partners(SHIPPED)
    chat, register = chat_for(SHIPPED, desk, f"vt:{code}")
    await chat.say("menu")
    await chat.click("Veilig Thuis / jeugdbescherming")
    assert chat.labels[:4] == [
        "Informatie vragen (bevraging)",
        "Terugkoppeling na onderzoek",
        "Opschalen",
        "Afschalen",
    ]
    assert "Contact zoeken" in chat.labels[:6]
    asked = f"welke jgz hoort bij {gemeente.name}"
    await say_place(chat, asked, code)
    answer = chat.replies[-1]
    assert answer.text.startswith(f"JGZ voor een kind in {gemeente.name}: {jgz}"), asked
    assert answer.contacts[0].name == jgz
    assert "Informatie vragen (bevraging)" in chat.labels
    assert "bel veilig thuis" not in everything_shown(chat.replies).casefold()
    assert_regional(SHIPPED, gemeente.region, everything_shown(chat.replies), asked)
    # The bevraging typed with the gemeente beside it starts the request for that gemeente (a
    # place beside an action goes into it, issue 23); a name that is also a woonplaats
    # elsewhere leaves the gemeente to the request, which offers the one just named.
    await chat.say(f"ik wil de jgz bevragen over een kind in {gemeente.name}")
    assert not chat.text.startswith("JGZ voor een kind in")
    if f"Voor een kind in {gemeente.name}?" in chat.text:
        await chat.click(chat.labels[0])
    if "Namens welke organisatie" in chat.text:
        await chat.click(chat.labels[0])
    await chat.click("Vandaag nog")
    await chat.submit(gemeente=gemeente.name, telefoon="030 123 45 67")
    assert desk.delivered[-1].partner == coverage.jgz
    record = register.records[-1]
    assert (record.kind, record.partner, record.direction, record.region) == (
        "bevraging",
        coverage.jgz,
        "partner-jgz",
        gemeente.region,
    )
    await chat.say("menu")
    await chat.click("Opschalen")
    assert f"Voor een kind in {gemeente.name}?" in chat.text
