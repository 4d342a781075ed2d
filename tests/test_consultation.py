"""The consultation flows: record that a consultation took place, request one, pick it up."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from bot.channels.terminal import TerminalChannel
from bot.channels.web.page import MAX_PAYLOAD_FIELD
from dialogs import Conversation, MemorySessionStore, Payload, Reply, Turn
from dialogs.consultation import KIND_LABELS, PICKUP_NODE, SUBMIT, URGENCIES, ConsultationFlows
from dialogs.consultation.fields import check_field
from dialogs.consultation.labels import STAGES
from dialogs.intake import ConsultationRequest, IntakeUnavailableError, Pickup, seal_pickup
from dialogs.openrequests import OpenRequest
from dialogs.register import ConsultationRecord, MemoryRegister, RegisterUnavailableError, Status
from dialogs.sealed import seal_ids, unseal_ids
from dialogs.targets import Flow, FlowTarget, Step
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
    """A fake notifier that keeps what it sent where (or fails to send, when ``down``)."""

    def __init__(self, *, down: bool = False) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.down = down

    async def notify(self, address: str, notice: Reply) -> bool:
        """Keep the message; False (not delivered) while down."""
        if self.down:
            return False
        self.sent.append((address, notice))
        return True


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
    """After a place, kind and who asked are tapped (the region's Veilig Thuis is the only
    partner); ids only are recorded and the user gets a code and the region's dossier line."""
    chat, register = build()
    await chat.say("kind woont in Zeist")
    await chat.say("leg vast dat ik overlegd heb")
    assert "Advies Veilig Thuis" in chat.labels
    await chat.click("Advies Veilig Thuis")
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
    assert "KIDOS" not in chat.text, "Zeist's JGZ is GGD regio Utrecht, not JGZ Utrecht"
    await chat.say("kind woont in Utrecht")
    await chat.say("leg vast dat ik overlegd heb")
    await chat.click("Advies Veilig Thuis")
    await chat.click("Ik vroeg om overleg")
    assert "KIDOS" in chat.text, "JGZ Utrecht's dossier line for a child in the city"
    assert chat.replies[-1].sources, "the dossier advice cites its source"


async def test_collegial_consultation_needs_no_partner(build: Build) -> None:
    """Without a place, the child's gemeente comes first (for the region); a talk with a
    colleague is then recorded as internal after one confirmation."""
    chat, register = build()
    await chat.say("overleg vastleggen")
    assert "in welke gemeente woont het kind?" in chat.text
    await chat.submit(gemeente="Houten")
    await chat.click("Collegiale consultatie")
    assert chat.labels == ["Vastleggen", "Annuleren"]
    await chat.click("Vastleggen")
    assert [(r.partner, r.direction, r.region) for r in register.records] == [
        ("intern", "intern", "VT20")
    ]


async def test_region_comes_from_the_place_asked_about(build: Build) -> None:
    """After a place answer a melding goes to that region's Veilig Thuis, recorded with that
    region; no other region's Veilig Thuis is offered."""
    chat, register = build()
    await chat.say("veilig thuis zwolle")
    await chat.say("vastleggen")
    await chat.click("Melding Veilig Thuis")
    assert "Veilig Thuis Utrecht" not in chat.text
    await chat.click("Vastleggen")
    [record] = register.records
    assert (record.partner, record.region, record.direction) == (
        "veilig-thuis-ijsselland",
        "VT11",
        "jgz-partner",
    )


async def test_cancel_records_nothing(build: Build) -> None:
    """Annuleren leaves the register empty."""
    chat, register = build()
    await chat.say("kind woont in Zeist")
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
    await chat.say("veilig thuis zeist")  # the gemeente is known: not asked again
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
    await chat.say("veilig thuis zeist")
    await chat.say("vastleggen")
    await chat.click("Collegiale consultatie")
    confirm = chat.replies[-1].buttons[0].payload
    await chat.press(confirm)
    await chat.press(confirm)
    assert len(register.records) == 1
    assert "eerdere vraag" in chat.text


async def test_without_intakes_requests_go_by_phone(build: Build) -> None:
    """A deployment without intakes gives the phone route that exists — 0800-2000 with the
    child's woonplaats — and offers to record instead; never a promise without a number."""
    chat, register = build()
    await chat.say("overleg aanvragen")
    await chat.submit(gemeente="Zeist")
    assert "0800-2000" in chat.text
    assert "Zeist" in chat.text
    assert "per telefoon of e-mail" not in chat.text
    assert "Overleg vastleggen" in chat.labels
    await chat.click("Overleg vastleggen")
    assert "Welk overleg" in chat.text
    assert register.records == []


async def request_by_phone(chat: ChannelChat, partner: str = "SAVE Jeugdbescherming") -> None:
    """Start a request for a child in Zeist to ``partner`` and reach the form."""
    await chat.say("consult aanvragen")
    await chat.submit(gemeente="Zeist")
    if partner in chat.labels:
        await chat.click(partner)
    await chat.click("Vandaag nog")


