"""PyTorch modules with the exact semantics of the tfjs layers the @ssl encoders use.

Image tensors are NCHW here (tfjs is NHWC); every op that tfjs applies to the
last axis (channels) is applied to axis 1 of a rank-4 tensor. Weight names and
layouts are PyTorch's (see ``packages/trainer/src/export/layout.ts``).
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .distributed import all_gather_with_grad, is_distributed

# ---------------------------------------------------------------- activations

_ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": F.relu,
    "relu6": lambda x: torch.clamp(x, 0, 6),
    "elu": F.elu,
    "selu": F.selu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "swish": F.silu,
    "gelu": lambda x: F.gelu(x),  # tfjs 'gelu' is the exact (erf) form
    "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
}


def activation(name, where):
    if name is None:
        return _ACTIVATIONS["linear"]
    fn = _ACTIVATIONS.get(name)
    if fn is None:
        raise ValueError(f"{where}: activation '{name}' is not supported ({', '.join(_ACTIVATIONS)})")
    return fn


def _channels_last_op(x, fn):
    """Applies ``fn`` (an op over the last axis) to the channel axis of an NCHW tensor."""
    if x.dim() == 4:
        return torch.movedim(fn(torch.movedim(x, 1, -1)), -1, 1)
    return fn(x)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_padding(size, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding of one axis: ``(before, after)``; the extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _pad_same(x, kernel, stride, dilation=(1, 1), value=0.0):
    ph = same_padding(x.shape[2], kernel[0], stride[0], dilation[0])
    pw = same_padding(x.shape[3], kernel[1], stride[1], dilation[1])
    if ph == (0, 0) and pw == (0, 0):
        return x
    return F.pad(x, (pw[0], pw[1], ph[0], ph[1]), value=value)


# ---------------------------------------------------------------- layers


class Conv2d(nn.Module):
    """tfjs Conv2D (and DepthwiseConv2D with ``groups = in``): 'same' padding as TensorFlow (asymmetric)."""

    def __init__(self, cfg, in_channels, depthwise=False):
        super().__init__()
        self.kernel = _pair(cfg["kernel_size"])
        self.stride = _pair(cfg.get("strides", 1))
        self.dilation = _pair(cfg.get("dilation_rate", 1))
        self.padding = cfg.get("padding", "valid")
        if self.padding not in ("same", "valid"):
            raise ValueError(f"Conv2d: padding '{self.padding}' is not supported")
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise ValueError("Conv2d: only channels_last tfjs models are supported")
        if depthwise:
            mult = cfg.get("depth_multiplier", 1)
            out, self.groups = in_channels * mult, in_channels
            shape = (out, 1) + self.kernel
        else:
            out, self.groups = cfg["filters"], 1
            shape = (out, in_channels) + self.kernel
        self.weight = nn.Parameter(torch.zeros(shape))
        self.bias = nn.Parameter(torch.zeros(out)) if cfg.get("use_bias", True) else None
        self.act = activation(cfg.get("activation"), "Conv2d")

    def forward(self, x):
        if self.padding == "same":
            x = _pad_same(x, self.kernel, self.stride, self.dilation)
        y = F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return self.act(y)


class Dense(nn.Module):
    """tfjs Dense: ``act(x W + b)`` over the last axis (the channel axis of an NCHW tensor)."""

    def __init__(self, cfg, in_features):
        super().__init__()
        units = cfg["units"]
        self.weight = nn.Parameter(torch.zeros(units, in_features))
        self.bias = nn.Parameter(torch.zeros(units)) if cfg.get("use_bias", True) else None
        self.act = activation(cfg.get("activation"), "Dense")

    def forward(self, x):
        return self.act(_channels_last_op(x, lambda t: F.linear(t, self.weight, self.bias)))


class BatchNorm(nn.Module):
    """tfjs BatchNormalization over the channel axis (axis -1 in tfjs, 1 for NCHW / [N, C]).

    Training mode normalises with the batch's mean and biased variance; when
    ``torch.distributed`` is initialised and ``sync`` is true (the default) the
    statistics are those of the *global* batch (a gather whose backward sums
    gradients across ranks), so N processes compute what one process on the
    whole batch computes. Running statistics: PyTorch's rule (unbiased
    variance), with PyTorch momentum ``1 - tfjs momentum``.
    """

    def __init__(self, cfg, channels):
        super().__init__()
        axis = cfg.get("axis", -1)
        if axis not in (-1, [-1]):
            raise ValueError(f"BatchNorm: only axis -1 is supported, got {axis}")
        self.eps = cfg.get("epsilon", 1e-3)
        self.momentum = 1.0 - cfg.get("momentum", 0.99)
        self.weight = nn.Parameter(torch.ones(channels)) if cfg.get("scale", True) else None
        self.bias = nn.Parameter(torch.zeros(channels)) if cfg.get("center", True) else None
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.sync = True

    def forward(self, x):
        if x.dim() == 3:  # [B, T, C]: channels last, as tfjs
            return torch.movedim(self.forward(torch.movedim(x, -1, 1)), 1, -1)
        shape = [1, -1] + [1] * (x.dim() - 2)
        if self.training:
            xs = all_gather_with_grad(x) if (self.sync and is_distributed()) else x
            dims = [0] + list(range(2, x.dim()))
            mean = xs.mean(dims)
            var = xs.var(dims, unbiased=False)
            with torch.no_grad():
                n = xs.numel() // xs.shape[1]
                unbiased = var * (n / max(n - 1, 1))
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean.detach())
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * unbiased.detach())
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean.reshape(shape)) * torch.rsqrt(var.reshape(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        return y


class LayerNorm(nn.Module):
    """@ssl/encoders LayerNormalization (and tfjs's, axis -1): over the last axis, biased variance."""

    def __init__(self, cfg, dim):
        super().__init__()
        axis = cfg.get("axis", -1)
        if axis not in (-1, [-1]):
            raise ValueError(f"LayerNorm: only axis -1 is supported, got {axis}")
        self.eps = cfg.get("epsilon", 1e-3)
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        def norm(t):
            mean = t.mean(-1, keepdim=True)
            c = t - mean
            var = (c * c).mean(-1, keepdim=True)
            return c * torch.rsqrt(var + self.eps) * self.weight + self.bias

        return _channels_last_op(x, norm)


class Embedding(nn.Module):
    """tfjs Embedding: ``weight[ids]``, weight ``[input_dim, output_dim]``."""

    def __init__(self, cfg):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cfg["input_dim"], cfg["output_dim"]))

    def forward(self, ids):
        return F.embedding(ids.long(), self.weight)


