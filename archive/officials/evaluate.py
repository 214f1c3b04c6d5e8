"""Precision and recall of recognition (title + name) and of cross-script linking, on a hand-labelled set.

The set (tests/fixtures/officials_labelled.jsonl) holds the five seeds (by file name) and paragraphs quoted
from the Reuters, RIA and baomoi corpora, each with the names a reader finds introduced by a role title
(a name before its title, "Nguyen Khac Than, Deputy Secretary…", is not counted: the rules do not look for it).
Linking is measured on pairs of spellings (tests/fixtures/official_spellings.json): the same person in
Vietnamese, unaccented and Russian spellings should link; different people, and names that differ only
by diacritics, should not.
"""

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from archive.ingest.clean import clean
from archive.ingest.formats import Limits, read_document
from archive.officials.names import same_name
from archive.officials.recognize import find_mentions

FIXTURES = Path(settings.BASE_DIR) / "tests" / "fixtures"
SEEDS = Path(settings.BASE_DIR) / "demo" / "seeds"


@dataclass
class Score:
    label: str
    items: int = 0
    gold: int = 0
    found: int = 0
    correct: int = 0

    @property
    def precision(self):
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self):
        return self.correct / self.gold if self.gold else 1.0

    def add(self, gold, found):
        self.items += 1
        self.gold += len(gold)
        self.found += len(found)
        self.correct += len(gold & found)


def recognition(path=FIXTURES / "officials_labelled.jsonl"):
    """Scores per split (dev: the set the rules were written against; held-out: labelled after they were
    frozen), per language, for the seeds, and overall."""
    scores = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        text = item.get("text") or seed_text(item["seed"])
        found = {m.name for m in find_mentions(text, item["language"])}
        gold = set(item["names"])
        group = "seeds" if "seed" in item else item["language"]
        for key in (f"{item['split']}: {group}", f"{item['split']}: all", "all"):
            scores.setdefault(key, Score(f"recognition, {key}")).add(gold, found)
    return [scores[key] for key in sorted(scores, key=lambda k: (k == "all", k))]


def seed_text(name):
    """A seed as import keeps it (site chrome gone, captions kept): what recognition reads."""
    source = read_document(name, (SEEDS / name).read_bytes(), Limits())
    return "\n".join(block.text for block in clean(source.blocks).blocks)


def linking(path=FIXTURES / "official_spellings.json"):
    data = json.loads(path.read_text(encoding="utf-8"))
    spellings = {(entry[script], entry["person"]) for entry in data["people"] for script in ("vi", "en", "ru")}
    score = Score("cross-script linking (pairs)")
    pairs = [(a, b, pa == pb) for (a, pa), (b, pb) in itertools.combinations(sorted(spellings), 2) if a != b]
    pairs += [(a, b, False) for a, b in data["distinct"]]
    for a, b, same in pairs:
        score.add({1} if same else set(), {1} if same_name(a, b) else set())
    return score


def table():
    rows = [*recognition(), linking()]
    lines = ["| set | items | gold | found | correct | precision | recall |", "|---|---:|---:|---:|---:|---:|---:|"]
    for s in rows:
        lines.append(
            f"| {s.label} | {s.items} | {s.gold} | {s.found} | {s.correct} | {s.precision:.3f} | {s.recall:.3f} |"
        )
    return "\n".join(lines)
