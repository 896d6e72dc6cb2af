"""`dlquiz calc iou` and `dlquiz calc norm`.

Negative numbers: argparse normally reads "-3,4" as an unknown option. These two parsers accept any
argument that starts with "-<digit>" or "-.<digit>" as a value (they define no such options), so
`dlquiz calc norm -3,4` and `dlquiz calc iou -5,-5,5,5 0,0,10,10` work. `--vector=-3,4` and
`-- -3,4` work as well, on any Python.
"""
from __future__ import annotations

import argparse
import math
import re

from dlquiz.errors import InputError
from calculators.limits import MAX_NUMBER_CHARS, NUMBER_LIMIT_HELP, check_length, help_block, shorten
from dlquiz.commands import Output

# argparse's own pattern only knows plain numbers like -3 or -.5, not "-3,4" or "-1,2;3,4".
_VALUE_STARTING_WITH_MINUS = re.compile(r"^-\.?\d")

IOU_EPILOG = """\
boxes are X1,Y1,X2,Y2 (top-left, bottom-right); continuous coordinates, so width = x2 - x1.
The first box is the prediction, the second the ground truth (only CIoU's aspect term names them,
and its value is symmetric anyway).

examples:
  dlquiz calc iou 0,0,10,10 5,5,15,15
  dlquiz calc iou 0,0,9,9 5,5,14,14 --pixel-inclusive     old Pascal VOC "+1" widths
  dlquiz calc iou -5,-5,5,5 0,0,10,10 --json

limits:
  numbers: ASCII, at most {MAX_NUMBER_CHARS} characters each, |x| <= 1e100; float boxes need an area of at
  least 2.2e-308 (the smallest normal float): scale tiny boxes up, the metrics do not change
"""

NORM_EPILOG = """\
vector norms: l0 (count of non-zeros; not a true norm), l1, l2, linf, and lp with --p P (P >= 1 or inf).
matrix norms: frobenius, nuclear (sum of singular values), spectral (largest singular value),
l1 = induced 1-norm (largest absolute column sum), linf = induced inf-norm (largest absolute row sum).
--json prints those keys (+ "lp" and "p" with --p) plus "steps" and "notes" per norm; integer inputs
give integer l0/l1/linf (and l2/lp/frobenius when the root is exact, e.g. 3,4 -> l2 = 5).

examples:
  dlquiz calc norm 3,-4,0
  dlquiz calc norm -3,4 --p 3                 a leading minus works as a value
  dlquiz calc norm --vector=-3,4 --json        same, the explicit way
  dlquiz calc norm --matrix "1,2;3,4"
  dlquiz calc norm --matrix "-1,2;3,-4" --json

{NUMBER_LIMIT}
"""


IOU_EPILOG = IOU_EPILOG.replace("{MAX_NUMBER_CHARS}", str(MAX_NUMBER_CHARS))
NORM_EPILOG = NORM_EPILOG.replace("{NUMBER_LIMIT}", help_block(NUMBER_LIMIT_HELP))


def _accept_negative_values(parser: argparse.ArgumentParser) -> None:
    """Let values such as -3,4 through as arguments (these parsers have no options like -1)."""
    parser._negative_number_matcher = _VALUE_STARTING_WITH_MINUS  # argparse internal, present in 3.11–3.13


