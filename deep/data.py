"""From a run configuration and a data directory to the task samplers of training and evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maml_landscape.deep.cifar import fs_cifar100_split, load_cifar100
from maml_landscape.deep.config import RunConfig
from maml_landscape.deep.omniglot import load_omniglot
from maml_landscape.deep.pools import ClassPool
from maml_landscape.deep.tasks import TaskSampler, nk_sampler, omniglot_sampler

#: Evaluation draws easy and hard tasks with equal probability (App. C.4-C.5).
EVAL_P_HARD = 0.5


@dataclass(frozen=True, eq=False)
class Pools:
    """Training classes, the images that evaluate on training classes, and test classes.

    Omniglot (Table 1) keeps one pool of all characters: the alphabet split lives in the
    run's configuration, and training-class evaluation reuses the training drawings (the
    paper holds none out). FS-CIFAR100 evaluates training classes on their 150 held-out
    images. The Omniglot substitute of Table 2 trains on the images_background characters
    and tests on the images_evaluation characters (Lake et al.'s split).
    """

    train: ClassPool
    eval_train: ClassPool
    eval_test: ClassPool
    description: str


def load_pools(
    experiment: str,
    data_dir: Path | str,
    cache_dir: Path | str | None = None,
    split_seed: int = 0,
    verify_checksum: bool = True,
) -> Pools:
    """Load (and cache) the dataset of ``experiment`` and cut its class pools."""
    if experiment == "cifar":
        split = fs_cifar100_split(
            load_cifar100(data_dir, cache_dir, verify_checksum=verify_checksum), split_seed
        )
        return Pools(
            split.train,
            split.train_heldout,
            split.test,
            f"FS-CIFAR100: random 80/20 class split and 450/150 image split, seed {split_seed}",
        )
    omniglot = load_omniglot(data_dir, cache_dir)
    if experiment == "omniglot":
        pool = omniglot.pool
        return Pools(
            pool,
            pool,
            pool,
            f"Omniglot, all {pool.n_classes} characters of {len(pool.group_names)} alphabets; "
            "alphabet split in the config",
        )
    background = omniglot.pool.classes_in_groups(omniglot.background_alphabets)
    evaluation = np.setdiff1d(np.arange(omniglot.pool.n_classes), background)
    train, test = omniglot.pool.subset(background), omniglot.pool.subset(evaluation)
    return Pools(
        train,
        train,
        test,
        "SUBSTITUTE for FS-CIFAR100: Omniglot images_background characters for training "
        "(and training-class evaluation), images_evaluation characters for test",
    )


@dataclass(frozen=True, eq=False)
class Samplers:
    """The training sampler and the two evaluation samplers (training and test classes)."""

    train: TaskSampler
    eval_train: TaskSampler
    eval_test: TaskSampler


def _sampler(
    config: RunConfig,
    pool: ClassPool,
    alphabets: tuple[tuple[str, ...], ...],
    p_hard: float,
    shots: tuple[int, int] | None = None,
    query: int | None = None,
) -> TaskSampler:
    query = config.query if query is None else query
    if config.experiment == "omniglot":
        easy, hard = alphabets
        k_shot = config.easy_nk[1] if shots is None else shots[0]
        return omniglot_sampler(pool, easy, hard, k_shot, query, config.easy_nk[0], p_hard)
    easy_nk, hard_nk = config.easy_nk, config.hard_nk
    if shots is not None:
        easy_nk, hard_nk = (easy_nk[0], shots[0]), (hard_nk[0], shots[1])
    return nk_sampler(pool, easy_nk, hard_nk, query, p_hard)


def samplers(config: RunConfig, pools: Pools) -> Samplers:
    """Samplers of one run. NAL trains on ``nal_per_class`` images per class, all in one set."""
    easy_train, easy_test, hard_train, hard_test = config.alphabets or ((), (), (), ())
    train_groups, test_groups = (easy_train, hard_train), (easy_test, hard_test)
    if config.is_nal:
        n = config.nal_per_class
        train = _sampler(config, pools.train, train_groups, config.p_hard, shots=(n, n), query=0)
    else:
        train = _sampler(config, pools.train, train_groups, config.p_hard)
    return Samplers(
        train=train,
        eval_train=_sampler(config, pools.eval_train, train_groups, EVAL_P_HARD),
        eval_test=_sampler(config, pools.eval_test, test_groups, EVAL_P_HARD),
    )
