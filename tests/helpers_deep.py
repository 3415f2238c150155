"""Tiny datasets in the official layouts for the deep tests (no network, no real data)."""

from __future__ import annotations

import io
import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from maml_landscape.deep.hard_alphabets import DEFAULT_HARD, SMALL_HARD_TEST, SMALL_HARD_TRAIN


def tiny_alphabets(n_easy: int = 16) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(background, evaluation) alphabet names: the default hard ones plus filler easy ones."""
    names = sorted(set(DEFAULT_HARD) | set(SMALL_HARD_TRAIN) | set(SMALL_HARD_TEST))
    names += [f"Easy{i:02d}" for i in range(n_easy)]
    return tuple(names[::2]), tuple(names[1::2])


def png(rng: np.random.Generator, side: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray((rng.random((side, side)) < 0.8).astype(np.uint8) * 255).convert("1").save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def make_omniglot(
    root: Path, characters: int = 5, drawings: int = 20, seed: int = 0, zipped: bool = True
) -> Path:
    """images_background/evaluation (zip or folders) with the official member layout."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for part, alphabets in zip(("images_background", "images_evaluation"), tiny_alphabets()):
        files = {
            f"{part}/{alphabet}/character{c + 1:02d}/{1000 + c:04d}_{d + 1:02d}.png": png(rng)
            for alphabet in alphabets
            for c in range(characters)
            for d in range(drawings)
        }
        if zipped:
            with zipfile.ZipFile(root / f"{part}.zip", "w") as archive:
                for name, data in files.items():
                    archive.writestr(name, data)
        else:
            for name, data in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
    return root


def make_cifar(
    root: Path, classes: int = 100, train: int = 5, test: int = 1, seed: int = 0
) -> Path:
    """A cifar-100-python.tar.gz of the official format with few images per class."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)

    def member(per_class: int) -> bytes:
        labels = np.repeat(np.arange(classes), per_class)
        rng.shuffle(labels)
        data = rng.integers(0, 256, (len(labels), 3072), dtype=np.uint8)
        return pickle.dumps(
            {"data": data, "fine_labels": labels.tolist(), "coarse_labels": (labels // 5).tolist()}
        )

    members = {
        "train": member(train),
        "test": member(test),
        "meta": pickle.dumps({"fine_label_names": [f"class{i:03d}" for i in range(classes)]}),
    }
    with tarfile.open(root / "cifar-100-python.tar.gz", "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return root
