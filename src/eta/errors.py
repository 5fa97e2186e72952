"""Errors a user can cause that stop a command before it can report findings."""


class EtaError(Exception):
    """A usage, configuration or environment error: exit code 2, a message, no traceback."""

    exit_code = 2