async def test_request_by_phone_is_forwarded_not_stored(build: Build) -> None:
    """The question and callback number go to the intake with the child's gemeente; the register
    gets "aangevraagd" only, as jeugdbescherming (SAVE's kind)."""
    desk = Desk("veilig-thuis-utrecht", "save")
    store = MemorySessionStore()
    chat, register = build(desk=desk, store=store)
    await request_by_phone(chat)
    form = chat.replies[-1].form
    assert form is not None
    assert [(f.name, f.kind) for f in form.fields] == [
        ("gemeente", "text"),
        ("vraag", "multiline"),
        ("naam", "text"),
        ("organisatie", "text"),
        ("telefoon", "tel"),
    ]
    assert form.fields[0].value == "Zeist"
    await chat.submit(
        gemeente="Zeist",
        vraag="Hoe pakken we een zorg over een peuter op?",
        telefoon="030 123 45 67",
    )
    [request] = desk.delivered
    assert request.question == "Hoe pakken we een zorg over een peuter op?"
    assert request.callback == "telefoon 030 123 45 67"
    assert request.urgency == "Vandaag nog"
    assert request.gemeente == "Zeist"
    [record] = register.records
    assert (record.status, record.partner, record.kind) == (
        "aangevraagd",
        "save",
        "jeugdbescherming",
    )
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
        "Gaat over Sanne de Vries uit groep 3",
    ],
    ids=["bsn", "naam", "geboortedatum", "telefoon", "volledige-naam"],
)
async def test_client_data_in_the_question_is_refused(build: Build, question: str) -> None:
    """A question with client data — names included, as the chat's own guard finds them — is
    refused with an explanation; the form comes back with the other values kept and the
    question emptied (never echoed); nothing is sent or recorded."""
    desk = Desk("save")
    chat, register = build(desk=desk)
    await request_by_phone(chat)
    await chat.submit(gemeente="Zeist", vraag=question, naam="A. Tester", telefoon="030 123 45 67")
    assert "cliëntgegevens" in chat.text
    form = chat.replies[-1].form
    assert form is not None
    values = {f.name: f.value for f in form.fields}
    assert values["vraag"] == ""
    assert (values["naam"], values["telefoon"]) == ("A. Tester", "030 123 45 67")
    assert desk.delivered == []
    assert register.records == []
    assert question not in chat.text


async def test_every_problem_is_named_at_once_and_the_values_kept(build: Build) -> None:
    """A form with several problems names each in one reply and shows the user's own values
    again, so nothing has to be typed twice."""
    desk = Desk("save")
    chat, _ = build(desk=desk)
    await request_by_phone(chat)
    await chat.submit(gemeente="Dorpsstraat 3", vraag="Graag overleg", naam="x" * 81, telefoon="12")
    warning = chat.replies[0].text
    problems = [line for line in warning.splitlines() if line.startswith("- ")]
    assert len(problems) == 3, "one line per problem, each named once"
    assert "alleen de gemeente" in problems[0]
    assert "langer dan 80" in problems[1]
    assert "werknummer" in problems[2]
    form = chat.replies[-1].form
    assert form is not None
    assert {f.name: f.value for f in form.fields}["vraag"] == "Graag overleg"
    assert desk.delivered == []


async def test_problems_are_named_in_the_order_of_the_fields(build: Build) -> None:
    """An unknown gemeente (the form's first field) is named before the question's client
    data, as the form shows them."""
    chat, _ = build(desk=Desk("save"))
    await request_by_phone(chat)
    await chat.submit(gemeente="Nergensdorp", vraag=f"BSN {CANARY_BSN}", telefoon="030 1234567")
    problems = [line for line in chat.replies[0].text.splitlines() if line.startswith("- ")]
    assert len(problems) == 2
    assert "gemeente ken ik niet" in problems[0]
    assert "BSN" in problems[1]


async def test_phone_is_required_for_a_phone_callback(build: Build) -> None:
    """Without a work number the form comes back with a hint (text typed instead of the form
    keeps the gemeente the form showed)."""
    desk = Desk("save")
    chat, _ = build(desk=desk)
    await request_by_phone(chat)
    await chat.say("Korte vraag zonder gegevens")
    assert "werknummer" in chat.text
    assert "gemeente" not in chat.replies[0].text.split("\n", 1)[-1]
    assert desk.delivered == []


async def test_intake_down_sends_and_records_nothing(build: Build) -> None:
    """A failing intake is reported with the phone route; the register stays empty."""
    desk = Desk("save", fail=True)
    chat, register = build(desk=desk)
    await request_by_phone(chat)
    await chat.submit(gemeente="Zeist", telefoon="030 123 45 67")
    assert "lukte niet" in chat.text
    assert "0800-2000" in chat.text
    assert register.records == []


async def teams_request(
    build: Build,
    bell: Bell,
    store: MemorySessionStore | None = None,
    register: MemoryRegister | None = None,
) -> tuple[ChannelChat, ChannelChat, Desk, list[Any]]:
    """A Teams requester asks SAVE to reach them in Teams; the requester, SAVE's intake chat
    (same sessions and register, ``store`` and ``register`` when given), the desk and the
    register's records."""
    desk = Desk("save", "veilig-thuis-utrecht")
    register = register if register is not None else MemoryRegister()
    store = store if store is not None else MemorySessionStore()
    shared = {"desk": desk, "bell": bell, "register": register, "channel": "teams", "store": store}
    requester, _ = build(**shared)
    await requester.say("overleg aanvragen")
    await requester.submit(gemeente="Zeist")
    await requester.click("SAVE Jeugdbescherming")
    await requester.click("Binnen 3 werkdagen")
    await requester.click("Via Teams")
    form_text = requester.replies[-1].text
    assert "via Teams" in form_text
    assert "Er gaat geen telefoonnummer mee" in form_text
    assert "telefoon" not in [f.name for f in requester.replies[-1].form.fields]  # type: ignore[union-attr]
    await requester.submit(gemeente="Zeist", vraag="Graag overleg over een casus")
    intake, _ = build(**shared, key="save:1")
    return requester, intake, desk, register.records


async def test_teams_request_is_picked_up_and_the_requester_told(build: Build) -> None:
    """Via Teams: the pick-up button records "opgepakt" once and tells the requester once, in
    their chat (not again with their next message)."""
    bell = Bell()
    requester, intake, desk, records = await teams_request(build, bell)
    [request] = desk.delivered
    assert request.callback == "via Teams: Jeugdarts Test"
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    assert "De aanvrager krijgt bericht" in intake.text
    assert [r.status for r in records] == ["aangevraagd", "opgepakt"]
    assert bell.sent == [("teams-address-1", bell.sent[0][1])]
    assert request.reference in bell.sent[0][1].text
    assert request.partner_name in bell.sent[0][1].text
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    assert "al opgepakt" in intake.text
    assert len(records) == 2
    assert len(bell.sent) == 1
    await requester.say("menu")
    assert "is opgepakt" not in requester.text, "told once: in the chat, not again now"


