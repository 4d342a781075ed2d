"""Load content from YAML: strict schema, located errors, then the graph checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from knowledge.directory_checks import check_directory
from knowledge.library import KnowledgeBase, Origin
from knowledge.model import (
    Alias,
    Coverage,
    DangerSignals,
    DecisionTree,
    FaqEntry,
    Gemeente,
    Intent,
    Meta,
    Organisation,
    PartnerAction,
    PeopleWords,
    PlaceWords,
    Region,
    RegionPack,
    RoleLead,
    RoleWords,
    Source,
    Story,
    Synonyms,
    Translation,
)
from knowledge.problems import ContentError, Location, Problem
from knowledge.regionwords import check_region_words
from knowledge.understanding import check_understanding
from knowledge.validator import check_graph
from knowledge.wording import check_wording
from knowledge.yamldoc import Path_, YamlDocument, read_yaml

__all__ = ["DEFAULT_CONTENT", "load_knowledge"]

DEFAULT_CONTENT = Path(__file__).parent / "content"


@dataclass(frozen=True)
class _Section:
    """One kind of file: where it lives and, per top-level key, the kind and model of its items.

    ``keys`` None means the whole file is one item of ``model`` (a tree).
    """

    pattern: str
    keys: dict[str, tuple[str, type[BaseModel]]] | None = None
    model: tuple[str, type[BaseModel]] | None = None


_DIRECTORY_KEYS: dict[str, tuple[str, type[BaseModel]]] = {
    # A directory file may cite its own sources (a region pack's pages, the CBS tables).
    "sources": ("source", Source),
    "organisations": ("organisation", Organisation),
    "regions": ("region", Region),
    "gemeenten": ("gemeente", Gemeente),
    "aliases": ("alias", Alias),
    "coverage": ("coverage", Coverage),
}
_UNDERSTANDING_KEYS: dict[str, tuple[str, type[BaseModel]]] = {
    "intents": ("intent", Intent),
    "stories": ("story", Story),
    "danger": ("danger", DangerSignals),
    "roles": ("role", RoleWords),
    "leads": ("lead", RoleLead),
    "partner_actions": ("partner-action", PartnerAction),
    "people": ("people", PeopleWords),
    "places": ("place-words", PlaceWords),
    "synonyms": ("synonym", Synonyms),
    "english": ("english", Translation),
}
_SECTIONS = (
    _Section("sources.yaml", {"sources": ("source", Source)}),
    _Section("trees/*.yaml", model=("tree", DecisionTree)),
    _Section("faq/*.yaml", {"faq": ("faq", FaqEntry)}),
    _Section("directory/*.yaml", _DIRECTORY_KEYS),
    _Section("understanding/*.yaml", _UNDERSTANDING_KEYS),
    # A region pack: regions/<pack>/pack.yaml, with its own trees, FAQ and directory beside it.
    _Section("regions/*/pack.yaml", model=("pack", RegionPack)),
    _Section("regions/*/trees/*.yaml", model=("tree", DecisionTree)),
    _Section("regions/*/faq/*.yaml", {"faq": ("faq", FaqEntry)}),
    _Section("regions/*/directory/*.yaml", _DIRECTORY_KEYS),
    _Section("regions/*/understanding/*.yaml", {"stories": ("story", Story)}),
)
_KINDS = (
    "source",
    "tree",
    "faq",
    "organisation",
    "region",
    "gemeente",
    "alias",
    "coverage",
    "pack",
    "intent",
    "story",
    "danger",
    "role",
    "lead",
    "partner-action",
    "people",
    "place-words",
    "synonym",
    "english",
)


def load_knowledge(root: Path | str = DEFAULT_CONTENT) -> KnowledgeBase:
    """Load and validate all content under ``root``; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[Problem] = []
    origins: dict[tuple[str, str], Origin] = {}
    meta = _load_meta(root, problems, origins)
    found: dict[str, dict[str, Any]] = {kind: {} for kind in _KINDS}
    for section in _SECTIONS:
        for document in _documents(root, section.pattern, problems):
            for kind, path, item in _items(document, section, problems):
                _add(found[kind], origins, kind, document, path, item, problems)
    if meta is None or problems:
        raise ContentError(problems)
    knowledge = KnowledgeBase(
        meta=meta,
        sources=found["source"],
        trees=found["tree"],
        faq=found["faq"],
        organisations=found["organisation"],
        regions=found["region"],
        gemeenten=found["gemeente"],
        aliases=found["alias"],
        coverage=found["coverage"],
        packs=found["pack"],
        intents=found["intent"],
        stories=found["story"],
        danger=found["danger"],
        roles=found["role"],
        leads=found["lead"],
        partner_actions=found["partner-action"],
        people=found["people"],
        place_words=found["place-words"],
        synonyms=found["synonym"],
        english=found["english"],
        origins=origins,
    )
    problems.extend(check_graph(knowledge))
    problems.extend(check_directory(knowledge))
    problems.extend(check_understanding(knowledge))
    problems.extend(check_wording(knowledge))
    problems.extend(check_region_words(knowledge))
    if problems:
        raise ContentError(problems)
    return knowledge


def _load_meta(
    root: Path, problems: list[Problem], origins: dict[tuple[str, str], Origin]
) -> Meta | None:
    file = root / "meta.yaml"
    if not file.is_file():
        problems.append(Problem(Location("meta.yaml", 1), "-", "bestand ontbreekt"))
        return None
    try:
        document = read_yaml(file, display_name=_display(root, file))
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    value = _validate(document, (), document.data, Meta, problems)
    origins[("meta", "meta")] = Origin(document, ())
    return value if isinstance(value, Meta) else None