class PositionEmbedding(nn.Module):
    """@ssl/encoders PositionEmbedding: ``x + weight[:T]`` for ``x`` ``[B, T, D]``."""

    def __init__(self, cfg, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cfg["max_length"], dim))

    def forward(self, x):
        t = x.shape[1]
        if t > self.weight.shape[0]:
            raise ValueError(f"PositionEmbedding: sequence length {t} > max_length {self.weight.shape[0]}")
        return x + self.weight[:t].unsqueeze(0)


class MultiHeadSelfAttention(nn.Module):
    """@ssl/encoders MultiHeadSelfAttention: ``query``/``key``/``value``/``output`` Linear layers,
    scaled dot-product attention, ``mask_value`` added to padded keys' scores."""

    def __init__(self, cfg, dim):
        super().__init__()
        self.num_heads = cfg["num_heads"]
        self.mask_value = cfg.get("mask_value", -1e9)
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.output = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        b, t, d = x.shape
        h = self.num_heads
        dh = d // h

        def heads(lin):  # [B, T, D] -> [B, H, T, dh]
            return lin(x).reshape(b, t, h, dh).transpose(1, 2)

        q, k, v = heads(self.query), heads(self.key), heads(self.value)
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(dh))  # [B, H, T, T]
        if mask is not None:
            pad = 1.0 - mask.float()
            scores = scores + pad.reshape(b, 1, 1, t) * self.mask_value
        probs = torch.softmax(scores, dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, d)  # [B, T, D]
        return self.output(ctx)


