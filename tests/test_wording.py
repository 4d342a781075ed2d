"""The wording checks: yes/no questions told apart from questions a yes or no cannot answer."""

from __future__ import annotations

import pytest

from knowledge.wording import asks_yes_or_no


@pytest.mark.parametrize(
    "question",
    [
        "Krijg ik terugkoppeling na een melding?",
        "Moet ik het afwegingskader gebruiken?",
        "mag ik anoniem melden",
        "is veilig thuis in het weekend bereikbaar",
        "afwegingskader verplicht",
    ],
)
def test_a_yes_or_no_question_is_recognised(question: str) -> None:
    """A question that starts with a verb (or names a topic) may be answered with yes or no."""
    assert asks_yes_or_no(question)


@pytest.mark.parametrize(
    "question",
    [
        "hoe vaak krijg ik terugkoppeling",
        "Sinds wanneer is het afwegingskader verplicht?",
        "Kan ik advies vragen? Wat is het verschil met een melding?",
        "bij wie meld ik loverboys",
        "tot wanneer geldt een ots",
        "Welke regio moet ik hebben?",
    ],
)
def test_a_question_no_yes_answers_is_recognised(question: str) -> None:
    """A sentence that starts with a question word ("hoe vaak", "sinds wanneer", "bij wie")
    cannot be answered with "Ja" or "Nee", also when it follows a yes/no question."""
    assert not asks_yes_or_no(question)
