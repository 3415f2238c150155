"""The claims registry: complete, consistent with CLAIMS.md, and renderable math."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from maml_landscape.claims import AREAS, CLAIM_IDS, CLAIMS, ClaimKind, get_claim

CLAIMS_MD_ENV = "MAML_LANDSCAPE_CLAIMS_MD"
BOLD_ID = re.compile(r"\*\*([A-Z0-9]+\.[A-Z0-9_]+)\*\*")
DEFAULT_CLAIMS_MD = Path(__file__).resolve().parents[1] / ".." / "shared" / "paper" / "CLAIMS.md"
# An unescaped dollar sign: the delimiter of inline math.
MATH_DELIMITER = re.compile(r"(?<!\\)\$")


def _claims_md_path() -> Path:
    """Where CLAIMS.md should be: the path in the environment variable if set, else beside the repository."""
    override = os.environ.get(CLAIMS_MD_ENV)
    return Path(override) if override else DEFAULT_CLAIMS_MD.resolve()


def _ids_in_order_of_first_appearance(text: str) -> list[str]:
    return list(dict.fromkeys(BOLD_ID.findall(text)))


def _math_spans(statement: str) -> list[str]:
    """The contents of the ``$...$`` spans of a statement (assumes an even number of ``$``)."""
    return MATH_DELIMITER.split(statement)[1::2]


def _braces_balanced(math: str) -> bool:
    """Whether the grouping braces nest properly; escaped ``\\{`` and ``\\}`` are literal."""
    depth = 0
    for char in re.sub(r"\\[{}]", "", math):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_registry_has_42_unique_ids() -> None:
    assert len(CLAIMS) == 42
    assert len(set(CLAIM_IDS)) == len(CLAIM_IDS) == 42
    assert all(BOLD_ID.fullmatch(f"**{claim_id}**") for claim_id in CLAIM_IDS)


@pytest.mark.parametrize("claim", CLAIMS, ids=CLAIM_IDS)
def test_every_field_is_filled_in(claim) -> None:
    for field in ("title", "location", "statement"):
        value = getattr(claim, field)
        assert value.strip(), f"{claim.id}: empty {field}"
        assert "TODO" not in value, f"{claim.id}: {field} still a placeholder"
    assert isinstance(claim.kind, ClaimKind)
    assert claim.area in AREAS, f"{claim.id}: area {claim.area!r} is not one of AREAS"


def test_definitions_are_the_section_2_objectives() -> None:
    definitions = {claim.id for claim in CLAIMS if claim.kind is ClaimKind.DEFINITION}
    assert definitions == {"S2.F", "S2.E", "S2.NAL", "S2.MAML"}


def test_get_claim_finds_each_id_and_rejects_unknown_ones() -> None:
    for claim in CLAIMS:
        assert get_claim(claim.id) is claim
    with pytest.raises(KeyError, match="unknown claim ID"):
        get_claim("S9.NOPE")


def test_ids_match_claims_md() -> None:
    path = _claims_md_path()
    if not path.is_file():
        pytest.skip(
            f"CLAIMS.md not found at {path}; set {CLAIMS_MD_ENV} to its path to compare the registry's IDs with it"
        )
    md_ids = _ids_in_order_of_first_appearance(path.read_text(encoding="utf-8"))
    assert set(md_ids) == set(CLAIM_IDS), (
        f"only in CLAIMS.md: {sorted(set(md_ids) - set(CLAIM_IDS))}; "
        f"only in the registry: {sorted(set(CLAIM_IDS) - set(md_ids))}"
    )
    assert md_ids == list(CLAIM_IDS), "the registry lists the claims in a different order from CLAIMS.md"


@pytest.mark.parametrize("claim", CLAIMS, ids=CLAIM_IDS)
def test_statement_math_is_well_formed(claim) -> None:
    delimiters = len(MATH_DELIMITER.findall(claim.statement))
    assert delimiters % 2 == 0, f"{claim.id}: odd number of $ ({delimiters})"
    assert "$$" not in claim.statement, f"{claim.id}: display math $$ is not supported by the renderers"
    for math in _math_spans(claim.statement):
        assert math.strip(), f"{claim.id}: empty math span"
        assert _braces_balanced(math), f"{claim.id}: unbalanced braces in ${math}$"


@pytest.mark.parametrize("claim", CLAIMS, ids=CLAIM_IDS)
def test_text_is_ascii_for_latex(claim) -> None:
    """Non-ASCII symbols (rho, <<, +-) belong in math; pdflatex would choke on them in text."""
    for field in ("title", "location", "statement"):
        value = getattr(claim, field)
        assert value.isascii(), f"{claim.id}: non-ASCII character in {field}: {value!r}"


def test_helpers_detect_malformed_input() -> None:
    assert _braces_balanced(r"\frac{a}{b} \in \{1, 2\}")
    assert not _braces_balanced(r"\frac{a}{b")
    assert not _braces_balanced(r"a}{b")
    assert _math_spans(r"text $x$ more $y_{1}$") == ["x", "y_{1}"]
    text = "**S2.F** (eq. 1) and **S31.LARGE_M**, again **S2.F**; not **Notation**"
    assert _ids_in_order_of_first_appearance(text) == ["S2.F", "S31.LARGE_M"]
