"""ssl_torch: continue @ssl (TensorFlow.js) pretraining in PyTorch, with DistributedDataParallel.

``ssl export`` writes safetensors with PyTorch names and layouts plus the
architecture; :func:`load_encoder` rebuilds it as a ``torch.nn.Module``;
``pretrain_ddp.py`` continues SimCLR on N processes; :func:`save_encoder`
writes the file that ``ssl import`` turns back into a tfjs model.
"""
from .distributed import all_gather_with_grad, is_distributed
from .graph import GraphModel, init_weights, mlp_topology
from .files import build_model, load_encoder, load_models, read_config, save_encoder
from .losses import nt_xent_loss

__all__ = [
    "GraphModel",
    "all_gather_with_grad",
    "build_model",
    "init_weights",
    "is_distributed",
    "load_encoder",
    "load_models",
    "mlp_topology",
    "nt_xent_loss",
    "read_config",
    "save_encoder",
]
