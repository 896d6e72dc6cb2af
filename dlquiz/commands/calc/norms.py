"""`dlquiz calc norm`: vector norms (L0, L1, L2, Lp, L∞) or matrix norms, each with its derivation.

Negative numbers: argparse normally reads "-3,4" or "-inf" as an unknown option. This parser accepts any
argument that starts with "-<digit>" or "-.<digit>", and -inf, as a value (it defines no such options), so
`dlquiz calc norm -3,4` and `--p -inf` work. `--vector=-3,4`, `--p=-inf` and `-- -3,4` work as well, on any Python.
"""
from __future__ import annotations

import argparse

from calculators.limits import NUMBER_LIMIT_HELP, help_block
from dlquiz.commands import Output
from dlquiz.commands.calc.args import accept_negative_values
from dlquiz.commands.calc.format import metrics_json, metrics_text
from dlquiz.errors import InputError

NORM_EPILOG = """\
vector norms: l0 (count of non-zeros; not a true norm), l1, l2, linf, and lp with --p P (P >= 1 or inf;
-inf gives min |x_i|, numpy's ord=-inf, not a norm).
matrix norms: frobenius, nuclear (sum of singular values), spectral (largest singular value),
l1 = induced 1-norm (largest absolute column sum), linf = induced inf-norm (largest absolute row sum).
--matrix with --p P adds numpy.linalg.norm(A, ord=P) for P = 1, 2, inf or -1, -2, -inf: the negative orders
are the smallest absolute column sum, the smallest singular value, the smallest absolute row sum (not norms).
--json prints those keys (+ "lp" and "p" with --p; p = -inf is the string "-inf") plus "steps" and "notes"
per norm; integer inputs give integer l0/l1/linf (and l2/lp/frobenius when the root is exact, e.g. 3,4 -> l2 = 5).

examples:
  dlquiz calc norm 3,-4,0
  dlquiz calc norm -3,4 --p 3                 a leading minus works as a value
  dlquiz calc norm --vector=-3,4 --json        same, the explicit way
  dlquiz calc norm 1,2 --p -inf                min |x_i|
  dlquiz calc norm --matrix "1,2;3,4"
  dlquiz calc norm --matrix "1,2;3,4" --p -2   smallest singular value
  dlquiz calc norm --matrix "-1,2;3,-4" --json

{NUMBER_LIMIT}
"""
NORM_EPILOG = NORM_EPILOG.replace("{NUMBER_LIMIT}", help_block(NUMBER_LIMIT_HELP))

MATRIX_LABELS = {"frobenius": "Frobenius", "nuclear": "nuclear", "spectral": "spectral (2)", "l1": "induced 1",
                 "linf": "induced ∞"}
VECTOR_LABELS = {"l0": "L0", "l1": "L1", "l2": "L2", "linf": "L∞"}  # and "lp": "L<p as typed>"


def register(subparsers: argparse._SubParsersAction) -> None:
    norm = subparsers.add_parser(
        "norm", help="vector norms (L0, L1, L2, Lp, L∞) or matrix norms (Frobenius, nuclear, spectral, 1, ∞)",
        description="Vector or matrix norms, each with its derivation.",
        epilog=NORM_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    norm.add_argument("vector", nargs="?", metavar="V1,V2,...", help="vector entries separated by commas")
    norm.add_argument("--vector", dest="vector_option", metavar="V1,V2,...",
                      help="the same vector as an option; write --vector=-3,4 when it starts with a minus")
    norm.add_argument("--matrix", metavar='"A11,A12;A21,A22"', help="matrix: rows separated by ';', entries by ','")
    norm.add_argument("--p", metavar="P", help="also compute the Lp norm (real P >= 1, inf, or -inf = min |x_i|); "
                                             "with --matrix: numpy's order 1, 2, inf, -1, -2 or -inf")
    norm.add_argument("--json", action="store_true", help="print JSON (keys below)")
    accept_negative_values(norm)
    norm.set_defaults(handler=handle_norm)


def number_text(v: int | float) -> str:
    return str(v) if isinstance(v, int) else f"{v:.6g}"


def handle_norm(args: argparse.Namespace) -> Output:
    from calculators import norms
    from calculators.inputs import p_json, parse_p

    given = [name for name, value in (("V1,V2,...", args.vector), ("--vector", args.vector_option),
                                      ("--matrix", args.matrix)) if value is not None]
    if len(given) != 1:
        what = "nothing" if not given else " and ".join(given)
        raise InputError(f"got {what}; give exactly one of V1,V2,... / --vector=V1,V2,... / --matrix \"1,2;3,4\"")
    extra = {}
    p = None if args.p is None else parse_p(args.p)
    if args.matrix is not None:
        matrix = norms.parse_matrix(args.matrix)
        results = norms.matrix_norms(matrix, p)
        labels = {**MATRIX_LABELS, "lp": f"order {args.p.strip() if args.p else ''}"}
        title = f"matrix A = {args.matrix} ({len(matrix)}×{len(matrix[0])})"
    else:
        vector = norms.parse_vector(args.vector if args.vector is not None else args.vector_option)
        results = norms.vector_norms(vector, p)
        labels = {**VECTOR_LABELS, "lp": f"L{args.p.strip() if args.p else ''}"}
        title = f"vector x = ({', '.join(number_text(v) for v in vector)})"
    if p is not None:
        extra["p"] = p_json(p)
    return Output(metrics_json(results, extra), metrics_text(title, labels, results, number_text))
