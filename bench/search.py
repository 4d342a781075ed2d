"""Search speed: index build time and per-query latency, beside a naive rapidfuzz baseline.

Run: .venv/bin/python bench/search.py
Prints p50/p99 latency of Understanding.route (the whole understanding: danger, intents, places
with typos, topics, case stories) over the labelled sets (tests/search/ and
tests/understanding/) and the index build time, and in the same run the same queries through a
naive
``rapidfuzz.process.extractOne`` over every indexed string, with the ratio between them.
A second row per function takes each query's median over the rounds: on a shared machine the
pooled p99 is mostly other processes preempting this one; the per-query median is what the
query itself costs (with the caches a running bot has). The targets (issue 23): route p99
< 0.5 ms and mean < 0.2 ms.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from dialogs.understanding import Understanding
from knowledge import load_knowledge
from knowledge.normalise import normalise

SETS = Path(__file__).resolve().parent.parent / "tests" / "search"
MESSAGES = SETS.parent / "understanding"
ROUNDS = 5


def queries() -> list[str]:
    """Every question, place query and labelled message of the sets."""
    questions = yaml.safe_load((SETS / "questions.yaml").read_text(encoding="utf-8"))["questions"]
    places = yaml.safe_load((SETS / "places.yaml").read_text(encoding="utf-8"))["queries"]
    messages = [
        line.split("\t")[0]
        for path in sorted(MESSAGES.glob("*.tsv"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [q["q"] for q in questions] + [q["q"] for q in places] + messages


def naive_strings(index_source: Understanding) -> list[str]:
    """All strings the index knows, for the naive baseline."""
    return list(index_source.places.keys) + list(index_source.phrasings)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(function: object, texts: list[str]) -> list[list[float]]:
    """Per query, its latency (ms) in each round."""
    assert callable(function)
    samples: list[list[float]] = [[] for _ in texts]
    for _ in range(ROUNDS):
        for n, text in enumerate(texts):
            started = time.perf_counter()
            function(text)
            samples[n].append((time.perf_counter() - started) * 1000)
    return samples


def rows(name: str, samples: list[list[float]]) -> list[tuple[str, float, float, float]]:
    """The pooled figures (p50, p99, mean) and those of each query's median over the rounds."""
    pooled = [s for per_query in samples for s in per_query]
    medians = [statistics.median(per_query) for per_query in samples]
    return [
        (name, percentile(pooled, 0.5), percentile(pooled, 0.99), statistics.mean(pooled)),
        (
            "  per-query median",
            percentile(medians, 0.5),
            percentile(medians, 0.99),
            statistics.mean(medians),
        ),
    ]


def main() -> None:
    started = time.perf_counter()
    knowledge = load_knowledge()
    load_ms = (time.perf_counter() - started) * 1000
    builds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        index = Understanding(knowledge)
        builds.append((time.perf_counter() - started) * 1000)
    strings = naive_strings(index)
    texts = queries()

    def naive(text: str) -> object:
        return process.extractOne(normalise(text), strings, scorer=fuzz.WRatio, processor=None)

    ours = timed(index.route, texts)
    baseline = timed(naive, texts)
    print(f"queries: {len(texts)} x {ROUNDS} rounds; indexed strings: {len(strings)}")
    print(f"content load (all YAML, validated): {load_ms:.0f} ms")
    print(f"index build: median {statistics.median(builds):.1f} ms (target < 500 ms)")
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for name, samples in (("Understanding.route", ours), ("naive extractOne", baseline)):
        for label, *row in rows(name, samples):
            print(f"{label:24}" + "".join(f"{value:>10.3f}" for value in row))
    ours_pooled = [s for q in ours for s in q]
    naive_pooled = [s for q in baseline for s in q]
    ratio = statistics.mean(naive_pooled) / statistics.mean(ours_pooled)
    p99_ratio = percentile(naive_pooled, 0.99) / percentile(ours_pooled, 0.99)
    print(f"naive / ours: mean {ratio:.1f}x, p99 {p99_ratio:.1f}x")
    print("targets (issue 23): route p99 < 0.5 ms, mean < 0.2 ms")


if __name__ == "__main__":
    main()
