"""The one error type user input can cause."""


class InputError(ValueError):
    """Bad user input. The message is one line: what was wrong and what is allowed.

    The CLI prints it and exits with code 2; the TUI shows it in red.
    """
