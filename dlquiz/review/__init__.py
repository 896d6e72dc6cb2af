"""Review engine: FSRS scheduling, the SQLite progress store and drill sessions. No Textual here."""
