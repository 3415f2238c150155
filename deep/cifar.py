"""CIFAR-100 from the official ``cifar-100-python`` archive or folder, and the FS-CIFAR100 split.

The archive ``cifar-100-python.tar.gz`` (169,001,437 bytes, MD5
eb9058c3a382ffc7106e4002c42a8d85) holds pickles ``train``, ``test`` (keys ``data``: uint8
N×3072 channel-major, ``fine_labels``) and ``meta`` (``fine_label_names``). FS-CIFAR100
(Section 5): 80 training and 20 test classes; each training class's 600 images are split
450 for training and 150 for evaluating on training classes.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maml_landscape.atomic import write_bytes_atomically
from maml_landscape.deep.cache import cached_array, default_cache_dir
from maml_landscape.deep.errors import DatasetError
from maml_landscape.deep.pools import ClassPool
from maml_landscape.validate import printable

ARCHIVE = "cifar-100-python.tar.gz"
FOLDER = "cifar-100-python"
ARCHIVE_BYTES = 169_001_437
ARCHIVE_MD5 = "eb9058c3a382ffc7106e4002c42a8d85"
URL = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
DOWNLOAD_HINT = (
    f"download {URL} ({ARCHIVE_BYTES:,} bytes, MD5 {ARCHIVE_MD5}) and put the archive (or its "
    f"extracted folder {FOLDER}/) in the directory passed as --data-dir, or run "
    "'maml-landscape deep fetch-cifar --data-dir DIR' on a machine with internet"
)
MEMBERS = ("train", "test", "meta")


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_archive(path: Path) -> None:
    """Raise DatasetError unless ``path`` has the official size and MD5."""
    size = path.stat().st_size
    if size != ARCHIVE_BYTES:
        raise DatasetError(
            f"{path} has {size:,} bytes, expected {ARCHIVE_BYTES:,}; {DOWNLOAD_HINT}"
        )
    digest = _md5(path)
    if digest != ARCHIVE_MD5:
        raise DatasetError(f"{path} has MD5 {digest}, expected {ARCHIVE_MD5}; {DOWNLOAD_HINT}")


def _read_members(source: Path) -> dict[str, dict]:
    def unpickle(data: bytes) -> dict:
        return pickle.load(io.BytesIO(data), encoding="latin1")

    try:
        if source.is_dir():
            return {m: unpickle((source / m).read_bytes()) for m in MEMBERS}
        with tarfile.open(source, "r:gz") as archive:
            return {m: unpickle(archive.extractfile(f"{FOLDER}/{m}").read()) for m in MEMBERS}
    except Exception as error:  # a damaged pickle can raise almost any exception type
        reason = str(error).splitlines()[0][:100] if str(error) else type(error).__name__
        raise DatasetError(
            f"cannot read CIFAR-100 from {source}: {reason}; {DOWNLOAD_HINT}"
        ) from None


def _build(source: Path) -> tuple[np.ndarray, dict]:
    members = _read_members(source)
    try:
        names = list(members["meta"]["fine_label_names"])
        data = np.concatenate(
            [np.asarray(members[m]["data"], dtype=np.uint8) for m in MEMBERS[:2]]
        )
        labels = np.concatenate([np.asarray(members[m]["fine_labels"]) for m in MEMBERS[:2]])
        counts = np.bincount(labels, minlength=len(names))
        usable = data.ndim == 2 and data.shape[1] == 3072 and len(set(counts.tolist())) == 1
    except (KeyError, TypeError, ValueError, IndexError):
        usable = False
    if not usable or len(data) != len(labels):
        raise DatasetError(
            f"{source} is not in the cifar-100-python format (data N×3072, equal images per "
            f"class); {DOWNLOAD_HINT}"
        )
    order = np.argsort(labels, kind="stable")  # train images first, then test, per class
    images = data[order].reshape(len(names), counts[0], 3, 32, 32)
    return images, {"classes": names, "images_per_class": int(counts[0])}


def locate_cifar100(data_dir: Path) -> Path:
    """The archive or extracted folder inside ``data_dir`` (or ``data_dir`` itself)."""
    for candidate in (data_dir / FOLDER, data_dir / ARCHIVE, data_dir):
        if candidate.is_file() or (candidate.is_dir() and (candidate / "meta").is_file()):
            return candidate
    raise DatasetError(f"CIFAR-100 not found in {data_dir}; {DOWNLOAD_HINT}")


def load_cifar100(
    data_dir: Path | str, cache_dir: Path | str | None = None, verify_checksum: bool = True
) -> ClassPool:
    """All 100 CIFAR-100 classes, 600 images each (train then test), as a :class:`ClassPool`.

    Args:
        data_dir: folder with ``cifar-100-python.tar.gz`` or ``cifar-100-python/``.
        cache_dir: where the uint8 ``.npy`` goes (default :func:`default_cache_dir`).
        verify_checksum: check the archive's size and MD5 (turn off only for test archives).

    Raises:
        DatasetError: missing, wrong checksum or unreadable (message says what to download).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise DatasetError(f"CIFAR-100 data directory {printable(data_dir)} {what}; {DOWNLOAD_HINT}")
    source = locate_cifar100(data_dir)
    if source.is_file():
        if verify_checksum:
            check_archive(source)
        key = _md5(source)[:16]
    else:
        key = hashlib.sha256(
            b"".join(f"{m}:{(source / m).stat().st_size}".encode() for m in MEMBERS)
        ).hexdigest()[:16]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    images, index = cached_array(cache, f"cifar100-{key}", lambda: _build(source))
    names = tuple(index["classes"])
    return ClassPool(
        images=images,
        groups=np.arange(len(names), dtype=np.int64),
        class_names=names,
        group_names=names,
    )


