"""The consultation flows: record that a consultation took place, request one, pick it up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs import Conversation, MemorySessionStore, Payload, Turn
from dialogs.consultation import PICKUP_NODE, SUBMIT
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, Pickup, seal_pickup
from dialogs.register import ConsultationRecord, MemoryRegister, RegisterUnavailableError, Status
from knowledge import KnowledgeBase
from tests.conftest import Chat

KEY = b"k" * 32
CANARY_BSN = "111222333"
CANARY_PHONE = "06 12345678"


class Desk:
    """A fake intake desk that keeps what it was asked to deliver."""

    def __init__(self, *partners: str, fail: bool = False) -> None:
        self._partners = partners
        self.fail = fail
        self.delivered: list[ConsultationRequest] = []

    def partners(self) -> tuple[str, ...]:
        """The partners given."""
        return self._partners

    async def deliver(self, request: ConsultationRequest) -> None:
        """Keep ``request`` (or fail)."""
        if self.fail:
            raise IntakeUnavailableError(request.partner)
        self.delivered.append(request)


class Bell:
    """A fake notifier that keeps what it sent where."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def notify(self, address: str, text: str) -> None:
        """Keep the message."""
        self.sent.append((address, text))


class FlakyRegister(MemoryRegister):
    """A register that is down until told otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def append(self, record: ConsultationRecord) -> None:
        """Fail while down."""
        if self.down:
            raise RegisterUnavailableError("down")
        await super().append(record)

    async def status(self, reference: str) -> Status | None:
        """Fail while down."""
        if self.down:
            raise RegisterUnavailableError("down")
        return await super().status(reference)


class ChannelChat(Chat):
    """A chat on a named channel whose turns carry a sender and an address."""

    def __init__(self, conversation: Conversation, key: str, channel: str) -> None:
        super().__init__(conversation, key)
        self.channel = channel

    async def say(self, text: str) -> list:  # type: ignore[type-arg]
        """Type ``text``."""
        return await self._turn(self._make(text=text))

    async def press(self, payload: Payload, form: dict[str, str] | None = None) -> list:  # type: ignore[override, type-arg]
        """Press a button, sending ``form`` values with it."""
        return await self._turn(self._make(payload=payload, form=form))

    async def submit(self, **values: str) -> list:  # type: ignore[type-arg]
        """Fill in the form on offer and send it."""
        forms = [r.form for r in self.replies if r.form is not None]
        assert forms, "no form on offer"
        return await self.press(forms[-1].submit.payload, values)

    def _make(self, **parts: object) -> Turn:
        return Turn(
            key=self.key,
            channel=self.channel,
            sender="Jeugdarts Test",
            address=f"{self.channel}-address-1",
            reach={"teams": "Teams", "slack": "Slack"}.get(self.channel),
            **parts,  # type: ignore[arg-type]
        )


Build = Callable[..., tuple[ChannelChat, MemoryRegister]]


@pytest.fixture
def build(shipped: KnowledgeBase) -> Build:
    """A chat over the shipped content with a register, an intake desk and a notifier."""

    def make(
        *,
        desk: Desk | None = None,
        register: MemoryRegister | None = None,
        bell: Bell | None = None,
        channel: str = "terminal",
        store: MemorySessionStore | None = None,
        key: str = "user:1",
    ) -> tuple[ChannelChat, MemoryRegister]:
        reg = register if register is not None else MemoryRegister()
        conversation = Conversation(
            shipped,
            sessions=store if store is not None else MemorySessionStore(),
            register=reg,
            intakes=desk,
            notifier=bell,
            key=KEY,
        )
        return ChannelChat(conversation, key, channel), reg

    return make


async def test_record_a_veilig_thuis_consultation(build: Build) -> None:
    """Kind, partner and who asked are tapped; ids only are recorded and the user gets a code."""
    chat, register = build()
    await chat.say("leg vast dat ik overlegd heb")
    assert "Advies Veilig Thuis" in chat.labels
    await chat.click("Advies Veilig Thuis")
    await chat.click("Veilig Thuis Utrecht")
    await chat.click("Ik vroeg om overleg")
    [record] = register.records
    assert (record.kind, record.partner, record.region) == (
        "advies-veilig-thuis",
        "veilig-thuis-utrecht",
        "VT20",
    )
    assert (record.direction, record.channel, record.status) == (
        "jgz-partner",
        "terminal",
        "vastgelegd",
    )
    assert record.reference in chat.text
    assert "KIDOS" in chat.text
    assert chat.replies[-1].sources, "the dossier advice cites its source"


async def test_collegial_consultation_needs_no_partner(build: Build) -> None:
    """A talk with a colleague is recorded as internal after one confirmation."""
    chat, register = build()
    await chat.say("overleg vastleggen")
    await chat.click("Collegiale consultatie")
    assert chat.labels == ["Vastleggen", "Annuleren"]
    await chat.click("Vastleggen")
    assert [(r.partner, r.direction) for r in register.records] == [("intern", "intern")]


async def test_region_comes_from_the_place_asked_about(build: Build) -> None:
    """After a place answer, a record with the national Veilig Thuis carries that place's region;
    a region without a pack offers no other region's Veilig Thuis."""
    chat, register = build()
    await chat.say("veilig thuis zwolle")
    await chat.say("vastleggen")
    await chat.click("Melding Veilig Thuis")
    assert "Veilig Thuis Utrecht" not in chat.labels
    await chat.click("Vastleggen")
    assert register.records[0].region == "VT11"
    assert register.records[0].direction == "jgz-partner"


