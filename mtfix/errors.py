"""Errors that the CLI turns into one-line messages instead of tracebacks."""


class MtfixError(Exception):
    """An error a user can act on; its message is shown as is."""


class ModelUnavailable(MtfixError):
    """A language model could not be found, downloaded or loaded."""


class InputError(MtfixError):
    """An input path could not be read as text."""


class ConfigError(MtfixError):
    """A command-line option or configuration value is invalid."""