@dataclass(frozen=True)
class FewShotSplit:
    """Class pools of a few-shot protocol: training, held-out images of training classes, test."""

    train: ClassPool
    train_heldout: ClassPool
    test: ClassPool
    seed: int


def fs_cifar100_split(
    pool: ClassPool, seed: int, n_train: int = 80, train_fraction: float = 0.75
) -> FewShotSplit:
    """FS-CIFAR100 (Section 5): random ``n_train`` training classes, the rest for test.

    Each training class's images are permuted and split ``train_fraction`` for training,
    the rest held out (450 / 150 of 600). The paper gives no class list: the split is
    random with ``seed`` (recorded in the results).
    """
    train_images = round(train_fraction * pool.per_class)
    if not 0 < n_train < pool.n_classes or not 0 < train_images < pool.per_class:
        raise ValueError(
            f"need 0 < n_train < {pool.n_classes} and 0 < train_images < {pool.per_class}, "
            f"got {n_train}, {train_images}"
        )
    rng = np.random.default_rng(seed)
    classes = rng.permutation(pool.n_classes)
    train, test = np.sort(classes[:n_train]), np.sort(classes[n_train:])
    perms = np.stack([rng.permutation(pool.per_class) for _ in train])
    return FewShotSplit(
        train=pool.subset(train, perms[:, :train_images]),
        train_heldout=pool.subset(train, perms[:, train_images:]),
        test=pool.subset(test),
        seed=seed,
    )


def download_cifar100(data_dir: Path | str) -> Path:
    """Download the official archive into ``data_dir`` and check its size and MD5 (needs internet)."""
    target = Path(data_dir) / ARCHIVE
    try:
        with urllib.request.urlopen(URL, timeout=60) as response:  # noqa: S310 (fixed https URL)
            write_bytes_atomically(target, lambda f: f.write(response.read()))
    except OSError as error:
        raise DatasetError(f"download of {URL} failed: {error}; {DOWNLOAD_HINT}") from error
    check_archive(target)
    return target
