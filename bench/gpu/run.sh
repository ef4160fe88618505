#!/usr/bin/env bash
# The GPU benchmark of issue 23, as one script for a Linux machine with an NVIDIA GPU and its
# driver (Debian 12 / Ubuntu; run from anywhere, as root or with sudo for apt-get):
#
#   bench/gpu/run.sh            # -> bench/gpu/results/*.json and a summary on stdout
#
# It runs the reference SimCLR step and ResNet-18 (CIFAR stem, 32x32x3) at batch 256 on WebGPU in
# Node (Dawn's `webgpu` package over Vulkan: the NVIDIA driver's Vulkan ICD, Debian's loader),
# beside PyTorch on the same machine: CPU with every core, and CUDA when its torch has it.
# Not run yet: no machine with a GPU was at hand (packages/backends/README.md says so).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/gpu/results
mkdir -p "$out"
sudo=$([ "$(id -u)" = 0 ] || echo sudo)

# Vulkan: Debian's loader (libvulkan1) and vulkaninfo; the ICD comes with the NVIDIA driver
# (/usr/share/vulkan/icd.d/nvidia_icd.json). Dawn refuses Mesa's lavapipe, so a listed
# NVIDIA device is what makes 'webgpu' mean the GPU here.
if ! command -v vulkaninfo >/dev/null; then
  $sudo apt-get update && $sudo apt-get install -y libvulkan1 vulkan-tools
fi
vulkaninfo --summary 2>/dev/null | grep -E 'deviceName|driverName' || true
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true

# The workspace, and Dawn's binding (prebuilt in the package: nothing downloads at install).
[ -d node_modules ] || npm ci --no-audit --no-fund
npm install --no-save --no-audit --no-fund webgpu@^0.6.2
npx turbo run build --filter=@ssl/bench...

# PyTorch: the first python3 with torch (Debian's python3-torch is CPU-only; a CUDA build of
# torch from pip gives the CUDA rows).
python=${SSL_BENCH_PYTHON:-python3}
"$python" -c 'import torch' 2>/dev/null || python=/usr/bin/python3
threads=$(nproc)
cuda=$("$python" -c 'import torch; print(int(torch.cuda.is_available()))' 2>/dev/null || echo 0)

for model in reference resnet18; do
  steps=10
  [ "$model" = resnet18 ] && steps=5
  # WebGPU in Node, with PyTorch's single thread printed beside it (the bench's own comparison)
  npm run bench -- --backend webgpu --model "$model" --batch-size 256 --steps "$steps" --warmup 2 \
    --out "$out/webgpu-$model.json" | tee "$out/webgpu-$model.txt"
  # PyTorch on the same machine: every core, then CUDA
  OMP_NUM_THREADS=$threads "$python" bench/python/simclr_step.py "$threads" 256 "$steps" 2 "$model" 1 cpu |
    tee "$out/torch-cpu-$model.json"
  if [ "$cuda" = 1 ]; then
    "$python" bench/python/simclr_step.py 1 256 "$steps" 2 "$model" 1 cuda | tee "$out/torch-cuda-$model.json"
  fi
done
echo "results in $out (images/s: imagesPerSecond); put them in packages/backends/README.md (WebGPU)"
