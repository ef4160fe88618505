"""A seeded augmentation for digits, in plain torch: random shift (crop) + small affine.

Each sample's randomness comes from its own generator seeded by
``(seed, step, global sample index, view)``, so a sample gets the same view
whichever process it lands on: N processes see exactly what one process sees.
"""
import math

import torch
import torch.nn.functional as F


def _generator(seed, step, index, view):
    # a fixed mix of the four integers into one 63-bit seed
    h = (seed * 1_000_003 + step) * 1_000_033 + index
    h = (h * 31 + view) & 0x7FFFFFFFFFFFFFFF
    return torch.Generator().manual_seed(h)


def augment(images, indices, seed, step, view, max_shift=2.0, max_rotate=10.0, scale=(0.9, 1.1)):
    """``images`` ``[B, C, H, W]`` in [0, 1] -> one augmented view, same shape.

    Per sample: translation up to ``max_shift`` pixels (a random crop of the
    zero-padded image), rotation up to ``max_rotate`` degrees, isotropic scale in
    ``scale``; bilinear resampling, zeros outside. ``indices`` are the samples'
    global indices (``[B]`` ints).
    """
    b, _, h, w = images.shape
    theta = torch.empty(b, 2, 3)
    for i, idx in enumerate(indices.tolist()):
        g = _generator(seed, step, int(idx), view)
        u = torch.rand(4, generator=g)
        angle = math.radians((2 * float(u[0]) - 1) * max_rotate)
        s = scale[0] + (scale[1] - scale[0]) * float(u[1])
        tx = (2 * float(u[2]) - 1) * max_shift * 2 / w  # pixels -> normalised coordinates
        ty = (2 * float(u[3]) - 1) * max_shift * 2 / h
        c, sn = math.cos(angle) / s, math.sin(angle) / s
        theta[i] = torch.tensor([[c, -sn, tx], [sn, c, ty]])
    theta = theta.to(images.dtype)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