async def test_a_picked_up_request_is_recorded_under_its_own_reference(build: Build) -> None:
    """After the pick-up (told in the chat), "overleg vastleggen" first offers the picked-up
    request: its consultation is recorded under the request's reference, so the request and
    its record count once; another consultation can still be recorded on its own."""
    bell = Bell()
    requester, intake, desk, records = await teams_request(build, bell)
    [request] = desk.delivered
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    [(_, notice)] = bell.sent
    assert [b.label for b in notice.buttons] == [f"Overleg vastleggen: {request.reference}"]
    await requester.say("overleg vastleggen")
    assert "Ander overleg vastleggen" in requester.labels
    await requester.click(f"Overleg vastleggen: {request.reference}")
    assert request.reference in requester.text
    await requester.click("Vastleggen")
    assert [(r.reference, r.status) for r in records] == [
        (request.reference, "aangevraagd"),
        (request.reference, "opgepakt"),
        (request.reference, "vastgelegd"),
    ]
    await requester.say("overleg vastleggen")
    assert "Ander overleg vastleggen" not in requester.labels, "recorded: no longer offered"


def linked(records: list[ConsultationRecord]) -> list[tuple[str, str]]:
    """The register's (reference, status) pairs, in order."""
    return [(r.reference, r.status) for r in records]


async def test_the_notice_told_at_once_records_under_the_same_reference(build: Build) -> None:
    """The notice the requester gets at once (proactively) carries "Overleg vastleggen: VB-…":
    pressed, the consultation is recorded under the request's own reference, once; the same
    button pressed again records nothing more."""
    bell = Bell()
    requester, intake, desk, records = await teams_request(build, bell)
    [request] = desk.delivered
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    [(_, notice)] = bell.sent
    [button] = notice.buttons
    await requester.press(button.payload)
    assert request.reference in requester.text
    await requester.click("Vastleggen")
    assert linked(records) == [
        (request.reference, "aangevraagd"),
        (request.reference, "opgepakt"),
        (request.reference, "vastgelegd"),
    ]
    await requester.press(button.payload)
    assert "Vastleggen" not in requester.labels
    assert len(records) == 3


async def test_the_notice_is_the_same_at_once_and_on_the_next_turn(build: Build) -> None:
    """Told at once or with the next message, the requester gets the same notice: who picked
    the request up, and the button that records it under the same reference."""
    shapes: list[tuple[str, list[str]]] = []
    for bell in (Bell(), Bell(down=True)):
        requester, intake, desk, _ = await teams_request(build, bell)
        [request] = desk.delivered
        await intake.press(Payload(PICKUP_NODE, request.pickup))
        if not bell.sent:
            await requester.say("menu")
        notice = bell.sent[0][1] if bell.sent else requester.replies[0]
        assert request.partner_name in notice.text
        labels = [b.label.replace(request.reference, "VB-…") for b in notice.buttons]
        shapes.append((notice.text.replace(request.reference, "VB-…"), labels))
    at_once, next_turn = shapes
    assert at_once == next_turn
    assert at_once[1] == ["Overleg vastleggen: VB-…"]


class StatusDown(MemoryRegister):
    """A register that cannot say a request's status while ``down`` (writing still works)."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def status(self, reference: str) -> Status | None:
        """Fail while down."""
        if self.down:
            raise RegisterUnavailableError("down")
        return await super().status(reference)


async def test_the_notice_records_after_the_requesters_session_ended(build: Build) -> None:
    """Picked up after the requester's session ended (idle for hours): the notice still comes
    at once, and its button records the consultation under the request's reference in a new
    session, once; pressed while the register cannot say it was picked up, nothing is put back
    or recorded."""
    now = [1_800_000_000.0]
    store = MemorySessionStore(idle_seconds=1800, clock=lambda: now[0])
    register, bell = StatusDown(), Bell()
    requester, intake, desk, records = await teams_request(build, bell, store, register)
    [request] = desk.delivered
    now[0] += 3 * 3600
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    [(_, notice)] = bell.sent
    [button] = notice.buttons
    register.down = True
    await requester.press(button.payload)
    assert "Vastleggen" not in requester.labels
    register.down = False
    await requester.press(button.payload)
    assert request.reference in requester.text
    await requester.click("Vastleggen")
    await requester.say("stop")
    await requester.press(button.payload)
    assert "Vastleggen" not in requester.labels
    assert linked(records) == [
        (request.reference, "aangevraagd"),
        (request.reference, "opgepakt"),
        (request.reference, "vastgelegd"),
    ]


async def test_a_forged_notice_button_records_nothing(build: Build) -> None:
    """A record button sealed with another key, or altered, is an old button: nothing is
    recorded and nothing is put in the session."""
    bell = Bell()
    requester, intake, desk, records = await teams_request(build, bell)
    [request] = desk.delivered
    await intake.press(Payload(PICKUP_NODE, request.pickup))
    [(_, notice)] = bell.sent
    genuine = notice.buttons[0].payload
    other = ConsultationFlows(requester.conversation.knowledge, intakes=desk, key=b"z" * 32)
    opened = OpenRequest(request.reference, "save", "save", "VT20", "jgz-partner")
    forged = other.pickup_notice(opened).buttons[0].payload
    body, _, mac = genuine.choice.rpartition(".")
    altered = Payload(genuine.node, f"{body[:-4]}AAAA.{mac}")
    stranger, _ = build(desk=desk, bell=bell, channel="teams", key="other:1")
    for press in (forged, altered):
        await stranger.press(press)
        assert "Vastleggen" not in stranger.labels
    assert linked(records) == [(request.reference, "aangevraagd"), (request.reference, "opgepakt")]


def test_a_sealed_token_serves_one_purpose_and_carries_ids_only() -> None:
    """Ids sealed for one use are refused for another, with another key, altered or cut; text
    that is not an id (a dot, a space) cannot be sealed at all."""
    token = seal_ids(("VB-AAAA-BBBB", "save", ""), KEY, purpose="picked-up-request")
    assert unseal_ids(token, KEY, purpose="picked-up-request", count=3) == (
        "VB-AAAA-BBBB",
        "save",
        "",
    )
    assert unseal_ids(token, KEY, purpose="pickup", count=3) is None
    assert unseal_ids(token, b"z" * 32, purpose="picked-up-request", count=3) is None
    assert (
        unseal_ids(token.replace("save", "sava"), KEY, purpose="picked-up-request", count=3) is None
    )
    assert unseal_ids(token, KEY, purpose="picked-up-request", count=2) is None
    for text in ("Jan de Vries", "a.b"):
        with pytest.raises(ValueError, match="only ids"):
            seal_ids((text,), KEY, purpose="picked-up-request")


def test_a_notice_button_fits_every_channel(shipped: KnowledgeBase) -> None:
    """The notice's record button, for any partner and kind the content has, fits what every
    channel carries back: the web page's payload field, a Slack button's value."""
    flows = ConsultationFlows(shipped, intakes=Desk(), key=KEY)
    longest = max(shipped.organisations, key=len)
    kind = max(KIND_LABELS, key=len)
    opened = OpenRequest("VB-AAAA-BBBB", kind, longest, "VT20", "partner-jgz")  # type: ignore[arg-type]
    [button] = flows.pickup_notice(opened).buttons
    assert len(button.payload.choice) <= MAX_PAYLOAD_FIELD
    assert len(json.dumps({"node": button.payload.node, "choice": button.payload.choice})) <= 2000
    assert flows.sealed_request(button.payload) == replace(opened, picked_up=True)


async def test_a_notice_that_cannot_be_sent_comes_with_the_next_turn(build: Build) -> None:
    """When the requester's chat cannot be reached, their next turn tells them, once."""
    bell = Bell(down=True)
    requester, intake, desk, _ = await teams_request(build, bell)
    await intake.press(Payload(PICKUP_NODE, desk.delivered[0].pickup))
    assert bell.sent == []
    await requester.say("menu")
    assert "is opgepakt" in requester.text
    await requester.say("menu")
    assert "is opgepakt" not in requester.text


