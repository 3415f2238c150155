"""Which Omniglot alphabets are "hard" (S5.OMNI, App. C.4) and the four-way alphabet split.

The paper: "we ran MAML on tasks drawn from all 50 Omniglot alphabets, and took the 10
alphabets with the lowest accuracies. The train/test split for the other (easy)
alphabets was random." It prints neither list. ``maml-landscape deep select-hard``
runs that selection (:mod:`maml_landscape.deep.selection`); :data:`DEFAULT_HARD` is
the outcome shipped as the default, with its provenance in :data:`DEFAULT_HARD_SOURCE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Small r_H (Section 5): one hard training and one hard test alphabet.
SMALL_HARD_TRAIN = ("Sanskrit",)
SMALL_HARD_TEST = ("Bengali",)

#: Fractions of the paper's split: 25 easy-train / 15 easy-test of 40; 5 / 5 hard.
EASY_TRAIN_FRACTION = 25 / 40

#: Default (hardest first): the outcome of the paper-sized selection run,
#: ``maml-landscape deep select-hard --profile paper --tasks-per-alphabet 100 --workers 2
#: --threads 1`` (20,000 iterations, 8 tasks each, seed 0; 2 CPU cores, 108 min), stored as
#: ``reports/deep/hard-alphabets-paper.json``. Within-alphabet 5-way 1-shot accuracy
#: (standard error over 100 tasks .005-.010): Oriya .914, Braille .923,
#: Ojibwe_(Canadian_Aboriginal_Syllabics) .931, Balinese .932, Kannada .939, Armenian .939,
#: Malay_(Jawi_-_Arabic) .942, Malayalam .944, Gurmukhi .947, Ge_ez .950, then Grantha
#: .953, Japanese_(katakana) .954, Gujarati .955, Hebrew .956 (ranks 3-14 lie within
#: about 3 standard errors, so the list's tail is a draw among near-ties; Sanskrit ranked
#: 21st at .965, Bengali 24th at .969). The earlier reduced run (1,300 iterations on an
#: H100, ``reports/deep/hard-alphabets-h100-reduced.json``) shares 5 of the 10.
DEFAULT_HARD: tuple[str, ...] = (
    "Oriya",
    "Braille",
    "Ojibwe_(Canadian_Aboriginal_Syllabics)",
    "Balinese",
    "Kannada",
    "Armenian",
    "Malay_(Jawi_-_Arabic)",
    "Malayalam",
    "Gurmukhi",
    "Ge_ez",
)
DEFAULT_HARD_SOURCE = (
    "select-hard at the paper's size (20,000 iterations, seed 0, 100 tasks per alphabet), "
    "reports/deep/hard-alphabets-paper.json"
)


@dataclass(frozen=True)
class AlphabetSplit:
    """The four disjoint alphabet sets of S5.OMNI and the seed of the random easy split."""

    easy_train: tuple[str, ...]
    easy_test: tuple[str, ...]
    hard_train: tuple[str, ...]
    hard_test: tuple[str, ...]
    seed: int


def ranking(accuracy_by_alphabet: dict[str, float]) -> tuple[str, ...]:
    """Alphabets from the lowest accuracy to the highest (ties by name)."""
    ranked = sorted(accuracy_by_alphabet.items(), key=lambda item: (item[1], item[0]))
    return tuple(name for name, _ in ranked)


def hardest(accuracy_by_alphabet: dict[str, float], count: int = 10) -> tuple[str, ...]:
    """The ``count`` alphabets with the lowest accuracy, hardest first (ties by name)."""
    if count > len(accuracy_by_alphabet):
        raise ValueError(f"asked for {count} hard alphabets of {len(accuracy_by_alphabet)}")
    return ranking(accuracy_by_alphabet)[:count]


def split_alphabets(
    alphabets: tuple[str, ...], hard: tuple[str, ...], seed: int, small_r_h: bool
) -> AlphabetSplit:
    """S5.OMNI's split: hard alphabets halved into train/test, the rest split 25:15 at random.

    Sanskrit goes to hard-train and Bengali to hard-test when they are hard, so that
    the Small r_H setting (Sanskrit train, Bengali test) is a subset of the Large one.
    With ``small_r_h`` the hard sets are only Sanskrit and Bengali; the easy split is
    the same as for Large r_H. Sanskrit and Bengali are never easy.
    """
    missing = [a for a in (*hard, *SMALL_HARD_TRAIN, *SMALL_HARD_TEST) if a not in alphabets]
    if missing:
        raise ValueError(f"alphabets {missing} are not in the data; known: {', '.join(alphabets)}")
    rng = np.random.default_rng(seed)
    excluded = set(hard) | set(SMALL_HARD_TRAIN) | set(SMALL_HARD_TEST)
    easy = [a for a in alphabets if a not in excluded]
    easy = [easy[i] for i in rng.permutation(len(easy))]
    n_easy_train = round(EASY_TRAIN_FRACTION * len(easy))
    rest = [a for a in hard if a not in SMALL_HARD_TRAIN + SMALL_HARD_TEST]
    rest = [rest[i] for i in rng.permutation(len(rest))]
    half = len(hard) // 2
    train = [a for a in SMALL_HARD_TRAIN if a in hard]
    test = [a for a in SMALL_HARD_TEST if a in hard]
    while rest:
        (train if len(train) < half else test).append(rest.pop(0))
    if small_r_h:
        train, test = list(SMALL_HARD_TRAIN), list(SMALL_HARD_TEST)
    return AlphabetSplit(
        easy_train=tuple(sorted(easy[:n_easy_train])),
        easy_test=tuple(sorted(easy[n_easy_train:])),
        hard_train=tuple(sorted(train)),
        hard_test=tuple(sorted(test)),
        seed=seed,
    )


def parse_hard_alphabets(value: str) -> tuple[str, ...]:
    """A comma-separated list, or the JSON file written by ``deep select-hard``.

    A value that looks like a file (ends in ``.json`` or names a folder) must be one:
    a missing file is never read as an alphabet name.
    """
    path = Path(value)
    looks_like_file = value.endswith(".json") or "/" in value or "\\" in value
    if path.is_file():
        try:
            names = json.loads(path.read_text(encoding="utf-8"))["hard_alphabets"]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise ValueError(
                f"--hard-alphabets {value} is not a select-hard result ({type(error).__name__}: "
                f"{str(error)[:80]}); give the JSON written by 'deep select-hard' or A,B,..."
            ) from None
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValueError(
                f"--hard-alphabets {value}: 'hard_alphabets' must be a list of alphabet names, "
                f"got {json.dumps(names)[:80]}"
            )
        return _distinct(tuple(names), value)
    if looks_like_file:
        raise ValueError(f"--hard-alphabets {value}: no such file; give a select-hard JSON or A,B,...")
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise ValueError("give hard alphabets as 'A,B,...' or a select-hard JSON file")
    return _distinct(names, value)


def hard_source(hard: tuple[str, ...], folder: Path | None = None) -> str:
    """Where a hard-alphabet list comes from, for a table's header.

    The shipped default (:data:`DEFAULT_HARD`); else the ``deep select-hard`` outcome in
    ``folder`` that holds this list (``hard-alphabets-*.json``, named by file); else the
    user's own list.
    """
    if tuple(hard) == DEFAULT_HARD:
        return "shipped hard alphabets"
    found = folder is not None and folder.is_dir()
    for path in sorted(folder.glob("hard-alphabets-*.json")) if found else []:
        try:
            if parse_hard_alphabets(str(path)) == tuple(hard):
                return f"hard alphabets of {path.name}"
        except ValueError:  # not a select-hard outcome: not this list's source
            continue
    return f"user-supplied hard alphabets ({', '.join(hard[:3])}{', ...' if len(hard) > 3 else ''})"


def _distinct(names: tuple[str, ...], source: str) -> tuple[str, ...]:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"--hard-alphabets {source} repeats {', '.join(repeated)}")
    return names
