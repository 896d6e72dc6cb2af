"""Pure interview math: conv/pool sizes, receptive fields, parameter counts, boxes, norms.

Nothing here imports torch or textual; SymPy is imported only by `calculators.solve`.
Every public function returns a `Result` (value + derivation) or raises `InputError`.
"""
from calculators.result import Result
from dlquiz.errors import InputError

__all__ = ["InputError", "Result"]
