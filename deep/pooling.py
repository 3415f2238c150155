"""The max-pools of the conv4 blocks, keeping one byte per output for the backward pass.

autograd's ``max_pool2d`` saves its whole input and int64 indices: for a 50-image
Omniglot query pass that is 14 MiB in block 1 and 3.6 MiB in block 2, half of a task's
graph. The Functions here compute the same values with torch's kernel (ties go to the
first position of a window in scan order) and save only where in its window each
maximum sat, as an offset 0, 1, w or w + 1 from the window's corner (uint8 while
w + 1 < 256):

* :class:`PooledProjection` (block 1) pools a projection of fixed patches, a chunk of
  images at a time;
* :class:`CentredPool` (blocks 2-4) pools a convolution's output minus its batch mean
  and returns the batch variance, BatchNorm's moments, with a closed-form backward.

When a graph is being built (the inner step of second-order MAML) their backward passes
are differentiable ops of the saved inputs, so meta-gradients through them are exact to
second order (a max-pool is piecewise linear: the routing is all its derivative holds).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

#: images per chunk of block 1's projection (bounds its full-size temporaries to ~1.6 MiB)
CHUNK = 8
#: rows per block of a sum of squares (a 2048 × 64 float32 block is 0.5 MiB)
ROWS = 2048


def window_corners(height: int, width: int, device: torch.device) -> torch.Tensor:
    """Flat index (row·width + column) of the top-left pixel of each 2×2 pooling window."""
    rows = torch.arange(height // 2, device=device)[:, None]
    cols = torch.arange(width // 2, device=device)
    return 2 * rows * width + 2 * cols


def pool_with_offsets(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``max_pool2d(x, 2)`` of x (n, c, h, w) and each maximum's offset in its window."""
    pooled, indices = F.max_pool2d(x, 2, return_indices=True)
    height, width = x.shape[-2:]
    small = torch.uint8 if width + 1 < 256 else torch.int32
    return pooled, indices.sub_(window_corners(height, width, x.device)).to(small)


def unpool(grad: torch.Tensor, offsets: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """The gradient of a 2×2 max-pool's input: ``grad`` routed to the maxima (zeros elsewhere).

    ``grad`` is brought to the memory layout of ``offsets`` (~4x faster than mixed layouts).
    """
    if offsets.is_contiguous(memory_format=torch.channels_last):
        grad = grad.contiguous(memory_format=torch.channels_last)
    indices = offsets.long().add_(window_corners(*size, offsets.device))
    return F.max_unpool2d(grad, indices, 2, output_size=size)


def as_rows(x: torch.Tensor) -> torch.Tensor:
    """(n, c, h, w) → (n·h·w, c): a view for channels-last x."""
    return x.permute(0, 2, 3, 1).reshape(-1, x.shape[1])


class CentredPool(torch.autograd.Function):
    """For a convolution's output x (n, c, h, w) and signs s (c,): the 2×2 max-pool of
    s·(x - x̄) and the biased variance v of each channel, x̄ and v over (n, h, w).

    Blocks 2-4 (model.later_block). The moments are taken on x as rows (n·h·w, c), a
    view for channels-last x. The backward pass uses the closed form

        ∂L/∂x = r - mean(r) + (2/m)·(x - x̄)·∂L/∂v,   r = s·unpool(∂L/∂pool),

    m = n·h·w (the ∂L/∂v term has zero mean, as x - x̄ has; mean(r) = s·Σ∂L/∂pool / m,
    as routing keeps sums): one full-size tensor, updated in place, where autograd of
    the forward's lines allocates five. When a graph is being built (the inner step of
    second-order MAML) it is computed out of place from x, so that it can be
    differentiated again.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, sign: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n, channels, height, width = x.shape
        rows = as_rows(x)
        mean = rows.sum(0) / len(rows)
        centred = rows - mean
        # squares summed a block of rows at a time: no full-size temporary
        variance = sum(block.square().sum(0) for block in centred.split(ROWS)) / len(rows)
        if bool((sign < 0).any()):
            centred = centred.mul_(sign)
        pooled, offsets = pool_with_offsets(
            centred.view(n, height, width, channels).permute(0, 3, 1, 2)
        )
        ctx.save_for_backward(x, mean, offsets, sign)
        return pooled, variance

    @staticmethod
    def backward(
        ctx, grad_pooled: torch.Tensor, grad_variance: torch.Tensor
    ) -> tuple[torch.Tensor, None]:
        x, mean, offsets, sign = ctx.saved_tensors
        routed = unpool(grad_pooled, offsets, x.shape[-2:])  # channels-last on a CPU
        grad = as_rows(routed)
        routed_mean = sign * grad_pooled.sum((0, 2, 3)) / len(grad)
        scale = grad_variance * (2 / len(grad))
        rows = as_rows(x)
        if torch.is_grad_enabled():  # building the graph of a second-order gradient
            grad = torch.addcmul(grad * sign - routed_mean, rows - rows.sum(0) / len(rows), scale)
        else:  # ``routed`` is this pass's own; (x - x̄)·scale as x·scale - x̄·scale
            grad.mul_(sign).sub_(routed_mean + mean * scale).addcmul_(rows, scale)
        n, channels, height, width = x.shape
        return grad.view(n, height, width, channels).permute(0, 3, 1, 2), None


class PooledProjection(torch.autograd.Function):
    """``max_pool2d`` over the image plane of ``patches @ filters.T``: block 1's pooled
    convolution from its (n, h, w, d) patches, without a full-size tensor in either pass.

    Both passes go a chunk of :data:`CHUNK` images at a time: the forward pass projects
    and pools a chunk; the backward pass routes the chunk's gradient to the maxima
    (:func:`unpool`) and multiplies it with the chunk's patches. ``patches`` (block 1's
    input does not depend on θ) gets no gradient. Returns (n, c, h/2, w/2), channels-last.
    """

    @staticmethod
    def forward(ctx, patches: torch.Tensor, filters: torch.Tensor) -> torch.Tensor:
        pooled, offsets = zip(
            *(
                pool_with_offsets((chunk @ filters.T).permute(0, 3, 1, 2))
                for chunk in patches.split(CHUNK)
            )
        )
        ctx.save_for_backward(patches, torch.cat(offsets))
        return torch.cat(pooled)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[None, torch.Tensor]:
        patches, offsets = ctx.saved_tensors
        size = patches.shape[1:3]
        grad_filters = 0
        for chunk, grad_chunk, offset_chunk in zip(
            patches.split(CHUNK), grad.split(CHUNK), offsets.split(CHUNK)
        ):
            rows = as_rows(unpool(grad_chunk, offset_chunk, size))  # (chunk·h·w, c)
            # (d × rows) @ (rows × c): ~8x faster than (c × rows) @ (rows × d) for d = 9
            grad_filters = grad_filters + (chunk.reshape(len(rows), -1).T @ rows).T
        return None, grad_filters
