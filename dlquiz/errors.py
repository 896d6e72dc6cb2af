"""The app's errors: every fault a user can cause or meet is one of these, with a one-line message
(what was wrong, what is allowed or what to do). The CLI prints it and exits with code 2; the TUI
shows it in red. A leaf module with no imports, so the pure packages (calculators/, question_bank/)
can raise these without loading anything of the app."""


class InputError(ValueError):
    """Bad user input: the message says what was wrong and what is allowed."""


class StoreError(InputError):
    """The progress database can't be used right now (locked, disk full, read-only…); the file was
    left as it is. `kind` is one of: locked, full, io, readonly, cantopen, newer, home, damaged, other."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.kind = kind
