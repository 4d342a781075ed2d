"""The conversation core: commands, typed answers, buttons, fallbacks and bad input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from dialogs import (
    MAX_TEXT_LENGTH,
    Conversation,
    MemorySessionStore,
    Payload,
    Session,
    SessionConflictError,
    contact_text,
)
from knowledge import KnowledgeBase
from knowledge.dates import dutch_date
from tests.conftest import Chat

MakeChat = Callable[..., Chat]

MENU_ACTIONS = ["Contact zoeken", "Overleg aanvragen", "Overleg vastleggen"]
ROLES = ["Jeugdarts", "Jeugdverpleegkundige", "Veilig Thuis / jeugdbescherming"]
"""While the role is not known, the menu lets the user say it in one tap."""


def national_menu(knowledge: KnowledgeBase) -> list[str]:
    """The menu of a user whose region and role are not known: national trees only."""
    return [t.title for t in knowledge.menu_trees_for(frozenset())] + MENU_ACTIONS + ROLES


"""The actions the main menu offers after the trees."""


async def test_first_message_gets_welcome_and_menu(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A greeting starts with the welcome, the privacy hint, the menu of national trees (no
    region's covenant) and the roles to choose in one tap."""
    chat = make_chat(shipped)
    await chat.say("hallo")
    assert "Welkom bij Verbind" in chat.text
    assert "geen namen" in chat.text
    assert "Wat is uw rol?" in chat.text
    assert chat.labels == national_menu(shipped)
    assert not any("Convenant" in label for label in chat.labels)


