"""Continue SimCLR pretraining of an exported @ssl encoder with PyTorch DistributedDataParallel.

One machine, N processes (gloo on CPU; nccl when --device cuda)::

    python3 python/ssl_torch/pretrain_ddp.py --init runs/simclr/encoder.safetensors \\
        --data runs/simclr/digits.safetensors --out runs/ddp/encoder.safetensors --nproc 2 --steps 200

A cluster: start one process per GPU/CPU slot with ``torchrun`` (it sets RANK,
WORLD_SIZE, MASTER_ADDR, MASTER_PORT) or with SLURM's ``srun`` (SLURM_PROCID,
SLURM_NTASKS; set MASTER_ADDR/MASTER_PORT to the first node); the script then
joins that group instead of spawning (see python/ssl_torch/README.md).

The global batch (--batch-size) is split evenly over the processes; the loss,
the batch-norm statistics and the gradient are those of the global batch, so
N processes follow the same trajectory as one (up to float rounding).
"""
import argparse
import json
import os
import socket
import sys

# Run as a script: import the package from python/, not this folder (whose
# module names would shadow others).
_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0]) == _HERE:
    sys.path[0] = os.path.dirname(_HERE)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.parallel import DistributedDataParallel as DDP  # noqa: E402

from ssl_torch import safetensors_io  # noqa: E402
from ssl_torch.augment import augment  # noqa: E402
from ssl_torch.files import load_models, save_encoder  # noqa: E402
from ssl_torch.graph import GraphModel, init_weights, mlp_topology  # noqa: E402
from ssl_torch.losses import nt_xent_loss  # noqa: E402


class SimCLR(nn.Module):
    """Encoder + projection head; ``forward(v1, v2) -> (z1, z2)`` (one DDP forward per step)."""

    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, v1, v2):
        return self.head(self.encoder(v1)), self.head(self.encoder(v2))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--init", required=True, help="safetensors written by `ssl export` (encoder, optional projection_head)")
    p.add_argument("--data", required=True, help="safetensors with 'images' [N,H,W,C] (uint8 0-255 or float 0-1), as `ssl export --data` writes")
    p.add_argument("--out", required=True, help="where to write the trained encoder + head (safetensors; `ssl import` reads it)")
    p.add_argument("--nproc", type=int, default=1, help="processes to spawn on this machine (ignored under torchrun/SLURM)")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=64, help="global batch (split over the processes)")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--hidden-dim", type=int, default=512, help="projection head made here when --init has none")
    p.add_argument("--projection-dim", type=int, default=128)
    p.add_argument("--seed", type=int, default=0, help="batch order, augmentations, a new head's weights")
    p.add_argument("--log", default=None, help="JSON lines, one per step: {step, loss}")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--port", type=int, default=0, help="rendezvous port for --nproc (default: a free one)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32", help="float64: for exact reproducibility checks (saved as float32)")
    a = p.parse_args(argv)
    if a.steps < 1 or a.batch_size < 2 or a.nproc < 1:
        p.error("--steps must be >= 1, --batch-size >= 2, --nproc >= 1")
    return a


def load_images(path):
    tensors, _ = safetensors_io.load_file(path)
    if "images" not in tensors:
        raise ValueError(f"pretrain_ddp: {path} has no 'images' tensor (found {sorted(tensors)})")
    x = tensors["images"]
    if x.dim() != 4:
        raise ValueError(f"pretrain_ddp: 'images' must be [N,H,W,C], got {list(x.shape)}")
    x = x.float() / 255.0 if x.dtype == torch.uint8 else x.float()
    return x.permute(0, 3, 1, 2).contiguous()  # NHWC (tfjs) -> NCHW


def global_batch(n, batch, step, seed):
    """Indices of the global batch of ``step``: epochs of a seeded permutation, last partial batch dropped."""
    per_epoch = n // batch
    if per_epoch == 0:
        raise ValueError(f"pretrain_ddp: --batch-size {batch} exceeds the {n} images")
    epoch, k = divmod(step, per_epoch)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 7919 + epoch))
    return perm[k * batch : (k + 1) * batch]


