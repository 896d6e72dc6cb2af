"""Pure interview math: conv/pool sizes, receptive fields, parameter counts, boxes, norms.

Nothing here imports torch or textual; SymPy is imported only by `calculators.solve`.
Every public function returns a `Result` (value + derivation) or raises `InputError`.
"""
from dlquiz.errors import InputError
from calculators.result import Result

__all__ = ["InputError", "Result"]
