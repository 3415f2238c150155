"""``maml-landscape deep ...``: run Table 1 / Table 2, select hard alphabets, show status and tables.

Wired into the main CLI through :func:`add_subcommands`; every handler returns an exit
code (0 ok, 2 bad input or missing data, with one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from maml_landscape import validate
from maml_landscape.deep.config import (
    EXPERIMENTS,
    MAX_META_BATCH,
    META_BATCH_WHY,
    PROFILES,
    with_overrides,
)
from maml_landscape.deep.errors import DatasetError
from maml_landscape.deep.executors import EXECUTORS, ExecutorError
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD_SOURCE, parse_hard_alphabets
from maml_landscape.deep.plans import ALGORITHMS, PlanOptions
from maml_landscape.deep.results import (
    load_tables,
    profile_label,
    render,
    variant_label,
    write_json,
)
from maml_landscape.deep.tuning import PAPER_GRID
from maml_landscape.errors import InputError, UsageError

DEFAULT_OUT = Path("reports")

EPILOG = """\
experiments:
  omniglot    Table 1: MAML, NAL-1, NAL-10 in the Large and Small r_H settings (S5.OMNI)
  cifar       Table 2: MAML and NAL on FS-CIFAR100 with p in {0.99, 0.5, 0.01} (S5.CIFAR)
  omniglot-p  Table 2's protocol on Omniglot: a labelled SUBSTITUTE while CIFAR-100 is absent
