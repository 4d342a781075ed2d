"""The examples of issue 14 ("Why"), typed into a real conversation: each gets the right answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.channels.teams.manifest import COMMANDS
from dialogs import Conversation, MemorySessionStore
from knowledge import KnowledgeBase
from tests.conftest import Chat

MakeChat = Callable[[KnowledgeBase], Chat]
REMINDER = "Typ liever geen cliëntgegevens"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("gezin uit Zeist", "Gemeente Zeist valt onder Veilig Thuis-regio Utrecht."),
        ("ik heb een gezin uit Den Bosch", "Gemeente 's-Hertogenbosch valt onder"),
        ("kind uit Kraggenburg", "Kraggenburg ligt in de gemeente Noordoostpolder"),
        ("welke veilig thuis regio hoort bij zeist", "Gemeente Zeist valt onder"),
        (
            "Lingewaal",
            "Lingewaal was tot 2019 een gemeente en hoort nu bij de gemeente West Betuwe, "
            "Veilig Thuis-regio Gelderland-Zuid.",
        ),
        ("Menterwolde", "hoort nu bij de gemeente Midden-Groningen"),
        ("Leeuwarderadeel", "hoort nu bij de gemeente Leeuwarden"),
        ("ysselstein", "Gemeente IJsselstein valt onder Veilig Thuis-regio Utrecht."),
    ],
)
async def test_places_in_any_phrasing(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, answer: str
) -> None:
    """Short phrasings, typos, former gemeenten: the place answer, not an unrelated FAQ."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert answer in chat.text


@pytest.mark.parametrize(
    ("typed", "asked", "answer"),
    [
        (
            "veilig thuis sint-oedenrod",
            "Bedoelde u Sint-Oedenrode (gemeente Meierijstad)?",
            "Sint-Oedenrode ligt in de gemeente Meierijstad",
        ),
        (
            "gezin uit niew-vennep, welk veilig thuis?",
            "Bedoelde u Nieuw-Vennep (gemeente Haarlemmermeer)?",
            "Nieuw-Vennep ligt in de gemeente",
        ),
        (
            "veilig thuis hooge zwalwe",
            "Bedoelde u Hooge Zwaluwe (gemeente Drimmelen)?",
            "Hooge Zwaluwe ligt in de gemeente Drimmelen",
        ),
        (
            "veilig thuis bergen op zom",
            "Bedoelde u Bergen op Zoom?",
            "Gemeente Bergen op Zoom valt onder",
        ),
        (
            "kind woont in Mesch",
            "Bedoelde u Esch (gemeente Boxtel)?",
            "Esch ligt in de gemeente Boxtel",
        ),
        (
            "ons gezin komt uit Apeldorn",
            "Bedoelde u Apeldoorn?",
            "Gemeente Apeldoorn valt onder",
        ),
    ],
)
async def test_a_corrected_place_is_asked_first(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, asked: str, answer: str
) -> None:
    """A spelling-corrected place is asked ("Bedoelde u …?", with "Een andere plaats"), never
    answered silently; the candidate's button gives the answer."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert asked in chat.text
    assert "valt onder" not in chat.text
    assert "ligt in de gemeente" not in chat.text
    assert chat.labels[-1] == "Een andere plaats"
    await chat.click(chat.labels[0])
    assert answer in chat.text


async def test_another_place_asks_to_type_it(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """ "Een andere plaats" beside a corrected place asks for the gemeente to be typed."""
    chat = make_chat(shipped)
    await chat.say("kind woont in Mesch")
    await chat.click("Een andere plaats")
    assert "Typ de woonplaats of gemeente" in chat.text
    await chat.say("Eijsden-Margraten")
    assert "Gemeente Eijsden-Margraten valt onder Veilig Thuis-regio Zuid-Limburg" in chat.text


@pytest.mark.parametrize("typed", ["Nijkerk of Nijmegen", "woont het kind in Almelo of Alkmaar?"])
async def test_two_places_named_are_asked(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str
) -> None:
    """Two places named side by side are asked with their regions, never one answered."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert "valt onder" not in chat.text
    assert len(chat.labels) >= 2
    assert all(" — " in label for label in chat.labels[:2])


