"""Partner intakes over real HTTP: a consultation request travels from the web page, Teams or
Slack to a partner's intake (a local fake webhook, Bot Connector or Slack Web API), is picked up,
and the requester hears of it. The intakes file's mistakes are located."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.intake.intakes import PICKUP_PATH, IntakeTarget, load_intakes
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.register import ConsultationRecord
from knowledge import KnowledgeBase
from knowledge.problems import ContentError
from tests.test_cards import microsoft_parser
from tests.test_slack import FakeSlack, button_press, event, signed, slack_settings
from tests.test_teams import activity, both_teams_sdks, expect_replies
from tests.test_web import press, say

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
ServerFactory = Callable[..., Awaitable[TestServer]]
SAVE = "SAVE Jeugdbescherming"
QUESTION = "Hoe pakken we een zorg over een peuter samen op?"
WORK_PHONE = "030 123 45 67"


def registered(data_dir: Path) -> list[ConsultationRecord]:
    """What the deployment's register holds."""
    register = open_register(replace(Settings(), data_dir=data_dir))
    try:
        return register.records()
    finally:
        register.close()


def intakes_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "intakes.yaml"
    path.write_text(body, encoding="utf-8")
    return path


# -- the intakes file -------------------------------------------------------------------------


def test_a_valid_intakes_file_loads(tmp_path: Path, shipped: KnowledgeBase) -> None:
    """One entry per partner, each with exactly one kind of intake."""
    path = intakes_file(
        tmp_path,
        "intakes:\n"
        "  - partner: save\n"
        "    webhook: https://intake.example.nl/verbind\n"
        "  - partner: veilig-thuis-utrecht\n"
        "    teams: {service_url: 'https://smba.trafficmanager.net/emea/', conversation: '19:x'}\n"
        "  - partner: jgz-utrecht\n"
        "    slack: {channel: C0123456}\n",
    )
    assert load_intakes(path, shipped) == (
        IntakeTarget("save", "webhook", {"url": "https://intake.example.nl/verbind"}),
        IntakeTarget(
            "veilig-thuis-utrecht",
            "teams",
            {"service_url": "https://smba.trafficmanager.net/emea/", "conversation": "19:x"},
        ),
        IntakeTarget("jgz-utrecht", "slack", {"channel": "C0123456"}),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- partner: save\n", "intakes.yaml:1: -: verwacht één sleutel 'intakes' met een lijst"),
        (
            "intakes:\n  - partner: nergens\n    webhook: https://x.example.nl\n",
            "intakes.yaml:2: nergens: onbekende organisatie in het adresboek",
        ),
        (
            "intakes:\n  - partner: save\n    webhook: https://x.example.nl\n"
            "    slack: {channel: C1}\n",
            "intakes.yaml:2: save: geef precies één van webhook, teams of slack",
        ),
        (
            "intakes:\n  - partner: save\n    webhook: http://intake.example.nl\n",
            "intakes.yaml:3: save: webhook: het adres moet met https:// beginnen",
        ),
        (
            "intakes:\n  - partner: save\n    teams: {service_url: 'https://a.example.nl/'}\n",
            "intakes.yaml:3: save: teams heeft precies: service_url, conversation",
        ),
        (
            "intakes:\n  - partner: save\n    slack: {channel: C1}\n"
            "  - partner: save\n    slack: {channel: C2}\n",
            "intakes.yaml:4: save: staat er twee keer",
        ),
        ("intakes:\n  - webhook: https://x.example.nl\n", "intakes.yaml:2: -: elke intake heeft"),
    ],
    ids=["no-list", "unknown-partner", "two-kinds", "not-https", "teams-fields", "twice", "no-id"],
)
def test_intakes_file_errors_are_located(
    tmp_path: Path, shipped: KnowledgeBase, body: str, expected: str
) -> None:
    """Every mistake names the file, the line and the partner."""
    with pytest.raises(ContentError) as caught:
        load_intakes(intakes_file(tmp_path, body), shipped)
    assert any(str(problem).startswith(expected) for problem in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_bad_intakes_file_stops_the_command_with_its_location(tmp_path: Path) -> None:
    """The CLI refuses to start on a broken intakes file and says where it is broken."""
    path = intakes_file(tmp_path, "intakes:\n  - partner: nergens\n    slack: {channel: C1}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "hallo"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"VERBIND_INTAKES": str(path), "VERBIND_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode == 3
    assert "intakes.yaml:2: nergens: onbekende organisatie" in result.stderr
    assert result.stdout == ""


# -- webhook intakes and the pick-up link -----------------------------------------------------


class FakeWebhook:
    """A partner's https intake: keeps every JSON body, answers with ``status``."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/intake/{partner}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        return web.json_response({"ok": self.status < 300}, status=self.status)


async def webhook_deployment(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> tuple[TestClient[Any, Any], FakeWebhook]:
    """The real app with SAVE and Veilig Thuis Utrecht taking requests by webhook."""
    fake = FakeWebhook()
    server = await aiohttp_server(fake.app())
    path = intakes_file(
        tmp_path,
        "intakes:\n"
        f"  - partner: save\n    webhook: {server.make_url('/intake/save')}\n"
        "  - partner: veilig-thuis-utrecht\n"
        f"    webhook: {server.make_url('/intake/vt')}\n",
    )
    settings = replace(
        Settings(),
        data_dir=tmp_path / "data",
        intakes_file=path,
        public_url="https://verbind.example.nl",
    )
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    return client, fake


async def request_on_the_web_page(
    client: TestClient[Any, Any], form: dict[str, str]
) -> list[dict[str, Any]]:
    """Ask SAVE for a call back today through the page's form, for a child in Zeist."""
    await say(client, {"text": "kind woont in Zeist"})
    replies = await say(client, {"text": "consult aanvragen"})
    replies = await say(client, press(replies, SAVE))
    replies = await say(client, press(replies, "Vandaag nog"))
    [spec] = [r["form"] for r in replies if r["form"]]
    assert [(f["name"], f["required"], f["kind"]) for f in spec["fields"]] == [
        ("gemeente", True, "text"),
        ("vraag", False, "multiline"),
        ("naam", False, "text"),
        ("organisatie", False, "text"),
        ("telefoon", True, "tel"),
    ]
    return await say(client, {"payload": spec["submit"]["payload"], "form": form})


async def test_web_request_reaches_the_webhook_and_is_picked_up(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """Form → webhook JSON with a pick-up link → GET confirms, POST records → requester told."""
    client, fake = await webhook_deployment(tmp_path, shipped, aiohttp_server, aiohttp_client)
    replies = await request_on_the_web_page(client, {"vraag": QUESTION, "telefoon": WORK_PHONE})
    [body] = fake.bodies
    assert body["partner"] == "save"
    assert body["question"] == QUESTION
    assert body["callback"] == f"telefoon {WORK_PHONE}"
    assert body["urgency"] == "Vandaag nog"
    assert body["reference"] in " ".join(r["text"] for r in replies)
    link = urlsplit(body["pickup_url"])
    assert (link.scheme, link.netloc, link.path) == ("https", "verbind.example.nl", PICKUP_PATH)
    [requested] = registered(tmp_path / "data")
    assert (requested.status, requested.partner, requested.channel) == (
        "aangevraagd",
        "save",
        "web",
    )

    page = await client.get(f"{PICKUP_PATH}?{link.query}")
    assert page.status == 200
    assert "Ik pak dit op" in await page.text()
    assert len(registered(tmp_path / "data")) == 1, "opening the link picks nothing up"

    token = {"t": body["pickup"]}
    picked = await client.post(PICKUP_PATH, data=token)
    assert picked.status == 200
    assert "De aanvrager krijgt bericht" in await picked.text()
    again = await client.post(PICKUP_PATH, data=token)
    assert "al opgepakt" in await again.text()
    records = registered(tmp_path / "data")
    assert [(r.reference, r.status) for r in records] == [
        (body["reference"], "aangevraagd"),
        (body["reference"], "opgepakt"),
    ]
    replies = await say(client, {"text": "menu"})
    assert any("is opgepakt" in r["text"] for r in replies)
    # The page's notice carries the same record button: pressed, recorded under the reference.
    replies = await say(client, press(replies, f"Overleg vastleggen: {body['reference']}"))
    await say(client, press(replies, "Vastleggen"))
    assert [(r.reference, r.status) for r in registered(tmp_path / "data")] == [
        (body["reference"], "aangevraagd"),
        (body["reference"], "opgepakt"),
        (body["reference"], "vastgelegd"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", PICKUP_PATH, {}, 400),
        ("get", f"{PICKUP_PATH}?t=" + "x" * 3000, {}, 400),
        ("post", PICKUP_PATH, {"json": {"t": "x"}}, 415),
        ("post", PICKUP_PATH, {"data": {"t": ""}}, 400),
    ],
    ids=["no-token", "huge-token", "json", "empty-token"],
)
async def test_pickup_route_refuses_bad_input(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_client: ClientFactory,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    """Bad pick-up requests get a 4xx and record nothing."""
    settings = replace(Settings(), data_dir=tmp_path / "data")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    response = await getattr(client, method)(path, **kwargs)
    assert response.status == status
    assert registered(tmp_path / "data") == []


async def test_forged_pickup_link_records_nothing(
    tmp_path: Path, shipped: KnowledgeBase, aiohttp_client: ClientFactory
) -> None:
    """A token that was not sealed by this deployment is refused politely."""
    settings = replace(Settings(), data_dir=tmp_path / "data")
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    response = await client.post(PICKUP_PATH, data={"t": "VB-AAAA-BBBB.forged"})
    assert response.status == 400
    assert "ongeldig" in await response.text()
    assert registered(tmp_path / "data") == []


async def test_failing_webhook_sends_the_user_to_the_phone(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """A partner intake answering 500 is reported with 0800-2000; nothing is recorded."""
    client, fake = await webhook_deployment(tmp_path, shipped, aiohttp_server, aiohttp_client)
    fake.status = 500
    replies = await request_on_the_web_page(client, {"telefoon": WORK_PHONE})
    text = " ".join(r["text"] for r in replies)
    assert "lukte niet" in text
    assert "0800-2000" in text
    assert len(fake.bodies) == 1
    assert registered(tmp_path / "data") == []


async def test_web_form_with_client_data_is_refused(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """The PII guard stands between the page's form and the webhook."""
    client, fake = await webhook_deployment(tmp_path, shipped, aiohttp_server, aiohttp_client)
    replies = await request_on_the_web_page(
        client, {"vraag": "Kind met BSN 111222333", "telefoon": WORK_PHONE}
    )
    assert any("cliëntgegevens" in r["text"] for r in replies)
    assert any(r["form"] for r in replies), "the form is offered again"
    assert fake.bodies == []
    assert registered(tmp_path / "data") == []


# -- Teams intakes ------------------------------------------------------------------------------


class FakeConnector:
    """A Bot Connector that keeps what was posted into which conversation."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self.receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{id}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        self.posts.append((request.match_info["conversation"], await request.json()))
        return web.json_response({"id": f"posted-{len(self.posts)}"})

    def into(self, conversation: str) -> list[dict[str, Any]]:
        return [body for where, body in self.posts if where == conversation]


def card_actions(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Action.Submit data of every card in a reply activity (action bar and sets), by title."""
    found: dict[str, dict[str, Any]] = {}
    for attachment in body.get("attachments", []):
        card = attachment["content"]
        sets = [card.get("actions", [])]
        sets += [item["actions"] for item in card["body"] if item["type"] == "ActionSet"]
        for actions in sets:
            found.update({a["title"]: a["data"] for a in actions if a["type"] == "Action.Submit"})
    return found


@both_teams_sdks
async def test_teams_request_reaches_the_intake_channel_and_the_requester_is_told(
    teams_sdk: str,
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """Requester in a personal chat; SAVE's intake is a Teams channel; both via the connector."""
    connector = FakeConnector()
    server = await aiohttp_server(connector.app())
    service_url = str(server.make_url("/"))
    path = intakes_file(
        tmp_path,
        "intakes:\n  - partner: save\n"
        f"    teams: {{service_url: '{service_url}', conversation: '19:save-intake'}}\n",
    )
    settings = Settings(teams_sdk=teams_sdk, data_dir=tmp_path / "data", intakes_file=path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))

    async def turn(**changes: Any) -> dict[str, dict[str, Any]]:
        message = expect_replies(activity("card_submit", serviceUrl=service_url, **changes))
        response = await client.post("/api/messages", json=message)
        assert response.status == 200, await response.text()
        actions: dict[str, dict[str, Any]] = {}
        for body in (await response.json())["activities"]:
            actions.update(card_actions(body))
        return actions

    await turn(type="message", text="kind woont in Zeist", value=None)
    actions = await turn(type="message", text="overleg aanvragen", value=None)
    actions = await turn(value=actions["Binnen 3 werkdagen"])
    actions = await turn(value=actions["Via Teams"])
    await turn(value={**actions["Versturen"], "vraag": "Graag overleg over een casus"})

    [delivered] = connector.into("19:save-intake")
    assert "Graag overleg over een casus" in json.dumps(delivered)
    assert "Jeugdarts Test" in json.dumps(delivered)
    pickup = card_actions(delivered)["Ik pak dit op"]
    [requested] = registered(tmp_path / "data")
    assert (requested.status, requested.channel) == ("aangevraagd", "teams")

    intake_member = {"id": "29:3saveIntakeMember", "name": "Intake SAVE"}
    channel = {"conversationType": "channel", "id": "19:save-intake"}
    await turn(value=pickup, conversation=channel, **{"from": intake_member})
    [notice] = connector.into("a:1ScrubbedPersonalConversation")
    assert [r.status for r in registered(tmp_path / "data")] == ["aangevraagd", "opgepakt"]
    # Told at once, as any reply: the card alone, its summary naming the pick-up, and the
    # button that records the consultation under the same reference.
    assert "text" not in notice
    assert requested.reference in notice["summary"]
    assert "opgepakt" in notice["summary"]
    [attachment] = notice["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert microsoft_parser([attachment["content"]]) == [[]]
    record = card_actions(notice)[f"Overleg vastleggen: {requested.reference}"]
    actions = await turn(value=record)
    await turn(value=actions["Vastleggen"])
    assert [(r.reference, r.status) for r in registered(tmp_path / "data")] == [
        (requested.reference, "aangevraagd"),
        (requested.reference, "opgepakt"),
        (requested.reference, "vastgelegd"),
    ]


# -- Slack intakes ------------------------------------------------------------------------------


async def test_slack_request_with_form_reaches_the_intake_channel(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """Input blocks carry the question; SAVE's Slack channel gets it; the pick-up tells the DM."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    respond_url = str(server.make_url("/respond"))
    path = intakes_file(tmp_path, "intakes:\n  - partner: save\n    slack: {channel: CSAVE}\n")
    settings = slack_settings(server, data_dir=tmp_path / "data", intakes_file=path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))

    def buttons(post: dict[str, Any]) -> dict[str, dict[str, Any]]:
        blocks = post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
        return {
            e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]
        }

    async def click(
        button: dict[str, Any], *, user: str, channel: str, state: dict[str, Any] | None = None
    ) -> None:
        form, headers = button_press(
            button, respond_url=respond_url, user=user, channel=channel, state=state
        )
        response = await client.post("/slack/events", data=form, headers=headers)
        assert response.status == 200

    async def offered(label: str, channel: str) -> dict[str, Any]:
        """The newest button ``label`` posted into ``channel`` (Bolt answers after its ack)."""
        for _ in range(200):
            found = [
                buttons(p)[label]
                for p in fake.posts
                if p["channel"] == channel and label in buttons(p)
            ]
            if found:
                return found[-1]
            await asyncio.sleep(0.025)
        raise AssertionError(f"no button {label!r} in {channel}")

    for number, text in enumerate(("kind woont in Zeist", "overleg aanvragen")):
        body = event("message", f"Ev{number}", channel="D1", channel_type="im", text=text)
        response = await client.post("/slack/events", data=body, headers=signed(body))
        assert response.status == 200
        if number == 0:
            await offered("Overleg vastleggen", "D1")  # the place answer came back
    await click(await offered("Vandaag nog", "D1"), user="U1", channel="D1")
    await click(await offered("Via Slack", "D1"), user="U1", channel="D1")
    state = {"verbind-form-vraag": {"vraag": {"type": "plain_text_input", "value": "Overleg?"}}}
    await click(await offered("Versturen", "D1"), user="U1", channel="D1", state=state)
    await click(await offered("Ik pak dit op", "CSAVE"), user="U9", channel="CSAVE")
    posts = await fake.wait_for("posts", 1)
    # The DM notice goes out before the intake channel's answer: wait for both.
    for _ in range(400):
        told = any(p["channel"] == "D1" and "is opgepakt" in p["text"] for p in posts)
        answered = any(p["channel"] == "CSAVE" and "krijgt bericht" in p["text"] for p in posts)
        if told and answered:
            break
        await asyncio.sleep(0.025)
    delivered, *answers = [p for p in posts if p["channel"] == "CSAVE"]
    assert "Ik pak dit op" in buttons(delivered)
    assert any("De aanvrager krijgt bericht" in p["text"] for p in answers)
    assert "Overleg?" in json.dumps(delivered)
    assert "<@U1>" in json.dumps(delivered)
    [requested, picked] = registered(tmp_path / "data")
    assert (requested.status, picked.status, picked.reference) == (
        "aangevraagd",
        "opgepakt",
        requested.reference,
    )
    # Told at once in the DM, as any reply: Block Kit with the button that records the
    # consultation under the same reference (pressed: recorded once, under that reference).
    told = f"{requested.reference} is opgepakt"
    [notice] = [p for p in posts if p["channel"] == "D1" and told in p["text"]]
    record = buttons(notice)[f"Overleg vastleggen: {requested.reference}"]
    await click(record, user="U1", channel="D1")
    await click(await offered("Vastleggen", "D1"), user="U1", channel="D1")
    for _ in range(200):
        if len(registered(tmp_path / "data")) == 3:
            break
        await asyncio.sleep(0.025)
    assert [(r.reference, r.status) for r in registered(tmp_path / "data")] == [
        (requested.reference, "aangevraagd"),
        (requested.reference, "opgepakt"),
        (requested.reference, "vastgelegd"),
    ]


TYPED_MARKUP = {
    "vraag": "Zie <@U0BOSS> & <!here>, en <https://elders.example|het dossier>",
    "naam": "<!channel> Jan",
    "organisatie": "<#C0GENERAL> & co",
}
"""What a requester might type that Slack would otherwise turn into mentions and links."""


def slack_markup(post: dict[str, Any]) -> list[str]:
    """Every mention, link or channel link Slack would parse in ``post`` (its fallback text and
    every text object in its blocks, mrkdwn and plain_text alike)."""
    blocks = post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
    texts = [post["text"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return [found for text in texts for found in re.findall(r"<[^>]*>", text)]


async def test_typed_text_reaches_a_slack_intake_escaped(
    tmp_path: Path,
    shipped: KnowledgeBase,
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
) -> None:
    """Mentions, links and channel links typed into a request from the web page or carried by a
    Teams display name reach SAVE's Slack intake as text (&, <, > escaped; sections verbatim):
    nobody is notified, nothing links elsewhere."""
    fake = FakeSlack()
    server = await aiohttp_server(fake.app())
    path = intakes_file(tmp_path, "intakes:\n  - partner: save\n    slack: {channel: CSAVE}\n")
    settings = slack_settings(server, data_dir=tmp_path / "data", intakes_file=path)
    client = await aiohttp_client(create_app(settings, knowledge=shipped))
    await say(client, {"text": "kind woont in Zeist"})
    replies = await say(client, {"text": "consult aanvragen"})
    replies = await say(client, press(replies, "Vandaag nog"))
    [spec] = [r["form"] for r in replies if r["form"]]
    form = {**TYPED_MARKUP, "telefoon": WORK_PHONE}
    sent = await say(client, {"payload": spec["submit"]["payload"], "form": form})
    assert "VB-" in " ".join(r["text"] for r in sent), sent

    teams = expect_replies(activity("message", text="overleg aanvragen"))
    teams["from"] = {**teams["from"], "name": "<!everyone> <https://x.example|Teams>"}

    async def turn(**changes: Any) -> dict[str, dict[str, Any]]:
        body = {**teams, **changes}
        response = await client.post("/api/messages", json=body)
        assert response.status == 200
        found: dict[str, dict[str, Any]] = {}
        for item in (await response.json())["activities"]:
            found.update(card_actions(item))
        return found

    await turn(text="kind woont in Zeist")
    actions = await turn()
    actions = await turn(value=actions["Geen haast"], type="message", text="")
    actions = await turn(value=actions["Via Teams"], type="message", text="")
    await turn(value={**actions["Versturen"], "vraag": "Graag <!subteam^S1> erbij"}, text="")

    posts = await fake.wait_for("posts", 2)
    delivered = [p for p in posts if p["channel"] == "CSAVE"]
    assert len(delivered) == 2
    for post in delivered:
        assert slack_markup(post) == [], post
        blocks = post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
        assert all(b["text"]["verbatim"] for b in blocks if b["type"] == "section")
    shown = json.dumps(delivered, ensure_ascii=False)
    for escaped in (
        "&lt;@U0BOSS&gt; &amp; &lt;!here&gt;",
        "&lt;!channel&gt; Jan",
        "&lt;!everyone&gt;",
    ):
        assert escaped in shown
