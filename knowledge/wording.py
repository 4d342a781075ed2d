"""Checks on the words users read: no internal notes, no developer words, the answer first.

Everything a professional reads in a reply comes from content: tree titles and summaries,
questions, answer labels, advice, FAQ questions and answers, source titles and the dossier
lines of a region pack. Three kinds of fault are errors, each located as
``file:line: id: message``:

- an internal note: "te bevestigen" belongs on unconfirmed *contact data* only (an
  organisation's ``unconfirmed`` fields, shown with their last-verified date). A fact that is
  not confirmed stays out of the text and goes under ``to_confirm``, which only reviewers see
  (``verbind check --details``);
- a developer word ("boom", "knoop", "faq", "yaml", ...) or a content id ("vraag-2",
  "afwegingskader/acuut"): users never see the machinery;
- a FAQ answer that opens with "Ja" or "Nee" while its question, or a phrasing people type
  for it, is not a yes/no question ("hoe vaak …", "sinds wanneer …").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from knowledge.model import AdviceNode, QuestionNode
from knowledge.problems import Problem
from knowledge.yamldoc import Path_

if TYPE_CHECKING:
    from knowledge.library import KnowledgeBase, Origin

__all__ = ["DEVELOPER_WORDS", "asks_yes_or_no", "check_wording", "node_texts"]

_NOTE = re.compile(r"\bte\s+bevestigen\b", re.IGNORECASE)
DEVELOPER_WORDS = frozenset(
    """boom bomen knoop knopen knoop-id faq yaml json payload todo fixme""".split()
)
"""Words of the machinery, never of the advice (matched as whole words, any case)."""
_WORDS = re.compile(r"[a-z0-9][a-z0-9/-]*[a-z0-9]|[a-z0-9]", re.IGNORECASE)
_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
"""E-mail and web addresses are data, not words ("veiligthuis@samen-veilig.nl")."""
_OPENS_WITH_YES_OR_NO = re.compile(r"^\W*(ja|nee)\b", re.IGNORECASE)
_QUESTION_WORDS = frozenset(
    """wat wie wiens waar waarom wanneer hoe hoeveel hoelang hoezo welke welk waarmee waarover
    waarvoor waardoor waaraan waarheen waarop waarin sinds vanaf""".split()
)
"""First words of a question that is not answered by yes or no."""
_QUESTION_PAIRS = frozenset(
    {
        ("tot", "wanneer"),
        ("in", "welke"),
        ("op", "welke"),
        ("bij", "wie"),
        ("met", "wie"),
        ("aan", "wie"),
        ("van", "wie"),
        ("voor", "wie"),
        ("naar", "wie"),
        ("om", "welke"),
    }
)
_SENTENCE = re.compile(r"[^?.!]+")

_NOTE_MESSAGE = (
    "interne notitie 'te bevestigen' in tekst voor gebruikers: laat een onbevestigd feit weg"
    " en zet het onder 'to_confirm' (alleen contactgegevens krijgen 'te bevestigen', via"
    " 'unconfirmed')"
)


def asks_yes_or_no(question: str) -> bool:
    """True when no sentence of ``question`` starts with a question word ("wat", "hoe vaak",
    "sinds wanneer", "bij wie", ...): only then may an answer open with "Ja" or "Nee"."""
    for sentence in _SENTENCE.findall(question.casefold()):
        words = re.findall(r"[a-zà-ÿ]+", sentence)
        if not words:
            continue
        if words[0] in _QUESTION_WORDS or tuple(words[:2]) in _QUESTION_PAIRS:
            return False
    return True


def check_wording(knowledge: KnowledgeBase) -> list[Problem]:
    """Every internal note, developer word and yes/no opener in text users read."""
    ids = _content_ids(knowledge)
    problems: list[Problem] = []
    for origin, path, text in _user_texts(knowledge):
        problems.extend(_text_problems(origin, path, text, ids))
    for entry in knowledge.faq.values():
        origin = knowledge.origins[("faq", entry.id)]
        asked = [entry.question, *entry.phrasings]
        if _OPENS_WITH_YES_OR_NO.match(entry.answer) and not all(map(asks_yes_or_no, asked)):
            wh = next(q for q in asked if not asks_yes_or_no(q))
            message = (
                f"antwoord begint met 'Ja' of 'Nee', maar '{wh}' is geen ja/nee-vraag:"
                " begin met het antwoord zelf"
            )
            problems.append(origin.document.problem((*origin.path, "answer"), message))
    return problems


def _text_problems(
    origin: Origin, path: Path_, text: str, ids: frozenset[str]
) -> Iterator[Problem]:
    if _NOTE.search(text):
        yield origin.document.problem(path, _NOTE_MESSAGE)
    for word in _WORDS.findall(_ADDRESSES.sub(" ", text)):
        if word.casefold() in DEVELOPER_WORDS:
            message = (
                f"ontwikkelaarswoord '{word}' in tekst voor gebruikers: zeg het in gewone taal"
            )
        elif ("-" in word or "/" in word) and _is_content_id(word, ids):
            message = f"interne naam '{word}' in tekst voor gebruikers: noem het onderwerp bij naam"
        else:
            continue
        yield origin.document.problem(path, message)


def _is_content_id(word: str, ids: frozenset[str]) -> bool:
    """An id as the machinery writes it: lower case, alone or as ``tree/node`` ("KNMG-meldcode"
    is a name, "knmg-meldcode" an id)."""
    return word in ids or ("/" in word and all(part in ids for part in word.split("/")))


def _content_ids(knowledge: KnowledgeBase) -> frozenset[str]:
    """The ids of trees, nodes, FAQ entries and sources (only words joined by a hyphen or a
    slash are compared with them, so an id that is also a plain word is no fault)."""
    found = set(knowledge.trees) | set(knowledge.faq) | set(knowledge.sources)
    found |= {n.id for t in knowledge.trees.values() for n in t.nodes}
    return frozenset(found)


def _user_texts(knowledge: KnowledgeBase) -> Iterator[tuple[Origin, Path_, str]]:
    """(origin, path, text) for every text a user reads that comes from content."""
    for tree in knowledge.trees.values():
        origin = knowledge.origins[("tree", tree.id)]
        yield origin, (*origin.path, "title"), tree.title
        yield origin, (*origin.path, "summary"), tree.summary
        for i, node in enumerate(tree.nodes):
            yield from node_texts(origin, (*origin.path, "nodes", i), node)
    for entry in knowledge.faq.values():
        origin = knowledge.origins[("faq", entry.id)]
        yield origin, (*origin.path, "question"), entry.question
        yield origin, (*origin.path, "answer"), entry.answer
    for source in knowledge.sources.values():
        origin = knowledge.origins[("source", source.id)]
        yield origin, (*origin.path, "title"), source.title
    for pack in knowledge.packs.values():
        if pack.dossier is None:
            continue
        origin = knowledge.origins[("pack", pack.id)]
        yield origin, (*origin.path, "dossier", "line"), pack.dossier.line
        for kind, line in pack.dossier.kinds.items():
            yield origin, (*origin.path, "dossier", "kinds", kind), line


def node_texts(
    origin: Origin, path: Path_, node: QuestionNode | AdviceNode
) -> Iterable[tuple[Origin, Path_, str]]:
    """(origin, path, text) for every text of ``node`` a user reads: its question or advice,
    profession variants, short text, info and answer labels."""
    texts: list[tuple[Path_, str]] = [((*path, "variants", p), t) for p, t in node.variants.items()]
    if isinstance(node, AdviceNode):
        texts.insert(0, ((*path, "advice"), node.advice))
    else:
        texts.insert(0, ((*path, "question"), node.question))
        texts += [((*path, "short"), node.short)] if node.short else []
        texts += [((*path, "info"), node.info)] if node.info else []
        texts += [((*path, "choices", j, "label"), c.label) for j, c in enumerate(node.choices)]
    return [(origin, p, t) for p, t in texts]