async def test_terminal_requester_hears_on_the_next_turn(build: Build) -> None:
    """A requester without a channel address sees the pick-up on their next turn, once."""
    desk, register = Desk("save"), MemoryRegister()
    store = MemorySessionStore()
    requester, _ = build(desk=desk, register=register, store=store)
    await request_by_phone(requester)
    await requester.submit(gemeente="Zeist", telefoon="030 123 45 67")
    intake, _ = build(desk=desk, register=register, key="intake:1")
    await intake.press(Payload(PICKUP_NODE, desk.delivered[0].pickup))
    await requester.say("menu")
    assert "is opgepakt" in requester.text
    await requester.say("menu")
    assert "is opgepakt" not in requester.text


async def test_the_linked_record_is_refused_for_another_sessions_request(build: Build) -> None:
    """Recording under a reference works only for a request this conversation sent."""
    chat, register = build()
    target = FlowTarget(Flow.RECORD, Step.LINKED, "VB-AAAA-BBBB")
    await chat.press(Payload("_vl", f"vl:na-oppakken:{target.value}"))
    assert register.records == []
    assert "eerdere vraag" in chat.text


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


async def test_the_requester_is_remembered_for_the_conversation(build: Build) -> None:
    """A second request in the same conversation shows the requester's own name and
    organisation filled in (kept in memory, never in the session); "stop" forgets them."""
    desk = Desk("save", "veilig-thuis-utrecht")
    store = MemorySessionStore()
    chat, _ = build(desk=desk, store=store)
    await request_by_phone(chat)
    await chat.submit(
        gemeente="Zeist",
        naam="A. Tester",
        organisatie="GGD regio Utrecht",
        telefoon="030 123 45 67",
    )
    stored = await store.load(chat.key)
    assert stored is not None
    assert "tester" not in stored.session.to_json().lower()
    await chat.say("overleg aanvragen")
    await chat.click("Ja")
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("Vandaag nog")
    form = chat.replies[-1].form
    assert form is not None
    values = {f.name: f.value for f in form.fields}
    assert (values["naam"], values["organisatie"]) == ("A. Tester", "GGD regio Utrecht")
    await chat.say("stop")
    await request_by_phone(chat)
    form = chat.replies[-1].form
    assert form is not None
    assert {f.name: f.value for f in form.fields}["naam"] == ""


async def test_a_second_request_asks_about_the_child_again(build: Build) -> None:
    """After a request, the next one confirms the child's gemeente ("Voor een kind in Zeist?");
    another gemeente is asked, and the request follows it to that region."""
    desk = Desk("save", "veilig-thuis-utrecht", "veilig-thuis-ijsselland")
    chat, register = build(desk=desk)
    await request_by_phone(chat)
    await chat.submit(gemeente="Zeist", telefoon="030 123 45 67")
    await chat.say("overleg aanvragen")
    assert "Voor een kind in Zeist?" in chat.text
    await chat.click("Andere gemeente")
    await chat.submit(gemeente="Zwolle")
    assert "SAVE" not in " ".join(chat.labels)
    await chat.click("Vandaag nog")  # Zwolle's only partner with an intake: its Veilig Thuis
    form = chat.replies[-1].form
    assert form is not None
    assert form.fields[0].value == "Zwolle"
    await chat.submit(gemeente="Zwolle", telefoon="030 123 45 67")
    assert [(r.partner, r.region) for r in register.records] == [
        ("save", "VT20"),
        ("veilig-thuis-ijsselland", "VT11"),
    ]
    assert desk.delivered[-1].gemeente == "Zwolle"


