"""The paper's printed accuracies (%), typed as printed: Tables 1/4 (Omniglot), 2/5 (FS-CIFAR100).

Each cell is (value, ± half-width of the 95% interval from Tables 4 and 5). These are the
objects under test, shown beside the measured tables; no check asserts them.
"""

from __future__ import annotations

CELLS = ("train/easy", "train/hard", "test/easy", "test/hard")

#: Table 4 (= Table 1 with intervals): {(setting, algorithm): {cell: (value, ±)}}.
TABLE_1 = {
    ("large", "maml"): ((99.2, 0.2), (96.0, 0.6), (98.0, 0.2), (81.2, 0.3)),
    ("large", "nal-1"): ((69.4, 0.4), (41.5, 0.3), (57.8, 0.4), (45.2, 0.8)),
    ("large", "nal-10"): ((70.0, 0.8), (45.3, 0.9), (67.2, 0.3), (47.9, 0.7)),
    ("small", "maml"): ((99.2, 0.5), (99.1, 0.2), (98.1, 0.3), (95.4, 0.3)),
    ("small", "nal-1"): ((69.2, 0.5), (46.0, 0.6), (55.8, 0.5), (45.8, 1.0)),
    ("small", "nal-10"): ((70.2, 0.6), (44.0, 0.8), (67.8, 0.8), (48.9, 0.8)),
}

#: Table 5 (= Table 2 with intervals).
TABLE_2 = {
    ("p=0.99", "nal"): ((78.2, 0.4), (9.9, 1.0), (74.8, 0.4), (9.5, 0.6)),
    ("p=0.99", "maml"): ((92.9, 0.3), (50.1, 1.0), (84.6, 0.4), (21.7, 0.3)),
    ("p=0.5", "nal"): ((81.9, 0.3), (9.5, 1.0), (76.5, 0.4), (8.6, 0.3)),
    ("p=0.5", "maml"): ((93.6, 0.5), (41.1, 0.3), (84.3, 0.6), (17.9, 0.4)),
    ("p=0.01", "nal"): ((82.4, 1.4), (7.6, 0.2), (76.9, 0.9), (8.2, 0.4)),
    ("p=0.01", "maml"): ((94.0, 1.2), (15.7, 0.3), (85.0, 0.2), (11.8, 0.3)),
}

PRINTED = {"omniglot": TABLE_1, "cifar": TABLE_2, "omniglot-p": TABLE_2}


def printed_cell(
    experiment: str, setting: str, algorithm: str, cell: str
) -> tuple[float, float] | None:
    """(value, ±) as printed, or None where the paper prints nothing for that row."""
    row = PRINTED[experiment].get((setting, algorithm))
    return None if row is None else row[CELLS.index(cell)]