def register(subparsers: argparse._SubParsersAction) -> None:
    iou = subparsers.add_parser(
        "iou", help="IoU, GIoU, DIoU and CIoU of two boxes",
        description="IoU, GIoU, DIoU and CIoU of two boxes, each with its derivation.",
        epilog=IOU_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    iou.add_argument("pred", metavar="X1,Y1,X2,Y2", help="first box (the prediction)")
    iou.add_argument("gt", metavar="X1,Y1,X2,Y2", help="second box (the ground truth)")
    iou.add_argument("--pixel-inclusive", action="store_true",
                     help="box covers pixels x1..x2 inclusive: width = x2 - x1 + 1 (old Pascal VOC code)")
    iou.add_argument("--json", action="store_true", help="print JSON {iou, giou, diou, ciou, steps, notes}")
    _accept_negative_values(iou)
    iou.set_defaults(handler=handle_iou)

    norm = subparsers.add_parser(
        "norm", help="vector norms (L0, L1, L2, Lp, L∞) or matrix norms (Frobenius, nuclear, spectral, 1, ∞)",
        description="Vector or matrix norms, each with its derivation.",
        epilog=NORM_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    norm.add_argument("vector", nargs="?", metavar="V1,V2,...", help="vector entries separated by commas")
    norm.add_argument("--vector", dest="vector_option", metavar="V1,V2,...",
                      help="the same vector as an option; write --vector=-3,4 when it starts with a minus")
    norm.add_argument("--matrix", metavar='"A11,A12;A21,A22"', help="matrix: rows separated by ';', entries by ','")
    norm.add_argument("--p", metavar="P", help="also compute the Lp norm (real P >= 1, or inf); vectors only")
    norm.add_argument("--json", action="store_true", help="print JSON (keys below)")
    _accept_negative_values(norm)
    norm.set_defaults(handler=handle_norm)


def _derivations(results: dict) -> tuple[dict, dict]:
    steps = {name: [r.formula, *r.steps] for name, r in results.items()}
    notes = {name: list(r.notes) for name, r in results.items()}
    return steps, notes


def _text_block(title: str, labels: dict[str, str], results: dict, value_text) -> str:
    width = max(len(labels[name]) for name in results)
    lines = [title]
    lines += [f"  {labels[name]:<{width}} = {value_text(r.value)}" for name, r in results.items()]
    for name, r in results.items():
        lines += ["", f"{labels[name]}:", *("  " + line for line in r.explain().splitlines())]
    return "\n".join(lines)


def handle_iou(args: argparse.Namespace) -> Output:
    from calculators import boxes

    pred = boxes.parse_box(args.pred, "first box")
    gt = boxes.parse_box(args.gt, "second box")
    results = boxes.box_metrics(pred, gt, pixel_inclusive=args.pixel_inclusive)
    steps, notes = _derivations(results)
    data = {name: r.value for name, r in results.items()}
    data.update(steps=steps, notes=notes)
    labels = {"iou": "IoU", "giou": "GIoU", "diou": "DIoU", "ciou": "CIoU"}
    title = f"pred {args.pred}  vs  gt {args.gt}" + (" (pixel-inclusive)" if args.pixel_inclusive else "")
    return Output(data, _text_block(title, labels, results, lambda v: f"{v:.6g}"))


def _parse_p(text: str) -> float:
    check_length(text.strip(), MAX_NUMBER_CHARS, f"--p '{shorten(text.strip())}'")
    try:
        if not text.isascii() or "_" in text:  # float() also reads '٣' and '1_0'
            raise ValueError(text)
        return float(text)
    except ValueError:
        raise InputError(f"--p '{shorten(text)}' is not a number; expected a real P >= 1, e.g. --p 3 or --p inf") \
            from None


def _number_text(v) -> str:
    return str(v) if isinstance(v, int) else f"{v:.6g}"


def handle_norm(args: argparse.Namespace) -> Output:
    from calculators import norms

    given = [name for name, value in (("V1,V2,...", args.vector), ("--vector", args.vector_option),
                                      ("--matrix", args.matrix)) if value is not None]
    if len(given) != 1:
        what = "nothing" if not given else " and ".join(given)
        raise InputError(f"got {what}; give exactly one of V1,V2,... / --vector=V1,V2,... / --matrix \"1,2;3,4\"")
    if args.matrix is not None:
        if args.p is not None:
            raise InputError("--p applies to vectors only; matrices get frobenius, nuclear, spectral, l1, linf")
        matrix = norms.parse_matrix(args.matrix)
        results = norms.matrix_norms(matrix)
        labels = {"frobenius": "Frobenius", "nuclear": "nuclear", "spectral": "spectral (2)",
                  "l1": "induced 1", "linf": "induced ∞"}
        title = f"matrix A = {args.matrix} ({len(matrix)}×{len(matrix[0])})"
    else:
        vector = norms.parse_vector(args.vector if args.vector is not None else args.vector_option)
        p = None if args.p is None else _parse_p(args.p)
        results = norms.vector_norms(vector, p)
        labels = {"l0": "L0", "l1": "L1", "l2": "L2", "linf": "L∞", "lp": f"L{args.p}"}
        title = f"vector x = ({', '.join(_number_text(v) for v in vector)})"
    steps, notes = _derivations(results)
    data = {name: r.value for name, r in results.items()}
    if "lp" in results:
        data["p"] = int(p) if p.is_integer() else p if math.isfinite(p) else "inf"  # JSON has no Infinity
    data.update(steps=steps, notes=notes)
    return Output(data, _text_block(title, labels, results, _number_text))
