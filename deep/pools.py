"""Class pools: the images of a set of classes, grouped (Omniglot alphabets), as uint8 arrays.

A pool is what a task sampler draws from: ``images[c, j]`` is drawing/image ``j`` of
class ``c``; ``groups[c]`` is the alphabet (Omniglot) or the class itself (CIFAR).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassPool:
    """Images of ``C`` classes with ``M`` images each.

    Attributes:
        images: uint8 array ``[C, M, channels, height, width]``.
        groups: int array ``[C]``; tasks "from one group" draw classes sharing a value.
        class_names: ``C`` names, e.g. ``"Sanskrit/character07"``.
        group_names: names of the group ids (``group_names[groups[c]]``).
    """

    images: np.ndarray
    groups: np.ndarray
    class_names: tuple[str, ...]
    group_names: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.images.ndim != 5 or self.images.dtype != np.uint8:
            raise ValueError(
                f"pool images must be uint8 [classes, per_class, C, H, W], got "
                f"{self.images.dtype} {self.images.shape}"
            )
        if len(self.groups) != len(self.images) or len(self.class_names) != len(self.images):
            raise ValueError("groups and class_names need one entry per class of the pool")

    @property
    def n_classes(self) -> int:
        return int(self.images.shape[0])

    @property
    def per_class(self) -> int:
        return int(self.images.shape[1])

    def group_ids(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        """The group ids of ``names``; a ValueError lists the known names when one is unknown."""
        index = {name: i for i, name in enumerate(self.group_names)}
        unknown = [n for n in names if n not in index]
        if unknown:
            raise ValueError(
                f"unknown group name(s) {unknown}; known: {', '.join(self.group_names)}"
            )
        return np.array([index[n] for n in names], dtype=np.int64)

    def classes_in_groups(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        """Indices of the classes whose group is one of ``names``."""
        return np.flatnonzero(np.isin(self.groups, self.group_ids(names)))

    def subset(self, classes: np.ndarray, images: np.ndarray | None = None) -> ClassPool:
        """The pool restricted to ``classes`` and, if given, to some images of each.

        ``images`` is either one index array ``[M']`` shared by all classes or one row
        per picked class ``[len(classes), M']``.
        """
        classes = np.asarray(classes, dtype=np.int64)
        picked = self.images[classes]
        if images is not None:
            images = np.asarray(images, dtype=np.int64)
            if images.ndim == 1:
                picked = picked[:, images]
            else:
                picked = picked[np.arange(len(classes))[:, None], images]
        return ClassPool(
            images=np.ascontiguousarray(picked),
            groups=self.groups[classes],
            class_names=tuple(self.class_names[c] for c in classes),
            group_names=self.group_names,
        )
