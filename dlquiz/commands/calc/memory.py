"""`dlquiz calc memory`: training memory of a preset or a layer spec for a batch (parameters, gradients, optimizer
state, buffers, activations saved for backward). Pure calculators only: no torch is imported here."""
from __future__ import annotations

import argparse

from calculators.limits import INT_LIMIT_HELP, help_block, parse_int
from dlquiz.commands import Output
from dlquiz.commands.calc.args import accept_negative_values, argparse_type
from dlquiz.commands.calc.format import table_text

MEMORY_HEADER = ["Layer (type)", "Output shape", "Saved for backward", "Bytes"]

CONVENTIONS = """\
what counts (PyTorch autograd in training mode, checked against saved_tensors_hooks on real modules):
  conv / dwconv / deconv / fc   the input (for the weight gradient; weights are counted as parameters)
  bn                            the input + batch mean and 1/std (C each; fp32 on CUDA)
  relu, sigmoid, tanh           the output; relu6, leakyrelu, gelu, silu: the input (inplace=False modules)
  maxpool                       the input + argmax indices (int64, 8 B each, output-sized)
  avgpool, adaptiveavgpool(o>1) the input; gap (o=1) is a mean and saves nothing
  dropout (0<p<1)               the mask: 1 B per element on CUDA; the activation dtype with --device cpu
  flatten, dropout(p=0)         views: nothing new
  basic / bottleneck            torchvision's blocks: each conv's and BN's input, the ReLU outputs, the block output
  A tensor two layers save (a ReLU's output that the next conv keeps as its input) is counted once, at the first.
  A parameter-free layer on the raw input (relu or pool first) saves nothing: autograd records no graph there.
dtype: fp32 = 4 B everywhere. fp16/bf16 = mixed precision (Micikevicius et al. 2018, ZeRO): half parameters,
  gradients and activations (2 B) + an fp32 master copy + fp32 optimizer state: Adam 2+2+4+4+4 = 16 B/param.
optimizer state per parameter: sgd 0, momentum 1 (momentum_buffer), adam 2 (exp_avg, exp_avg_sq), 4 B each.
buffers: BN running mean/var (2·C, parameter dtype) and num_batches_tracked (int64).
Not counted: the loss's own saved tensors, backward temporaries, allocator caching, cuDNN workspace: real peaks
  (torch.cuda.max_memory_allocated) are higher.
--json: {network, input_shape, batch, dtype, optimizer, device, params, bytes: {parameters, gradients,
  optimizer_state, buffers, activations, total}, dominant, layers: [{name, type, output_shape, params, saved,
  activation_bytes}], formula, steps, notes}

examples:
  dlquiz calc memory resnet50 --batch 32
  dlquiz calc memory vgg16 --batch 16 --dtype fp16 --optimizer adam
  dlquiz calc memory --layers "conv(k=3,p=1,c=64); bn; relu; pool(2); fc(10)" --size 32 --batch 128 --json"""


def register(subparsers: argparse._SubParsersAction) -> None:
    from dlquiz.commands.calc.net import SPEC_HELP, _preset_epilog

    memory = subparsers.add_parser(
        "memory", help="training memory: parameters, gradients, optimizer state, saved activations (NET or --layers)",
        description="Bytes one training step keeps: parameters, gradients, optimizer state, buffers and the "
                    "activations autograd saves for backward, per layer, with the dominant term.",
        epilog=CONVENTIONS + "\n\n" + _preset_epilog() + "\n" + help_block("--batch: " + INT_LIMIT_HELP),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    memory.add_argument("network", nargs="?", metavar="NET", help="preset name (see the list below)")
    memory.add_argument("--layers", metavar="SPEC", help=SPEC_HELP)
    memory.add_argument("--size", metavar="N", help="input height = width N, or HxW (default: the preset's, 224 for "
                                                    "--layers)")
    memory.add_argument("--in-channels", type=argparse_type(lambda text: parse_int(text, "--in-channels")),
                        metavar="C", help="input channels (default: the preset's, 3 for --layers)")
    memory.add_argument("--batch", type=argparse_type(_batch), required=True, metavar="B", help="batch size")
    memory.add_argument("--dtype", choices=("fp32", "fp16", "bf16"), default="fp32",
                        help="fp32 (default), or fp16/bf16 mixed precision with an fp32 master copy")
    memory.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), default="adam",
                        help="optimizer state: sgd none, momentum 1x, adam 2x the parameters (default adam)")
    memory.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                        help="whose kernels' saved tensors to count (dropout mask, BN statistics); default cuda")
    memory.add_argument("--steps", action="store_true", help="also print the per-layer derivation")
    memory.add_argument("--json", action="store_true", help="machine-readable output (keys above)")
    accept_negative_values(memory)  # `--batch -4` gets the batch's own message
    memory.set_defaults(handler=_memory)


def _batch(text: str) -> int:
    from calculators.memory import batch_from_text

    return batch_from_text(text)


def _memory(args: argparse.Namespace) -> Output:
    from calculators.inputs import resolve_network
    from calculators.memory import TERMS, bytes_text, training_memory

    net = resolve_network(args.network, args.layers, args.size, args.in_channels)
    result = training_memory(list(net.layers), net.size, net.in_channels, args.batch, args.dtype, args.optimizer,
                             args.device, net.name, net.notes)
    table = result.value
    rows = [[f"{r.name} ({r.type})", str(list(r.output_shape)), _saved_cell(r.saved),
             f"{r.activation_bytes:,}" if r.activation_bytes else "--"] for r in table.rows]
    title = (f"{net.name}: training memory, batch {table.batch}, input {'×'.join(map(str, table.input_shape))}"
             f", {table.dtype}, {table.optimizer}, {table.device} kernels")
    terms = table.terms()
    width = max(len(name) for name in TERMS)
    summary = [f"{name.replace('_', ' '):<{width}}  {bytes_text(terms[name])}" for name in TERMS]
    share = 100 * terms[table.dominant] / table.total if table.total else 0.0
    summary += [f"{'total':<{width}}  {bytes_text(table.total)}",
                f"dominant: {table.dominant.replace('_', ' ')} ({share:.1f}% of the total)"]
    text = table_text(title, MEMORY_HEADER, rows, "lllr", summary, result, args.steps)
    return Output({**table.as_dict(), **result.derivation()}, text)


def _saved_cell(saved: tuple[str, ...]) -> str:
    """A block saves a dozen tensors: the table names the first and counts the rest (--steps and --json list all)."""
    if len(saved) <= 2:
        return ", ".join(saved) or "--"
    return f"{saved[0]} + {len(saved) - 1} more"