async def test_another_gemeente_in_the_form_cannot_reach_another_regions_partner(
    build: Build,
) -> None:
    """Changing the gemeente in the form to one in another region does not send the request to
    this region's partner: the user is told and chooses again in the child's region."""
    desk = Desk("save", "veilig-thuis-utrecht", "veilig-thuis-ijsselland")
    chat, register = build(desk=desk)
    await request_by_phone(chat)
    await chat.submit(gemeente="Zwolle", telefoon="030 123 45 67")
    assert "Zwolle ligt in Veilig Thuis-regio IJsselland" in chat.text
    assert desk.delivered == []
    assert register.records == []


# -- recording: wording, dossier line and region ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "said", "unsaid"),
    [
        (
            "Vertrouwensarts",
            "Overleg met Vertrouwensarts van Veilig Thuis Utrecht",
            "Vertrouwensarts met",
        ),
        ("SAVE", "Overleg met SAVE Jeugdbescherming", "SAVE met SAVE"),
        ("Collegiale consultatie", "Collegiale consultatie vastleggen?", "(een collega"),
        ("Melding Veilig Thuis", "Melding bij Veilig Thuis Utrecht", "Wie vroeg"),
    ],
    ids=["vertrouwensarts", "save", "collega", "melding"],
)
async def test_records_are_named_without_doubling(
    build: Build, kind: str, said: str, unsaid: str
) -> None:
    """What is being recorded reads once, plainly; a melding is not asked who asked."""
    chat, _ = build()
    await chat.say("kind woont in Zeist")
    await chat.say("overleg vastleggen")
    await chat.click(kind)
    assert said in chat.text
    assert unsaid not in chat.text


async def test_the_vertrouwensarts_is_a_kind_and_a_partner_of_its_own(build: Build) -> None:
    """A consultation with the vertrouwensarts is recorded as such, with the region's
    vertrouwensarts as partner — not as advice from Veilig Thuis; and it can be requested."""
    desk = Desk("veilig-thuis-utrecht", "vertrouwensarts-utrecht")
    chat, register = build(desk=desk)
    await chat.say("kind woont in Zeist")
    await chat.say("overleg aanvragen")
    await chat.click("Vertrouwensarts van Veilig Thuis Utrecht")
    await chat.click("Vandaag nog")
    await chat.submit(gemeente="Zeist", telefoon="030 123 45 67")
    [record] = register.records
    assert (record.kind, record.partner) == ("vertrouwensarts", "vertrouwensarts-utrecht")


async def test_a_melding_gets_its_own_dossier_line(build: Build) -> None:
    """A melding is not noted as 'intern overleg' and is not told to say it was anonymous."""
    chat, register = build()
    await chat.say("kind woont in Utrecht")
    await chat.say("overleg vastleggen")
    await chat.click("Melding Veilig Thuis")
    await chat.click("Vastleggen")
    [record] = register.records
    assert (record.kind, record.direction, record.region) == ("melding", "jgz-partner", "VT20")
    assert "intern overleg" not in chat.text
    assert "melding Veilig Thuis" in chat.text
    assert "anoniem" not in chat.text


async def test_the_gemeente_is_asked_then_confirmed_for_the_next_record(build: Build) -> None:
    """Without a place the child's gemeente is asked (an address refused); only its code and
    region are kept; the next record confirms it in one tap."""
    store = MemorySessionStore()
    chat, register = build(store=store)
    await chat.say("overleg vastleggen")
    assert "in welke gemeente" in chat.text
    await chat.submit(gemeente="Dorpsstraat 3, Zwolle")
    assert "alleen de gemeente" in chat.text
    await chat.submit(gemeente="Zwolle")
    await chat.click("Advies Veilig Thuis")
    await chat.click("Ik vroeg om overleg")
    [record] = register.records
    assert (record.partner, record.region) == ("veilig-thuis-ijsselland", "VT11")
    stored = await store.load(chat.key)
    assert stored is not None
    assert "zwolle" not in stored.session.to_json().lower()
    await chat.say("overleg vastleggen")
    assert "Voor een kind in Zwolle?" in chat.text
    await chat.click("Ja")
    await chat.click("Advies Veilig Thuis")
    await chat.click("Ik vroeg om overleg")
    assert [r.region for r in register.records] == ["VT11", "VT11"]


@pytest.mark.parametrize("kind", ["Opschalen", "Afschalen"])
async def test_op_and_afschalen_are_recordable_where_the_covenant_is(
    build: Build, kind: str
) -> None:
    """In the covenant's region opschalen and afschalen are kinds of their own; elsewhere they
    are not offered to the JGZ."""
    chat, register = build()
    await chat.say("kind woont in Zeist")
    await chat.say("overleg vastleggen")
    await chat.click(kind)
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("De ander vroeg om overleg")
    [record] = register.records
    assert (record.kind, record.direction) == (kind.lower(), "partner-jgz")
    other, _ = build(key="user:2")
    await other.say("kind woont in Zwolle")
    await other.say("overleg vastleggen")
    assert kind not in other.labels
    assert "SAVE" not in other.labels


async def test_a_procesevaluatie_is_recordable(build: Build) -> None:
    """A process evaluation is a kind of its own, with a partner of the child's region."""
    chat, register = build()
    await chat.say("kind woont in Zeist")
    await chat.say("overleg vastleggen")
    await chat.click("Procesevaluatie")
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("Ik vroeg om overleg")
    assert [(r.kind, r.partner) for r in register.records] == [("procesevaluatie", "save")]


# -- the other direction: Veilig Thuis / SAVE to the JGZ ----------------------------------------


async def as_partner(chat: ChannelChat) -> None:
    """Say one works at Veilig Thuis or SAVE."""
    await chat.say("beroep")
    await chat.click("Veilig Thuis / jeugdbescherming")


