"""A ``torch.nn.Module`` built from a tfjs Layers topology (Keras JSON), layer by layer."""
import torch
from torch import nn

from .layers import make_layer


def _inbound(layer):
    """Names of the layers feeding ``layer`` (tfjs saves ``[[[name, node, index, kwargs], ...]]``)."""
    nodes = layer.get("inbound_nodes") or []
    if len(nodes) > 1:
        raise ValueError(f"ssl_torch: layer '{layer['name']}' is called {len(nodes)} times; shared layers are not supported")
    if not nodes:
        return []
    out = []
    for entry in nodes[0]:
        if entry[1] != 0 or entry[2] != 0:
            raise ValueError(f"ssl_torch: layer '{layer['name']}' reads output {entry[1:3]} of '{entry[0]}'; only single-output layers are supported")
        out.append(entry[0])
    return out


class GraphModel(nn.Module):
    """The PyTorch twin of one exported tfjs model.

    Submodules are named like the tfjs layers, so ``state_dict()`` keys are
    ``<layer>.<weight>`` (``conv_encoder_conv1.weight``). Image inputs are NCHW
    float tensors; token inputs ``[B, T]`` integer ids (and a ``[B, T]`` mask).
    ``forward(*inputs)`` takes the inputs in the tfjs model's order.
    """

    def __init__(self, topology, output_shapes):
        super().__init__()
        self.topology = topology
        self.output_shapes = output_shapes
        cls = topology.get("class_name")
        cfg = topology["config"]
        layers = list(cfg["layers"])
        if cls == "Sequential":
            # a chain: give each layer its predecessor as inbound node
            prev = None
            chained = []
            first = layers[0]
            if first.get("class_name") != "InputLayer":
                shape = first["config"].get("batch_input_shape")
                prev = "__input__"
                chained.append({"name": prev, "class_name": "InputLayer", "config": {"batch_input_shape": shape, "dtype": "float32"}})
                output_shapes.setdefault(prev, shape)
            for layer in layers:
                layer = dict(layer)
                layer["name"] = layer.get("name") or layer["config"]["name"]
                layer["inbound_nodes"] = [[[prev, 0, 0, {}]]] if prev else []
                chained.append(layer)
                prev = layer["name"]
            layers = chained
            self.input_names = [layers[0]["name"]]
            self.output_names = [prev]
        elif cls in ("Model", "Functional"):
            self.input_names = [e[0] for e in cfg["input_layers"]]
            self.output_names = [e[0] for e in cfg["output_layers"]]
        else:
            raise ValueError(f"ssl_torch: topology class '{cls}' is not supported (Model, Functional, Sequential)")
        self.order = []  # (name, class_name, inbound names)
        self.dtypes = {}
        for layer in layers:
            name = layer.get("name") or layer["config"]["name"]
            cname = layer["class_name"]
            inbound = _inbound(layer)
            if cname == "InputLayer":
                self.dtypes[name] = layer["config"].get("dtype", "float32")
                continue
            in_shapes = [output_shapes.get(n) for n in inbound]
            module = make_layer(cname, layer["config"], in_shapes)
            if hasattr(nn.Module, name) or name in self._modules:
                raise ValueError(f"ssl_torch: layer name '{name}' clashes with a torch.nn.Module attribute")
            self.add_module(name, module)
            self.order.append((name, cname, inbound))

    def forward(self, *inputs):
        if len(inputs) != len(self.input_names):
            raise ValueError(f"GraphModel.forward: expected {len(self.input_names)} inputs ({', '.join(self.input_names)}), got {len(inputs)}")
        values = dict(zip(self.input_names, inputs))
        for name, _cls, inbound in self.order:
            values[name] = getattr(self, name)(*[values[n] for n in inbound])
        outs = [values[n] for n in self.output_names]
        return outs[0] if len(outs) == 1 else outs


def _dense(name, units, inbound, use_bias=True, activation="linear"):
    return {"name": name, "class_name": "Dense", "config": {"name": name, "units": units, "use_bias": use_bias, "activation": activation}, "inbound_nodes": [[[inbound, 0, 0, {}]]]}


def mlp_topology(input_dim, hidden_dim, output_dim, name="projection_head", num_layers=2, batch_norm=True):
    """The topology (and output shapes) of ``@ssl/encoders``' projectionHead / predictionHead:
    ``(Dense -> [BN] -> ReLU) x (num_layers - 1) -> Dense``. Used for heads made on the PyTorch side."""
    inp = f"{name}_input"
    layers = [{"name": inp, "class_name": "InputLayer", "config": {"batch_input_shape": [None, input_dim], "dtype": "float32", "sparse": False, "name": inp}, "inbound_nodes": []}]
    shapes = {inp: [None, input_dim]}
    prev = inp
    for i in range(1, num_layers):
        lin = f"{name}_linear{i}"
        layers.append(_dense(lin, hidden_dim, prev, use_bias=not batch_norm))
        shapes[lin] = [None, hidden_dim]
        prev = lin
        if batch_norm:
            bn = f"{name}_bn{i}"
            layers.append({"name": bn, "class_name": "BatchNormalization", "config": {"name": bn, "axis": -1, "momentum": 0.9, "epsilon": 1e-5, "center": True, "scale": True}, "inbound_nodes": [[[prev, 0, 0, {}]]]})
            shapes[bn] = [None, hidden_dim]
            prev = bn
        relu = f"{name}_relu{i}"
        layers.append({"name": relu, "class_name": "ReLU", "config": {"name": relu, "max_value": None}, "inbound_nodes": [[[prev, 0, 0, {}]]]})
        shapes[relu] = [None, hidden_dim]
        prev = relu
    last = f"{name}_linear{num_layers}"
    layers.append(_dense(last, output_dim, prev))
    shapes[last] = [None, output_dim]
    topology = {"class_name": "Model", "config": {"name": name, "layers": layers, "input_layers": [[inp, 0, 0]], "output_layers": [[last, 0, 0]]}, "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"}
    return topology, shapes


def init_weights(model, seed=0):
    """Seeded initialisation of a freshly built model: Glorot-uniform kernels, zero biases, BN 1/0."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() >= 2:
                fan_out, fan_in = p.shape[0], p.shape[1]
                rf = p[0, 0].numel() if p.dim() > 2 else 1
                limit = (6.0 / ((fan_in + fan_out) * rf)) ** 0.5
                p.copy_(torch.rand(p.shape, generator=g) * 2 * limit - limit)
            elif name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()
    return model
