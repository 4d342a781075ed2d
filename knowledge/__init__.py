"""Content and the code that loads, validates, walks and searches it. No channel SDKs here."""

from knowledge.engine import Position, RouteStep, StepError, Walk, back, restart, start, step, walk
from knowledge.library import KnowledgeBase
from knowledge.loader import DEFAULT_CONTENT, load_knowledge
from knowledge.model import (
    AdviceNode,
    Choice,
    DecisionTree,
    FaqEntry,
    Meta,
    Option,
    Organisation,
    QuestionNode,
    Source,
)
from knowledge.problems import ContentError, Location, Problem

__all__ = [
    "DEFAULT_CONTENT",
    "AdviceNode",
    "Choice",
    "ContentError",
    "DecisionTree",
    "FaqEntry",
    "KnowledgeBase",
    "Location",
    "Meta",
    "Option",
    "Organisation",
    "Position",
    "Problem",
    "QuestionNode",
    "RouteStep",
    "Source",
    "StepError",
    "Walk",
    "back",
    "load_knowledge",
    "restart",
    "start",
    "step",
    "walk",
]
