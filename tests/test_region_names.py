"""A region's own name is one of its words: national content never names it (knowledge.regionwords).

Every region's name counts for its pack, generated or the region's own; a name that is also a
gemeente's gets a hint that a place example should be another place; a gemeente whose name only
begins with a region's name, and the directory that lists every region, are not caught.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge import ContentError, KnowledgeBase, load_knowledge
from knowledge.normalise import normalise
from knowledge.regionwords import check_region_words, region_words
from tests.conftest import EXAMPLES


def test_every_regions_name_is_one_of_its_words(shipped: KnowledgeBase) -> None:
    """For each of the 25 regions its name is a word of that region; the generated packs list it
    in ``words``, and the region's own pack is held to it as well."""
    words = region_words(shipped).words
    for pack in shipped.packs.values():
        name = shipped.regions[pack.region].name
        assert pack.region in words[normalise(name)][1], name
        assert name in pack.words, pack.id
    assert len({p.region for p in shipped.packs.values()}) == 25


def _with_answer(shipped: KnowledgeBase, answer: str) -> KnowledgeBase:
    """The shipped content with one national FAQ answer replaced (past the loader's check)."""
    entry = shipped.faq["welke-regio"]
    assert shipped.faq_region(entry.id) is None
    return replace(
        shipped, faq={**shipped.faq, entry.id: entry.model_copy(update={"answer": answer})}
    )


def test_a_region_named_like_a_gemeente_is_refused_with_a_hint(shipped: KnowledgeBase) -> None:
    """A national answer that names a region whose name is also a gemeente's (as a place
    example) is refused, located, with the hint to take a place that is named like no region."""
    knowledge = _with_answer(shipped, "Typ de gemeente, bijvoorbeeld Groningen.")
    [problem] = check_region_words(knowledge)
    assert "welke-regio" in str(problem)
    assert "'Groningen' hoort bij regio Groningen" in str(problem)
    assert "als voorbeeld van een plaats: kies er een die niet zo heet als een regio" in str(
        problem
    )


def test_a_region_name_that_is_no_place_gets_no_place_hint(shipped: KnowledgeBase) -> None:
    """A region's name that names no gemeente or woonplaats is refused without the place hint."""
    knowledge = _with_answer(shipped, "Zo staat het in de Meldcode Haaglanden.")
    [problem] = check_region_words(knowledge)
    assert "'Haaglanden' hoort bij regio Haaglanden" in str(problem)
    assert "als voorbeeld" not in str(problem)


def test_a_gemeente_that_begins_with_a_regions_name_is_not_that_region(
    shipped: KnowledgeBase,
) -> None:
    """Word by word: a gemeente whose name only begins with a region's name passes (and the
    example place of the fixed sentences is named like no region)."""
    knowledge = _with_answer(shipped, "Typ de gemeente, bijvoorbeeld Utrechtse Heuvelrug of Zeist.")
    assert check_region_words(knowledge) == []


def test_a_regions_own_pack_is_held_to_its_name_without_listing_it(tmp_path: Path) -> None:
    """A pack of the region's own that lists no words still owns its name: a national FAQ
    answer naming it is refused; the directory that lists every region is not content checked."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLES, content)
    assert "words" not in (content / "regions" / "noord" / "pack.yaml").read_text()
    load_knowledge(content)  # the regions' list names every region, and loads
    faq = content / "faq" / "example.yaml"
    faq.write_text(faq.read_text().replace("The example says this.", "As in Noordregio."))
    with pytest.raises(ContentError) as caught:
        load_knowledge(content)
    assert [str(p) for p in caught.value.problems] == [
        "faq/example.yaml:7: example-question: 'Noordregio' hoort bij regio Noordregio: "
        "landelijke inhoud noemt geen regio; laat het regiopakket het toevoegen (hooks)"
    ]