async def test_typed_number_label_and_typo_pick_a_choice(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """At the menu a number, a label or a small typo opens that tree."""
    for typed in ("1", "advice then continue", "Advice thne continue"):
        chat = make_chat(examples)
        await chat.say("menu")
        assert chat.labels[0] == "Advice then continue"
        await chat.say(typed)
        assert chat.replies[-1].text == "Do this first.", typed


async def test_buttons_walk_a_tree_to_an_outcome_with_route_and_sources(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Clicking through reaches an outcome that says why, cites sources and offers next steps;
    a region's own partner is shown for a child in that region."""
    chat = make_chat(examples)
    await chat.say("noordstad")
    await chat.say("menu")
    await chat.click("Basic question")
    await chat.click("Ja")
    outcome = chat.replies[-1]
    assert outcome.kind == "advice"
    assert outcome.outcome == "melden"
    assert outcome.text.startswith("It is so.")
    assert "- So? Ja" in outcome.text
    assert [s.url for s in outcome.sources] == ["https://example.org/source"]
    assert [c.name for c in outcome.contacts] == ["Example partner"]
    assert chat.labels == ["Overleg vastleggen", "Opnieuw", "Menu"]


async def test_unconfirmed_contact_is_marked(examples: KnowledgeBase, make_chat: MakeChat) -> None:
    """Unconfirmed contact data is marked per field, with the last-verified date."""
    chat = make_chat(examples)
    await chat.say("noordstad")
    await chat.say("basic question")
    await chat.say("ja")
    card = chat.replies[-1].contacts[0]
    assert card.confirmed is False
    assert card.unconfirmed == ("phone",)
    text = contact_text(card)
    assert "030 123 45 67 (te bevestigen)" in text
    assert "Example partner (te bevestigen)" not in text
    assert "laatst gecontroleerd 1 november 2026" in text


async def test_back_and_restart_commands(examples: KnowledgeBase, make_chat: MakeChat) -> None:
    """`terug` undoes one answer, at the start it says so; `opnieuw` goes to the start."""
    chat = make_chat(examples)
    await chat.say("advice then continue")
    await chat.say("terug")
    assert "al bij de eerste vraag" in chat.text
    await chat.say("verder")
    await chat.say("1")
    assert chat.replies[-1].text.startswith("Done.")
    await chat.say("terug")
    assert chat.replies[-1].text == "Did it work?"
    await chat.say("opnieuw")
    assert chat.replies[-1].text == "Do this first."


async def test_related_tree_is_offered_after_an_outcome(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """An outcome with related trees offers them as buttons that open them."""
    chat = make_chat(examples)
    await chat.say("marked cycle")
    assert "Is it better now?" in chat.text
    await chat.say("ja")
    assert chat.labels == ["Basic question", "Opnieuw", "Menu"]
    await chat.click("Basic question")
    assert chat.replies[-1].text == "Is it so?"


async def test_faq_answer_keeps_the_place_in_the_tree(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A side question mid-tree is answered, and one tap brings the user back."""
    chat = make_chat(examples)
    await chat.say("advice then continue")
    await chat.say("verder")
    await chat.say("what is the example")
    assert chat.replies[-1].text == "The example says this."
    assert chat.labels == ["Basic question", "Verder met Advice then continue", "Menu"]
    await chat.click("Verder met Advice then continue")
    assert chat.replies[-1].text == "Did it work?"
    await chat.say("what is the example")
    await chat.say("terug")
    assert chat.replies[-1].text == "Did it work?"


async def test_out_of_scope_gets_honest_fallback(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """An unrelated question gets the menu, Veilig Thuis 0800-2000 and 112, never a random tree."""
    chat = make_chat(shipped)
    await chat.say("wat voor weer wordt het morgen")
    assert "0800-2000" in chat.text
    assert "112" in chat.text
    assert chat.labels == national_menu(shipped)


async def test_unclear_answer_mid_tree_keeps_the_question(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Text that is no answer and no question repeats the current question."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    await chat.say("xyzzy")
    assert "0800-2000" in chat.text
    assert chat.replies[-1].text.startswith("Vraag 1 van 5")
    await chat.say("ja")
    assert chat.replies[-1].text.startswith("Vraag 2 van 5")


async def test_a_close_second_is_offered_as_one_button(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """The better match is answered first, then what it was read as, with the close second as
    one "Bedoelde u: …" button that opens it."""
    chat = make_chat(examples)
    await chat.say("example basic question")
    assert chat.replies[-2].text == "Is it so?"
    assert chat.replies[-1].text == "Ik lees uw bericht als: Basic question"
    assert chat.labels[-1] == "Bedoelde u: What does the example say?"
    await chat.click("Bedoelde u: What does the example say?")
    assert chat.replies[-1].text == "The example says this."


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "\x00\x07\x1b[31m", "x" * (MAX_TEXT_LENGTH + 1), "\u202e\u200b"],
    ids=["empty", "blank", "control", "too-long", "format-chars"],
)
async def test_bad_input_gets_help_and_keeps_the_session(
    examples: KnowledgeBase, make_chat: MakeChat, bad: str
) -> None:
    """Empty, control-only or too long input gets a helpful reply; the next answer still works."""
    chat = make_chat(examples)
    await chat.say("basic question")
    await chat.say(bad)
    assert chat.replies[0].text
    assert chat.replies[-1].text == "Is it so?"
    await chat.say("nee")
    assert chat.replies[-1].text.startswith("It is not so.")


async def test_help_shows_commands_and_content_version(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """`help` lists the commands and the content version and review date in force."""
    chat = make_chat(shipped)
    await chat.say("help")
    assert "terug" in chat.text
    assert "opnieuw" in chat.text
    assert shipped.meta.version in chat.text
    assert dutch_date(shipped.meta.reviewed) in chat.text


async def test_stop_forgets_the_session(examples: KnowledgeBase, make_chat: MakeChat) -> None:
    """`stop` deletes the session; a new message starts fresh."""
    store = MemorySessionStore()
    chat = make_chat(examples, store)
    await chat.say("basic question")
    assert len(store) == 1
    await chat.say("stop")
    assert len(store) == 0
    assert "gewist" in chat.text


async def test_stale_button_is_refused_politely(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A button from an earlier question does not move the conversation."""
    chat = make_chat(examples)
    await chat.say("advice then continue")
    await chat.say("verder")
    await chat.press(Payload("first-advice", "verder"))
    assert "eerdere vraag" in chat.replies[0].text
    assert chat.replies[-1].text == "Did it work?"
    await chat.press(Payload("then-ask", "no-such-choice"))
    assert "eerdere vraag" in chat.replies[0].text


async def test_session_stores_ids_never_typed_text(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """After free text the stored session holds ids only, none of the words typed."""
    store = MemorySessionStore()
    chat = make_chat(examples, store)
    await chat.say("basic question")
    await chat.say("Jan de Vries 12-03-2019 zegt iets")
    stored = await store.load(chat.key)
    assert stored is not None
    document = stored.session.to_json()
    for word in ("Vries", "12-03-2019", "zegt"):
        assert word not in document
    assert '"tree":"question-basic"' in document


async def test_idle_session_expires(examples: KnowledgeBase, make_chat: MakeChat) -> None:
    """After 30 idle minutes the conversation starts again from the menu."""
    now = [1_000.0]
    store = MemorySessionStore(clock=lambda: now[0])
    chat = make_chat(examples, store)
    await chat.say("basic question")
    now[0] += 29 * 60
    assert await store.load(chat.key) is not None
    now[0] += 31 * 60
    await chat.say("ja")
    assert chat.replies[-1].text != "It is so."
    assert await store.purge() == 0


async def test_concurrent_save_is_a_conflict(examples: KnowledgeBase, make_chat: MakeChat) -> None:
    """A save with an outdated etag fails; the conversation answers "al verwerkt"."""
    store = MemorySessionStore()
    chat = make_chat(examples, store)
    await chat.say("basic question")
    stored = await store.load(chat.key)
    assert stored is not None
    await store.save(chat.key, stored.session, etag=stored.etag)
    with pytest.raises(SessionConflictError):
        await store.save(chat.key, stored.session, etag=stored.etag)
    with pytest.raises(SessionConflictError):
        await store.save("new", Session(), etag="made-up")


async def test_lost_race_answers_already_handled(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """When another turn saved first, the user gets a short "al verwerkt" reply."""

    class RacingStore(MemorySessionStore):
        async def save(self, key: str, session: Session, *, etag: str | None) -> str:
            await super().save(key, session, etag=etag)  # the other turn wins
            return await super().save(key, session, etag=etag)

    chat = make_chat(examples, RacingStore())
    await chat.say("basic question")
    assert chat.text == "Dit was al verwerkt."


async def test_session_in_a_removed_tree_restarts_at_menu(
    examples: KnowledgeBase, make_chat: MakeChat
) -> None:
    """After a content change that removed the tree, the user is told and sees the menu."""
    store = MemorySessionStore()
    await store.save("test:1", Session(tree_id="gone", answers=("x",)), etag=None)
    chat = make_chat(examples, store)
    await chat.say("ja")
    assert "bijgewerkt" in chat.replies[0].text
    assert chat.labels == national_menu(examples)


async def test_organisation_name_gives_its_contact_card(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Typing a partner's name or alias shows its card, with unconfirmed fields marked."""
    chat = make_chat(shipped)
    await chat.say("SAVE team")
    card = chat.replies[-1].contacts[0]
    assert card.name.startswith("SAVE")
    assert "geen algemeen telefoonnummer" in contact_text(card)
    await chat.say("forensisch arts")
    assert "Telefoon: te bevestigen" in contact_text(chat.replies[-1].contacts[0])
    assert chat.replies[-1].sources


def test_contacts_for_finds_partner_cards(shipped: KnowledgeBase) -> None:
    """The compose-box search returns contact cards for a partner query and none for nonsense."""
    conversation = Conversation(shipped, sessions=MemorySessionStore())
    assert [c.name for c in conversation.contacts_for("LECK")][:1] == [
        "LECK (Landelijk Expertise Centrum Kindermishandeling)"
    ]
    assert conversation.contacts_for("qqqq zzzz") == ()


def test_session_facts_are_ids_only() -> None:
    """Session facts refuse free text, so a name or date can never be stored there."""
    session = Session().with_fact("beroep", "jeugdarts")
    assert Session.from_json(session.to_json()).facts == {"beroep": "jeugdarts"}
    for value in ("Jan de Vries", "12-03-2019 ", "a" * 65, "Jeugdarts"):
        with pytest.raises(ValueError, match="free text"):
            Session().with_fact("beroep", value)
    with pytest.raises(ValueError, match="free text"):
        Session.from_json(
            '{"v":1,"tree":null,"answers":[],"offer":null,'
            '"facts":{"naam":"Jan de Vries"},"created":0,"updated":0}'
        )
    # A session derived from a checked one keeps its checked facts; new facts are checked.
    touched = session.touched(1.0)
    assert touched.facts is session.facts
    with pytest.raises(ValueError, match="free text"):
        replace(touched, facts={**touched.facts, "naam": "Jan de Vries"})


async def test_profession_is_asked_once_and_shapes_the_wording(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """The meldcode asks the profession once per session and then uses that guideline's words."""
    chat = make_chat(shipped)
    await chat.say("meldcode")
    assert chat.replies[-1].text.startswith("Wat is uw beroep?")
    assert chat.labels == ["Jeugdarts", "Jeugdverpleegkundige", "Veilig Thuis / jeugdbescherming"]
    await chat.click("Jeugdarts")
    assert chat.replies[0].text.startswith("Genoteerd: Jeugdarts.")
    assert chat.replies[-1].text.startswith("Eerst: is er nu direct gevaar")
    await chat.say("nee")
    assert "(KNMG)" in chat.replies[-1].text
    await chat.say("verder")
    assert "vertrouwensarts" in chat.replies[-1].text
    await chat.say("menu")
    await chat.say("meldcode")
    assert not chat.replies[-1].text.startswith("Wat is uw beroep?")
    await chat.say("nee")
    assert "(KNMG)" in chat.replies[-1].text


async def test_profession_can_be_changed(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """`beroep` asks again and restarts the open tree in the new wording."""
    chat = make_chat(shipped)
    await chat.say("meldcode")
    await chat.click("Jeugdarts")
    await chat.say("beroep")
    assert chat.labels == ["Jeugdarts", "Jeugdverpleegkundige", "Veilig Thuis / jeugdbescherming"]
    await chat.click("Jeugdverpleegkundige")
    assert chat.replies[-1].text.startswith("Eerst: is er nu direct gevaar")
    await chat.say("nee")
    assert chat.replies[-1].text.startswith("Stap 1 — Signalen in kaart brengen.")
    for typed in ("verder", "verder", "nee", "ja", "verder"):
        await chat.say(typed)
    assert chat.replies[-1].text.startswith("Stap 4 — Wegen (V&VN).")


async def test_known_profession_words_the_afwegingskader(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Once the profession is known, the afwegingskader shows that guideline's wording and step."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    assert chat.replies[-1].text.startswith("Vraag 1 van 5 — Vermoeden.")
    await chat.say("meldcode")
    await chat.click("Jeugdverpleegkundige")
    await chat.say("afwegingskader")
    assert chat.replies[-1].text.startswith("Vraag 1 van 5 (V&VN, stap 4)")


async def test_definitions_on_request_return_to_the_question(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """At question 2 the user can ask what acute and structural mean, then answer it."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    await chat.say("ja")
    await chat.click("Wat is acuut of structureel?")
    assert "Acuut onveilig" in chat.replies[-1].text
    await chat.say("verder")
    assert chat.replies[-1].text.startswith("Vraag 2 van 5")
    await chat.say("nee")
    assert chat.replies[-1].text.startswith("Vraag 3 van 5")


async def test_the_route_trail_leaves_out_help_detours(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "Zo kwam u bij dit advies" lists the answers that led there, not an explanation asked
    for on the way ("Wat is acuut of structureel?")."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    await chat.click("Ja")
    await chat.click("Wat is acuut of structureel?")
    await chat.click("Verder")
    await chat.click("Ja")
    trail = chat.replies[-1].text.split("Zo kwam u bij dit advies:")[1]
    assert "Wat is acuut of structureel?" not in trail
    assert trail.count("\n- ") == 2


@pytest.mark.parametrize(
    "path",
    [
        [],
        ["afwegingskader", "Nee"],
        ["vt nummer zeist"],
        ["wat is een vertrouwensarts"],
        ["overleg aanvragen"],
        ["leg vast dat ik overlegd heb"],
        ["afwegingskader", "Nee", "beroep"],
    ],
    ids=["menu", "end-of-path", "place", "faq", "request-step", "record-step", "profession"],
)
@pytest.mark.parametrize("again", ["help", "stale-button"])
async def test_here_you_are_shows_the_question_of_the_buttons_on_offer(
    shipped: KnowledgeBase, make_chat: MakeChat, path: list[str], again: str
) -> None:
    """After "help" or an old button, "Hier bent u nu" shows the buttons on offer with their
    own question: the menu's question only with the menu's buttons, whatever the offer."""
    from dialogs.phrases import MENU_PROMPT

    chat = make_chat(shipped)
    await chat.say("menu")
    menu = chat.labels
    for text in path:
        if text in chat.labels:
            await chat.click(text)
        else:
            await chat.say(text)
    offered = chat.labels
    if again == "help":
        await chat.say("help")
    else:
        await chat.press(Payload("no-such-node", "no-such-choice"))
    shown = chat.replies[-1]
    assert [b.label for b in shown.buttons] == offered
    assert (shown.text == MENU_PROMPT) == (offered == menu), shown.text
