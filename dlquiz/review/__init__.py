"""Review engine: FSRS scheduling, the SQLite progress store, question filters, drill sessions and their
plain-terminal runner. No Textual here."""
