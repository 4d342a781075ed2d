"""Conversation tests that content authors write in YAML next to the content (``tests/``).

A file holds ``tests:``, a list of tests. A test has a ``name``, an optional ``profession``
(``jeugdarts`` or ``jeugdverpleegkundige``: chosen with the ``beroep`` command before the
first step) and ``steps``. A step does one thing — ``say: text`` (type it) or ``click: label``
(tap the offered button with that label) — and may then expect:

- ``shows``: text (or a list of texts) that the replies contain;
- ``hides``: text (or a list of texts) that no reply contains (a wrong partner, a note);
- ``starts``: text that the first reply begins with (the answer comes first; a reply about
  acute danger, the 112 line, may stand before it);
- ``offers``: button labels (one or a list) that are on offer afterwards;
- ``reaches``: the node the conversation is at (``node-id`` or ``tree-id/node-id``);
- ``outcome``: the kind of outcome shown (melden, hulp, afsluiten, contact, vervolg);
- ``cites``: source ids (one or a list) that the replies cite.

Each test runs in a fresh conversation through the real ``Conversation`` core. A failure is
reported as ``file:line: test-name: message`` in Dutch, and the test stops at its first
failing step. Malformed files get located errors of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from dialogs.conversation import Conversation
from dialogs.phrases import DANGER_FIRST
from dialogs.profession import PROFESSION_FACT
from dialogs.session import MemorySessionStore
from dialogs.turn import Reply, Turn
from knowledge.engine import Position, StepError, walk
from knowledge.library import KnowledgeBase
from knowledge.model import PROFESSIONS, DecisionTree, Outcome
from knowledge.problems import ContentError, Location, Problem
from knowledge.yamldoc import Path_, YamlDocument, read_yaml

__all__ = [
    "TESTS_DIR",
    "ContentStep",
    "ContentTest",
    "ContentTestResult",
    "load_content_tests",
    "profession_variants",
    "run_content_test",
    "run_content_tests",
]

TESTS_DIR = "tests"
"""Where content tests live, inside a content directory."""

_ACTIONS = ("say", "click")
_EXPECTATIONS = ("shows", "hides", "starts", "offers", "reaches", "outcome", "cites")
_TEST_KEYS = ("name", "profession", "steps")
_KEY = "inhoudstest"
_CHANNEL = "inhoudstest"
_SHOWN = 160


@dataclass(frozen=True)
class ContentStep:
    """One user action and what must be true after it."""

    action: str
    text: str
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()
    starts: str | None = None
    offers: tuple[str, ...] = ()
    reaches: str | None = None
    outcome: str | None = None
    cites: tuple[str, ...] = ()
    where: dict[str, Location] = field(default_factory=dict, compare=False)
    """The line of each key of the step (for located failures)."""


@dataclass(frozen=True)
class ContentTest:
    """A named conversation: optional profession and the steps."""

    name: str
    steps: tuple[ContentStep, ...]
    location: Location
    profession: str | None = None
    profession_location: Location | None = None


Visit = tuple[str, tuple[str, ...], str | None]
"""Where a conversation stood after a step: tree id, answers given, profession."""


@dataclass(frozen=True)
class ContentTestResult:
    """The failures of one test (none: it passed) and the tree positions it visited."""

    test: ContentTest
    failures: tuple[Problem, ...]
    visited: tuple[Visit, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def profession_variants(tree: DecisionTree) -> tuple[str | None, ...]:
    """The professions a tree reads differently for: each profession when the tree asks it,
    else no profession plus each profession with its own wording somewhere in the tree."""
    if tree.asks_profession:
        return tuple(PROFESSIONS)
    worded = {p for node in tree.nodes for p in node.variants}
    return (None, *(p for p in PROFESSIONS if p in worded))


# -- reading ----------------------------------------------------------------------------------


def load_content_tests(content: Path) -> tuple[list[ContentTest], list[Problem]]:
    """Every test under ``content/tests/*.yaml`` and the located problems of malformed files."""
    tests: list[ContentTest] = []
    problems: list[Problem] = []
    for file in sorted((content / TESTS_DIR).glob("*.yaml")):
        try:
            document = read_yaml(file, display_name=f"{TESTS_DIR}/{file.name}")
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        tests.extend(_tests(document, problems))
    return tests, sorted(problems)


def _tests(document: YamlDocument, problems: list[Problem]) -> Iterator[ContentTest]:
    data = document.data
    if not isinstance(data, dict) or set(data) != {"tests"} or not isinstance(data["tests"], list):
        problems.append(document.problem((), "het bestand moet één lijst 'tests' hebben"))
        return
    if not data["tests"]:
        problems.append(document.problem(("tests",), "'tests' is leeg"))
    names: set[str] = set()
    for i, raw in enumerate(data["tests"]):
        test = _test(document, ("tests", i), raw, problems)
        if test is None:
            continue
        if test.name in names:
            problems.append(document.problem(("tests", i, "name"), "deze naam staat er al"))
            continue
        names.add(test.name)
        yield test


def _test(
    document: YamlDocument, path: Path_, raw: Any, problems: list[Problem]
) -> ContentTest | None:
    before = len(problems)
    if not isinstance(raw, dict):
        problems.append(document.problem(path, "een test is een mapping (name, steps)"))
        return None
    _unknown_keys(document, path, raw, _TEST_KEYS, problems)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(document.problem(path, "verplichte sleutel 'name' (tekst) ontbreekt"))
    profession = raw.get("profession")
    if profession is not None and profession not in PROFESSIONS:
        allowed = ", ".join(PROFESSIONS)
        message = f"'profession' moet een van deze zijn: {allowed}"
        problems.append(document.problem((*path, "profession"), message))
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append(document.problem(path, "'steps' moet een lijst met minstens één stap zijn"))
        steps_raw = []
    steps = [_step(document, (*path, "steps", j), s, problems) for j, s in enumerate(steps_raw)]
    if len(problems) > before:
        return None
    return ContentTest(
        name=str(name).strip(),
        steps=tuple(s for s in steps if s is not None),
        location=document.location(path),
        profession=profession,
        profession_location=document.location((*path, "profession")) if profession else None,
    )


def _unknown_keys(
    document: YamlDocument,
    path: Path_,
    raw: dict[str, Any],
    allowed: tuple[str, ...],
    problems: list[Problem],
) -> None:
    for key in raw:
        if key not in allowed:
            expected = ", ".join(allowed)
            message = f"onbekende sleutel '{key}'; verwacht: {expected}"
            problems.append(document.problem((*path, key), message))


def _step(
    document: YamlDocument, path: Path_, raw: Any, problems: list[Problem]
) -> ContentStep | None:
    if not isinstance(raw, dict):
        problems.append(document.problem(path, "een stap is een mapping, zoals 'click: Ja'"))
        return None
    before = len(problems)
    _unknown_keys(document, path, raw, (*_ACTIONS, *_EXPECTATIONS), problems)
    actions = [a for a in _ACTIONS if a in raw]
    if len(actions) != 1:
        message = "een stap heeft precies één van 'say' of 'click'"
        problems.append(document.problem(path, message))
        return None
    action = actions[0]
    text = raw[action]
    if not isinstance(text, str) or not text.strip():
        problems.append(document.problem((*path, action), f"'{action}' moet tekst zijn"))
    texts = {
        k: _texts(document, (*path, k), raw.get(k), problems) for k in ("shows", "hides", "offers")
    }
    starts = raw.get("starts")
    if starts is not None and not (isinstance(starts, str) and starts.strip()):
        problems.append(document.problem((*path, "starts"), "'starts' moet tekst zijn"))
    cites = _texts(document, (*path, "cites"), raw.get("cites"), problems)
    reaches = raw.get("reaches")
    if reaches is not None and not (isinstance(reaches, str) and reaches.strip()):
        problems.append(document.problem((*path, "reaches"), "'reaches' moet een knoop-id zijn"))
    outcome = raw.get("outcome")
    if outcome is not None and outcome not in get_args(Outcome):
        allowed = ", ".join(get_args(Outcome))
        message = f"'outcome' moet een van deze zijn: {allowed}"
        problems.append(document.problem((*path, "outcome"), message))
    if len(problems) > before:
        return None
    return ContentStep(
        action=action,
        text=str(text),
        shows=texts["shows"],
        hides=texts["hides"],
        starts=starts,
        offers=texts["offers"],
        reaches=reaches,
        outcome=outcome,
        cites=cites,
        where={k: document.location((*path, k)) for k in raw},
    )


def _texts(
    document: YamlDocument, path: Path_, raw: Any, problems: list[Problem]
) -> tuple[str, ...]:
    if raw is None:
        return ()
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        problems.append(
            document.problem(path, f"'{path[-1]}' moet tekst of een lijst teksten zijn")
        )
        return ()
    return tuple(values)


# -- running ----------------------------------------------------------------------------------


class _FailedError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("content test failed")
        self.problems = problems


@dataclass
class _Run:
    knowledge: KnowledgeBase
    test: ContentTest
    store: MemorySessionStore = field(default_factory=MemorySessionStore)
    replies: list[Reply] = field(default_factory=list)
    visited: list[Visit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conversation = Conversation(self.knowledge, sessions=self.store)

    def fail(self, where: Location, message: str) -> Problem:
        return Problem(where, self.test.name, message)

    async def say(self, text: str) -> None:
        self.replies = await self.conversation.handle(Turn(_KEY, _CHANNEL, text=text))
        await self._visit()

    async def click(self, label: str, where: Location) -> None:
        buttons = [b for r in self.replies for b in r.buttons if b.label == label]
        if not buttons:
            message = f"knop „{label}” wordt niet aangeboden; wel: {_labels(self.replies)}"
            raise _FailedError([self.fail(where, message)])
        turn = Turn(_KEY, _CHANNEL, payload=buttons[-1].payload)
        self.replies = await self.conversation.handle(turn)
        await self._visit()

    async def position(self) -> tuple[str, str, str | None] | None:
        """The tree and node the conversation is at, and the profession; None outside a tree."""
        stored = await self.store.load(_KEY)
        if stored is None or stored.session.tree_id is None:
            return None
        session = stored.session
        tree = self.knowledge.trees.get(session.tree_id or "")
        if tree is None:
            return None
        try:
            node = walk(tree, Position(tree.id, session.answers)).node
        except (KeyError, StepError):
            return None
        return tree.id, node.id, session.facts.get(PROFESSION_FACT)

    async def _visit(self) -> None:
        stored = await self.store.load(_KEY)
        if stored is not None and stored.session.tree_id is not None:
            session = stored.session
            visit = (session.tree_id or "", session.answers, session.facts.get(PROFESSION_FACT))
            self.visited.append(visit)


async def run_content_test(knowledge: KnowledgeBase, test: ContentTest) -> ContentTestResult:
    """Run ``test`` in a fresh conversation over ``knowledge``."""
    run = _Run(knowledge, test)
    try:
        if test.profession is not None:
            where = test.profession_location or test.location
            await run.say("beroep")
            await run.click(PROFESSIONS[test.profession], where)
        for step in test.steps:
            if step.action == "say":
                await run.say(step.text)
            else:
                await run.click(step.text, step.where[step.action])
            failures = await _expectations(run, step)
            if failures:
                raise _FailedError(failures)
    except _FailedError as failed:
        return ContentTestResult(test, tuple(failed.problems), tuple(run.visited))
    return ContentTestResult(test, (), tuple(run.visited))


async def run_content_tests(
    knowledge: KnowledgeBase, tests: list[ContentTest]
) -> list[ContentTestResult]:
    """Run every test, one after another, each in its own conversation."""
    return [await run_content_test(knowledge, test) for test in tests]


async def _expectations(run: _Run, step: ContentStep) -> list[Problem]:
    failures: list[Problem] = []
    text = "\n".join(r.text for r in run.replies)
    for wanted in step.shows:
        if wanted not in text:
            message = f"verwacht tekst „{wanted}”, maar het antwoord was: „{_short(text)}”"
            failures.append(run.fail(step.where["shows"], message))
    for unwanted in step.hides:
        if unwanted in text:
            message = (
                f"tekst „{unwanted}” mag er niet staan, maar het antwoord was: „{_short(text)}”"
            )
            failures.append(run.fail(step.where["hides"], message))
    # The answer comes first — after the 112 line that opens every message about danger.
    first = next((r.text for r in run.replies if r.text and r.text != DANGER_FIRST), "")
    if step.starts is not None and not first.startswith(step.starts):
        message = (
            f"verwacht dat het antwoord begint met „{step.starts}”; het begon: „{_short(first)}”"
        )
        failures.append(run.fail(step.where["starts"], message))
    labels = [b.label for r in run.replies for b in r.buttons]
    for wanted in step.offers:
        if wanted not in labels:
            message = f"verwacht knop „{wanted}”; aangeboden: {_labels(run.replies)}"
            failures.append(run.fail(step.where["offers"], message))
    if step.reaches is not None:
        failures += await _reaches(run, step, step.reaches)
    if step.outcome is not None:
        got = next((r.outcome for r in reversed(run.replies) if r.outcome), None)
        if got != step.outcome:
            message = f"verwacht uitkomst „{step.outcome}”, maar kreeg „{got or 'geen'}”"
            failures.append(run.fail(step.where["outcome"], message))
    failures += _cites(run, step)
    return failures


async def _reaches(run: _Run, step: ContentStep, wanted: str) -> list[Problem]:
    where = step.where["reaches"]
    here = await run.position()
    if here is None:
        return [run.fail(where, f"verwacht knoop „{wanted}”, maar het gesprek is niet in een boom")]
    tree_id, node_id, _ = here
    expected_tree, _, expected_node = wanted.rpartition("/")
    if node_id == expected_node and expected_tree in ("", tree_id):
        return []
    return [
        run.fail(
            where, f"verwacht knoop „{wanted}”, maar het gesprek staat bij „{tree_id}/{node_id}”"
        )
    ]


def _cites(run: _Run, step: ContentStep) -> list[Problem]:
    cited = {(s.title, s.url) for r in run.replies for s in r.sources}
    failures = []
    for source_id in step.cites:
        source = run.knowledge.sources.get(source_id)
        if source is None:
            message = f"bron „{source_id}” bestaat niet in de inhoud"
        elif (source.title, source.url) not in cited:
            titles = ", ".join(f"„{t}”" for t, _ in sorted(cited)) or "geen"
            message = f"verwacht bron „{source_id}”; genoemd: {titles}"
        else:
            continue
        failures.append(run.fail(step.where["cites"], message))
    return failures


def _labels(replies: list[Reply]) -> str:
    labels = [b.label for r in replies for b in r.buttons]
    return ", ".join(f"„{label}”" for label in labels) if labels else "geen knoppen"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
