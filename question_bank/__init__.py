"""The question bank: hand-written bilingual questions (data/*.toml), their loader and
validation, safe answer checking, and generators of numeric questions (answers from calculators/).

No Textual import here; the TUI and the CLI both call these functions.
"""
