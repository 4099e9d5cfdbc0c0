"""Error types shared across framing's modules."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration problem (bad path, column, encoding): exit code 2, one line."""


class ModelIntegrityError(ConfigError, RuntimeError):
    """A model file failed verification and was not loaded (exit code 2 in the CLI)."""