async def test_cancel_records_nothing(build: Build) -> None:
    """Annuleren leaves the register empty."""
    chat, register = build()
    await chat.say("vastleggen")
    await chat.click("SAVE")
    await chat.click("Annuleren")
    assert register.records == []
    assert "Niets vastgelegd" in chat.text


async def test_tree_outcomes_offer_recording(build: Build) -> None:
    """The end of an afwegingskader path offers "Overleg vastleggen"."""
    chat, _ = build()
    await chat.say("afwegingskader")
    if "Jeugdarts" in chat.labels:
        await chat.click("Jeugdarts")
    await chat.click("Ja")
    await chat.click("Ja")
    assert "Overleg vastleggen" in chat.labels


async def test_register_down_loses_nothing_and_can_be_retried(build: Build) -> None:
    """When the register is down the user is told, and the same button works once it is back."""
    flaky = FlakyRegister()
    chat, _ = build(register=flaky)
    await chat.say("vastleggen")
    await chat.click("Collegiale consultatie")
    confirm = chat.replies[-1].buttons[0].payload
    await chat.press(confirm)
    assert "lukte nu niet" in chat.text
    flaky.down = False
    await chat.press(confirm)
    assert len(flaky.records) == 1


async def test_duplicate_click_records_once(build: Build) -> None:
    """Pressing the confirm button twice records one consultation."""
    chat, register = build()
    await chat.say("vastleggen")
    await chat.click("Collegiale consultatie")
    confirm = chat.replies[-1].buttons[0].payload
    await chat.press(confirm)
    await chat.press(confirm)
    assert len(register.records) == 1
    assert "eerdere vraag" in chat.text


async def test_without_intakes_requests_go_by_phone(build: Build) -> None:
    """A deployment without intakes says to call 0800-2000 and offers to record instead."""
    chat, register = build()
    await chat.say("overleg aanvragen")
    assert "0800-2000" in chat.text
    assert "Overleg vastleggen" in chat.labels
    await chat.click("Overleg vastleggen")
    assert "Welk overleg" in chat.text
    assert register.records == []


async def request_by_phone(chat: ChannelChat) -> None:
    """Start a request to SAVE and reach the form."""
    await chat.say("consult aanvragen")
    await chat.click("SAVE (Samen Veilig Midden-Nederland)")
    await chat.click("Vandaag nog")


async def test_request_by_phone_is_forwarded_not_stored(build: Build) -> None:
    """The question and callback number go to the intake; the register gets "aangevraagd" only."""
    desk = Desk("veilig-thuis-utrecht", "save")
    store = MemorySessionStore()
    chat, register = build(desk=desk, store=store)
    await request_by_phone(chat)
    form = chat.replies[-1].form
    assert form is not None
    assert [f.name for f in form.fields] == ["vraag", "naam", "organisatie", "telefoon"]
    await chat.submit(vraag="Hoe pakken we een zorg over een peuter op?", telefoon="030 123 45 67")
    [request] = desk.delivered
    assert request.question == "Hoe pakken we een zorg over een peuter op?"
    assert request.callback == "telefoon 030 123 45 67"
    assert request.urgency == "Vandaag nog"
    [record] = register.records
    assert (record.status, record.partner, record.kind) == ("aangevraagd", "save", "save")
    assert record.reference in chat.text
    stored = await store.load(chat.key)
    assert stored is not None
    assert "peuter" not in stored.session.to_json()
    assert "123 45 67" not in stored.session.to_json()


