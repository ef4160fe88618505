"""Losses of the methods carried over to PyTorch, with a correct distributed gather."""
import torch
import torch.nn.functional as F

from .distributed import all_gather_with_grad


def nt_xent_loss(z1, z2, temperature=0.5, gather=all_gather_with_grad):
    """SimCLR's NT-Xent over the *global* batch, as ``@ssl/losses`` ntXentLoss.

    ``z1``, ``z2``: ``[B, D]``, the two views' projections of this rank's B
    samples. They are gathered over ranks (``gather``; identity without DDP)
    into ``[N, D]``; with ``u`` the 2N L2-normalised rows, each anchor's
    positive is its other view and the other 2N-2 rows are negatives::

        loss = mean_i [ logsumexp_{j != i} (u_i . u_j / t) - u_i . u_pos(i) / t ]

    Every rank returns the same value. Reference: Chen et al., SimCLR, 2020.

    >>> z = torch.randn(8, 16)
    >>> float(nt_xent_loss(z, z + 0.01 * torch.randn(8, 16))) > 0
    True
    """
    if not (temperature > 1e-8):
        raise ValueError(f"nt_xent_loss: temperature must be > 0, got {temperature}")
    if z1.shape != z2.shape or z1.dim() != 2:
        raise ValueError(f"nt_xent_loss: z1 and z2 must be equal [B, D], got {list(z1.shape)} and {list(z2.shape)}")
    g1, g2 = gather(z1), gather(z2)  # [N, D]
    n = g1.shape[0]
    if n < 2:
        raise ValueError("nt_xent_loss: the global batch needs at least 2 samples")
    u = F.normalize(torch.cat([g1, g2], 0), dim=1)  # [2N, D]
    logits = u @ u.t() / temperature  # [2N, 2N]
    eye = torch.eye(2 * n, dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill(eye, float("-inf"))  # drop self-similarity
    pos = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(logits.device)  # [2N]: the other view
    return F.cross_entropy(logits, pos)

