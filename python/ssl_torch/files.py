"""Load and save the safetensors files that ``ssl export`` writes and ``ssl import`` reads."""
import json
import os

import torch

from . import safetensors_io
from .graph import GraphModel

FORMAT = "ssl-torch"
VERSION = 1
CONFIG_KEY = "ssl_config"


def read_config(path):
    """The architecture config of an exported file (from its metadata)."""
    _, metadata = safetensors_io.load_file(path)
    return _parse_config(metadata, path)


def _parse_config(metadata, path):
    raw = metadata.get(CONFIG_KEY)
    if raw is None:
        raise ValueError(f"ssl_torch: {path} has no '{CONFIG_KEY}' metadata; write it with `ssl export`")
    config = json.loads(raw)
    if config.get("format") != FORMAT or config.get("version") != VERSION:
        raise ValueError(f"ssl_torch: {path} holds format {config.get('format')!r} v{config.get('version')}, expected {FORMAT!r} v{VERSION}")
    return config


def build_model(model_config):
    """A :class:`GraphModel` (uninitialised weights) from one entry of the config's ``models``."""
    return GraphModel(model_config["topology"], dict(model_config["outputShapes"]))


def load_models(path):
    """All models of an exported file: ``({role: GraphModel}, config)``, weights loaded, in eval mode."""
    tensors, metadata = safetensors_io.load_file(path)
    config = _parse_config(metadata, path)
    models = {}
    for role, entry in config["models"].items():
        model = build_model(entry)
        prefix = entry["prefix"] + "."
        state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
        own = model.state_dict()
        missing = sorted(set(own) - set(state))
        extra = sorted(set(state) - set(own))
        if missing or extra:
            raise ValueError(f"ssl_torch: {path} model '{role}': missing tensors {missing}, unexpected {extra}")
        for k, v in state.items():
            if tuple(v.shape) != tuple(own[k].shape):
                raise ValueError(f"ssl_torch: {path} tensor '{prefix}{k}' is {list(v.shape)}, the model needs {list(own[k].shape)}")
        model.load_state_dict({k: v.float() for k, v in state.items()})
        models[role] = model.eval()
    return models, config


def load_encoder(path):
    """The encoder of an exported file as a ``torch.nn.Module`` (eval mode).

    Images go in NCHW (``[N, C, H, W]``, float in [0, 1]); a Transformer encoder
    takes ``(input_ids [B, T], attention_mask [B, T])``.

    >>> encoder = load_encoder("runs/simclr/encoder.safetensors")  # doctest: +SKIP
    >>> h = encoder(images)  # [N, 128]                              # doctest: +SKIP
    """
    models, _ = load_models(path)
    return models["encoder"]


def save_encoder(path, models, config=None, topologies=None):
    """Writes ``models`` (``{role: GraphModel}``, or one encoder) to ``path`` in the format
    ``ssl import`` reads, plus ``<path without .safetensors>.json`` with the config.

    ``config``: the config the models were loaded with (its tokenizer entry is
    kept); models made on the PyTorch side carry their own topology.
    """
    if isinstance(models, torch.nn.Module):
        models = {"encoder": models}
    entries = {}
    tensors = {}
    for role, model in models.items():
        if not isinstance(model, GraphModel):
            raise TypeError(f"save_encoder: models['{role}'] must be a GraphModel, got {type(model).__name__}")
        entries[role] = {"prefix": role, "topology": model.topology, "outputShapes": model.output_shapes, "imageLayout": "NCHW"}
        for k, v in model.state_dict().items():
            tensors[f"{role}.{k}"] = v.detach().float().cpu()
    out = {"format": FORMAT, "version": VERSION, "models": entries}
    if config and config.get("tokenizer"):
        out["tokenizer"] = config["tokenizer"]
    text = json.dumps(out)
    safetensors_io.save_file(tensors, path, metadata={CONFIG_KEY: text})
    side = (path[: -len(".safetensors")] if path.endswith(".safetensors") else path) + ".json"
    tmp = side + f".tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, side)
    return out
