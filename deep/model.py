"""The 4-block convolutional network of Finn et al. (2017), used stateless (Section 5, App. C.4).

Each block: 3×3 convolution with 64 filters (padding 1), BatchNorm, 2×2 max-pool, ReLU;
then a linear head. Inputs 1×28×28 (Omniglot: 28→14→7→3→1, 64 features) or 3×32×32
(CIFAR: 32→16→8→4→2, 256 features).

BatchNorm semantics: per-task batch statistics at meta-train *and* meta-test, as in
Finn et al.'s reference code and the MAML baseline of Antoniou et al. (2018) the paper
adapted: every forward pass normalises with the mean and variance of the images in
that pass (one task's support set, or one task's query set), no running statistics are
kept, so no image of one task affects another task's outputs.

Departures from the reference code, all exact (the same function of θ, so the same
gradients of every order; ``tests/test_deep_meta.py`` checks against the textbook net):

* the convolutions have no bias (a bias before batch-statistics BatchNorm cancels and
  gets zero gradient);
* ReLU follows the max-pool (``max`` commutes with the increasing ReLU, so values and
  gradients agree and ReLU touches a quarter of the elements);
* block 1 never materialises BatchNorm's full-size input and output. Its input does not
  depend on θ, so the batch variance of conv channel c is ``w_cᵀ C w_c`` and the
  centred channel is ``w_c·(p - m)``, with m and C the mean and covariance of the 3×3
  input patches p; and
  BatchNorm is a per-channel affine map a_c x + b_c, which commutes with the max-pool
  after multiplying the channel by s_c = sign(γ_c) (pool of a x + b = |a|·pool(s x) + b).
  So block 1 is a projection of the patches pooled a few images at a time
  (:class:`~maml_landscape.deep.pooling.PooledProjection`) and an affine map on the
  pooled quarter, instead of a dozen passes over the largest activation of the network;
* every max-pool keeps one byte per output for its backward pass instead of its input
  and int64 indices (:mod:`maml_landscape.deep.pooling`);
* blocks 2-4 likewise pool s·(x - μ) and apply BatchNorm's scale and shift to the pooled
  quarter, with the batch moments taken on channels-last rows (:func:`later_block`):
  the whole network stays channels-last on a CPU, with no layout copies.

A task's graph (a 5-image support and a 50-image query set, 28×28, second order) saves
15 MiB of tensors, against 42 MiB for the textbook net.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from maml_landscape.deep.pooling import CentredPool, PooledProjection

Params = dict[str, torch.Tensor]

FILTERS = 64
BLOCKS = 4
BN_EPS = 1e-5


class Conv4(nn.Module):
    """Finn et al.'s conv4 network with BatchNorm on batch statistics (no buffers).

    Args:
        in_channels: 1 (Omniglot) or 3 (CIFAR).
        image_size: 28 or 32.
        n_out: width of the head; N-way tasks use its first N logits.
    """

    def __init__(self, in_channels: int, image_size: int, n_out: int) -> None:
        super().__init__()
        if in_channels < 1 or image_size < 2**BLOCKS or n_out < 2:
            raise ValueError(
                f"need in_channels ≥ 1, image_size ≥ {2**BLOCKS}, n_out ≥ 2; got "
                f"{in_channels}, {image_size}, {n_out}"
            )
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels if i == 0 else FILTERS, FILTERS, 3, padding=1, bias=False)
            for i in range(BLOCKS)
        )
        self.norms = nn.ModuleList(
            nn.BatchNorm2d(FILTERS, track_running_stats=False) for _ in range(BLOCKS)
        )
        side = image_size
        for _ in range(BLOCKS):
            side //= 2
        self.head = nn.Linear(FILTERS * side * side, n_out)
        self.in_channels, self.image_size, self.n_out = in_channels, image_size, n_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = first_block(x, self.convs[0].weight, self.norms[0].weight, self.norms[0].bias)
        for conv, norm in zip(self.convs[1:], self.norms[1:]):
            x = later_block(conv(x), norm.weight, norm.bias)
        return self.head(x.flatten(1))


def first_block(
    x: torch.Tensor, weight: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor
) -> torch.Tensor:
    """relu(max_pool(batch_norm(conv3x3(x)))) of block 1, computed on the pooled quarter.

    Exact rewrite (module docstring). With p the 3×3 patches (zero padding) of all images
    of the pass and m, C their mean and covariance, channel c of the convolution minus
    its batch mean is w_c·(p - m), and its biased batch variance is σ_c² = w_cᵀ C w_c.
    The pool of s·(x - μ) is taken by :class:`PooledProjection`; see :func:`pooled_norm`.
    """
    n, _, height, width = x.shape
    centred, covariance = centred_patches(x)
    filters = weight.flatten(1)
    sign = signs(gamma)
    pooled = PooledProjection.apply(centred.view(n, height, width, -1), sign[:, None] * filters)
    return pooled_norm(pooled, ((filters @ covariance) * filters).sum(1), sign, gamma, beta)


def later_block(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """relu(max_pool(batch_norm(x))) of blocks 2-4, x the convolution's output.

    The pool is taken of s·(x - x̄) before BatchNorm's scale (see :func:`pooled_norm`),
    with the batch moments taken on x as rows (n·h·w, channels), a view for
    channels-last x, as a CPU convolution of channels-last input returns
    (:class:`CentredPool`). They are as accurate in float32 as torch's NCHW BatchNorm:
    on a 50×64×14×14 test tensor the variance is off by 2e-7 (relative); the normalised
    output of torch's channels-last BatchNorm kernel is off by 5e-5, against 1e-6 for
    its NCHW kernel, an error that second-order meta-gradients amplified to 2%.
    """
    sign = signs(gamma)
    pooled, variance = CentredPool.apply(x, sign)
    return pooled_norm(pooled, variance, sign, gamma, beta)


def signs(gamma: torch.Tensor) -> torch.Tensor:
    """s_c = sign(γ_c), +1 at γ_c = 0 (a constant: the derivative of a sign is zero)."""
    return torch.where(gamma.detach() < 0, -1.0, 1.0).to(gamma.dtype)


def pooled_norm(
    pooled: torch.Tensor,
    variance: torch.Tensor,
    sign: torch.Tensor,
    gamma: torch.Tensor,
    beta: torch.Tensor,
) -> torch.Tensor:
    """relu of BatchNorm's output pooled, from ``pooled`` = max_pool(s·(x - μ)), s = ``sign``.

    BatchNorm is a_c·(x - μ_c) + β_c with a_c = γ_c/σ_c, σ_c² the biased batch variance,
    and its max-pool is |a_c|·pool(s_c·(x - μ_c)) + β_c for s_c the sign of γ_c (at
    γ_c = 0 both sides equal β_c).
    """
    scale = sign * gamma / torch.sqrt(variance + BN_EPS)
    return F.relu(pooled * scale[:, None, None] + beta[:, None, None])


def centred_patches(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The 3×3 patches p (zero padding) of all images minus their mean m, as rows
    (n·h·w, 9·channels), and their covariance E[ppᵀ] - mmᵀ, taken in float64 (sums of
    n·h·w terms: float32 would lose ~1e-4 of the covariance); both in x's dtype."""
    n, channels, height, width = x.shape
    padded = F.pad(x, (1, 1, 1, 1))
    shifted = [  # in unfold's (and the filters') order: channel, then kernel row, column
        padded[:, c, i : i + height, j : j + width]
        for c in range(channels)
        for i in range(3)
        for j in range(3)
    ]
    patches = torch.stack(shifted, dim=-1).reshape(n * height * width, -1)  # ~3x unfold's speed
    wide = patches.double()
    mean = wide.mean(0)
    covariance = wide.T @ wide / len(patches) - torch.outer(mean, mean)
    return patches - mean.to(x.dtype), covariance.to(x.dtype)


def init_params(model: Conv4, generator: torch.Generator, dtype: torch.dtype) -> Params:
    """Fresh parameters: Xavier-uniform weights (as Antoniou et al.), BN scale 1, zero biases."""
    params: Params = {}
    for name, tensor in model.named_parameters():
        value = torch.empty(tensor.shape, dtype=dtype)
        if name.endswith("weight") and tensor.dim() > 1:
            nn.init.xavier_uniform_(value, generator=generator)
        elif name.startswith("norms") and name.endswith("weight"):
            value.fill_(1.0)
        else:
            value.zero_()
        params[name] = value
    return params


def logits(model: Conv4, params: Params, x: torch.Tensor) -> torch.Tensor:
    """The network's output with ``params`` (stateless, via ``torch.func.functional_call``)."""
    return functional_call(model, params, (x,))