def _documents(root: Path, pattern: str, problems: list[Problem]) -> Iterator[YamlDocument]:
    for file in sorted(root.glob(pattern)):
        try:
            yield read_yaml(file, display_name=_display(root, file))
        except ContentError as exc:
            problems.extend(exc.problems)


def _items(
    document: YamlDocument, section: _Section, problems: list[Problem]
) -> Iterator[tuple[str, Path_, BaseModel]]:
    if section.model is not None:
        kind, model = section.model
        value = _validate(document, (), document.data, model, problems)
        if value is not None:
            yield kind, (), value
        return
    assert section.keys is not None
    data = document.data
    allowed = ", ".join(f"'{k}'" for k in section.keys)
    if not isinstance(data, dict) or not data:
        problems.append(document.problem((), f"het bestand moet een lijst hebben onder {allowed}"))
        return
    for key, entries in data.items():
        if key not in section.keys:
            problems.append(
                document.problem((key,), f"onbekende sleutel '{key}'; verwacht: {allowed}")
            )
            continue
        if not isinstance(entries, list):
            problems.append(document.problem((key,), f"'{key}' moet een lijst zijn"))
            continue
        kind, model = section.keys[key]
        for i, raw in enumerate(entries):
            value = _validate(document, (key, i), raw, model, problems)
            if value is not None:
                yield kind, (key, i), value


def _add(
    into: dict[str, Any],
    origins: dict[tuple[str, str], Origin],
    kind: str,
    document: YamlDocument,
    path: Path_,
    item: Any,
    problems: list[Problem],
) -> None:
    if item.id in into:
        first = origins[(kind, item.id)]
        where = first.document.location(first.path)
        problems.append(document.problem(path, f"id '{item.id}' bestaat al ({where})"))
        return
    into[item.id] = item
    origins[(kind, item.id)] = Origin(document, path)


def _validate(
    document: YamlDocument,
    path: Path_,
    raw: Any,
    model: type[BaseModel],
    problems: list[Problem],
) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors:
            if _follows_from_item_errors(error, errors):
                continue
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("<")))
            problems.append(document.problem((*path, *loc), _message(error)))
        return None


def _follows_from_item_errors(error: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """A list reported "too short" only because its bad items were left out says nothing new."""
    if error["type"] != "too_short":
        return False
    loc = error["loc"]
    return any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


def _display(root: Path, file: Path) -> str:
    return file.relative_to(root).as_posix()


def _field_name(error: ErrorDetails) -> str:
    names = [p for p in error["loc"] if isinstance(p, str) and not p.startswith("<")]
    return names[-1] if names else "-"


_MESSAGES: dict[str, Callable[[ErrorDetails], str]] = {
    "extra_forbidden": lambda e: f"onbekende sleutel '{_field_name(e)}'",
    "missing": lambda e: f"verplichte sleutel '{_field_name(e)}' ontbreekt",
    "string_type": lambda e: f"'{_field_name(e)}' moet tekst zijn",
    "string_too_short": lambda e: f"'{_field_name(e)}' mag niet leeg zijn",
    "string_too_long": lambda e: (
        f"'{_field_name(e)}' is te lang (hoogstens {e.get('ctx', {}).get('max_length')} tekens)"
    ),
    "string_pattern_mismatch": lambda e: _pattern_message(_field_name(e)),
    "date_type": lambda e: f"'{_field_name(e)}' moet een datum zijn (JJJJ-MM-DD)",
    "date_parsing": lambda e: f"'{_field_name(e)}' moet een datum zijn (JJJJ-MM-DD)",
    "date_from_datetime_parsing": lambda e: f"'{_field_name(e)}' moet een datum zijn (JJJJ-MM-DD)",
    "bool_type": lambda e: f"'{_field_name(e)}' moet true of false zijn",
    "bool_parsing": lambda e: f"'{_field_name(e)}' moet true of false zijn",
    "int_type": lambda e: f"'{_field_name(e)}' moet een geheel getal zijn",
    "int_parsing": lambda e: f"'{_field_name(e)}' moet een geheel getal zijn",
    "literal_error": lambda e: (
        f"'{_field_name(e)}' moet een van deze zijn: {e.get('ctx', {}).get('expected')}"
    ),
    "tuple_type": lambda e: f"'{_field_name(e)}' moet een lijst zijn",
    "list_type": lambda e: f"'{_field_name(e)}' moet een lijst zijn",
    "too_short": lambda e: (
        f"'{_field_name(e)}' moet minstens {e.get('ctx', {}).get('min_length')} item(s) hebben"
    ),
    "model_type": lambda e: "moet een mapping (sleutel: waarde) zijn",
    "model_attributes_type": lambda e: "moet een mapping (sleutel: waarde) zijn",
    "dict_type": lambda e: "moet een mapping (sleutel: waarde) zijn",
    "greater_than_equal": lambda e: f"'{_field_name(e)}' is te klein",
    "less_than_equal": lambda e: f"'{_field_name(e)}' is te groot",
}

_PATTERNS = {
    "url": "moet een https-adres zijn",
    "phone": "ongeldig telefoonnummer (alleen cijfers, spaties, '-' en '+')",
    "email": "ongeldig e-mailadres",
    "code": "ongeldige CBS-code (zoals GM0344 of VT20)",
    "gemeente": "ongeldige CBS-code (zoals GM0344)",
    "region": "ongeldige CBS-code (zoals VT20)",
}


def _pattern_message(field_name: str) -> str:
    default = f"'{field_name}' is geen geldig id: alleen kleine letters, cijfers en '-'"
    return _PATTERNS.get(field_name, default)


def _message(error: ErrorDetails) -> str:
    render = _MESSAGES.get(error["type"])
    return render(error) if render else error["msg"]
