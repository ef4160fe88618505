"""The benchmark's SimCLR step in PyTorch, for `npm run bench`: the same models as bench/src/models.ts.

reference: conv32 - pool - conv64 (same) - pool - conv128 (stride 2) - global average pool - dense128
relu - batch norm - dense64, on 28x28x1 (bench/src/simclr-model.ts).
resnet18: ResNet-18 with the CIFAR stem (3x3 conv, no max pool; BasicBlocks, 1x1 projection
shortcuts, no conv bias, batch norm) on 32x32x3, then dense(512) relu - dense(128) (bench/src/models.ts,
@ssl/encoders' resnet). WIDTH scales the channel counts as there (rounded, at least 1).

The step: two views (the batch and its mirror), cosine logits / 0.1 over B x B, softmax cross-entropy
against the diagonal, Adam 1e-3.

usage: python3 simclr_step.py THREADS BATCH STEPS WARMUP [MODEL [WIDTH [DEVICE]]]   -> one JSON line
DEVICE: cpu (default) or cuda (bench/gpu/run.sh); loss.item() waits for the GPU every step.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(n: int, width: float) -> int:
    return max(1, round(n * width))


def reference(width: float) -> nn.Module:
    c1, c2, c3, d = (scaled(n, width) for n in (32, 64, 128, 128))
    return nn.Sequential(
        nn.Conv2d(1, c1, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c2, c3, 3, stride=2), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(c3, d), nn.ReLU(), nn.BatchNorm1d(d), nn.Linear(d, 64))


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + self.shortcut(x))


def resnet18(width: float) -> nn.Module:
    widths = [scaled(n, width) for n in (64, 128, 256, 512)]
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    cin = widths[0]
    for stage, cout in enumerate(widths):
        for block in range(2):
            layers.append(BasicBlock(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    hidden = scaled(512, width)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, hidden), nn.ReLU(), nn.Linear(hidden, 128)]
    return nn.Sequential(*layers)


MODELS = {"reference": (reference, (1, 28, 28)), "resnet18": (resnet18, (3, 32, 32))}


def main() -> None:
    threads, batch, steps, warmup = (int(a) for a in sys.argv[1:5])
    name = sys.argv[5] if len(sys.argv) > 5 else "reference"
    width = float(sys.argv[6]) if len(sys.argv) > 6 else 1.0
    device = torch.device(sys.argv[7] if len(sys.argv) > 7 else "cpu")
    if name not in MODELS:
        raise SystemExit(f"simclr_step.py: MODEL must be one of {', '.join(MODELS)}, got {name!r}")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    build, shape = MODELS[name]
    model = build(width).to(device)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(batch, *shape).to(device)
    labels = torch.arange(batch).to(device)

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
        "model": name,
        "width": width,
        "threads": torch.get_num_threads(),
        "device": str(device),
        "batchSize": batch,
        "steps": steps,
        "imagesPerSecond": batch * steps / wall,
        "imagesPerCpuSecond": batch * steps / cpu,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
