"""The DDP gather of lightly#1528, checked on 2 gloo processes against one process."""
import os
import socket
import tempfile
import unittest

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

from ssl_torch import all_gather_with_grad, nt_xent_loss
from ssl_torch.layers import BatchNorm

WORLD = 2
N, D = 8, 5  # global batch, embedding width


class _LocalSliceGather(torch.autograd.Function):
    """The buggy gather: backward returns only this rank's slice of the *local* gradient."""

    @staticmethod
    def forward(ctx, x):
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        ctx.rank, ctx.rows = dist.get_rank(), x.shape[0]
        return torch.cat(parts, 0)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.rank * ctx.rows : (ctx.rank + 1) * ctx.rows]


def _data():
    g = torch.Generator().manual_seed(0)
    return torch.randn(N, D, generator=g, dtype=torch.float64), torch.randn(N, D, generator=g, dtype=torch.float64)


def _model():
    torch.manual_seed(1)
    return nn.Linear(D, 3).double()


def _grads(rank, world, gather):
    """z-gradients of this rank's rows, and DDP-averaged parameter gradients."""
    x1, x2 = _data()
    rows = slice(rank * N // world, (rank + 1) * N // world)
    z1 = x1[rows].clone().requires_grad_()
    z2 = x2[rows].clone().requires_grad_()
    nt_xent_loss(z1, z2, temperature=0.5, gather=gather).backward()
    model = _model()
    net = DDP(model) if world > 1 else model
    nt_xent_loss(net(x1[rows]), net(x2[rows]), temperature=0.5, gather=gather).backward()
    return z1.grad, z2.grad, [p.grad for p in model.parameters()]


def _bn(rank, world):
    x = torch.randn(N, 3, 4, 4, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    rows = slice(rank * N // world, (rank + 1) * N // world)
    bn = BatchNorm({"momentum": 0.9, "epsilon": 1e-5}, 3).double().train()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
    xr = x[rows].clone().requires_grad_()
    y = bn(xr)
    yg = all_gather_with_grad(y) if world > 1 else y  # [N, 3, 4, 4] on every rank
    w = torch.arange(yg.numel(), dtype=torch.float64).reshape(yg.shape)
    (yg * w).sum().backward()  # the same loss of the global batch on every rank
    return y.detach(), xr.grad, bn.weight.grad, bn.running_var.clone()


def _worker(rank, port, out):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD)
    try:
        torch.set_num_threads(1)
        res = {"good": _grads(rank, WORLD, all_gather_with_grad), "bad": _grads(rank, WORLD, _LocalSliceGather.apply), "bn": _bn(rank, WORLD)}
        torch.save(res, os.path.join(out, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DistributedGatherTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        mp.spawn(_worker, args=(_port(), cls.tmp.name), nprocs=WORLD, join=True)
        cls.ranks = [torch.load(os.path.join(cls.tmp.name, f"rank{r}.pt")) for r in range(WORLD)]
        cls.single = _grads(0, 1, lambda z: z)
        cls.single_bn = _bn(0, 1)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _z(self, key, i):
        return torch.cat([r[key][i] for r in self.ranks])

    def test_embedding_gradient_is_world_times_the_single_process_one(self):
        # every rank computes the same global loss; summing in backward gives WORLD * dL/dz,
        # which DDP's averaging of parameter gradients divides again
        for i in (0, 1):
            torch.testing.assert_close(self._z("good", i), WORLD * self.single[i], rtol=1e-10, atol=1e-12)

    def test_ddp_parameter_gradients_equal_the_single_process_ones(self):
        for got, want in zip(self.ranks[0]["good"][2], self.single[2]):
            torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)
        for got, want in zip(self.ranks[1]["good"][2], self.single[2]):
            torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)

    def test_the_local_slice_gather_of_lightly_1528_is_caught(self):
        # the check above fails for the buggy backward: the other ranks' terms are missing
        bad_z = self._z("bad", 0)
        self.assertFalse(torch.allclose(bad_z, WORLD * self.single[0], rtol=1e-6, atol=1e-9))
        bad_w = self.ranks[0]["bad"][2][0]
        self.assertFalse(torch.allclose(bad_w, self.single[2][0], rtol=1e-6, atol=1e-9))

    def test_batch_norm_uses_the_global_batch(self):
        y = torch.cat([r["bn"][0] for r in self.ranks])
        torch.testing.assert_close(y, self.single_bn[0], rtol=1e-10, atol=1e-12)
        gx = torch.cat([r["bn"][1] for r in self.ranks])
        torch.testing.assert_close(gx, WORLD * self.single_bn[1], rtol=1e-10, atol=1e-10)
        # what DDP does with the gamma gradients (their mean over ranks) gives the single-process one
        mean = sum(r["bn"][2] for r in self.ranks) / WORLD
        torch.testing.assert_close(mean, self.single_bn[2], rtol=1e-10, atol=1e-10)
        for r in self.ranks:  # running statistics of the global batch, on every rank
            torch.testing.assert_close(r["bn"][3], self.single_bn[3])


if __name__ == "__main__":
    unittest.main()
