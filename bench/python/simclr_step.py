"""The benchmark's SimCLR reference step in PyTorch, for `npm run bench -- --workers ...`.

Same step as bench/src/simclr-model.ts: conv32 - pool - conv64 (same) - pool - conv128 (stride 2)
- global average pool - dense128 relu - batch norm - dense64; two views (the batch and its mirror);
cosine logits / 0.1 over B x B, softmax cross-entropy against the diagonal; Adam 1e-3.

usage: python3 simclr_step.py THREADS BATCH STEPS WARMUP   -> one JSON line on stdout
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def main() -> None:
    threads, batch, steps, warmup = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, stride=2), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(128, 128), nn.ReLU(), nn.BatchNorm1d(128), nn.Linear(128, 64))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(batch, 1, 28, 28)
    labels = torch.arange(batch)

    def step() -> float:
        z1 = F.normalize(model(torch.flip(x, dims=[3])), dim=1)
        z2 = F.normalize(model(x), dim=1)
        loss = F.cross_entropy(z1 @ z2.T / 0.1, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({
        "threads": torch.get_num_threads(),
        "batchSize": batch,
        "steps": steps,
        "imagesPerSecond": batch * steps / wall,
        "imagesPerCpuSecond": batch * steps / cpu,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
