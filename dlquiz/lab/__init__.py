"""The live lab: small PyTorch experiments that show gradient vanishing/explosion, overfitting and its
cures, BatchNorm, optimisers and initialisation. torch is imported only when an experiment runs.

`EXPERIMENTS` (metadata) is torch-free so `dlquiz lab list` and the TUI's first frame stay light.
"""
from __future__ import annotations

from dlquiz.lab.catalog import EXPERIMENTS, ExperimentInfo

__all__ = ["EXPERIMENTS", "ExperimentInfo"]