class Pool2d(nn.Module):
    """tfjs MaxPooling2D / AveragePooling2D with TensorFlow's padding (average excludes the padding)."""

    def __init__(self, cfg, kind):
        super().__init__()
        self.kind = kind
        self.kernel = _pair(cfg.get("pool_size", 2))
        self.stride = _pair(cfg.get("strides") or self.kernel)
        self.padding = cfg.get("padding", "valid")

    def forward(self, x):
        if self.kind == "max":
            if self.padding == "same":
                x = _pad_same(x, self.kernel, self.stride, value=float("-inf"))
            return F.max_pool2d(x, self.kernel, self.stride)
        if self.padding == "same":
            ones = torch.ones_like(x[:, :1])
            s = F.avg_pool2d(_pad_same(x, self.kernel, self.stride), self.kernel, self.stride)
            c = F.avg_pool2d(_pad_same(ones, self.kernel, self.stride), self.kernel, self.stride)
            return s / c
        return F.avg_pool2d(x, self.kernel, self.stride)


class Lambda(nn.Module):
    """A weightless tfjs layer (ReLU, Activation, Flatten, Add, Dropout/SslDropout, pooling over space...)."""

    def __init__(self, fn, takes_training=False):
        super().__init__()
        self.fn = fn
        self.takes_training = takes_training

    def forward(self, *xs):
        if self.takes_training:
            return self.fn(*xs, training=self.training)
        return self.fn(*xs)


def _flatten_nhwc(x):
    # tfjs flattens NHWC: [N, C, H, W] -> [N, H, W, C] -> [N, H*W*C], so a Dense after it sees tfjs's order
    if x.dim() == 4:
        x = x.permute(0, 2, 3, 1)
    return x.reshape(x.shape[0], -1)


def _tf_axis(axis, rank):
    """A tfjs axis of a channels-last tensor -> the axis of its NCHW PyTorch tensor."""
    a = axis % rank
    if rank != 4:
        return a
    return {0: 0, 1: 2, 2: 3, 3: 1}[a]


def make_layer(class_name, cfg, in_shapes):
    """The PyTorch module of a tfjs layer; ``in_shapes`` are the tfjs (channels-last) input shapes."""
    last = in_shapes[0][-1] if in_shapes and in_shapes[0] else None
    if class_name == "Conv2D":
        return Conv2d(cfg, last)
    if class_name == "DepthwiseConv2D":
        return Conv2d(cfg, last, depthwise=True)
    if class_name == "Dense":
        return Dense(cfg, last)
    if class_name == "BatchNormalization":
        return BatchNorm(cfg, last)
    if class_name in ("SslLayerNormalization", "LayerNormalization"):
        return LayerNorm(cfg, last)
    if class_name == "Embedding":
        return Embedding(cfg)
    if class_name == "PositionEmbedding":
        return PositionEmbedding(cfg, last)
    if class_name == "MultiHeadSelfAttention":
        return MultiHeadSelfAttention(cfg, last)
    if class_name == "MaxPooling2D":
        return Pool2d(cfg, "max")
    if class_name == "AveragePooling2D":
        return Pool2d(cfg, "avg")
    if class_name == "ReLU":
        cap = cfg.get("max_value")
        return Lambda((lambda x: torch.clamp(x, 0, cap)) if cap is not None else F.relu)
    if class_name == "Activation":
        return Lambda(activation(cfg.get("activation"), "Activation"))
    if class_name == "Flatten":
        return Lambda(_flatten_nhwc)
    if class_name == "GlobalAveragePooling2D":
        return Lambda(lambda x: x.mean(dim=(2, 3)))
    if class_name == "GlobalMaxPooling2D":
        return Lambda(lambda x: x.amax(dim=(2, 3)))
    if class_name == "Add":
        return Lambda(lambda *xs: sum(xs[1:], xs[0]))
    if class_name == "Multiply":
        return Lambda(lambda *xs: math.prod(xs[1:], start=xs[0]))
    if class_name == "Concatenate":
        rank = len(in_shapes[0])
        axis = _tf_axis(cfg.get("axis", -1), rank)
        return Lambda(lambda *xs: torch.cat(xs, dim=axis))
    if class_name in ("Dropout", "SpatialDropout2D", "SslDropout"):
        rate = cfg.get("rate", 0.0)
        return Lambda(lambda x, training: F.dropout(x, rate, training), takes_training=True)
    raise ValueError(f"ssl_torch: tfjs layer class '{class_name}' is not supported")
