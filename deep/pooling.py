"""2×2 max-pools that keep one byte per output for their backward pass (model blocks 1-4).

autograd's ``max_pool2d`` saves its whole input and int64 indices: for a 50-image
Omniglot query pass that is 14 MiB in block 1 and 3.6 MiB in block 2, half of a task's
graph. The Functions here compute the same values with torch's kernel (ties go to the
first position of a window in scan order) and save only where in its window each
maximum sat, as an offset 0, 1, w or w + 1 from the window's corner (uint8 while
w + 1 < 256). Their backward passes are written in differentiable ops, linear in the
incoming gradient, so second-order meta-gradients through them are exact (a max-pool is
piecewise linear: the routing of the gradient is all its derivative holds).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

#: images per chunk of block 1's projection (bounds its full-size temporaries to ~1.6 MiB)
CHUNK = 8


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


class MaxPool2x2(torch.autograd.Function):
    """``F.max_pool2d(x, 2)`` for x of shape (n, c, h, w), saving one byte per output.

    On a CPU the pool runs on a channels-last copy of x, ~14x faster than torch's NCHW
    kernel; the output is channels-last then.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        if x.device.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)
        pooled, offsets = pool_with_offsets(x)
        ctx.save_for_backward(offsets)
        ctx.input_size = x.shape[-2:]
        return pooled

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (offsets,) = ctx.saved_tensors
        return unpool(grad, offsets, ctx.input_size)


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
            full = unpool(grad_chunk, offset_chunk, size)  # (chunk, c, h, w), channels-last
            rows = full.permute(0, 2, 3, 1).reshape(-1, full.shape[1])
            # (d × rows) @ (rows × c): ~8x faster than (c × rows) @ (rows × d) for d = 9
            grad_filters = grad_filters + (chunk.reshape(len(rows), -1).T @ rows).T
        return None, grad_filters
