"""The ``verbind`` command line (DESIGN.md: the command-line contract)."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.channels.terminal import TerminalChannel, replies_json, replies_text
from bot.cli.dutch import DutchParser
from bot.cli.exits import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_SETTINGS,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
)
from bot.cli.region import add_region_parser
from bot.services import Services, build_services
from bot.settings import Settings
from bot.storage.backends import UNREACHABLE, open_database
from dialogs.session import MemorySessionStore, StorageUnavailableError
from knowledge.library import KnowledgeBase
from knowledge.loader import load_knowledge
from knowledge.problems import ContentError

__all__ = ["main"]

PORT_IN_USE = (
    "verbind serve: poort {port} op {host} is al in gebruik. Kies een andere poort met "
    "--port (of VERBIND_PORT), of stop de andere server die deze poort gebruikt."
)
OPEN_WITHOUT_APP_ID = (
    "verbind serve: zonder MicrosoftAppId luistert Verbind alleen op 127.0.0.1, niet op {host}; "
    "zet MicrosoftAppId (en MicrosoftAppPassword), of VERBIND_ALLOW_UNAUTHENTICATED=1 als u "
    "dit bewust wilt."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``verbind`` command; returns the exit code."""
    try:
        return _run(_parser().parse_args(argv))
    except BrokenPipeError:
        # The reader went away (``verbind chat --json | head``): stop quietly.
        sys.stderr.close()
        return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    standalone = _STANDALONE.get(args.command)
    if standalone is not None:
        return standalone(args)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s"
    )
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"verbind: ongeldige instelling: {exc}", file=sys.stderr)
        return EXIT_USAGE
    content_dir: Path = args.content or settings.content_dir
    try:
        knowledge = load_knowledge(content_dir)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} probleem/problemen in {content_dir}", file=sys.stderr)
        return EXIT_PROBLEM
    # SIGHUP reloads from where this content came from (--content or VERBIND_CONTENT_DIR).
    settings = replace(settings, content_dir=content_dir)
    return _WITH_CONTENT.get(args.command, _chat_command)(args, settings, knowledge)