@pytest.mark.parametrize(
    "question",
    [
        f"Kind met BSN {CANARY_BSN} op school",
        "Moeder belt vaak, naam: Jansen",
        "Geboren 12-03-2019, zorgen om gewicht",
        f"Bel de vader op {CANARY_PHONE}",
    ],
    ids=["bsn", "naam", "geboortedatum", "telefoon"],
)
async def test_client_data_in_the_question_is_refused(build: Build, question: str) -> None:
    """A question with client data is refused with an explanation; nothing is sent or recorded."""
    desk = Desk("save")
    chat, register = build(desk=desk)
    await chat.say("consult aanvragen")
    await chat.click("Vandaag nog")
    await chat.submit(vraag=question, telefoon="030 123 45 67")
    assert "cliëntgegevens" in chat.text
    assert chat.replies[-1].form is not None
    assert desk.delivered == []
    assert register.records == []
    assert question not in chat.text


async def test_phone_is_required_for_a_phone_callback(build: Build) -> None:
    """Without a work number the form comes back with a hint."""
    desk = Desk("save")
    chat, _ = build(desk=desk)
    await chat.say("consult aanvragen")
    await chat.click("Vandaag nog")
    await chat.say("Korte vraag zonder gegevens")
    assert "werknummer" in chat.text
    assert desk.delivered == []


async def test_intake_down_sends_and_records_nothing(build: Build) -> None:
    """A failing intake is reported with the phone route; the register stays empty."""
    desk = Desk("save", fail=True)
    chat, register = build(desk=desk)
    await chat.say("consult aanvragen")
    await chat.click("Vandaag nog")
    await chat.submit(telefoon="030 123 45 67")
    assert "lukte niet" in chat.text
    assert "0800-2000" in chat.text
    assert register.records == []


async def test_teams_request_is_picked_up_and_the_requester_told(build: Build) -> None:
    """Via Teams: the pick-up button records "opgepakt", notifies the requester, and only once."""
    desk, bell, register = Desk("save", "veilig-thuis-utrecht"), Bell(), MemoryRegister()
    store = MemorySessionStore()
    requester, _ = build(desk=desk, bell=bell, register=register, channel="teams", store=store)
    await requester.say("overleg aanvragen")
    await requester.click("SAVE (Samen Veilig Midden-Nederland)")
    await requester.click("Binnen 3 werkdagen")
    await requester.click("Via Teams")
    await requester.submit(vraag="Graag overleg over een casus")
    [request] = desk.delivered
    assert request.callback == "via Teams: Jeugdarts Test"
    intake, _ = build(desk=desk, bell=bell, register=register, channel="teams", key="save:1")
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    assert "De aanvrager krijgt bericht" in intake.text
    assert [r.status for r in register.records] == ["aangevraagd", "opgepakt"]
    assert bell.sent == [("teams-address-1", bell.sent[0][1])]
    assert request.reference in bell.sent[0][1]
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    assert "al opgepakt" in intake.text
    assert len(register.records) == 2
    await requester.say("menu")
    assert "is opgepakt" in requester.text


async def test_terminal_requester_hears_on_the_next_turn(build: Build) -> None:
    """A requester without a channel address sees the pick-up on their next turn, once."""
    desk, register = Desk("save"), MemoryRegister()
    store = MemorySessionStore()
    requester, _ = build(desk=desk, register=register, store=store)
    await requester.say("consult aanvragen")
    await requester.click("Vandaag nog")
    await requester.submit(telefoon="030 123 45 67")
    intake, _ = build(desk=desk, register=register, key="intake:1")
    await intake.press(Payload(PICKUP_NODE, desk.delivered[0].pickup))
    await requester.say("menu")
    assert "is opgepakt" in requester.text
    await requester.say("menu")
    assert "is opgepakt" not in requester.text


async def test_forged_pickup_is_refused(build: Build) -> None:
    """A pick-up token sealed with another key records nothing."""
    chat, register = build()
    forged = seal_pickup(
        Pickup("VB-AAAA-BBBB", "save", "save", None, "jgz-partner", "teams", "x"), b"z" * 32
    )
    await chat.press(Payload(PICKUP_NODE, forged))
    assert "ongeldig" in chat.text
    await chat.press(Payload(PICKUP_NODE, "nonsense"))
    assert register.records == []


async def test_submit_without_the_flow_is_stale(build: Build) -> None:
    """A form submit outside the request flow is not sent anywhere."""
    desk = Desk("save")
    chat, _ = build(desk=desk)
    await chat.press(Payload("_av", SUBMIT), {"vraag": "x", "telefoon": "030 123 45 67"})
    assert desk.delivered == []