async def test_a_name_is_no_place_and_gets_the_reminder(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "Sanne de Vries" is a client's name: Zeist is answered, with the client-data reminder."""
    chat = make_chat(shipped)
    await chat.say("Mijn cliënt Sanne de Vries woont in Zeist")
    assert chat.replies[0].text.startswith(REMINDER)
    assert "Gemeente Zeist valt onder" in chat.text
    assert "Vries" not in chat.text


async def test_bergen_is_asked_with_each_region(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Same-named places in different regions: one question, each button shows its region."""
    chat = make_chat(shipped)
    await chat.say("veilig thuis Bergen")
    assert sorted(chat.labels[:2]) == [
        "Bergen (L.) — Noord- en Midden-Limburg",
        "Bergen (NH.) — Noord-Holland Noord",
    ]
    await chat.say("gezin in Hengelo")
    assert "Hengelo (O.) — Twente" in chat.labels


async def test_an_unknown_place_is_said_honestly(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A place we do not know: "Die plaats ken ik niet", with the safety line."""
    chat = make_chat(shipped)
    await chat.say("gezin uit Xyzdorp")
    assert "Die plaats ken ik niet. Typ de gemeente" in chat.text
    assert "0800-2000" in chat.text


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("ik wil overleggen met een vertrouwensarts, kan dat via jou", "consultatieverzoek"),
        (
            "kun je noteren dat ik de vertrouwensarts heb gesproken",
            "Welk overleg wilt u vastleggen",
        ),
        ("consultatie", "Welk overleg wilt u vastleggen"),
    ],
)
async def test_actions_from_free_text(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, first: str
) -> None:
    """Requesting or recording a consultation in everyday words starts that flow."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert first in chat.text


async def test_contact_asks_for_the_place(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """ "contact" (a Teams command) asks for the place and shows the national number."""
    chat = make_chat(shipped)
    await chat.say("contact")
    assert "Voor welke plaats zoekt u een contact?" in chat.text
    assert chat.replies[-1].contacts[0].name == "Veilig Thuis (landelijk nummer)"
    await chat.say("Houten")
    assert "Gemeente Houten valt onder" in chat.text


async def test_the_menu_offers_contacts_and_consultation(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """The main menu has "Contact zoeken", "Overleg aanvragen" and "Overleg vastleggen"."""
    chat = make_chat(shipped)
    await chat.say("menu")
    assert {"Contact zoeken", "Overleg aanvragen", "Overleg vastleggen"} <= set(chat.labels)
    await chat.click("Contact zoeken")
    assert "Voor welke plaats" in chat.text


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("een kind vertelt dat oom aan haar zit", "seksueel misbruik"),
        ("een baby van 3 maanden met een botbreuk", "letsel"),
        ("moeder heeft een psychose, kinderen thuis", "crisis"),
        ("huwelijksdwang", "bemiddel niet zelf"),
        (
            # The regie in SAVE's region: the question names where the child lives.
            "wanneer neemt SAVE het over? het kind woont in Zeist",
            "In een gedwongen kader heeft SAVE de regie.",
        ),
    ],
)
async def test_case_stories_and_topics_get_their_answer(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, answer: str
) -> None:
    """A described situation gets the topic's answer, not only a contact card."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert answer.casefold() in chat.text.casefold()


