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

#: PROVISIONAL default (hardest first): the outcome of a *reduced* selection run,
#: ``maml-landscape deep select-hard --profile cpu --iterations 1300 --seeds 0
#: --tasks-per-alphabet 100 --device cuda`` on an NVIDIA H100 (1,300 instead of 20,000
#: iterations; the 2-core CPU of this session could not afford more). Within-alphabet
#: 5-way 1-shot accuracy: Braille .478, Balinese .692, Oriya .706, Kannada .724,
#: Sylheti .746, Ge_ez .794, Sanskrit .798, Gujarati .802, Syriac_(Serto) .805,
#: Grantha .807, then Hebrew .809, Atemayar_Qelisayer .809, Malay_(Jawi_-_Arabic) .811,
#: Tengwar .811 (standard error about .015 each, so ranks 6-14 are not resolved;
#: Bengali ranked 20th at .848). Replace it with the full run's outcome:
#: ``maml-landscape deep select-hard --profile paper --device cuda --data-dir DIR``
#: then ``deep run omniglot --hard-alphabets OUT/deep/hard-alphabets-paper.json``.
DEFAULT_HARD: tuple[str, ...] = (
    "Braille",
    "Balinese",
    "Oriya",
    "Kannada",
    "Sylheti",
    "Ge_ez",
    "Sanskrit",
    "Gujarati",
    "Syriac_(Serto)",
    "Grantha",
)
DEFAULT_HARD_SOURCE = (
    "PROVISIONAL: reduced select-hard run (1,300 iterations, seed 0, 100 tasks per alphabet, "
    "H100); the paper-sized run is 'maml-landscape deep select-hard --profile paper'"
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
    """A comma-separated list, or the JSON file written by ``deep select-hard``."""
    path = Path(value)
    if path.is_file():
        try:
            names = json.loads(path.read_text())["hard_alphabets"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not a select-hard result ({error})") from error
        return tuple(names)
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise ValueError("give hard alphabets as 'A,B,...' or a select-hard JSON file")
    return names
