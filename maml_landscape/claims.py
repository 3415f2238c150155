"""The paper's 42 checkable claims: ID, place in the paper, printed statement, kind.

This is data, transcribed from the paper *as printed* (typos included): a printed
formula here is the object under test, never the truth. The suite must not read
``../shared`` at run time, so the statements live here; ``tests/test_claims.py``
checks the IDs against ``shared/paper/CLAIMS.md`` when that file is present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ClaimKind(str, enum.Enum):
    DEFINITION = "definition"
    IDENTITY = "identity"
    INEQUALITY = "inequality"
    APPROXIMATION = "approximation"
    QUALITATIVE = "qualitative"
    REPRODUCTION = "reproduced figure/table"


# Which part of the suite checks a claim; the reason a claim without a registered
# check reports as "not checked".
PENDING = {
    "theory": "the symbolic derivation (theory/, issue #3) is not implemented yet",
    "numerics": "the numerical check (numerics/, issue #4) is not implemented yet",
    "figures": "the figure/table regeneration (issue #5) is not implemented yet",
    "deep": "the CNN experiments (deep/, issue #6) are not implemented yet",
}


@dataclass(frozen=True)
class Claim:
    """One checkable claim.

    Attributes:
        id: stable ID used in code, tests and reports.
        title: a few words.
        location: where in the paper (section, equation).
        statement: the claim as printed; Markdown with ``$...$`` LaTeX math.
        kind: what sort of claim it is.
        area: the part of the suite that checks it (a key of ``PENDING``).
    """

    id: str
    title: str
    location: str
    statement: str
    kind: ClaimKind
    area: str


CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="S2.F",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S2.E",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S2.NAL",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S2.MAML",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S2.ORDER",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.Q",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.POP",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.PROP1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.INF",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S3.HARD",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S31.SOL",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.ALPHA",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.RISK",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.LARGE_M",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.ZERO",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S31.FIG2",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="S31.REMARK1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S32.COR1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.A2",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.COR2",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.A3",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S32.FIG1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="S32.FIG3",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="S32.PRIOR",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="C1.SGD",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="C1.TABLE3",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="C1.FIG8",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="C2.LOGISTIC",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="S4.THM1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S4.NAL",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="B.LEMMA1",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="S4.FIG4",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="D.NAL_EMP",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="D.MAML_EMP",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="D.LEMMA2",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="theory",
    ),
    Claim(
        id="D.THM2",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="D.THM3",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="numerics",
    ),
    Claim(
        id="S5.OMNI",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="deep",
    ),
    Claim(
        id="S5.CIFAR",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="deep",
    ),
    Claim(
        id="H.GAIN",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="figures",
    ),
    Claim(
        id="H.NONLINEAR",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="deep",
    ),
    Claim(
        id="H.HARDTRAIN",
        title="TODO",
        location="TODO",
        statement=r"TODO",
        kind=ClaimKind.IDENTITY,
        area="deep",
    ),
)

CLAIM_IDS: tuple[str, ...] = tuple(claim.id for claim in CLAIMS)
_BY_ID = {claim.id: claim for claim in CLAIMS}


def get_claim(claim_id: str) -> Claim:
    """The claim with this ID; ``KeyError`` naming the valid IDs otherwise."""
    try:
        return _BY_ID[claim_id]
    except KeyError:
        raise KeyError(
            f"unknown claim ID {claim_id!r}; run 'maml-landscape list' for the {len(CLAIMS)} IDs"
        ) from None
