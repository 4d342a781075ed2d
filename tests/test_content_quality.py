"""The shipped content's quality bar: sources, review dates, follow-ups, partners per form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from knowledge import AdviceNode, KnowledgeBase
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
    """The FPKM closed in 2017: it is never listed as a partner, and any answer that names it
    says it no longer exists; no text promises a 24/7 vertrouwensarts."""
    listed = [o.name + o.role + (o.hours or "") for o in shipped.organisations.values()]
    assert not any("FPKM" in t for t in listed)
    texts = listed + [e.answer for e in shipped.faq.values()]
    texts += [n.text for t in shipped.trees.values() for n in t.nodes]
    assert all("bestaat niet meer" in t for t in texts if "FPKM" in t)
    both = [t for t in texts if "vertrouwensarts" in t.casefold() and "24/7" in t]
    assert all("kantooruren" in t for t in both), "24/7 is 0800-2000, not the vertrouwensarts"


SPECIAL_FORMS = {
    "Eergerelateerd geweld": "Veilig Thuis (landelijk nummer)",
    "Huwelijksdwang of achterlating": "Landelijk Knooppunt Huwelijksdwang en Achterlating",
    "Meisjesbesnijdenis (VGV)": "Veilig Thuis (landelijk nummer)",
    "Seksueel misbruik": "Centrum Seksueel Geweld",
    "Letsel: is het toegebracht?": "LECK (Landelijk Expertise Centrum Kindermishandeling)",
    "Kindcheck: kinderen van een cliënt": (
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


def test_every_source_is_cited(shipped: KnowledgeBase) -> None:
    """Each source in sources.yaml is cited by some advice, FAQ answer, contact or region."""
    cited = {s for t in shipped.trees.values() for n in t.nodes for s in getattr(n, "sources", ())}
    cited |= {s for e in shipped.faq.values() for s in e.sources}
    cited |= {s for o in shipped.organisations.values() for s in o.sources}
    cited |= {s for r in shipped.regions.values() for s in r.sources}
    assert sorted(set(shipped.sources) - cited) == []


def test_topic_advice_says_what_the_faq_says(shipped: KnowledgeBase) -> None:
    """An advice in the topics tree reads as the FAQ answer of the same id, and names a partner."""
    tree = shipped.trees["onderwerpen"]
    advice = [n for n in tree.nodes if isinstance(n, AdviceNode)]
    assert all(n.contacts for n in advice)
    paired = [n for n in advice if n.id in shipped.faq]
    assert len(paired) >= 11
    assert [n.id for n in paired if n.advice != shipped.faq[n.id].answer] == []


def test_contacts_confirmed_against_their_pages(shipped: KnowledgeBase) -> None:
    """LECK, Centrum Seksueel Geweld and the VT Utrecht e-mail are confirmed; SAVE says it has no
    general number instead of a phone "te bevestigen"."""
    orgs = shipped.organisations
    assert (orgs["leck"].phone, orgs["leck"].confirmed) == ("0900-44 45 444", True)
    assert (orgs["centrum-seksueel-geweld"].phone, orgs["centrum-seksueel-geweld"].hours) == (
        "0800-0188",
        "24 uur per dag, 7 dagen per week",
    )
    assert orgs["veilig-thuis-utrecht"].confirmed
    save = orgs["save"]
    assert save.confirmed
    assert save.phone is None
    assert "geen algemeen telefoonnummer" in (save.note or "")


def test_every_acute_advice_sends_to_veilig_thuis_or_112_and_never_to_save(
    shipped: KnowledgeBase,
) -> None:
    """Each acute advice names 112 and 0800-2000, offers both, and sends no one to SAVE (which
    has no general number) or to the kinderopvang protocol's office-hours rule."""
    acute = [(t.id, n) for t in shipped.trees.values() for n in t.nodes if getattr(n, "acute", 0)]
    assert len(acute) >= 5
    for tree_id, node in acute:
        assert isinstance(node, AdviceNode)
        texts = [node.advice, *node.variants.values()]
        assert all("112" in t and "0800-2000" in t for t in texts), (tree_id, node.id)
        assert not any("SAVE" in t or "kantooruren" in t for t in texts), (tree_id, node.id)
        assert "alarmnummer" in node.contacts, (tree_id, node.id)
        assert any(c.startswith("veilig-thuis") for c in node.contacts), (tree_id, node.id)
        assert "save" not in node.contacts
        assert "handelingsprotocol-acuut" not in node.sources


def test_special_forms_advise_what_the_faq_says(shipped: KnowledgeBase) -> None:
    """Clicking a special form gives the same advice as typing it (VGV, sexual abuse, ...)."""
    pairs = {
        "eer": "eergerelateerd-geweld",
        "huwelijksdwang": "huwelijksdwang",
        "vgv": "genitale-verminking",
        "seksueel": "seksueel-misbruik",
        "beelden": "beelden-misbruik",
        "zwanger": "zwangere-client",
    }
    tree = shipped.trees["bijzondere-vormen"]
    differ = [n for n, f in pairs.items() if tree.node(n).text != shipped.faq[f].answer]
    assert differ == []


def test_the_jgz_guideline_is_cited_with_its_status(shipped: KnowledgeBase) -> None:
    """Every cited page of the 2016 JGZ-richtlijn Kindermishandeling says that it is being
    revised, so nobody takes an expired guideline for the current one."""
    pages = [s for s in shipped.sources.values() if "jgzrichtlijnen.nl" in s.url]
    assert pages
    assert [s.id for s in pages if "herzien" not in s.title and "herziening" not in s.title] == []


def test_covenant_agreements_do_not_cite_the_old_who_reports_where_page(
    shipped: KnowledgeBase,
) -> None:
    """Answers about the covenant's agreements cite the covenant (NCJ), not samen-veilig.nl's
    'wie meldt waar' page, which holds no covenant agreement and predates the 2019 meldnorm."""
    answers = [(e.id, e.answer, e.sources) for e in shipped.faq.values()]
    answers += [
        (n.id, n.advice, n.sources)
        for t in shipped.trees.values()
        for n in t.nodes
        if isinstance(n, AdviceNode)
    ]
    wrong = [i for i, text, cited in answers if "convenant" in text and "samen-veilig" in cited]
    assert wrong == []


def test_fixed_sentences_hold_no_developer_words_or_notes() -> None:
    """No sentence of the phrase catalogue says "boom", "knoop", "faq" or "te bevestigen"."""
    import re

    from dialogs import phrases
    from knowledge.wording import DEVELOPER_WORDS

    texts: list[str] = []
    for name in phrases.__all__:
        value = getattr(phrases, name)
        texts += list(value.values()) if isinstance(value, dict) else [value]
    assert len(texts) > 50
    words = {w.casefold() for t in texts for w in re.findall(r"[A-Za-z-]+", t)}
    assert sorted(words & DEVELOPER_WORDS) == []
    assert not any("te bevestigen" in t for t in texts)
