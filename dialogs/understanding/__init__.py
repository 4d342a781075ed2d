"""Understanding what people type: one reading per message, with typed targets and evidence.

Pure and synchronous; built once per loaded content (``SearchIndex(knowledge)``), it implements
the ``dialogs.router.Router`` port.
"""

from dialogs.understanding.intents import IntentIndex, StoryIndex
from dialogs.understanding.search import SearchIndex, normalise_query

__all__ = ["IntentIndex", "SearchIndex", "StoryIndex", "normalise_query"]
