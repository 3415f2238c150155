"""Task samplers (S5.OMNI, S5.CIFAR) and the alphabet split, on synthetic pools."""

from __future__ import annotations

import numpy as np
import pytest

from maml_landscape.deep.hard_alphabets import hardest, split_alphabets
from maml_landscape.deep.pools import ClassPool
from maml_landscape.deep.tasks import nk_sampler, omniglot_sampler
from maml_landscape.stats import z_threshold

pytestmark = pytest.mark.deep

ALPHABETS = tuple(f"A{i:02d}" for i in range(46)) + ("Sanskrit", "Bengali", "H1", "H2")
HARD = ("Sanskrit", "Bengali", "H1", "H2", "A00", "A01", "A02", "A03", "A04", "A05")


def pool(groups: int = 12, per_group: int = 6, per_class: int = 20) -> ClassPool:
    classes = groups * per_group
    return ClassPool(
        images=np.zeros((classes, per_class, 1, 4, 4), dtype=np.uint8),
        groups=np.repeat(np.arange(groups), per_group),
        class_names=tuple(f"g{c // per_group}/c{c}" for c in range(classes)),
        group_names=tuple(f"g{g}" for g in range(groups)),
    )


def test_easy_and_hard_omniglot_tasks_follow_the_definition():
    p = pool()
    easy, hard = tuple(f"g{g}" for g in range(8)), ("g8", "g9")
    sampler = omniglot_sampler(p, easy, hard, k_shot=1, query=10)
    rng = np.random.default_rng(0)
    for _ in range(200):
        task = sampler.sample(rng)
        groups = p.groups[task.classes]
        if task.kind == "easy":
            assert len(set(groups)) == 5 and set(groups) <= set(range(8))
        else:
            assert len(set(groups)) == 1 and groups[0] in (8, 9)
        assert len(set(task.classes)) == 5
        images = np.concatenate([task.support, task.query], axis=1)
        assert images.shape == (5, 11)
        assert all(len(set(row)) == 11 for row in images)  # support and query disjoint


@pytest.mark.parametrize("p_hard", [0.5, 0.99, 0.01])
def test_hard_tasks_are_drawn_with_probability_p(p_hard):
    sampler = nk_sampler(pool(), easy=(2, 10), hard=(20, 1), query=5, p_hard=p_hard)
    rng = np.random.default_rng(1)
    draws = 4000
    kinds = [sampler.sample(rng) for _ in range(draws)]
    hard = np.array([t.kind == "hard" for t in kinds])
    assert all(len(t.classes) == (20 if t.kind == "hard" else 2) for t in kinds)
    assert all(t.support.shape[1] == (1 if t.kind == "hard" else 10) for t in kinds)
    z = (hard.mean() - p_hard) / np.sqrt(p_hard * (1 - p_hard) / draws)
    assert abs(z) < z_threshold(3)


def test_samplers_reject_impossible_tasks():
    with pytest.raises(ValueError, match="images per class"):
        nk_sampler(pool(per_class=20), easy=(2, 50), hard=(20, 5), query=10, p_hard=0.5)
    with pytest.raises(ValueError, match="distinct groups"):
        omniglot_sampler(pool(), ("g0", "g1"), ("g8",))
    with pytest.raises(ValueError, match="unknown group"):
        omniglot_sampler(pool(), ("nope",), ("g8",))


def test_alphabet_split_has_the_papers_sizes_and_is_disjoint():
    large = split_alphabets(ALPHABETS, HARD, seed=0, small_r_h=False)
    sizes = tuple(
        len(s) for s in (large.easy_train, large.easy_test, large.hard_train, large.hard_test)
    )
    assert sizes == (25, 15, 5, 5)
    everything = large.easy_train + large.easy_test + large.hard_train + large.hard_test
    assert sorted(everything) == sorted(ALPHABETS)
    assert "Sanskrit" in large.hard_train and "Bengali" in large.hard_test
    small = split_alphabets(ALPHABETS, HARD, seed=0, small_r_h=True)
    assert (small.hard_train, small.hard_test) == (("Sanskrit",), ("Bengali",))
    assert (small.easy_train, small.easy_test) == (large.easy_train, large.easy_test)
    assert split_alphabets(ALPHABETS, HARD, 1, False).easy_train != large.easy_train


def test_hardest_picks_lowest_accuracies():
    assert hardest({"a": 0.9, "b": 0.5, "c": 0.7, "d": 0.5}, 2) == ("b", "d")