async def test_the_question_at_the_end_is_answered_with_the_place(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A long case ending in a question: the afwegingskader starts, Houten is shown beside."""
    chat = make_chat(shipped)
    await chat.say(
        "Ik zie al een tijd een meisje van 6 op het consultatiebureau. Ze is vaak moe en vies. "
        "Moeder zegt dat het goed gaat. Moet ik melden of eerst overleggen? "
        "Het gezin woont in Houten."
    )
    assert "Vraag 1 van 5" in chat.text
    assert "Gemeente Houten valt onder" in chat.text


async def test_verder_at_a_yes_no_question_stays(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "Verder" where Ja/Nee is asked keeps the question, with a hint."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    await chat.say("Verder")
    assert "Kies een van de antwoorden" in chat.text
    assert "Vraag 1 van 5" in chat.text
    assert chat.labels[:2] == ["Ja", "Nee"]


async def test_a_profession_typed_at_a_question_is_understood(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "jeugdarts" typed inside a tree sets the profession and shows the same question."""
    chat = make_chat(shipped)
    await chat.say("afwegingskader")
    await chat.say("jeugdarts")
    assert "Genoteerd: Jeugdarts" in chat.text
    assert "Vraag 1 van 5" in chat.text


async def test_a_number_first_starts_nothing(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """ "2" as a first message is no answer (none was shown): the menu, not the meldcode."""
    chat = make_chat(shipped)
    await chat.say("2")
    assert "Stap 1" not in chat.text
    assert "Wat is uw beroep" not in chat.text


async def test_meldcode_steps_come_before_the_profession(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "meldcode stappen" shows the five steps, then asks the profession."""
    chat = make_chat(shipped)
    await chat.say("meldcode stappen")
    steps = chat.replies[0].text
    assert all(f"Stap {n}" in steps for n in range(1, 6))
    assert "Wat is uw beroep?" in chat.replies[-1].text


async def test_client_data_gets_a_reminder_and_an_answer(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """BSN, birth date and name typed: a friendly reminder first, then the advice."""
    chat = make_chat(shipped)
    await chat.say("Sanne de Vries, BSN 123456782, geboren 12-03-2021, heeft blauwe plekken")
    assert chat.replies[0].text.startswith(REMINDER)
    assert chat.replies[0].kind == "warning"
    assert len(chat.replies) > 1


COMMAND_ANSWERS = {
    "help": "Typ uw vraag of kies een knop",
    "meldcode": "Stap 1 — Signalen in kaart brengen",
    "afwegingskader": "Vraag 1 van 5",
    "contact": "Voor welke plaats zoekt u een contact?",
    "consultatie": "Welk overleg wilt u vastleggen?",
    "overleg aanvragen": "consultatieverzoek",
    "menu": "Waarmee kan ik helpen?",
}
"""What each command of the Teams manifest must show: what its description promises."""


@pytest.mark.parametrize(("title", "description"), COMMANDS)
async def test_every_manifest_command_does_what_it_says(
    shipped: KnowledgeBase, make_chat: MakeChat, title: str, description: str
) -> None:
    """Each Teams command (also typed after the Slack slash command) does what it describes."""
    chat = make_chat(shipped)
    await chat.say(title)
    assert COMMAND_ANSWERS[title] in chat.text, description


@pytest.mark.parametrize(
    "typed",
    ["Mijn collega Petra zegt dat het goed gaat", "moeder Fatima belde vanochtend"],
)
async def test_a_first_name_is_no_misspelt_place(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str
) -> None:
    """A capitalised first name mid-sentence never becomes a village with a typo."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert "valt onder Veilig Thuis-regio" not in chat.text
    assert "ligt in de gemeente" not in chat.text


async def test_the_place_where_the_child_lives_decides(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Two places in one message: the one where the child lives is answered."""
    chat = make_chat(shipped)
    await chat.say("ik werk in Zwolle maar het kind woont in Kampen")
    assert "Gemeente Kampen valt onder" in chat.text


async def test_a_verb_that_is_a_village_is_no_place(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """The verb "zetten" (also a village) in a question without a place word is no place."""
    chat = make_chat(shipped)
    await chat.say("welke stappen moet ik nu zetten")
    assert "Zetten" not in chat.text


async def test_the_profession_in_everyday_words(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "ik ben jvk" answers the profession question; the meldcode then opens in that wording."""
    chat = make_chat(shipped)
    await chat.say("meldcode")
    await chat.say("ik ben jvk")
    assert "Genoteerd: Jeugdverpleegkundige" in chat.text
    assert "Meldcode: de vijf stappen:" in chat.text
    assert "Wat is uw beroep" not in chat.text


async def test_typed_answers_in_the_record_flow_match_their_choice(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """Inside the record flow, an answer in other words picks its choice ("ik vroeg erom" is
    "Ik vroeg om overleg") and the flow goes on; nothing drops out of it."""
    chat = make_chat(shipped)
    await chat.say("overleg vastleggen")
    await chat.say("Zeist")
    await chat.say("vertrouwensarts")
    assert "Wie vroeg om het overleg?" in chat.text
    await chat.say("ik vroeg erom")
    assert "Wie vroeg om het overleg?" not in chat.text
    assert "Vastgelegd" in chat.text


class _Intakes:
    """An intake desk that reaches one partner and delivers nowhere (the flow's steps only)."""

    def partners(self) -> tuple[str, ...]:
        """The one partner with an intake."""
        return ("veilig-thuis-utrecht",)

    async def deliver(self, request: object) -> None:
        """Deliver nothing."""


async def test_typed_urgency_in_other_words(shipped: KnowledgeBase) -> None:
    """ "spoed" at the request's urgency question picks "Vandaag nog" and the flow goes on."""
    conversation = Conversation(shipped, sessions=MemorySessionStore(), intakes=_Intakes())
    chat = Chat(conversation)
    await chat.say("overleg aanvragen")
    await chat.say("Zeist")
    assert "Hoe snel is overleg nodig?" in chat.text
    await chat.say("spoed")
    assert "Hoe snel is overleg nodig?" not in chat.text
    assert chat.replies[-1].form is not None


async def test_a_role_in_the_text_is_kept(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """ "ik werk bij veilig thuis" sets the role for the conversation: the request then asks
    what to send the JGZ."""
    chat = make_chat(shipped)
    await chat.say("ik werk bij veilig thuis")
    assert "Genoteerd: Veilig Thuis / jeugdbescherming" in chat.text
    await chat.say("overleg aanvragen")
    assert "Wat wilt u de JGZ sturen?" in chat.text


async def test_the_manager_role_is_understood_not_offered(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "als aandachtsfunctionaris …" keeps the manager role for the conversation; the buttons
    that offer a role do not list it (it shapes no tree's wording)."""
    chat = make_chat(shipped)
    await chat.say("als aandachtsfunctionaris wil ik weten hoe vaak er overlegd is")
    assert "Genoteerd: Aandachtsfunctionaris / manager" in chat.text
    await chat.say("beroep")
    assert "Aandachtsfunctionaris / manager" not in chat.labels


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        ("bevraging jgz", "in welke gemeente woont het kind?"),
        ("kent de jgz dit gezin, wie bel ik", "in welke gemeente woont het kind?"),
        ("hoe geef ik terugkoppeling aan de jeugdarts die meldde", "Hoe staat het onderzoek?"),
    ],
)
async def test_veilig_thuis_words_reach_the_jgz_side(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, asked: str
) -> None:
    """Veilig Thuis / SAVE words open the request to the JGZ at their kind, and say whose side
    the user is on (the role is kept, so the request goes to the JGZ)."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert asked in chat.text
    assert "Genoteerd: Veilig Thuis / jeugdbescherming" in chat.text


async def test_a_bevraging_reaches_the_jgz(shipped: KnowledgeBase, make_chat: MakeChat) -> None:
    """ "bevraging jgz" and the child's gemeente: the request goes to that region's JGZ."""
    chat = make_chat(shipped)
    await chat.say("bevraging jgz")
    await chat.say("Zeist")
    assert "GGD regio Utrecht" in chat.text


@pytest.mark.parametrize(
    ("typed", "jgz"),
    [
        ("ik wil de jgz bevragen over een gezin in Zeist", "GGD regio Utrecht"),
        ("kent het consultatiebureau een kind uit Houten?", "GGD regio Utrecht"),
        ("bevraging jgz Groningen", "GGD Groningen"),
        ("graag de jgz bevragen, het gezin woont in Maastricht", "GGD Zuid-Limburg"),
    ],
)
async def test_a_place_beside_an_action_goes_into_it(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, jgz: str
) -> None:
    """A bevraging that names where the child lives starts the request for that gemeente:
    it goes to that gemeente's JGZ, without asking the gemeente again and without a separate
    place answer."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert jgz in chat.text
    assert "in welke gemeente woont het kind?" not in chat.text
    assert "valt onder Veilig Thuis-regio" not in chat.text


async def test_a_question_about_consulting_is_answered_not_started(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """ "wie geeft toestemming als ik wil overleggen met school" answers about consent; no
    request flow starts."""
    chat = make_chat(shipped)
    await chat.say("wie geeft toestemming als ik wil overleggen met school")
    assert "toestemming" in chat.text.casefold()
    assert "Bij welke organisatie vraagt u overleg aan?" not in chat.text


async def test_a_story_says_what_it_was_read_as(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A mother's bruises with a toddler present: read as partner violence seen by a child;
    after the answer, the reply says what it was read as."""
    chat = make_chat(shipped)
    await chat.say("moeder heeft blauwe plekken, de peuter was erbij")
    assert chat.replies[-1].text.startswith("Ik lees uw bericht als:")
    assert "geweld tussen de ouders" in chat.replies[-1].text


@pytest.mark.parametrize(
    "typed",
    ["jaarverslag", "cijfers van het convenant", "hoe vaak is er dit jaar overlegd met VT?"],
)
async def test_a_manager_asking_for_figures_gets_the_report_page(
    shipped: KnowledgeBase, typed: str
) -> None:
    """A manager asking for the year's figures in their own words gets the link to the
    deployment's report page."""
    url = "https://verbind.example/rapport"
    chat = Chat(Conversation(shipped, sessions=MemorySessionStore(), report_url=url))
    await chat.say("ik ben manager")
    await chat.say(typed)
    assert url in chat.text


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("ik twijfel bij vraag 2", "beantwoord vraag 2 daarna opnieuw"),
        ("twijfel over de tweede afwegingsvraag", "beantwoord vraag 2 daarna opnieuw"),
        ("ik twijfel bij vraag 1 van het afwegingskader", "beantwoord vraag 1 daarna opnieuw"),
        ("wat bedoelen ze met afwegingsvraag 3", "Vraag 3 van 5"),
        ("afwegingsvraag 4 snap ik niet", "Vraag 4 van 5"),
    ],
)
async def test_a_question_of_the_afwegingskader_named_by_its_number(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, advice: str
) -> None:
    """Doubt at, or a question about, afwegingsvraag N opens that question's own place in the
    afwegingskader (never vraag 1 for another number); "terug" goes to the question before."""
    chat = make_chat(shipped)
    await chat.say("jeugdarts")
    await chat.say(typed)
    assert advice in chat.text
    await chat.say("terug")
    assert "Vraag" in chat.text


@pytest.mark.parametrize(
    "typed",
    [
        "moeder dreigt zichzelf iets aan te doen, kinderen zijn thuis",
        "vader zegt dat hij er een eind aan maakt, de kinderen zijn bij hem",
        "mama wil niet meer leven en is alleen met de baby",
    ],
)
async def test_a_parent_s_suicide_threat_with_children_is_danger(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str
) -> None:
    """A parent's suicide threat with children at home opens with the emergency line (112 and
    0800-2000), then the answer on a parent in crisis — not on what a child tells."""
    chat = make_chat(shipped)
    await chat.say(typed)
    first = chat.replies[0]
    assert first.emergency
    assert "112" in first.text
    assert "0800-2000" in first.text
    assert "zelfdoding" in chat.text


@pytest.mark.parametrize(
    ("typed", "kind_question"),
    [
        ("opschalen naar SAVE", "in welke gemeente woont het kind?"),
        ("terugkoppeling geven aan de jeugdarts", "Hoe staat het onderzoek?"),
        ("procesevaluatie aanvragen met de jgz", "in welke gemeente woont het kind?"),
    ],
)
async def test_a_typed_action_opens_the_request_at_its_kind(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, kind_question: str
) -> None:
    """A Veilig Thuis / SAVE action typed in a few words opens the request flow at that kind
    (its first question), not an answer about it."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert kind_question in chat.text


async def test_a_question_beside_a_place_is_answered_for_that_place(
    shipped: KnowledgeBase, make_chat: MakeChat
) -> None:
    """A place and a question in one message: the place is kept and the question answered for
    it — a region's own answer elsewhere gives the "andere regio" national answer."""
    chat = make_chat(shipped)
    await chat.say("nog een vraag: ander kind woont in Groningen, wat doet SAVE daar")
    assert "andere Veilig Thuis-regio" in chat.text
    assert "Gemeente Groningen valt onder Veilig Thuis-regio Groningen" in chat.text
    chat = make_chat(shipped)
    await chat.say("kind woont in Zeist, wat doet SAVE daar eigenlijk")
    assert chat.text.startswith("SAVE is de jeugdbescherming")
    assert "Gemeente Zeist valt onder Veilig Thuis-regio Utrecht" in chat.text


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("welke jgz hoort bij Vijfheerenlanden", "JGZ voor een kind in Vijfheerenlanden"),
        ("wie is de jgz in Houten", "JGZ voor een kind in Houten"),
        ("welk veilig thuis hoort bij Vijfheerenlanden", "Gemeente Vijfheerenlanden valt onder"),
    ],
)
async def test_a_place_question_names_the_side_it_asks_for(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, first: str
) -> None:
    """Asking for the JGZ of a place answers JGZ-first, asking for Veilig Thuis VT-first,
    whatever the role (none yet, Veilig Thuis, jeugdarts)."""
    for role in (None, "ik werk bij veilig thuis", "ik ben jeugdarts"):
        chat = make_chat(shipped)
        if role is not None:
            await chat.say(role)
        await chat.say(typed)
        assert chat.replies[-1].text.startswith(first), (role, chat.text)


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        (
            "I work at Veilig Thuis and need info from the youth health service about a family "
            "in Utrecht",
            "Veilig Thuis / jeugdbescherming",
        ),
        ("I am a youth doctor, what are the steps of the meldcode", "Jeugdarts"),
        (
            "I work for SAVE, which youth health service covers Zeist",
            "Veilig Thuis / jeugdbescherming",
        ),
    ],
)
async def test_an_english_role_statement_sets_the_role(
    shipped: KnowledgeBase, make_chat: MakeChat, typed: str, role: str
) -> None:
    """A role stated in English is kept like one stated in Dutch."""
    chat = make_chat(shipped)
    await chat.say(typed)
    assert f"Genoteerd: {role}." in chat.text


@pytest.mark.parametrize(
    "label", ["Veilig Thuis / jeugdbescherming", "Jeugdarts", "Jeugdverpleegkundige"]
)
async def test_a_role_button_label_typed_sets_the_role(
    shipped: KnowledgeBase, make_chat: MakeChat, label: str
) -> None:
    """Typing a role button's own label sets the role like pressing it: after the welcome, as
    the first message (Teams sends the welcome itself), in lower case."""
    for before in ("hallo", None):
        for typed in (label, label.lower()):
            chat = make_chat(shipped)
            if before is not None:
                await chat.say(before)
            await chat.say(typed)
            assert f"Genoteerd: {label}." in chat.text, (before, typed)