profiles:
""" + "\n".join(f"  {p.name:<8} {p.description}" for p in PROFILES.values())


def _checked(check, name: str, **options):
    """A validate.* checker as an argparse type (one line on bad input)."""
    return validate.argparse_type(check, name, **options)


def _seeds(text: str) -> tuple[int, ...]:
    try:
        return validate.distinct_seeds("--seeds", text.split(","), text=True)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(text: str) -> float:
    return _checked(validate.positive_finite, "a learning rate", text=True)(text)


def _rate(text: str) -> float | str:
    return text if text == "tuned" else _positive(text)


def _rates(text: str) -> tuple[float, ...]:
    rates = tuple(_positive(t) for t in _split(text))
    if not rates:
        raise argparse.ArgumentTypeError(f"give learning rates like 1e-2,1e-3, got {text!r}")
    return rates


def _split(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _names(text: str) -> tuple[str, ...]:
    names = _split(text)
    if not names:
        raise argparse.ArgumentTypeError(f"give names separated by commas, e.g. large,small; got {text!r}")
    return names


def _count(name: str):
    return _checked(validate.positive_int, name, text=True)


def _threads(text: str) -> int:
    threads = _count("--threads")(text)
    cores = validate.usable_cores()
    if threads > cores:
        raise argparse.ArgumentTypeError(
            f"--threads {threads} exceeds the {cores} CPU cores this process may use; more threads "
            "than cores only slows training"
        )
    return threads


def _meta_batch(text: str) -> int:
    try:
        return validate.at_most("--meta-batch", _count("--meta-batch")(text), MAX_META_BATCH, META_BATCH_WHY)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _path(name: str):
    return _checked(validate.given_path, name)


def _common(
    parser: argparse.ArgumentParser,
    experiment: bool = True,
    optional: bool = False,
    stored: bool = False,
) -> None:
    """The options every experiment command shares; ``optional``: EXPERIMENT may be left out;
    ``stored``: the command reads stored results, so --data-dir may be left out too."""
    if experiment:
        parser.add_argument(
            "experiment",
            choices=EXPERIMENTS,
            nargs="?" if optional else None,
            help="which table" + (" (leave out to print every stored table)" if optional else ""),
        )
    parser.add_argument(
        "--profile", choices=tuple(PROFILES), default="cpu", help="run sizes (default: cpu)"
    )
    parser.add_argument(
        "--data-dir",
        type=_path("--data-dir"),
        required=not (optional or stored),
        help="folder with Omniglot's images_background.zip/images_evaluation.zip "
        "or cifar-100-python.tar.gz (or their extracted folders)"
        + ("; without it, only the stored results in OUT/deep are read" if optional or stored else ""),
    )
    parser.add_argument(
        "--cache-dir",
        type=_path("--cache-dir"),
        default=None,
        help="where preprocessed .npy arrays go (default $MAML_LANDSCAPE_CACHE "
        "or ~/.cache/maml_landscape)",
    )
    parser.add_argument(
        "--out-dir",
        type=_path("--out-dir"),
        default=DEFAULT_OUT,
        help="report folder; results go to OUT/deep (default: reports)",
    )
    parser.add_argument(
        "--checkpoint-dir",
        type=_path("--checkpoint-dir"),
        default=None,
        help="checkpoints (default: OUT/deep/checkpoints)",
    )
    parser.add_argument(
        "--iterations", type=_count("--iterations"), help="override the profile's iterations"
    )
    parser.add_argument("--seeds", type=_seeds, help="override the profile's seeds, e.g. 0,1,2")
    parser.add_argument(
        "--eval-tasks",
        type=_count("--eval-tasks"),
        help="override the evaluation tasks per class set",
    )
    parser.add_argument(
        "--meta-batch", type=_meta_batch, help="override the tasks per iteration (at most 1024)"
    )
    parser.add_argument(
        "--checkpoint-every",
        type=_count("--checkpoint-every"),
        help="iterations between checkpoints",
    )
    parser.add_argument(
        "--allow-code-change",
        action="store_true",
        help="resume checkpoints written by other training code (refused by default; the run's "
        "JSON then records both code versions)",
    )
    parser.add_argument(
        "--nal-lr",
        type=_rate,
        default=1e-6,
        help="NAL's outer learning rate: the paper's 1e-6 (default), a number, or 'tuned' "
        "(the rate 'deep tune-nal' selected, read from OUT/deep)",
    )
    parser.add_argument(
        "--maml-lr", type=_positive, default=1e-3, help="MAML's outer learning rate"
    )
    parser.add_argument(
        "--inner-lr", type=_positive, default=0.1, help="adaptation learning rate"
    )
    parser.add_argument("--first-order", action="store_true", help="first-order MAML")
    parser.add_argument(
        "--cifar-nk",
        choices=("c5", "main"),
        default=None,
        help="FS-CIFAR100 (N,K): App. C.5's (2,50)/(20,5) (default) or main text's (2,10)/(20,1); "
        "cifar only",
    )
    parser.add_argument(
        "--hard-alphabets",
        type=str,
        default=None,
        help=f"'A,B,...' or a select-hard JSON (default: {DEFAULT_HARD_SOURCE[:60]}...)",
    )
    parser.add_argument(
        "--split-seed",
        type=_checked(validate.seed, "--split-seed", text=True),
        default=0,
        help="seed of the easy/class split",
    )
    parser.add_argument("--settings", type=_names, help="subset, e.g. large or p=0.99,p=0.01")
    parser.add_argument("--algorithms", type=_names, help="subset, e.g. maml,nal-1")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument(
        "--threads", type=_threads, help="torch CPU threads, at most the usable cores (default: torch's)"
    )
    parser.add_argument(
        "--workers",
        type=_count("--workers"),
        default=1,
        help="threads that process an iteration's tasks in parallel (CPU; "
        "training and evaluation; try --workers 2 --threads 1 on 2 cores, the fastest "
        "setting in benchmarks/bench_deep_maml.py); "
        "the result equals "
        "--workers 1 --threads 1 bit for bit (other --threads change float rounding only)",
    )
    parser.add_argument(
        "--no-verify-checksum",
        action="store_true",
        help="skip the CIFAR-100 archive's size/MD5 check (test archives only)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _nal_rate(args: argparse.Namespace) -> float:
    if args.nal_lr != "tuned":
        return args.nal_lr
    from maml_landscape.deep.tuning import tuned_rate

    return tuned_rate(_paths(args).results_dir, args.experiment, args.profile)


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """Options that the chosen experiment or algorithms would silently ignore are errors."""
    experiment = getattr(args, "experiment", "omniglot")
    command = args.deep_command
    if args.cifar_nk is not None and experiment != "cifar":
        raise UsageError(f"--cifar-nk applies to the cifar experiment only, not {experiment}")
    if args.hard_alphabets and (experiment != "omniglot" or command == "select-hard"):
        where = "select-hard (it ranks every alphabet)" if command == "select-hard" else experiment
        raise UsageError(f"--hard-alphabets applies to 'deep run omniglot' only, not {where}")
    if args.first_order:
        algorithms = args.algorithms or ALGORITHMS.get(experiment, ("maml",))
        if command == "tune-nal" or not any(a == "maml" for a in algorithms):
            raise UsageError(
                "--first-order changes MAML only, and no MAML run is chosen; drop it or add maml "
                "to --algorithms"
            )


def _options(args: argparse.Namespace) -> PlanOptions:
    _refuse_conflicts(args)
    kwargs = {}
    if args.hard_alphabets:
        kwargs["hard_alphabets"] = parse_hard_alphabets(args.hard_alphabets)
    return PlanOptions(
        maml_lr=args.maml_lr,
        nal_lr=_nal_rate(args),
        inner_lr=args.inner_lr,
        first_order=args.first_order,
        cifar_nk=args.cifar_nk or "c5",
        split_seed=args.split_seed,
        settings=args.settings,
        algorithms=args.algorithms,
        device=args.device,
        workers=args.workers,
        **kwargs,
    )


def _profile(args: argparse.Namespace):
    return with_overrides(
        PROFILES[args.profile],
        iterations=args.iterations,
        seeds=args.seeds,
        eval_tasks=args.eval_tasks,
        meta_batch=args.meta_batch,
        checkpoint_every=args.checkpoint_every,
    )


def _paths(args: argparse.Namespace):
    from maml_landscape.deep.runner import Paths

    results = args.out_dir / "deep"
    return Paths(
        args.data_dir, results, args.checkpoint_dir or results / "checkpoints", args.cache_dir
    )


def _prepare_torch(args: argparse.Namespace) -> None:
    import torch

    from maml_landscape.deep.runtime import keep_freed_memory

    keep_freed_memory()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device != "cpu" and not _device_ok(torch, args.device):
        raise ValueError(f"torch device {args.device!r} is not available here; use --device cpu")


def _torch_job(args: argparse.Namespace):
    """Set torch up for a training command; its profile and paths, proved writable first.

    Every folder a training command writes is checked before any work starts, so a
    read-only folder never costs a finished run.
    """
    from maml_landscape.deep.cache import default_cache_dir

    profile, paths = _profile(args), _paths(args)
    validate.writable_dir("--out-dir", paths.results_dir)
    validate.writable_dir("--checkpoint-dir", paths.checkpoint_dir)
    validate.writable_dir("--cache-dir", paths.cache_dir or default_cache_dir())
    _prepare_torch(args)
    return profile, paths


def _device_ok(torch, device: str) -> bool:
    try:
        torch.zeros(1, device=device)
    except (RuntimeError, AssertionError):
        return False
    return True


def _guarded(handler):
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (InputError, ValueError, argparse.ArgumentTypeError) as error:
            print(f"maml-landscape deep: error: {_one_line(error)}", file=sys.stderr)
            return 2
        except OSError as error:
            where = validate.printable(error.filename) if error.filename else "a file"
            print(
                f"maml-landscape deep: error: cannot use {where}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 2
        except ImportError as error:
            print(
                f"maml-landscape deep: error: {error}; install the [deep] extra (torch)",
                file=sys.stderr,
            )
            return 2

    run.__doc__ = handler.__doc__
    return run


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


@_guarded
def run_command(args: argparse.Namespace) -> int:
    """Train and evaluate every run of the experiment (resuming), then print the table."""
    options = _options(args)
    cluster = _cluster(args)
    profile, paths = _torch_job(args)
    if cluster.executor != "inline":
        from maml_landscape.deep.executors import failed_jobs, submit_experiment

        table = submit_experiment(
            args.experiment, profile, options, paths, cluster,
            verify_checksum=not args.no_verify_checksum, allow_code_change=args.allow_code_change,
            say=lambda line: print(line, file=sys.stderr) if not args.quiet else None,
        )
        if table is None:
            return 0
        print(render(table))
        from maml_landscape.deep.runner import load_plan

        _, plan = load_plan(args.experiment, profile, options, paths)
        failed = failed_jobs(plan, paths, profile.name)
        if failed:
            more = f" (and {len(failed) - 1} more; 'deep status' lists them)" if len(failed) > 1 else ""
            raise ExecutorError(f"job failed: {failed[0]}{more}")
        return 0
    from maml_landscape.deep.runner import run_experiment

    table = run_experiment(
        args.experiment,
        profile,
        options,
        paths,
        verify_checksum=not args.no_verify_checksum,
        show_progress=not args.quiet,
        allow_code_change=args.allow_code_change,
    )
    print(render(table))
    return 0


@_guarded
def status_command(args: argparse.Namespace) -> int:
    """List every planned run as done, checkpointed or to do. Without --data-dir, read the
    stored results only: run JSONs and the tables in OUT/deep (a checkout ships the tables)."""
    from maml_landscape.deep.status import is_done, status

    profile, options, paths = _profile(args), _options(args), _paths(args)
    states = status(args.experiment, profile, options, paths)
    label = _plan_label(args.experiment, profile, options, paths.results_dir)
    print(f"{args.experiment} ({label}) in {validate.printable(paths.results_dir)}")
    for name, state in states:
        print(f"{name:<48} {state}")
    done = sum(is_done(state) for _, state in states)
    print(f"{done}/{len(states)} runs done")
    return 0


def _plan_label(experiment: str, profile, options: PlanOptions, results_dir: Path) -> str:
    """The variant a command plans, named as a table of it is headed (:func:`results.render`)."""
    sizes = {"profile": profile.name, "budget": profile.iterations, "overrides": profile.overrides}
    return f"{profile_label(sizes)}; {variant_label(experiment, options, results_dir)}"


def _cluster_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "executors", "where the runs execute: one job per (setting, algorithm, seed) run, via submitit"
    )
    group.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="inline",
        help="inline: one after another in this process (default); local: subprocesses, --jobs at "
        "once (waits for them); slurm: one SLURM job per run, as a job array (returns once "
        "submitted unless --wait)",
    )
    group.add_argument("--jobs", type=_count("--jobs"), default=1, help="local: runs at once (default 1)")
    group.add_argument("--wait", action="store_true", help="slurm: wait for the jobs, then write the tables")
    group.add_argument("--partition", help="slurm: partition")
    group.add_argument(
        "--time", type=_count("--time"), default=24 * 60, metavar="MINUTES",
        help="slurm/local: time limit per job in minutes (default 1440); a job near its limit "
        "checkpoints and requeues itself",
    )
    group.add_argument("--cpus-per-task", type=_count("--cpus-per-task"), default=1,
                       help="slurm: CPUs per job (torch uses them as threads unless --threads)")
    group.add_argument("--gpus-per-task", type=_checked(validate.non_negative_int, "--gpus-per-task", text=True),
                       default=0, help="slurm: GPUs per job (use with --device cuda)")
    group.add_argument("--mem-gb", type=_positive_size, help="slurm: memory per job in GB")
    group.add_argument("--account", help="slurm: account to charge")
    group.add_argument(
        "--slurm-extra", type=_key_value, action="append", default=[], metavar="KEY=VALUE",
        help="slurm: any other sbatch option, e.g. qos=high or constraint=a100 (repeatable)",
    )


def _positive_size(text: str) -> float:
    return _checked(validate.positive_finite, "--mem-gb", text=True)(text)


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"--slurm-extra takes KEY=VALUE, e.g. qos=high; got {text!r}")
    return key.strip().replace("-", "_"), value.strip()


def _cluster(args: argparse.Namespace):
    from maml_landscape.deep.executors import Cluster

    if args.executor != "slurm":
        given = [flag for flag, value in (("--partition", args.partition), ("--account", args.account),
                                          ("--mem-gb", args.mem_gb), ("--slurm-extra", args.slurm_extra),
                                          ("--gpus-per-task", args.gpus_per_task), ("--wait", args.wait))
                 if value]
        if given:
            raise UsageError(f"{', '.join(given)} apply to --executor slurm only, not {args.executor}")
    if args.executor != "local" and args.jobs != 1:
        raise UsageError(f"--jobs applies to --executor local only, not {args.executor}")
    return Cluster(
        executor=args.executor, jobs=args.jobs, partition=args.partition, time_min=args.time,
        cpus_per_task=args.cpus_per_task, gpus_per_task=args.gpus_per_task, mem_gb=args.mem_gb,
        account=args.account, extra=tuple(args.slurm_extra), wait=args.wait, threads=args.threads,
    )


@_guarded
def table_command(args: argparse.Namespace) -> int:
    """Print every stored table under OUT/deep beside the paper's values; with EXPERIMENT, the
    stored tables of its plan (the profile and options given), and with --data-dir as well,
    first aggregate whatever runs of the plan are finished (the rest listed as missing)."""
    if args.experiment and args.data_dir is not None:
        from maml_landscape.deep.runner import tabulate

        print(render(tabulate(args.experiment, _profile(args), _options(args), _paths(args))))
        return 0
    problems: list[str] = []
    tables = load_tables(args.out_dir / "deep", problems)
    if args.experiment:
        tables = _tables_of_plan(args, tables)
    for table in tables:
        print(render(table), end="\n\n")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DatasetError(problems[0] + more)
    if not tables:
        planned = ""
        if args.experiment:
            label = _plan_label(args.experiment, _profile(args), _options(args), args.out_dir / "deep")
            planned = f" of {args.experiment} ({label})"
        print(f"no tables{planned} in {args.out_dir / 'deep'}; run 'maml-landscape deep run ...' first")
    return 0


def _tables_of_plan(args: argparse.Namespace, tables: list[dict]) -> list[dict]:
    """The stored tables (every budget) whose runs all belong to the plan ``args`` describe."""
    from maml_landscape.deep.records import recorded_runs

    recorded = recorded_runs(args.experiment, _profile(args), _options(args), args.out_dir / "deep")
    digests = {record.digest for record in recorded.values()}
    return [
        t for t in tables
        if t["experiment"] == args.experiment and set(t["config_hashes"] or [None]) <= digests
    ]


@_guarded
def curves_command(args: argparse.Namespace) -> int:
    """Plot the learning curves of stored tables (PNG and PDF beside them in OUT/deep)."""
    from maml_landscape.deep.curves import curves_stem, draw_curves, has_curves
    from maml_landscape.plotting import save_figure_files

    problems: list[str] = []
    tables = [
        t for t in load_tables(args.out_dir / "deep", problems)
        if (args.experiment in (None, t["experiment"]))
        and (args.profile in (None, t["profile"]))
        and "at=" not in Path(t["path"]).name
    ]
    drawn = [t for t in tables if has_curves(t)]
    for table in drawn:
        for path in save_figure_files(draw_curves(table), args.out_dir / "deep", curves_stem(table)):
            print(f"wrote {validate.printable(path)}")
    if problems:
        raise DatasetError(problems[0])
    if not drawn:
        print(f"no table with learning curves in {args.out_dir / 'deep'} matches; runs record "
              "curves since this version (profiles cpu, cpu-long, paper)")
    return 0


@_guarded
def select_hard_command(args: argparse.Namespace) -> int:
    """Run App. C.4's hard-alphabet selection and write its outcome (JSON)."""
    options = _options(args)
    profile, paths = _torch_job(args)
    from maml_landscape.deep.selection import select_hard

    outcome = select_hard(
        profile,
        options,
        paths,
        args.tasks_per_alphabet,
        seed=profile.seeds[0],
        show_progress=not args.quiet,
        allow_code_change=args.allow_code_change,
    )
    target = paths.results_dir / f"hard-alphabets-{profile.name}.json"
    write_json(target, outcome)
    print(json.dumps({"hard_alphabets": outcome["hard_alphabets"]}, indent=1))
    print(
        f"written to {target}; use it with: maml-landscape deep run omniglot --hard-alphabets {target}"
    )
    return 0