async def test_veilig_thuis_sends_terugkoppeling_to_the_jgz_of_the_gemeente(build: Build) -> None:
    """Stage chosen, gemeente typed: the JGZ serving it gets the message with the sender's own
    name and organisation; the register holds partner → JGZ with the JGZ as partner."""
    desk = Desk("jgz-utrecht", "ggd-regio-utrecht")
    chat, register = build(desk=desk)
    await as_partner(chat)
    await chat.say("overleg aanvragen")
    assert "Informatie vragen (bevraging)" in chat.labels
    await chat.click("Terugkoppeling na onderzoek")
    await chat.click("Overgedragen: lokaal team")
    await chat.submit(gemeente="Utrecht")
    await chat.click("SAVE Jeugdbescherming")
    await chat.click("Binnen 3 werkdagen")
    await chat.submit(
        gemeente="Utrecht",
        vraag="Overgedragen; vragen? Bel mij.",
        naam="A. Tester",
        telefoon="030 765 43 21",
    )
    [request] = desk.delivered
    assert request.partner == "jgz-utrecht"
    assert request.subject == "Terugkoppeling: Overgedragen: lokaal team"
    assert request.requester == "A. Tester (SAVE Jeugdbescherming)"
    assert request.gemeente == "Utrecht"
    [record] = register.records
    assert (record.kind, record.partner, record.direction, record.region) == (
        "terugkoppeling",
        "jgz-utrecht",
        "partner-jgz",
        "VT20",
    )


async def test_the_jgz_picks_up_and_veilig_thuis_hears_it(build: Build) -> None:
    """The JGZ's pick-up is recorded for the same reference; the notice names the JGZ; the
    sender's organisation is asked once per conversation."""
    desk, register = Desk("ggd-regio-utrecht"), MemoryRegister()
    store = MemorySessionStore()
    chat, _ = build(desk=desk, register=register, store=store)
    await as_partner(chat)
    await chat.say("overleg aanvragen")
    await chat.click("Informatie vragen (bevraging)")
    await chat.submit(gemeente="Zeist")
    await chat.click("Veilig Thuis Utrecht")
    await chat.click("Vandaag nog")
    await chat.submit(gemeente="Zeist", telefoon="030 765 43 21")
    jgz, _ = build(desk=desk, register=register, key="jgz:1")
    await jgz.press(Payload(PICKUP_NODE, desk.delivered[0].pickup))
    assert [(r.kind, r.partner, r.status) for r in register.records] == [
        ("bevraging", "ggd-regio-utrecht", "aangevraagd"),
        ("bevraging", "ggd-regio-utrecht", "opgepakt"),
    ]
    await chat.say("menu")
    assert "is opgepakt" in chat.text
    await chat.click("Opschalen")
    await chat.click("Ja")
    assert "Namens welke organisatie" not in chat.text


async def test_a_jgz_without_an_inbox_is_reached_by_phone_honestly(build: Build) -> None:
    """A gemeente whose JGZ has no intake here: say so, with the number if Verbind has one
    and honestly that it has none otherwise; never "per telefoon of e-mail"; nothing sent."""
    desk = Desk("jgz-utrecht")
    chat, register = build(desk=desk)
    await as_partner(chat)
    await chat.say("overleg aanvragen")
    await chat.click("Opschalen")
    await chat.submit(gemeente="Zwolle")
    assert "GGD IJsselland heeft hier geen inbox" in chat.text
    assert "nog niet in Verbind" in chat.text
    assert "per telefoon of e-mail" not in chat.text
    assert [c.name for r in chat.replies for c in r.contacts] == ["GGD IJsselland"]
    assert desk.delivered == []
    assert register.records == []


async def test_a_procesevaluatie_can_be_requested(build: Build) -> None:
    """A stuck case: invite a partner of the child's region to a procesevaluatie, recorded as
    its own kind."""
    desk = Desk("save", "veilig-thuis-utrecht")
    chat, register = build(desk=desk)
    await chat.say("overleg aanvragen")
    await chat.submit(gemeente="Zeist")
    await chat.click("Procesevaluatie aanvragen")
    assert "Wie wilt u uitnodigen" in chat.text
    await chat.click("Veilig Thuis Utrecht")
    await chat.click("Geen haast")
    await chat.submit(
        gemeente="Zeist", vraag="Wij liepen vast bij de overdracht.", telefoon="030 123 45 67"
    )
    [request] = desk.delivered
    assert request.subject == "Procesevaluatie"
    assert [(r.kind, r.partner) for r in register.records] == [
        ("procesevaluatie", "veilig-thuis-utrecht")
    ]


async def test_a_request_of_a_kind_starts_directly(shipped: KnowledgeBase) -> None:
    """The typed entry for a Veilig Thuis / SAVE action ("procesevaluatie aanvragen") opens the
    request of that kind at once (the seam issue 23 calls)."""
    flows = ConsultationFlows(shipped, intakes=Desk("save", "veilig-thuis-utrecht"), key=KEY)
    from dialogs.session import Session

    result = flows.start_request(Session(), Turn(key="k", channel="test"), kind="procesevaluatie")
    assert "in welke gemeente" in result.replies[-1].text
    assert result.session.facts["av-soort"] == "procesevaluatie"


async def test_region_cards_offer_a_request(build: Build) -> None:
    """A place answer with a partner that has an intake offers "Overleg aanvragen"."""
    chat, _ = build(desk=Desk("veilig-thuis-utrecht"))
    await chat.say("veilig thuis zeist")
    assert "Overleg aanvragen: Veilig Thuis Utrecht" in chat.labels


