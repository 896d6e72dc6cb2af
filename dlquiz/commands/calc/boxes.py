"""`dlquiz calc iou`: IoU, GIoU, DIoU and CIoU of two boxes, each with its derivation.

Negative coordinates: argparse normally reads "-5,-5,5,5" as an unknown option; this parser accepts any
argument that starts with "-<digit>" or "-.<digit>" as a value (it defines no such options), so
`dlquiz calc iou -5,-5,5,5 0,0,10,10` works. `-- -5,-5,5,5 0,0,10,10` works as well, on any Python.
"""
from __future__ import annotations

import argparse

from calculators.limits import MAX_NUMBER_CHARS
from dlquiz.commands import Output
from dlquiz.commands.calc.args import accept_negative_values
from dlquiz.commands.calc.format import metrics_json, metrics_text

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
IOU_EPILOG = IOU_EPILOG.replace("{MAX_NUMBER_CHARS}", str(MAX_NUMBER_CHARS))

LABELS = {"iou": "IoU", "giou": "GIoU", "diou": "DIoU", "ciou": "CIoU"}


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
    accept_negative_values(iou)
    iou.set_defaults(handler=handle_iou)


def handle_iou(args: argparse.Namespace) -> Output:
    from calculators import boxes

    pred = boxes.parse_box(args.pred, "first box")
    gt = boxes.parse_box(args.gt, "second box")
    results = boxes.box_metrics(pred, gt, pixel_inclusive=args.pixel_inclusive)
    title = f"pred {args.pred}  vs  gt {args.gt}" + (" (pixel-inclusive)" if args.pixel_inclusive else "")
    return Output(metrics_json(results), metrics_text(title, LABELS, results, lambda v: f"{v:.6g}"))
