"""dlquiz: deep-learning interview drills, calculators and a live lab in the terminal."""

__version__ = "0.1.0"
