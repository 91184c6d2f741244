"""The one error type of the timescales app.

Its message is written for people (the command prints it, forms show it),
so it must say what is wrong and what to do, never how the code failed.
"""


class TimescaleError(ValueError):
    """Bad input to a timescale calculation, profile or deadline action."""
