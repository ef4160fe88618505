"""Test helper driven by the jest tests of packages/trainer/src/export: for each job,
load an exported file, embed the inputs in PyTorch, optionally perturb the weights
(seeded), embed again and save the perturbed models with save_encoder.

    python3 python/ssl_torch/tests/run_jobs.py jobs.json

jobs.json: [{"model": FILE, "role": "encoder", "inputs": FILE, "out": FILE,
             "resave": FILE or null, "perturb_seed": int or null}]
``inputs`` holds 'images' [N,H,W,C] (NHWC, as tfjs) or 'input_ids' + 'attention_mask'
or 'features' [N,D]; ``out`` gets 'before' (and 'after') embeddings.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import torch  # noqa: E402

from ssl_torch import load_models, safetensors_io, save_encoder  # noqa: E402


def run(job):
    models, config = load_models(job["model"])
    model = models[job["role"]]
    inputs, _ = safetensors_io.load_file(job["inputs"])
    if "images" in inputs:
        args = [inputs["images"].permute(0, 3, 1, 2).contiguous()]  # NHWC -> NCHW
    elif "input_ids" in inputs:
        args = [inputs["input_ids"], inputs["attention_mask"]]
    else:
        args = [inputs["features"]]
    out = {}
    with torch.no_grad():
        out["before"] = model(*args)
        if job.get("perturb_seed") is not None:
            g = torch.Generator().manual_seed(job["perturb_seed"])
            for m in models.values():
                for name, t in m.state_dict().items():
                    noise = torch.rand(t.shape, generator=g)
                    if name.endswith("running_var"):
                        t.mul_(0.5 + noise)  # stays positive
                    else:
                        t.mul_(0.8 + 0.4 * noise).add_(0.01 * (noise - 0.5))
            out["after"] = model(*args)
    if job.get("resave"):
        save_encoder(job["resave"], models, config)
    safetensors_io.save_file({k: v.float().contiguous() for k, v in out.items()}, job["out"])


if __name__ == "__main__":
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        for j in json.load(f):
            run(j)
    print("ok")
