"""The ``maml-landscape`` command: verify the paper's claims and read the ledger.

Exit codes: 0 the run completed (whatever the verdicts); 1 ``--fail-on fails`` found a
failing claim; 2 bad arguments or unusable input; 3 a check crashed (a bug: its claim
is recorded as "not checked" with the traceback).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import time
from pathlib import Path

from maml_landscape import __version__, validate
from maml_landscape.claims import CLAIM_IDS, CLAIMS, get_claim
from maml_landscape.context import CheckContext
from maml_landscape.errors import InputError, UsageError
from maml_landscape.explore.command import add_explore
from maml_landscape.profiles import PROFILES
from maml_landscape.progress import format_seconds
from maml_landscape.provenance import provenance
from maml_landscape.report.pdf import compile_pdf, latex_tool
from maml_landscape.report.short_summary import short_summary
from maml_landscape.report.stored import expected_runtimes, peek_ledger, stored_ids
from maml_landscape.report.terminal import FORMATS, print_claim
from maml_landscape.report.write import (
    ReportError,
    ledger_lock,
    load_ledger,
    merge,
    read_readme,
    update_readme,
    write_reports,
)
from maml_landscape.runner import run_claims
from maml_landscape.stability import stability, stability_table, write_stability
from maml_landscape.validate import printable
from maml_landscape.verify_run import deep_results_dir, keep_record, run_other_seeds

__all__ = ["DEFAULT_OUT", "DEFAULT_SEED", "InputError", "ReportError", "UsageError", "build_parser", "main"]

DEFAULT_OUT = Path("reports")
DEFAULT_SEED = 20240601


def _given_path(name: str, value: str) -> Path:
    """``validate.given_path``, and a path the file system can name (argv from a shell always is)."""
    path = validate.given_path(name, value)
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        raise ValueError(f"{name} must be a path the file system can name, got {value!r}") from None
    return path


_OUT = validate.argparse_type(_given_path, "--out")
_README = validate.argparse_type(_given_path, "--readme")
_SEED = validate.argparse_type(validate.seed, "--seed", text=True)


def _seed_list(name: str, text: str) -> tuple[int, ...]:
    """Comma-separated distinct seeds, e.g. "0,1,2" (``validate.distinct_seeds``)."""
    return validate.distinct_seeds(name, text.split(","), text=True)


_SEEDS = validate.argparse_type(_seed_list, "--seeds")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line instead of usage + message
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _claim_id(text: str) -> str:
    if text not in CLAIM_IDS:
        close = [i for i in CLAIM_IDS if i.lower() == text.lower() or text.upper() in i]
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'maml-landscape list' shows all IDs"
        raise argparse.ArgumentTypeError(f"unknown claim ID {text!r}{hint}")
    return text


def _writable_dir(path: Path) -> Path:
    """``path`` created if missing and proved writable (``validate.writable_dir``); UsageError if not."""
    try:
        return validate.writable_dir("--out", path)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _verify(args: argparse.Namespace) -> int:
    # Everything the user gave is checked before any check runs, so bad input changes nothing.
    out = _writable_dir(args.out)
    stored = load_ledger(out)  # an existing file that is not a ledger is refused, not overwritten
    if args.readme:
        read_readme(args.readme)
    if args.pdf:
        latex_tool()  # no LaTeX installed: refused now, not after the checks
    wanted = list(dict.fromkeys(args.claim or CLAIM_IDS))
    seed, *other_seeds = args.seeds or (args.seed,)  # --seeds: the report folder gets the first seed's ledger
    kept = stored_ids(stored, args.profile, seed) & set(wanted) if args.resume else set()
    to_run = [i for i in wanted if i not in kept]
    deep_dir = deep_results_dir(out, DEFAULT_OUT)
    if deep_dir is not None and any(get_claim(i).area == "deep" for i in to_run):
        print(f"reading stored deep results from {printable(deep_dir)} ({printable(out / 'deep')} has none)", file=sys.stderr)
    ctx = CheckContext(profile=args.profile, seed=seed, out_dir=out, deep_results_dir=deep_dir)
    prov = provenance(run_profile=args.profile, run_seed=seed)
    start = time.monotonic()

    def costs(ids: list[str]) -> list[float] | None:
        return (expected_runtimes(stored, ids, args.profile)
                or expected_runtimes(peek_ledger(DEFAULT_OUT), ids, args.profile))

    records, crashed = run_claims(to_run, ctx, show_progress=not args.no_progress, costs=costs(to_run),
                                  on_record=functools.partial(keep_record, out, prov))
    # Read, merge and write under the folder's lock: a concurrent partial run into the
    # same folder is merged in, not overwritten (the checks above ran outside the lock).
    with ledger_lock(out):
        ledger = merge(load_ledger(out), records, prov)
        paths = write_reports(ledger, out)
        if args.readme:
            update_readme(args.readme, ledger)
            paths.append(args.readme)
    if args.pdf:
        paths.append(compile_pdf(out))
    claims = [c for c in ledger["claims"] if c["id"] in wanted]
    if args.seeds:
        by_seed, failed = run_other_seeds(wanted, other_seeds, ctx, not args.no_progress, costs(wanted))
        crashed += [c for c in failed if c not in crashed]
        report = stability({seed: sorted(claims, key=lambda c: wanted.index(c["id"])), **by_seed})
        paths.append(write_stability(out, report))
    width = shutil.get_terminal_size().columns
    print(short_summary(claims, format_seconds(time.monotonic() - start), width, cut=sys.stdout.isatty()))
    if args.seeds:
        print(stability_table(report))
    if kept:
        print(f"--resume: kept {len(kept)} claim(s) already stored for profile {args.profile}, seed {seed}; "
              f"ran {len(records)}")
    print("wrote " + ", ".join(printable(p) for p in paths))
    if crashed:
        print(f"error: the checks of {', '.join(crashed)} crashed (recorded as 'not checked'; see the report)", file=sys.stderr)
        return 3
    failing = [c["id"] for c in claims if c["verdict"] == "fails"]
    if args.fail_on == "fails" and failing:
        print(f"--fail-on fails: {', '.join(failing)} fail", file=sys.stderr)
        return 1
    return 0


def _list(args: argparse.Namespace) -> int:
    ledger = load_ledger(args.out)
    stored = {c["id"]: c["verdict"] for c in ledger["claims"]} if ledger else {}
    width = max(len(i) for i in CLAIM_IDS)
    for claim in CLAIMS:
        verdict = stored.get(claim.id, "not run")
        print(f"{claim.id:<{width}}  {verdict:<23}  {claim.title}")
    if not ledger:
        print(f"(no ledger in {printable(args.out)}; run 'maml-landscape verify' to compute the verdicts)", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    ledger = load_ledger(args.out)
    stored = {c["id"]: c for c in ledger["claims"]} if ledger else {}
    record = stored.get(args.claim_id)
    if record is None or args.run:
        out = _writable_dir(args.out)
        if record is None:
            print(f"no stored result for {args.claim_id} in {printable(args.out)}; running its checks (profile {args.profile})", file=sys.stderr)
        ctx = CheckContext(profile=args.profile, seed=args.seed, out_dir=out,
                           deep_results_dir=deep_results_dir(out, DEFAULT_OUT))
        records, _ = run_claims([args.claim_id], ctx, show_progress=False)
        record = records[0]
    fmt = args.format or ("rich" if sys.stdout.isatty() else "md")
    print_claim(record, fmt, sys.stdout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="maml-landscape",
        description=(
            "Verify the claims of 'How does the task landscape affect MAML performance?'. "
            "Each claim (IDs as in the paper's CLAIMS.md, e.g. D.LEMMA2, S32.COR2) is re-derived "
            "symbolically and/or measured numerically, compared with the printed statement, and "
            "given a verdict: holds, holds after correction, approximate, fails, or not checked."
        ),
        epilog="Examples: maml-landscape verify | maml-landscape verify --claim S32.COR2 | maml-landscape show D.LEMMA2 "
        "| maml-landscape explore examples/three_clusters.toml",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    verify = sub.add_parser(
        "verify",
        help="run the checks and write reports/claims.{md,json}, reports/report.tex and reports/html/",
        description="Run the checks of all claims (or those given with --claim) and write the ledger: "
        "claims.md (summary table + a section per claim), claims.json (machine-readable, with "
        "provenance), report.tex (compiles with pdflatex; --pdf compiles it to report.pdf) and "
        "html/index.html (the ledger as one page for a browser, offline; figures from figures/). "
        "The files are replaced together (a killed run leaves the old set or the new one, never a mix), "
        "after every finished claim: an interrupted run keeps what it finished, and --resume reruns only "
        "the rest. With --claim, the other claims of an existing claims.json in --out are kept, each "
        "with the profile and seed it was run with; concurrent runs into one --out are serialised by a "
        "lock on the folder (Linux/POSIX flock). The deep claims read stored CNN results from --out's "
        "deep/, or from reports/deep/ when that has none. The run ends with a short summary: one line "
        "per claim that fails, is approximate or was not checked.",
    )
    verify.add_argument("--claim", action="append", type=_claim_id, metavar="ID", help="check only this claim (repeatable)")
    verify.add_argument("--profile", choices=list(PROFILES), default="quick",
                        help="; ".join(f"{name}: {meaning}" for name, meaning in PROFILES.items()) + " (default: %(default)s)")
    verify.add_argument("--out", type=_OUT, default=DEFAULT_OUT, help="report folder (default: %(default)s)")
    seeds = verify.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=_SEED, default=DEFAULT_SEED, help="base seed for every random draw (default: %(default)s)")
    seeds.add_argument("--seeds", type=_SEEDS, metavar="S1,S2,...",
                       help="run the claims once per seed (distinct, comma-separated) and list every claim whose "
                       "verdict changes across seeds (table at the end, all claims in --out's stability.json); "
                       "--out gets the first seed's ledger and figures, the other seeds run in temporary folders "
                       "(--resume and --fail-on apply to the first seed). Example: maml-landscape verify "
                       "--seeds 0,1,2 --claim S4.FIG4 --claim C1.FIG8")
    verify.add_argument("--fail-on", choices=("never", "fails"), default="never",
                        help="exit 1 when a claim's verdict is 'fails' (default: never; verdicts are results, not errors)")
    verify.add_argument("--readme", type=_README, metavar="PATH",
                        help="also rewrite the ledger summary between the markers of this README")
    verify.add_argument("--resume", action="store_true",
                        help="run only the claims that --out's claims.json does not already hold for this "
                        "--profile and --seed (after an interrupted run)")
    verify.add_argument("--pdf", action="store_true",
                        help="also compile report.tex to report.pdf with latexmk or pdflatex (build files in "
                        "--out's .latex/); 'verify --resume --pdf' builds the PDF of a complete ledger without "
                        "rerunning its checks")
    verify.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    verify.set_defaults(handler=_verify)

    listing = sub.add_parser("list", help="list every claim ID with its title and stored verdict",
                             description="List all claims with the verdict stored in --out/claims.json.")
    listing.add_argument("--out", type=_OUT, default=DEFAULT_OUT, help="report folder to read (default: %(default)s)")
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help="print one claim's statement and evidence",
                          description="Print one claim as printed, its verdict and its evidence. "
                          "Uses the stored result in --out/claims.json, or runs the claim's checks when there is none.")
    show.add_argument("claim_id", type=_claim_id, metavar="ID")
    show.add_argument("--out", type=_OUT, default=DEFAULT_OUT, help="report folder (default: %(default)s)")
    show.add_argument("--run", action="store_true", help="run the checks even if a stored result exists")
    show.add_argument("--profile", choices=list(PROFILES), default="quick", help="profile when running (default: %(default)s)")
    show.add_argument("--seed", type=_SEED, default=DEFAULT_SEED, help="base seed when running (default: %(default)s)")
    show.add_argument("--format", choices=FORMATS,
                      help="rich: drawn for the terminal, math as Unicode (plain when the rich package is "
                      "missing); md: the Markdown of claims.md; plain: text, math as Unicode; json: the "
                      "claims.json record (default: rich on a terminal, md when piped)")
    show.set_defaults(handler=_show)

    add_explore(sub)
    _add_deep(sub)
    return parser


def _add_deep(sub: argparse._SubParsersAction) -> None:
    """``maml-landscape deep ...``: the CNN experiments (needs the [deep] extra for running)."""
    try:
        from maml_landscape.deep.cli import add_subcommands
    except ImportError:
        return
    add_subcommands(sub)


def _one_line(error: Exception) -> str:
    """The message on one line, printable whatever the terminal encoding (paths may hold any bytes)."""
    text = " ".join(str(error).split())
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            commands = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
            raise UsageError(f"no command given; choose one of {', '.join(commands)} (see '{parser.prog} --help')")
        return args.handler(args)
    except InputError as error:  # UsageError, ReportError, the deep errors: one line, exit 2
        print(f"maml-landscape: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("maml-landscape: interrupted; the report folder keeps every finished claim (writes are atomic): "
              "'verify --resume' runs the rest", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
