"""Hypothesis fuzz of the ledger command line: random options and random ledger bytes.

Whatever the user types or whatever bytes lie in claims.json, ``maml-landscape`` exits
0 or 2 (1 only for ``--fail-on fails``, 3 only for a crashing check) and never prints
a traceback; a refusal is one line. The checks are replaced by fast stand-ins
(:func:`tests.helpers_ledger.temporary_checks`), so the fuzz exercises the CLI, the
ledger and the reports, not the mathematics.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maml_landscape.claims import CLAIM_IDS
from maml_landscape.cli import main
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_ledger import temporary_checks

FAST = {claim: [lambda ctx: Outcome(Verdict.HOLDS, "stand-in check")] for claim in CLAIM_IDS}

_TEXT = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "1.5", "nan", "S2.F", "s2.f", "D.LEMMA2", "quick", "paper",
                     "fails", "never", "\udcff", "../x", "a,b"]),
    st.text(max_size=8),
)
_OPTIONS = ["--claim", "--profile", "--seed", "--fail-on", "--readme", "--out"]


def _argv(command: str, options: dict[str, str], out: str) -> list[str]:
    argv = [command]
    if command == "show":
        argv.append(options.pop("--claim", "S2.F"))
    for option, value in options.items():
        if command != "verify" and option in ("--claim", "--fail-on", "--readme"):
            continue
        if command == "list" and option != "--out":
            continue
        argv += [option, value.replace("\x00", "") if option != "--out" else out + value.replace("/", "_").replace("\x00", "")]
    if "--out" not in options:
        argv += ["--out", out]
    if command == "verify":
        argv.append("--no-progress")
    return argv


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["verify", "list", "show"]),
    options=st.dictionaries(st.sampled_from(_OPTIONS), _TEXT, max_size=4),
    ledger=st.one_of(st.none(), st.binary(max_size=120),
                     st.sampled_from([b"{}", b"[]", b'{"claims": [1], "provenance": {}}',
                                      b'{"claims": [{"id": "S2.F"}], "provenance": {}}',
                                      b'{"claims": [], "provenance": "x"}'])),
)
def test_fuzzed_verify_list_show_exit_0_or_2_without_traceback(tmp_path_factory, capsys, command,
                                                               options, ledger):
    out = tmp_path_factory.mktemp("fuzz") / "reports"
    if ledger is not None:
        out.mkdir()
        (out / "claims.json").write_bytes(ledger)
    with temporary_checks(FAST):
        code = main(_argv(command, dict(options), str(out)))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 2), (command, options, ledger, code, err)
    if code == 2:
        assert len([line for line in err.splitlines() if line.strip()]) == 1, err