@_guarded
def tune_nal_command(args: argparse.Namespace) -> int:
    """Retrain NAL at each outer learning rate of a grid, pick the best on training classes."""
    options = _options(args)
    profile, paths = _torch_job(args)
    from maml_landscape.deep.tuning import tune_nal, tuning_path

    outcome = tune_nal(
        args.experiment,
        profile,
        options,
        paths,
        grid=args.grid,
        validation_tasks=args.validation_tasks,
        show_progress=not args.quiet,
        verify_checksum=not args.no_verify_checksum,
        allow_code_change=args.allow_code_change,
    )
    target = tuning_path(paths.results_dir, args.experiment, profile.name)
    write_json(target, outcome)
    for candidate in outcome["candidates"]:
        if "diverged" in candidate:
            print(f"lr {candidate['lr']:<8g} diverged: {candidate['diverged']}")
            continue
        print(
            f"lr {candidate['lr']:<8g} validation accuracy {candidate['validation_accuracy']:5.1f}"
            f" ± {1.96 * candidate['standard_error']:.1f} %"
        )
    print(
        f"selected {outcome['selected_lr']:g} (paper: {outcome['paper_lr']:g}); written to "
        f"{target}\nrerun NAL with it: maml-landscape deep run {args.experiment} "
        f"--profile {profile.name} --nal-lr tuned --data-dir {args.data_dir} --out-dir {args.out_dir}"
    )
    return 0