async def test_a_city_partner_is_offered_only_for_a_child_in_that_city(build: Build) -> None:
    """A partner that serves certain gemeenten (the city of Utrecht's buurtteams) is offered
    for a request only for a child there, not elsewhere in its region (Nieuwegein)."""
    offered = {}
    for place in ("Utrecht", "Nieuwegein"):
        chat, _ = build(desk=Desk("buurtteams-utrecht"))
        await chat.say(f"kind woont in {place}")
        await chat.say("overleg aanvragen")
        if "Vandaag nog" in chat.labels:
            await chat.click("Vandaag nog")
        offered[place] = " ".join(chat.labels) + chat.text
    assert "Buurtteams Utrecht" in offered["Utrecht"]
    assert "nog geen overleg aanvragen" in offered["Nieuwegein"]
    assert "Buurtteams Utrecht" not in offered["Nieuwegein"]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("vraag", f"BSN {CANARY_BSN}", "cliëntgegevens"),
        ("telefoon", "12", "geen geldig Nederlands telefoonnummer"),
        ("telefoon", "12345", "geen geldig Nederlands telefoonnummer"),
        ("telefoon", "030 123 45 6a", "geen geldig Nederlands telefoonnummer"),
        ("telefoon", "", "Vul uw werknummer in"),
        ("gemeente", "3701 AB Zeist", "alleen de gemeente"),
        ("naam", "x" * 81, "langer dan 80"),
    ],
)
def test_each_field_is_checked_on_its_own(field: str, value: str, problem: str) -> None:
    """A field's check needs no other field: a channel can run it as soon as it is entered."""
    assert problem in (check_field(field, value) or "")
    assert (
        check_field(
            field, {"vraag": "Korte vraag", "telefoon": "030 123 45 67"}.get(field, "Zeist")
        )
        is None
    )


async def test_the_terminal_checks_each_field_as_it_is_entered(shipped: KnowledgeBase) -> None:
    """In the terminal a field with client data is refused at once and asked again, without
    retyping the others; a field the form filled in is kept with Enter; the prompt says
    "optioneel" once."""
    desk = Desk("save")
    conversation = Conversation(
        shipped, sessions=MemorySessionStore(), register=MemoryRegister(), intakes=desk, key=KEY
    )
    terminal = TerminalChannel(conversation)
    await terminal.say("overleg aanvragen")
    await terminal.say("Zeist")  # the child's gemeente; SAVE is then the only partner
    prompt = (await terminal.say("Vandaag nog"))[-1].text
    assert prompt == "Gemeente van het kind (nu: Zeist; Enter houdt dit):"
    question = (await terminal.say(""))[-1].text
    assert question == "Korte vraag (optioneel; typ - om over te slaan):"
    refused = await terminal.say(f"BSN {CANARY_BSN}")
    assert "cliëntgegevens" in refused[0].text
    assert refused[-1].text == question
    assert (await terminal.say("Graag overleg"))[-1].text.startswith("Uw naam")
    await terminal.say("-")
    await terminal.say("-")
    assert "werknummer" in (await terminal.say("12"))[0].text
    sent = await terminal.say("030 123 45 67")
    assert "Verstuurd" in sent[-1].text
    [request] = desk.delivered
    assert (request.question, request.callback) == ("Graag overleg", "telefoon 030 123 45 67")
    assert request.gemeente == "Zeist"


def test_flow_labels_fit_a_phone(shipped: KnowledgeBase) -> None:
    """Every button the flows can show for the shipped partners is at most 40 characters, in
    every region's own words."""
    flows = ConsultationFlows(shipped, intakes=Desk(*shipped.organisations), key=KEY)
    partners = [*shipped.organisations, "intern", "overig"]
    steps = (Step.TO, Step.INVITE, Step.ON_BEHALF, Step.PARTNER)
    targets = [FlowTarget(Flow.REQUEST, s, p) for s in steps for p in partners]
    targets += [FlowTarget(Flow.RECORD, Step.PARTNER, p) for p in partners]
    targets += [FlowTarget(Flow.REQUEST, Step.STAGE, s) for s in STAGES]
    targets += [FlowTarget(Flow.REQUEST, Step.URGENCY, u) for u in URGENCIES]
    targets += [FlowTarget(f, Step.KIND, k) for f in Flow for k in KIND_LABELS]
    packs = [None, *shipped.packs.values()]
    too_long = {
        (t, p.id if p else None): label
        for t in targets
        for p in packs
        if len(label := flows.label(t, p) or "") > 40
    }
    assert too_long == {}


async def test_a_request_stays_in_the_childs_region(build: Build) -> None:
    """After a place in a region whose partners have no intake here, a request offers no other
    region's partners: it says to phone 0800-2000 and name the child's place."""
    chat, _ = build(desk=Desk("save", "veilig-thuis-utrecht"))
    await chat.say("kind woont in Haarlem")
    await chat.say("overleg aanvragen")
    assert "Veilig Thuis Utrecht" not in chat.labels
    assert "SAVE" not in " ".join(chat.labels)
    assert "regio Kennemerland" in chat.text
    assert "0800-2000" in chat.text


async def test_a_request_in_the_childs_region_offers_its_partners(build: Build) -> None:
    """After a place in a region with partners in Verbind, those partners are offered."""
    chat, _ = build(desk=Desk("save", "veilig-thuis-utrecht"))
    await chat.say("kind woont in Zeist")
    await chat.say("overleg aanvragen")
    assert "Veilig Thuis Utrecht" in chat.labels


def test_a_flow_target_built_from_ids_is_typed() -> None:
    """The typed entry other code builds from ids (``FlowTarget("av", "soort", kind)``) is the
    same typed step the codec reads back, so it starts that kind of request."""
    built = FlowTarget("av", "soort", "procesevaluatie")  # type: ignore[arg-type]
    assert built == FlowTarget(Flow.REQUEST, Step.KIND, "procesevaluatie")
    assert built.step is Step.KIND


async def test_an_action_with_a_place_starts_for_that_child(shipped: KnowledgeBase) -> None:
    """Opening a request together with a place named in the same message takes that place as
    the child's: the request goes straight to that region's partners."""
    from dialogs.session import Session
    from dialogs.targets import PlaceTarget

    conversation = Conversation(
        shipped, sessions=MemorySessionStore(), intakes=Desk("veilig-thuis-ijsselland"), key=KEY
    )
    desk = conversation._desk  # the seam the understanding calls with an action and its place
    result = desk.open_at_place(
        Session(),
        None,
        FlowTarget(Flow.REQUEST, Step.START),
        PlaceTarget("gemeente", "GM0193"),
        Turn(key="k", channel="test"),
    )
    assert "Hoe snel" in result.replies[-1].text
    assert result.session is not None
    assert result.session.facts["gemeente"] == "gm0193"


