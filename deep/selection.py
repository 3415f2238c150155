"""The hard-alphabet selection run of App. C.4: MAML on tasks from all 50 alphabets, rank alphabets.

Training tasks: easy or hard with probability ½ as in S5.OMNI but over all 50 alphabets
(easy: 5 characters from 5 distinct alphabets; hard: 5 characters of one alphabet).
The paper says only "tasks drawn from all 50 Omniglot alphabets"; the mixture is our
choice. Each alphabet's accuracy is then the mean over ``tasks_per_alphabet`` 5-way
1-shot tasks of its own characters (10 query images per class), with its standard error
over those tasks, and the 10 lowest are hard (:func:`hard_alphabets.hardest`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from maml_landscape.deep.config import Profile, RunConfig, config_hash
from maml_landscape.deep.data import Pools, Samplers, load_pools
from maml_landscape.deep.hard_alphabets import hardest, ranking
from maml_landscape.deep.plans import OMNIGLOT_NK, QUERY, PlanOptions, run_config
from maml_landscape.deep.runner import Paths
from maml_landscape.deep.tasks import omniglot_sampler
from maml_landscape.progress import Progress
from maml_landscape.provenance import provenance

HARD_COUNT = 10


def selection_config(
    profile: Profile, options: PlanOptions, alphabets: tuple[str, ...], seed: int
) -> RunConfig:
    """MAML with the paper's settings, every alphabet both easy and hard, in training."""
    return run_config(
        "omniglot",
        "select-hard",
        "maml",
        seed,
        profile,
        options,
        alphabets=(alphabets, alphabets, alphabets, alphabets),
        easy_nk=OMNIGLOT_NK,
        hard_nk=OMNIGLOT_NK,
        p_hard=0.5,
        nal_per_class=0,
        test_inner_steps=1,
        query=QUERY,
        curve_every=0,  # the selection ranks after training; no learning curve, no milestones
        milestones=(),
    )


def select_hard(
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    tasks_per_alphabet: int,
    seed: int = 0,
    show_progress: bool = True,
    allow_code_change: bool = False,
) -> dict[str, Any]:
    """Train, rank all alphabets by within-alphabet accuracy, return the outcome (JSON-ready)."""
    if tasks_per_alphabet < 2:
        raise ValueError(
            f"--tasks-per-alphabet must be at least 2 (each accuracy gets a standard error), "
            f"got {tasks_per_alphabet}"
        )
    from maml_landscape.deep.train import score_tasks, task_tensors, train

    pools: Pools = load_pools("omniglot", paths.data_dir, paths.cache_dir)
    pool = pools.train
    alphabets = pool.group_names
    config = selection_config(profile, options, alphabets, seed)
    sampler = omniglot_sampler(pool, alphabets, alphabets, OMNIGLOT_NK[1], QUERY, OMNIGLOT_NK[0])
    run_samplers = Samplers(sampler, sampler, sampler)
    progress = Progress(f"select-hard seed{seed}", config.iterations, enabled=show_progress)
    trained = train(
        config, run_samplers, paths.checkpoint_dir, progress, None, allow_code_change
    )
    import torch

    dtype = getattr(torch, config.dtype)
    rng = np.random.default_rng([seed, 3])
    accuracy, standard_error = {}, {}
    for alphabet in alphabets:
        one = omniglot_sampler(pool, alphabets, (alphabet,), OMNIGLOT_NK[1], QUERY, OMNIGLOT_NK[0])
        batches = [
            task_tensors(pool, one.sample_kind(one.hard, rng), dtype, config.device)
            for _ in range(tasks_per_alphabet)
        ]
        scores = score_tasks(config, trained.model, trained.params, batches)
        accuracy[alphabet] = float(np.mean(scores))
        standard_error[alphabet] = float(np.std(scores, ddof=1) / np.sqrt(len(scores)))
    return {
        "kind": "maml-landscape hard-alphabet selection",
        "hard_alphabets": list(hardest(accuracy, HARD_COUNT)),
        "accuracy_by_alphabet": {name: accuracy[name] for name in ranking(accuracy)},
        "standard_error_by_alphabet": {name: standard_error[name] for name in ranking(accuracy)},
        "tasks_per_alphabet": tasks_per_alphabet,
        "config": asdict(config),
        "config_hash": config_hash(config),
        "training_seconds": round(trained.seconds, 1),
        "final_loss": trained.losses[-1],
        "profile": profile.name,
        "provenance": provenance(),
    }