def build(a):
    models, config = load_models(a.init)
    encoder = models["encoder"]
    head = models.get("projection_head")
    if head is None:
        width = encoder.output_shapes[encoder.output_names[0]][-1]
        topo, shapes = mlp_topology(width, a.hidden_dim, a.projection_dim, name="projection_head")
        head = init_weights(GraphModel(topo, shapes), seed=a.seed)
    return encoder, head, config


def train(rank, world, a, images):
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)  # dropout, if any
    local_rank = int(os.environ.get("LOCAL_RANK", rank))  # torchrun sets it; srun: SLURM_LOCALID
    local_rank = int(os.environ.get("SLURM_LOCALID", local_rank))
    device = torch.device("cuda", local_rank % torch.cuda.device_count()) if a.device == "cuda" else torch.device("cpu")
    encoder, head, config = build(a)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    images = images.to(dtype)
    model = SimCLR(encoder, head).to(device=device, dtype=dtype).train()
    ddp = DDP(model, device_ids=[device.index] if a.device == "cuda" else None) if world > 1 else model
    if a.optimizer == "sgd":
        opt = torch.optim.SGD(ddp.parameters(), lr=a.lr, momentum=a.momentum)
    else:
        opt = torch.optim.Adam(ddp.parameters(), lr=a.lr)
    if a.batch_size % world != 0:
        raise ValueError(f"pretrain_ddp: --batch-size {a.batch_size} must divide evenly over {world} processes")
    local = a.batch_size // world
    losses = []
    for step in range(a.steps):
        idx = global_batch(images.shape[0], a.batch_size, step, a.seed)[rank * local : (rank + 1) * local]
        x = images[idx]
        v1 = augment(x, idx, a.seed, step, 0).to(device)
        v2 = augment(x, idx, a.seed, step, 1).to(device)
        z1, z2 = ddp(v1, v2)
        loss = nt_xent_loss(z1, z2, temperature=a.temperature)  # global batch, same on every rank
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        if rank == 0 and (step % 10 == 0 or step == a.steps - 1):
            print(f"step {step + 1}/{a.steps} loss {losses[-1]:.6f}", flush=True)
    if rank == 0:
        model = model.cpu().eval()
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        save_encoder(a.out, {"encoder": model.encoder, "projection_head": model.head}, config)
        if a.log:
            with open(a.log, "w") as f:
                for s, l in enumerate(losses):
                    f.write(json.dumps({"step": s + 1, "loss": l}) + "\n")
        print(f"saved {a.out} ({world} process{'es' if world > 1 else ''}, {a.steps} steps)", flush=True)
    return losses


def _worker(rank, world, port, a):
    dist.init_process_group("nccl" if a.device == "cuda" else "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        train(rank, world, a, load_images(a.data))
    finally:
        dist.destroy_process_group()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    a = parse_args(argv)
    env = os.environ
    if "RANK" in env and "WORLD_SIZE" in env:  # torchrun
        rank, world = int(env["RANK"]), int(env["WORLD_SIZE"])
    elif "SLURM_PROCID" in env and "SLURM_NTASKS" in env and "MASTER_ADDR" in env:  # srun
        rank, world = int(env["SLURM_PROCID"]), int(env["SLURM_NTASKS"])
        env.setdefault("MASTER_PORT", "29500")
    else:
        rank = world = None
    if rank is not None:
        dist.init_process_group("nccl" if a.device == "cuda" else "gloo", init_method="env://", rank=rank, world_size=world)
        try:
            train(rank, world, a, load_images(a.data))
        finally:
            dist.destroy_process_group()
        return
    if a.nproc == 1:
        train(0, 1, a, load_images(a.data))
        return
    mp.spawn(_worker, args=(a.nproc, a.port or _free_port(), a), nprocs=a.nproc, join=True)


if __name__ == "__main__":
    main()