async def test_a_woonplaats_in_two_gemeenten_is_asked_by_gemeente(build: Build) -> None:
    """A woonplaats name that lies in more than one gemeente is not guessed: the user is asked
    to type the gemeente, and is shown which ones it may be."""
    chat, register = build()
    await chat.say("overleg vastleggen")
    await chat.submit(gemeente="Broekhuizen")
    assert "ligt in meer dan één gemeente" in chat.text
    assert "Horst aan de Maas, Meppel" in chat.text
    await chat.submit(gemeente="Meppel")
    assert "Collegiale consultatie" in chat.labels
    assert register.records == []


@pytest.mark.parametrize(
    "typed",
    [
        "ik wil overleg aanvragen met de vertrouwensarts, kind woont in Nieuwegein",
        "ik wil overleggen met de vertrouwensarts over een kind in Zeist",
        "graag een consult aanvragen bij de vertrouwensarts voor een gezin uit Houten",
    ],
)
async def test_a_request_takes_the_place_and_partner_said_beside_it(
    build: Build, typed: str
) -> None:
    """A request typed with the child's gemeente and a partner goes to that partner of that
    region: neither the gemeente nor the partner is asked again, and no place card comes first."""
    desk = Desk("veilig-thuis-utrecht", "save", "vertrouwensarts-utrecht")
    chat, _ = build(desk=desk)
    await chat.say(typed)
    assert "in welke gemeente" not in chat.text
    assert "Veilig Thuis-regio Utrecht." not in chat.text
    assert "SAVE Jeugdbescherming" not in chat.labels
    await chat.click("Vandaag nog")
    assert "Vertrouwensarts van Veilig Thuis Utrecht" in chat.text


async def test_a_record_takes_the_place_said_beside_it(build: Build) -> None:
    """ "overleg vastleggen, kind woont in Houten" asks the kind of consultation, not the
    gemeente, and shows no place card."""
    chat, _ = build()
    await chat.say("overleg vastleggen, kind woont in Houten")
    assert "Welk overleg" in chat.text
    assert "in welke gemeente" not in chat.text
    assert "valt onder" not in chat.text


@pytest.mark.parametrize(
    ("typed", "sender"),
    [
        ("ik werk bij SAVE en wil de jgz bevragen over een kind in Zeist", "SAVE Jeugdbescherming"),
        ("vanuit veilig thuis wil ik de jgz bevragen, kind woont in Zeist", "Veilig Thuis Utrecht"),
    ],
)
async def test_the_organisation_said_is_the_sender(build: Build, typed: str, sender: str) -> None:
    """ "ik werk bij SAVE en wil de jgz bevragen …" sends for SAVE: the region's own
    organisation called so is taken, not asked ("Namens welke organisatie")."""
    desk = Desk("veilig-thuis-utrecht", "save", "ggd-regio-utrecht")
    chat, _ = build(desk=desk)
    await chat.say(typed)
    assert "Namens welke organisatie" not in chat.text
    assert "in welke gemeente" not in chat.text
    assert "Vandaag nog" in chat.labels
    await chat.click("Vandaag nog")
    await chat.submit(
        gemeente="Zeist", vraag="Is het gezin bij u bekend?", telefoon="030 123 45 67"
    )
    [request] = desk.delivered
    assert request.requester == sender


@pytest.mark.parametrize("typed", ["Andere gemeente", "ander kind", "een andere plaats"])
async def test_another_place_typed_in_a_flow_asks_the_gemeente(build: Build, typed: str) -> None:
    """ "Andere gemeente" typed at the kind question asks the child's gemeente again; it is
    never taken as a kind of consultation."""
    chat, register = build()
    await chat.say("gezin uit Zeist")
    await chat.say("overleg vastleggen")
    assert "Welk overleg" in chat.text
    await chat.say(typed)
    assert "in welke gemeente woont het kind" in chat.text
    assert "Met welke organisatie" not in chat.text
    assert register.records == []


@pytest.mark.parametrize("typed", ["blabla iets", "xyz", "geen idee eigenlijk"])
async def test_a_typed_answer_matching_no_choice_is_said_not_understood(
    build: Build, typed: str
) -> None:
    """Text in a flow that matches no choice gets "Dat begreep ik niet" and the choices again."""
    chat, _ = build()
    await chat.say("gezin uit Zeist")
    await chat.say("overleg vastleggen")
    await chat.say(typed)
    assert chat.text.startswith("Dat begreep ik niet.")
    assert "Collegiale consultatie" in chat.labels
    assert "Met welke organisatie" not in chat.text


async def test_a_procesevaluatie_with_a_place_starts_for_that_gemeente(build: Build) -> None:
    """ "procesevaluatie plannen, het gaat om een kind uit Houten" asks whom to invite for Houten,
    never the 0800-2000 route."""
    desk = Desk("save", "veilig-thuis-utrecht")
    chat, _ = build(desk=desk)
    await chat.say("procesevaluatie plannen, het gaat om een kind uit Houten")
    assert "Wie wilt u uitnodigen" in chat.text
    assert "0800-2000" not in chat.text


async def test_a_named_partner_beside_a_request_is_its_recipient(build: Build) -> None:
    """ "overleg aanvragen bij jeugdbescherming over een jongen in Zeist" goes to SAVE without
    asking which organisation."""
    desk = Desk("save", "veilig-thuis-utrecht")
    chat, _ = build(desk=desk)
    await chat.say("graag overleg aanvragen met SAVE over een jongen in Zeist")
    assert "Bij welke organisatie" not in chat.text
    assert "Hoe snel is overleg nodig" in chat.text
