"""The all-gather that contrastive losses and synchronised batch norm need under DDP.

``torch.distributed.all_gather`` has no gradient. The usual fix returns, in
backward, only this rank's slice of the incoming gradient — but every rank's
loss depends on every rank's embeddings, so the gradient of rank r's
embeddings is the *sum over ranks* of the gradients of their losses (the bug
of lightly#1528 was to drop the other ranks' terms). Backward here
all-reduces (sums) the gradient and then takes this rank's slice.

Convention: every rank computes the same global loss L; its embeddings then
receive ``world_size * dL/dz``, and DDP's averaging of parameter gradients
divides by ``world_size`` again, so the update equals the single-process one.
"""
import torch
import torch.distributed as dist


def is_distributed():
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


class _AllGatherSumGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        world = dist.get_world_size()
        parts = [torch.empty_like(x) for _ in range(world)]
        dist.all_gather(parts, x.contiguous())
        ctx.rank = dist.get_rank()
        ctx.rows = x.shape[0]
        return torch.cat(parts, 0)  # [world * B, ...], rank order

    @staticmethod
    def backward(ctx, grad):
        grad = grad.contiguous().clone()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)  # every rank's loss depends on these rows
        return grad[ctx.rank * ctx.rows : (ctx.rank + 1) * ctx.rows]


def all_gather_with_grad(x):
    """``[B, ...]`` on each rank -> ``[world * B, ...]`` (rank order); identity without DDP.

    Every rank must pass the same B. Backward sums the gradients of all ranks
    (see the module docstring).
    """
    if not is_distributed():
        return x
    sizes = [torch.zeros(1, dtype=torch.long, device=x.device) for _ in range(dist.get_world_size())]
    dist.all_gather(sizes, torch.tensor([x.shape[0]], device=x.device))  # nccl needs GPU tensors
    if any(int(s) != x.shape[0] for s in sizes):
        raise ValueError(f"all_gather_with_grad: every rank needs the same batch size, got {[int(s) for s in sizes]}")
    return _AllGatherSumGrad.apply(x)
