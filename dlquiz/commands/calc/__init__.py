"""`dlquiz calc ...`: one module per calculator family, each with `register(subparsers)`.

size (conv, pool), net (rf, params), memory (training memory), boxes (iou), norms (norm), solve; `format`
renders a Result with its derivation and tables the same way for all of them, `args` holds the argparse glue
they share. Text parsing and the calculations themselves live in calculators/, which the TUI calls too.
"""
