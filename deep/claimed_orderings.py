"""The orderings Section 5 claims, as contrasts of table cells, with the readings they rest on.

Table 1 (S5.OMNI), Table 2 (S5.CIFAR (i) and (ii)) and H.HARDTRAIN are qualitative: each is
read as a list of contrasts :class:`maml_landscape.deep.orderings.Contrast` claimed positive.
The readings quote the printed values they rest on from
:mod:`maml_landscape.deep.paper_tables`. No torch here.
"""

from __future__ import annotations

from maml_landscape.deep.orderings import Contrast
from maml_landscape.deep.paper_tables import printed_cell

HARD_P, SCARCE_P = "p=0.99", "p=0.01"


CIFAR_READING = (
    "(i) at p = 0.99 and 0.5 MAML's gain over NAL is larger on hard than on easy "
    "tasks; (ii) 'the improvement on hard tasks disappears when hard tasks are "
    "scarce' read as: the hard-task gain at p = 0.01 is smaller than at p = 0.99 and "
    "smaller than the easy-task gain at p = 0.01 (the printed table has a positive "
    "hard-task gain at p = 0.01, so 'disappears' cannot mean zero)."
)


def omniglot_contrasts() -> list[Contrast]:
    """S5.OMNI on test-hard accuracy: MAML improves with Small r_H by more than NAL changes."""
    cell = "test/hard"
    out = [
        Contrast(
            "MAML(Small) − MAML(Large)", ((1, "small", "maml", cell), (-1, "large", "maml", cell))
        )
    ]
    for nal in ("nal-1", "nal-10"):
        change = ((1, "small", "maml", cell), (-1, "large", "maml", cell))
        out.append(
            Contrast(
                f"gain over {nal}: (MAML−{nal})(Small) − (MAML−{nal})(Large)",
                change + ((-1, "small", nal, cell), (1, "large", nal, cell)),
            )
        )
        out.append(
            Contrast(
                f"ΔMAML + Δ{nal} (with the line above: |Δ{nal}| < ΔMAML)",
                change + ((1, "small", nal, cell), (-1, "large", nal, cell)),
            )
        )
    return out


def _gain(p: str, cell: str, sign: float = 1.0) -> tuple:
    return ((sign, p, "maml", cell), (-sign, p, "nal", cell))


def cifar_gain_contrasts() -> list[Contrast]:
    """S5.CIFAR (i): at p = 0.99 and 0.5 MAML's gain over NAL is larger on hard than easy tasks."""
    return [
        Contrast(
            f"{p}, {split}: gain(hard) − gain(easy)",
            _gain(p, f"{split}/hard") + _gain(p, f"{split}/easy", -1),
        )
        for p in (HARD_P, "p=0.5")
        for split in ("train", "test")
    ]


def cifar_scarce_contrasts() -> list[Contrast]:
    """S5.CIFAR (ii): with p = 0.01 the hard-task gain shrinks and falls below the easy gain."""
    out = []
    for split in ("train", "test"):
        out.append(
            Contrast(
                f"{split}: gain(hard, p=0.99) − gain(hard, p=0.01)",
                _gain(HARD_P, f"{split}/hard") + _gain(SCARCE_P, f"{split}/hard", -1),
            )
        )
        out.append(
            Contrast(
                f"{split}, p=0.01: gain(easy) − gain(hard)",
                _gain(SCARCE_P, f"{split}/easy") + _gain(SCARCE_P, f"{split}/hard", -1),
            )
        )
    return out


def hardtrain_contrasts() -> list[Contrast]:
    """H.HARDTRAIN: MAML's hard-task accuracy is higher when trained with p = 0.99 than 0.01."""
    return [
        Contrast(
            f"MAML {split}/hard: p=0.99 − p=0.01",
            ((1, HARD_P, "maml", f"{split}/hard"), (-1, SCARCE_P, "maml", f"{split}/hard")),
        )
        for split in ("train", "test")
    ]


def _printed_omniglot(algorithm: str, cell: str) -> tuple[float, float]:
    """Table 1's printed (Large, Small r_H) accuracies of one algorithm and cell."""
    large, small = (printed_cell("omniglot", s, algorithm, cell) for s in ("large", "small"))
    return large[0], small[0]


def _printed_change(algorithm: str, cell: str) -> float:
    """Table 1's printed change from Large to Small r_H."""
    large, small = _printed_omniglot(algorithm, cell)
    return small - large


def omniglot_reading() -> str:
    """S5.OMNI's reading, with the printed values it rests on taken from the printed table."""
    maml_large, maml_small = _printed_omniglot("maml", "test/hard")
    nal_change, maml_change = (_printed_change(a, "train/hard") for a in ("nal-1", "maml"))
    return (
        f"Read on test-hard accuracy, where Table 1's effect lies (MAML {maml_large} → "
        f"{maml_small}): MAML improves from Large to Small r_H; NAL's change is smaller in size "
        "than MAML's (two contrasts per NAL variant), i.e. MAML's gain over NAL grows "
        "as r_H shrinks. Train-hard is shown in the table but not tested: on the "
        f"printed values NAL-1 changes {'more' if abs(nal_change) > abs(maml_change) else 'less'} "
        f"there ({nal_change:+.1f}) than MAML ({maml_change:+.1f})."
    )
