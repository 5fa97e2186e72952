"""Errors a user can cause that stop a command before it can report findings."""


class EtaError(Exception):
    """A usage, configuration or environment error: exit code 2, a message, no traceback."""

    exit_code = 2


class Refused(EtaError):
    """The process does not allow the step, for the reasons given (a downgrade without a
    reason, closing too early): exit code 1, as findings are, since the command was used
    right and the records say no."""

    exit_code = 1
