"""Understanding what people type: one reading per message, with typed targets and evidence.

Pure and synchronous; compiled once per loaded content (``Understanding(knowledge)``), it
implements the ``dialogs.router.Router`` port. Modules: ``text`` (a message read once),
``lexicon`` (word patterns in an inverted index), ``acts`` (question, request or story),
``danger`` (the danger lexicon), ``people`` (who is hurt), ``roles`` (the writer's role),
``intents`` (actions, case stories, Veilig Thuis / SAVE actions), ``search`` (FAQ, trees and
partners by their phrasings), ``gazetteer`` (places, with evidence), ``frequency`` (how common
a Dutch word is) and ``reader`` (all of it together).
"""

from dialogs.understanding.intents import IntentIndex, PartnerIndex, StoryIndex
from dialogs.understanding.reader import Understanding
from dialogs.understanding.text import Message, normalise_query

__all__ = [
    "IntentIndex",
    "Message",
    "PartnerIndex",
    "StoryIndex",
    "Understanding",
    "normalise_query",
]
