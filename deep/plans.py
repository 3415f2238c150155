"""Which training runs make up one experiment (Table 1, Table 2, or the Omniglot substitute)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from typing import Any

from maml_landscape.deep.config import (
    CIFAR_NK,
    P_HARD_VALUES,
    PAPER_INNER_LR,
    PAPER_MAML_LR,
    PAPER_NAL_LR,
    Profile,
    RunConfig,
)
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD, split_alphabets

SETTINGS = {
    "omniglot": ("large", "small"),
    "cifar": tuple(f"p={p}" for p in P_HARD_VALUES),
    "omniglot-p": tuple(f"p={p}" for p in P_HARD_VALUES),
}
ALGORITHMS = {
    "omniglot": ("maml", "nal-1", "nal-10"),
    "cifar": ("maml", "nal"),
    "omniglot-p": ("maml", "nal"),
}
QUERY = 10  # target images per class, App. C.4-C.5
OMNIGLOT_NK = (5, 1)
#: NAL's images per class per task on FS-CIFAR100 (App. C.5).
CIFAR_NAL_PER_CLASS = 15
#: NAL's adaptation steps at test: 1 on Omniglot (C.4), 5 on FS-CIFAR100 (C.5).
NAL_TEST_STEPS = {"omniglot": 1, "cifar": 5, "omniglot-p": 5}


@dataclass(frozen=True)
class PlanOptions:
    """Choices beyond the profile's sizes; the defaults are the paper's values.

    ``omniglot_p_nk``: the Omniglot substitute of Table 2 uses the main text's (N, K)
    because Omniglot has only 20 drawings per character (C.5's (2, 50) needs 60).
    """

    maml_lr: float = PAPER_MAML_LR
    nal_lr: float = PAPER_NAL_LR
    inner_lr: float = PAPER_INNER_LR
    first_order: bool = False
    cifar_nk: str = "c5"
    omniglot_p_nk: str = "main"
    query: int = QUERY
    hard_alphabets: tuple[str, ...] = DEFAULT_HARD
    split_seed: int = 0
    settings: tuple[str, ...] | None = None
    algorithms: tuple[str, ...] | None = None
    dtype: str = "float32"
    device: str = "cpu"
    workers: int = 1


def departures(options: PlanOptions) -> dict[str, str]:
    """The options that depart from the paper's settings, as ``name=value`` text by field name.

    Table names carry them (:func:`runner.table_tag`) and table headers name them
    (:func:`results.variant_label`).
    """
    parts = {}
    rates = (("maml_lr", PAPER_MAML_LR), ("nal_lr", PAPER_NAL_LR), ("inner_lr", PAPER_INNER_LR))
    for name, paper in rates:
        if getattr(options, name) != paper:
            parts[name] = f"{name}={getattr(options, name):g}"
    if options.first_order:
        parts["first_order"] = "first_order"
    if options.cifar_nk != "c5":
        parts["cifar_nk"] = f"nk={options.cifar_nk}"
    if options.hard_alphabets != DEFAULT_HARD:  # one name per list (its order feeds the split)
        digest = hashlib.sha256("\n".join(options.hard_alphabets).encode()).hexdigest()[:8]
        parts["hard_alphabets"] = f"hard={digest}"
    if options.split_seed != 0:
        parts["split_seed"] = f"split_seed={options.split_seed}"
    if options.device != "cpu":  # another device rounds differently: a trajectory of its own
        parts["device"] = f"device={options.device.replace(':', '')}"
    for name in ("settings", "algorithms"):
        chosen = getattr(options, name)
        if chosen is not None:
            parts[name] = f"{name}=" + "+".join(sorted(c.replace("=", "") for c in chosen))
    return parts


def stored_options(options: dict[str, Any]) -> PlanOptions:
    """The :class:`PlanOptions` a table recorded (``options``); missing fields keep their defaults."""
    known = {f.name for f in fields(PlanOptions)}
    return PlanOptions(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in options.items() if k in known}
    )


def task_split(options: dict[str, Any]) -> dict[str, Any]:
    """The stored options that fix Omniglot's tasks: the hard alphabets and the split seed.

    The list's order matters (it feeds the random split). Tables and tunings made with
    different ones describe different task environments and are never paired.
    """
    return {
        "hard_alphabets": list(options.get("hard_alphabets") or ()),
        "split_seed": options.get("split_seed"),
    }


def _pick(requested: tuple[str, ...] | None, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    if requested is None:
        return known
    unknown = [r for r in requested if r not in known]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; choose from {', '.join(known)}")
    return tuple(r for r in known if r in requested)


def plan_runs(
    experiment: str,
    profile: Profile,
    options: PlanOptions = PlanOptions(),
    alphabets: tuple[str, ...] = (),
) -> list[RunConfig]:
    """The runs of ``experiment`` (seed-major, so a partial run covers every cell early).

    ``alphabets``: every Omniglot alphabet in the data (needed for the omniglot split).
    """
    if experiment not in SETTINGS:
        raise ValueError(f"experiment must be one of {tuple(SETTINGS)}, got {experiment!r}")
    if options.cifar_nk not in CIFAR_NK or options.omniglot_p_nk not in CIFAR_NK:
        raise ValueError(f"(N, K) choice must be one of {tuple(CIFAR_NK)}")
    settings = _pick(options.settings, SETTINGS[experiment], "settings")
    algorithms = _pick(options.algorithms, ALGORITHMS[experiment], "algorithms")
    runs = []
    for seed in profile.seeds:
        for setting in settings:
            for algorithm in algorithms:
                fields = _task_fields(experiment, setting, algorithm, options, alphabets)
                runs.append(run_config(experiment, setting, algorithm, seed, profile, options, **fields))
    return runs


def _task_fields(
    experiment: str, setting: str, algorithm: str, options: PlanOptions, alphabets: tuple[str, ...]
) -> dict[str, object]:
    """The experiment's own fields of one run (:func:`run_config`'s ``task_fields``)."""
    nal = algorithm.startswith("nal")
    if experiment == "omniglot":
        if not alphabets:
            raise ValueError("the omniglot plan needs the data's alphabet names")
        split = split_alphabets(
            alphabets, options.hard_alphabets, options.split_seed, setting == "small"
        )
        groups = (split.easy_train, split.easy_test, split.hard_train, split.hard_test)
        easy_nk = hard_nk = OMNIGLOT_NK
        p_hard = 0.5
        nal_per_class = options.query + int(algorithm.split("-")[1]) if nal else 0
    else:
        groups = ()
        easy_nk, hard_nk = CIFAR_NK[
            options.cifar_nk if experiment == "cifar" else options.omniglot_p_nk
        ]
        p_hard = float(setting.removeprefix("p="))
        nal_per_class = CIFAR_NAL_PER_CLASS if nal else 0
    return dict(
        alphabets=groups,
        easy_nk=easy_nk,
        hard_nk=hard_nk,
        p_hard=p_hard,
        nal_per_class=nal_per_class,
        test_inner_steps=NAL_TEST_STEPS[experiment] if nal else 1,
    )


def run_config(
    experiment: str,
    setting: str,
    algorithm: str,
    seed: int,
    profile: Profile,
    options: PlanOptions,
    **task_fields: object,
) -> RunConfig:
    """A RunConfig with the profile's sizes and schedules and the options' choices.

    ``task_fields`` are the experiment's own fields (alphabets, (N, K), p_hard,
    nal_per_class, test_inner_steps) and any schedule to replace (e.g. ``curve_every=0``).
    """
    nal = algorithm.startswith("nal")
    shared = dict(
        experiment=experiment,
        setting=setting,
        algorithm=algorithm,
        seed=seed,
        iterations=profile.iterations,
        meta_batch=profile.meta_batch,
        outer_lr=options.nal_lr if nal else options.maml_lr,
        inner_lr=options.inner_lr,
        train_inner_steps=0 if nal else 1,
        first_order=options.first_order,
        query=options.query,
        split_seed=options.split_seed,
        eval_tasks=profile.eval_tasks,
        dtype=options.dtype,
        device=options.device,
        checkpoint_every=profile.checkpoint_every,
        workers=options.workers,
        curve_every=profile.curve_every,
        milestones=profile.budgets[:-1],
        curve_tasks=profile.curve_tasks,
    )
    return RunConfig(**{**shared, **task_fields})