@_guarded
def fetch_cifar_command(args: argparse.Namespace) -> int:
    """Download cifar-100-python.tar.gz (needs internet) and check its size and MD5."""
    from maml_landscape.deep.cifar import download_cifar100

    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"downloaded and checked {download_cifar100(args.data_dir)}")
    return 0


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``deep`` with subcommands run, status, table, select-hard, fetch-cifar."""
    deep = subparsers.add_parser(
        "deep",
        help="CNN experiments of Section 5 (Tables 1-2) with torch",
        description="MAML vs NAL with the conv4 network on Omniglot (Table 1) and "
        "FS-CIFAR100 (Table 2). Results go to OUT/deep, where the ledger's "
        "S5.OMNI, S5.CIFAR, H.HARDTRAIN and H.NONLINEAR checks read them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = deep.add_subparsers(dest="deep_command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="train and evaluate an experiment (resumable)",
        description=run_command.__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(run)
    _cluster_options(run)
    run.set_defaults(handler=run_command)
    state = commands.add_parser(
        "status", help="which runs of an experiment are done", description=status_command.__doc__
    )
    _common(state, stored=True)
    state.set_defaults(handler=status_command)
    table = commands.add_parser(
        "table", help="print stored tables beside the paper's", description=table_command.__doc__
    )
    _common(table, optional=True)
    table.set_defaults(handler=table_command)
    curves = commands.add_parser(
        "curves",
        help="plot learning curves beside the paper's final values",
        description=curves_command.__doc__ + " Thin lines: training seeds; thick: their mean; "
        "dashed: the paper's final value after 20,000 iterations.",
    )
    curves.add_argument("experiment", choices=EXPERIMENTS, nargs="?", help="only this experiment")
    curves.add_argument("--profile", choices=tuple(PROFILES), help="only this profile")
    curves.add_argument(
        "--out-dir", type=_path("--out-dir"), default=DEFAULT_OUT, help="report folder (default: reports)"
    )
    curves.set_defaults(handler=curves_command)
    select = commands.add_parser(
        "select-hard",
        help="App. C.4's hard-alphabet selection run",
        description=select_hard_command.__doc__,
    )
    _common(select, experiment=False)
    select.add_argument(
        "--tasks-per-alphabet",
        type=_count("--tasks-per-alphabet"),
        default=100,
        help="5-way 1-shot tasks per alphabet in the ranking (default 100, as for the shipped list)",
    )
    select.set_defaults(handler=select_hard_command)
    tune = commands.add_parser(
        "tune-nal",
        help="select NAL's outer learning rate on training classes",
        description=tune_nal_command.__doc__
        + " The paper's 1e-6 barely moves NAL's weights; this checks whether a tuned NAL "
        "changes Table 1/2's conclusions. Tunes the plan's first NAL run (Omniglot: large, "
        "nal-1, the profile's first seed; narrow with --settings/--algorithms/--seeds). "
        "Test classes are never used.",
    )
    _common(tune)
    tune.add_argument(
        "--grid",
        type=_rates,
        default=PAPER_GRID,
        help="outer learning rates to try (default: the paper's 1e-2,1e-3,1e-4,1e-5,1e-6)",
    )
    tune.add_argument(
        "--validation-tasks",
        type=_count("--validation-tasks"),
        default=200,
        help="training-class tasks that score each rate (default 200)",
    )
    tune.set_defaults(handler=tune_nal_command)
    fetch = commands.add_parser(
        "fetch-cifar",
        help="download CIFAR-100 (needs internet)",
        description=fetch_cifar_command.__doc__,
    )
    fetch.add_argument(
        "--data-dir", type=_path("--data-dir"), required=True, help="where to put the archive"
    )
    fetch.set_defaults(handler=fetch_cifar_command)
