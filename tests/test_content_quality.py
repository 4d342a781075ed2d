"""The shipped content's quality bar: sources, review dates, follow-ups, partners per form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from knowledge import KnowledgeBase
from knowledge.review import add_months, review_content
from tests.conftest import Chat


def test_review_dates_were_in_force_at_the_review(shipped: KnowledgeBase) -> None:
    """On the day of the content review (meta.yaml), no source check and no contact date was
    overdue: a review that signs off stale material fails here, whatever today's date is.
    (Dates that fall due later are `verbind check`'s warnings, as of the real day.)"""
    review = review_content(shipped, today=shipped.meta.reviewed)
    assert [str(p) for p in review.overdue] == []


def test_a_stale_source_is_caught_at_the_review(shipped: KnowledgeBase) -> None:
    """The check above fails for a source last checked 13 months before the review."""
    source = next(iter(shipped.sources.values()))
    stale = source.model_copy(update={"checked": add_months(shipped.meta.reviewed, -13)})
    knowledge = replace(shipped, sources={**shipped.sources, source.id: stale})
    review = review_content(knowledge, today=shipped.meta.reviewed)
    assert [p.node_id for p in review.overdue] == [source.id]


def test_every_faq_entry_offers_a_next_step(shipped: KnowledgeBase) -> None:
    """Each FAQ answer has a follow-up: a related tree or a contact."""
    assert [e.id for e in shipped.faq.values() if not (e.related or e.contacts)] == []


def test_no_closed_partner_is_listed(shipped: KnowledgeBase) -> None:
    """The FPKM closed in 2017 and is never listed; no text promises a 24/7 vertrouwensarts."""
    texts = [o.name + o.role + (o.hours or "") for o in shipped.organisations.values()]
    texts += [e.answer for e in shipped.faq.values()]
    texts += [n.text for t in shipped.trees.values() for n in t.nodes]
    assert not any("FPKM" in t for t in texts)
    both = [t for t in texts if "vertrouwensarts" in t.casefold() and "24/7" in t]
    assert all("kantooruren" in t for t in both), "24/7 is 0800-2000, not the vertrouwensarts"


SPECIAL_FORMS = {
    "Eergerelateerd geweld": "Veilig Thuis (landelijk nummer)",
    "Huwelijksdwang of achterlating": "Landelijk Knooppunt Huwelijksdwang en Achterlating",
    "Meisjesbesnijdenis (VGV)": "Veilig Thuis (landelijk nummer)",
    "Seksueel misbruik": "Centrum Seksueel Geweld",
    "Letsel: is het toegebracht?": "LECK (Landelijk Expertise Centrum Kindermishandeling)",
    "Kinderen van een volwassen cliënt (kindcheck)": (
        "Aandachtsfunctionaris kindermishandeling (eigen organisatie)"
    ),
    "Een zwangere cliënt loopt gevaar": "Veilig Thuis (landelijk nummer)",
}


@pytest.mark.parametrize(("form", "partner"), SPECIAL_FORMS.items())
async def test_each_special_form_ends_with_its_partner(
    shipped: KnowledgeBase, make_chat: Callable[[KnowledgeBase], Chat], form: str, partner: str
) -> None:
    """Every special form ends with the right partner to consult, and says why."""
    chat = make_chat(shipped)
    await chat.say("bijzondere vormen")
    await chat.click(form)
    final = chat.replies[-1]
    assert partner in [c.name for c in final.contacts]
    assert final.sources
