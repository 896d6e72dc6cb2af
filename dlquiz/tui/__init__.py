"""The Textual UI: a thin layer over calculators/, question_bank/, dlquiz.review and dlquiz.lab."""
