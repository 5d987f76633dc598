"""INT8 linear layer for the Q-GaLore reference of bench_qgalore_step_gpu.py.

The PyPI wheel q-galore-torch 1.0 has the paper's optimizer (QGaLoreAdamW8bit)
but not the INT8 linear layer its training script uses; that layer lives in the
paper's repository. This module is written for the bench from a description of
that layer, not copied from it:
  - the weight is held as INT8 codes per group of 256 consecutive values (row-major
    over [out, in]) with a scale and a zero point per group;
  - the forward dequantizes it to the activations' dtype (bf16) and multiplies;
  - the backward computes grad_input the same way and accumulates the weight's
    gradient in `weight.float_grad` (bf16), where the optimizer looks for it.

What the wheel's optimizer expects of such a weight, read from the wheel
(q_galore_torch/q_galore_adamw8bit.py): `p.data` uint8 codes of the weight's shape;
`p.group_size`, `p.scales` and `p.zeros` with w = (code - zero) * scale per group
(scales and zeros [groups, 1]); `p.float_grad` the gradient, whose dtype the weight
is dequantized to for the update; `p.stochastic_round` choosing how the updated
weight is rounded back to INT8. The optimizer replaces p.data, p.scales and p.zeros
on every step, so the layer reads them afresh on every use.

Per-layer updates (the paper's "per layer" mode, one optimizer per weight stepped
as soon as its gradient exists): set `weight.on_float_grad` to a callable; the
backward calls it with the weight right after accumulating float_grad.
"""
import torch


def quantize_groups(w, group_size=256, n_bit=8):
    """Asymmetric min/max quantization per group of `group_size` consecutive values:
    scale = (max - min) / (2^n - 1) (at least 1e-5), zero = clamp(-round(min / scale),
    0, 2^n - 1), code = clamp(round(w / scale) + zero, 0, 2^n - 1). The same rule as
    the wheel's own re-quantization, so the first step changes nothing but the values.
    Returns (codes uint8 of w's shape, scales, zeros), scales and zeros [groups, 1] in
    w's dtype."""
    if w.numel() % group_size != 0:
        raise ValueError(f"{tuple(w.shape)} weight: {w.numel()} values do not split into groups of {group_size}")
    levels = 2**n_bit - 1
    g = w.reshape(-1, group_size)
    lo = g.amin(dim=1, keepdim=True)
    hi = g.amax(dim=1, keepdim=True)
    scales = (hi - lo).clamp(min=1e-5) / levels
    zeros = (-torch.round(lo / scales)).clamp(0, levels)
    codes = (torch.round(g / scales) + zeros).clamp(0, levels).to(torch.uint8)
    return codes.reshape(w.shape), scales, zeros


def dequantize_groups(weight, dtype):
    """The weight parameter's values in `dtype`, [out, in]."""
    g = weight.data.to(dtype).reshape(-1, weight.group_size)
    return ((g - weight.zeros.to(dtype)) * weight.scales.to(dtype)).reshape(weight.data.shape)


class _Int8LinearFunction(torch.autograd.Function):
    """y = x W^T with W dequantized from the INT8 parameter for each use; the
    parameter gets no .grad (it is an integer tensor) but float_grad."""

    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x)
        ctx.weight = weight  # not a saved tensor: the optimizer replaces its data in the backward
        return torch.nn.functional.linear(x, dequantize_groups(weight, x.dtype))

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        weight = ctx.weight
        # grad_input first: this layer's update may follow right below.
        grad_in = grad_out @ dequantize_groups(weight, grad_out.dtype)
        # dW = dY^T X over every token: [out, in].
        grad_w = grad_out.reshape(-1, grad_out.shape[-1]).t() @ x.reshape(-1, x.shape[-1])
        if weight.float_grad is None:
            weight.float_grad = grad_w
        else:
            weight.float_grad.add_(grad_w)
        del grad_w
        hook = getattr(weight, "on_float_grad", None)
        if hook is not None:
            hook(weight)
        return grad_in, None


class Int8Linear(torch.nn.Module):
    """A bias-free nn.Linear replaced by INT8 groups (the decoder linears of a Llama)."""

    def __init__(self, linear, group_size=256, stochastic_round=True):
        super().__init__()
        if linear.bias is not None:
            raise ValueError("Int8Linear: the layer has a bias; the Llama linears have none")
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        codes, scales, zeros = quantize_groups(linear.weight.data, group_size)
        self.weight = torch.nn.Parameter(codes, requires_grad=False)
        self.weight.scales = scales
        self.weight.zeros = zeros
        self.weight.group_size = group_size
        self.weight.stochastic_round = stochastic_round
        self.weight.float_grad = None

    def forward(self, x):
        return _Int8LinearFunction.apply(x, self.weight)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, group_size={self.weight.group_size}"
