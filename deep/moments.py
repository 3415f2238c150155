"""Batch moments of BatchNorm on rows, with a backward pass in two full-size operations.

For x as rows (m, channels) BatchNorm needs the centred rows x - x̄ and the biased
variance v = mean((x - x̄)²). autograd of those two lines takes five full-size passes
(and as many temporaries) to backpropagate; the closed form

    ∂L/∂x = g - mean(g) + (2/m)·(x - x̄)·∂L/∂v,   g = ∂L/∂(x - x̄),

(the term of ∂L/∂v has zero mean, since x - x̄ has) takes two. It is written in
differentiable ops on the saved output x - x̄, so second-order meta-gradients through it
are exact.
"""

from __future__ import annotations

import torch


class CentredMoments(torch.autograd.Function):
    """``(x - x.mean(0), ((x - x.mean(0))**2).mean(0))`` for rows x of shape (m, channels)."""

    @staticmethod
    def forward(ctx, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        centred = rows - rows.sum(0) / len(rows)
        variance = centred.square().sum(0) / len(rows)
        ctx.save_for_backward(centred)
        return centred, variance

    @staticmethod
    def backward(ctx, grad_centred: torch.Tensor, grad_variance: torch.Tensor) -> torch.Tensor:
        (centred,) = ctx.saved_tensors
        grad = grad_centred - grad_centred.sum(0) / len(centred)
        scale = grad_variance * (2 / len(centred))
        if torch.is_grad_enabled():  # building the graph of a second-order gradient
            return torch.addcmul(grad, centred, scale)
        return grad.addcmul_(centred, scale)  # in place: one full-size temporary fewer