def _check(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    print(_summary(knowledge))
    print(_review(knowledge, details=args.details, today=args.as_of or date.today()))
    return EXIT_OK


def _register(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from bot.cli.register import run_register

    return run_register(args, settings, knowledge)


def _region(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from bot.cli.region import run_region

    return run_region(args, settings.content_dir, knowledge)


def _report(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from bot.cli.register import run_report

    return run_report(args, settings, knowledge)


def _chat_command(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    """``chat`` and ``ask``: one terminal conversation over embedded sessions."""
    try:
        services = build_services(
            settings,
            knowledge,
            sessions=MemorySessionStore(idle_seconds=settings.session_idle_seconds),
            database=open_database(settings),
        )
    except (ContentError, ValueError) as exc:
        print(f"verbind: instellingen kloppen niet:\n{exc}", file=sys.stderr)
        return EXIT_SETTINGS
    return asyncio.run(_chat(args, services))


async def _chat(args: argparse.Namespace, services: Services) -> int:
    channel = TerminalChannel(services.conversation)
    try:
        await services.open()
    except StorageUnavailableError as exc:
        await services.close()
        print(UNREACHABLE.format(where=exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
    try:
        if args.command == "ask":
            replies = await channel.say(" ".join(args.text))
            print(replies_json(replies) if args.json else replies_text(replies))
            return EXIT_OK
        _configure_streams()
        if args.json:
            await channel.run_json(sys.stdin, _print_flushed)
        else:
            await channel.run_interactive(input, _print_flushed)
        return EXIT_OK
    finally:
        await services.close()


def _parser() -> argparse.ArgumentParser:
    parser = DutchParser(prog="verbind", description="Verbind: meldcode en contacten.")
    parser.add_argument(
        "--content", type=Path, metavar="MAP", help="map met de inhoud (standaard: ingebouwd)"
    )
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        parser_class=DutchParser,
        title="opdrachten",
        metavar="OPDRACHT",
    )
    chat = commands.add_parser("chat", help="gesprek in de terminal")
    chat.add_argument("--json", action="store_true", help="één JSON-object per invoerregel")
    ask = commands.add_parser("ask", help="één vraag, één antwoord")
    ask.add_argument("--json", action="store_true", help="antwoord als JSON")
    ask.add_argument("text", nargs="+", help="de vraag")
    check = commands.add_parser("check", help="controleer alle inhoud")
    check.add_argument(
        "--details", action="store_true", help="toon ook elke regel die nog te bevestigen is"
    )
    check.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="JJJJ-MM-DD",
        help="beoordeel de herziendata op deze dag in plaats van vandaag",
    )
    show = commands.add_parser("show", help="toon een beslisboom als tekst")
    show.add_argument("tree", nargs="?", help="id van de boom (zonder: de lijst)")
    render = commands.add_parser("render", help="teken een beslisboom als diagram")
    render.add_argument("tree", nargs="?", help="id van de boom (zonder: de lijst)")
    render.add_argument(
        "--format", choices=("mermaid", "svg", "html"), default="mermaid", help="standaard mermaid"
    )
    render.add_argument("--out", type=Path, help="schrijf naar dit bestand")
    tests = commands.add_parser("test-content", help="voer de gesprekstests bij de inhoud uit")
    tests.add_argument(
        "--content",
        type=Path,
        default=argparse.SUPPRESS,
        help="map met de inhoud; de tests staan in MAP/tests/",
    )
    _register_parsers(commands)
    add_region_parser(commands)
    serve = commands.add_parser("serve", help="start de HTTP-server (Teams, testpagina, status)")
    serve.add_argument("--host", help="adres (standaard 127.0.0.1)")
    serve.add_argument("--port", type=int, help="poort (standaard 3978)")
    manifest = commands.add_parser("teams-manifest", help="maak het Teams-app-pakket")
    manifest.add_argument("--app-id", required=True, help="de Microsoft App ID van de bot (GUID)")
    manifest.add_argument("--out", type=Path, default=Path("verbind-teams.zip"))
    manifest.add_argument(
        "--website", default="https://github.com", help="https-adres van de uitgever"
    )
    manifest.add_argument("--domain", help="domein van de server, bijvoorbeeld verbind.example.nl")
    slack = commands.add_parser("slack-manifest", help="print het Slack-app-manifest")
    slack.add_argument("--url", required=True, help="https-adres van de server")
    return parser


def _register_parsers(commands: argparse._SubParsersAction[DutchParser]) -> None:
    register = commands.add_parser("register", help="het consultatieregister")
    actions = register.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="controleer de keten van het register")
    verify.add_argument(
        "--head", help="een eerder genoteerd kenmerk (12:0123456789abcdef): is dat record er nog?"
    )
    purge = actions.add_parser("purge", help="verwijder oude records (wordt zelf vastgelegd)")
    purge.add_argument("--older-than", help="termijn in maanden, bv. 24m (standaard: instelling)")
    report = commands.add_parser("report", help="jaarcijfers van het convenant")
    report.add_argument(
        "--from", dest="start", required=True, metavar="JJJJ-MM-DD", help="begindatum"
    )
    report.add_argument(
        "--to", dest="end", required=True, metavar="JJJJ-MM-DD", help="einddatum (t/m)"
    )
    report.add_argument(
        "--format",
        choices=("text", "csv", "html", "xlsx"),
        default="text",
        help="standaard text; xlsx: een Excel-werkmap met grafieken (met --out)",
    )
    report.add_argument("--regio", dest="region", metavar="CODE", help="alleen deze regio (VT20)")
    report.add_argument(
        "--organisatie", dest="organisation", metavar="ID", help="alleen deze partner (save)"
    )
    report.add_argument(
        "--csv-dialect",
        choices=("excel-nl", "rfc4180"),
        default="excel-nl",
        help="excel-nl (standaard): puntkomma's en een BOM voor Excel; rfc4180: komma's",
    )
    report.add_argument("--out", type=Path, metavar="BESTAND", help="schrijf naar dit bestand")


def _slack_manifest(args: argparse.Namespace) -> int:
    import json

    from bot.channels.slack.bolt import slack_manifest

    if not args.url.startswith("https://"):
        print("verbind slack-manifest: --url moet met https:// beginnen", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(slack_manifest(args.url), ensure_ascii=False, indent=2))
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from knowledge.listing import tree_listing

    if args.tree is None or args.tree not in knowledge.trees:
        if args.tree is not None:
            print(f"verbind show: boom '{args.tree}' bestaat niet", file=sys.stderr)
        for tree in knowledge.trees.values():
            print(f"{tree.id}: {tree.title}")
        return EXIT_OK if args.tree is None else EXIT_USAGE
    print(tree_listing(knowledge, knowledge.trees[args.tree]))
    return EXIT_OK


def _render(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from knowledge.diagrams.page import render_tree

    if args.tree is None:
        for tree in knowledge.trees.values():
            print(f"{tree.id}: {tree.title}")
        return EXIT_OK
    if args.tree not in knowledge.trees:
        known = ", ".join(knowledge.trees)
        print(f"verbind render: boom '{args.tree}' bestaat niet. Bomen: {known}", file=sys.stderr)
        return EXIT_USAGE
    text = render_tree(knowledge, knowledge.trees[args.tree], args.format)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"verbind render: kan {args.out} niet schrijven: {exc.strerror}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"Diagram geschreven: {args.out}")
    return EXIT_OK


def _test_content(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    return asyncio.run(_run_content_tests(settings.content_dir, knowledge))


async def _run_content_tests(content_dir: Path, knowledge: KnowledgeBase) -> int:
    from dialogs.contenttest import TESTS_DIR, load_content_tests, run_content_tests

    tests, problems = load_content_tests(content_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} probleem/problemen in de testbestanden", file=sys.stderr)
        return EXIT_PROBLEM
    if not tests:
        print(f"Geen inhoudstests gevonden in {content_dir / TESTS_DIR}.")
        return EXIT_OK
    results = await run_content_tests(knowledge, tests)
    failed = [r for r in results if not r.passed]
    for result in failed:
        for failure in result.failures:
            print(failure, file=sys.stderr)
    passed = len(results) - len(failed)
    print(f"{len(results)} inhoudstests: {passed} geslaagd, {len(failed)} mislukt.")
    return EXIT_PROBLEM if failed else EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings, knowledge: KnowledgeBase) -> int:
    from aiohttp import web

    from bot.app import AccessLog, create_app
    from bot.channels.web.page import page_url
    from bot.loopback import is_loopback_host

    host = args.host or settings.host
    port = args.port or settings.port
    if not (settings.app_id or settings.allow_unauthenticated or is_loopback_host(host)):
        print(OPEN_WITHOUT_APP_ID.format(host=host), file=sys.stderr)
        return EXIT_SETTINGS
    try:
        # The app links to its own pages (the report) at the address it really serves on.
        app = create_app(replace(settings, host=host, port=port), knowledge=knowledge)
    except (ContentError, ValueError) as exc:
        print(f"verbind serve: instellingen kloppen niet:\n{exc}", file=sys.stderr)
        return EXIT_SETTINGS

    def announce(_: str) -> None:
        # run_app calls this once the database is reached and the port is bound.
        mode = "met MicrosoftAppId" if settings.app_id else "lokaal, zonder MicrosoftAppId"
        print(f"Verbind luistert op http://{host}:{port} ({mode})", flush=True)
        if url := page_url(settings, host=host, port=port):
            print(f"  Open de testpagina: {url}", flush=True)
            if settings.intakes_file is None:
                print(f"  Inbox van de ketenpartners: {url}inbox", flush=True)
        print(f"  Teams-bericht-eindpunt: http://{host}:{port}/api/messages", flush=True)
        print(f"  Status: http://{host}:{port}/healthz", flush=True)
        if settings.slack_enabled:
            print(f"  Slack: http://{host}:{port}/slack/events", flush=True)

    # run_app stops gracefully on SIGINT and SIGTERM.
    try:
        web.run_app(app, host=host, port=port, print=announce, access_log_class=AccessLog)
    except StorageUnavailableError as exc:
        print(UNREACHABLE.format(where=exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(PORT_IN_USE.format(host=host, port=port), file=sys.stderr)
        return EXIT_UNAVAILABLE
    return EXIT_OK


def _teams_manifest(args: argparse.Namespace) -> int:
    from bot.channels.teams.manifest import build_manifest, write_package

    try:
        manifest = build_manifest(app_id=args.app_id, website=args.website, domain=args.domain)
    except ValueError as exc:
        print(f"verbind teams-manifest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    write_package(manifest, args.out)
    print(f"Teams-app-pakket geschreven: {args.out}")
    return EXIT_OK


def _summary(knowledge: KnowledgeBase) -> str:
    nodes = sum(len(t.nodes) for t in knowledge.trees.values())
    outcomes = sum(1 for t in knowledge.trees.values() for n in t.nodes if not n.options)
    unconfirmed = len(knowledge.unconfirmed())
    places = sum(len(g.places) for g in knowledge.gemeenten.values())
    return (
        f"Inhoud {knowledge.meta.version} in orde: {len(knowledge.trees)} bomen, {nodes} knopen, "
        f"{outcomes} uitkomsten, {len(knowledge.faq)} vragen (FAQ), "
        f"{len(knowledge.organisations)} organisaties, {len(knowledge.sources)} bronnen; "
        f"{len(knowledge.regions)} regio's, {len(knowledge.gemeenten)} gemeenten, "
        f"{places} woonplaatsen. Nog te bevestigen: {unconfirmed} adresboekregels."
    )


def _review(knowledge: KnowledgeBase, *, details: bool, today: date) -> str:
    from knowledge.review import review_content

    review = review_content(knowledge, today=today)
    lines = [
        f"Samenvatting: {review.trees} bomen, {review.nodes} knopen, {review.outcomes} uitkomsten,"
        f" {review.faq} vragen (FAQ), {len(review.unconfirmed)} adresboekregels te bevestigen,"
        f" {len(review.to_confirm)} feiten buiten het advies tot ze bevestigd zijn,"
        f" {len(review.overdue)} onderdelen over de herziendatum."
    ]
    if details and review.unconfirmed:
        lines.append("Nog te bevestigen:")
        lines += [f"  {item}" for item in review.unconfirmed]
    if details and review.to_confirm:
        lines.append("Feiten buiten het advies, voor de beoordelaars:")
        lines += [f"  {item}" for item in review.to_confirm]
    if not details and (review.unconfirmed or review.to_confirm):
        lines.append("Nog te bevestigen: zie 'verbind check --details' voor elke regel.")
    if review.overdue:
        lines.append("Waarschuwing: over de herziendatum (controleer en werk de datum bij):")
        lines += [f"  {item}" for item in review.overdue]
    return "\n".join(lines)


def _configure_streams() -> None:
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def _print_flushed(text: str) -> None:
    print(text, flush=True)


_STANDALONE: dict[str, Callable[[argparse.Namespace], int]] = {
    "teams-manifest": _teams_manifest,
    "slack-manifest": _slack_manifest,
}
"""Verbs that need neither settings nor content."""
_WITH_CONTENT: dict[str, Callable[[argparse.Namespace, Settings, KnowledgeBase], int]] = {
    "check": _check,
    "serve": _serve,
    "show": _show,
    "render": _render,
    "test-content": _test_content,
    "register": _register,
    "report": _report,
    "region": _region,
}
"""Verbs over the loaded content; any other verb (``chat``, ``ask``) is a conversation."""
