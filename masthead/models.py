"""The project app's models: those of modules that are not apps of their own."""

from masthead.accounts.models import AccountEmail

__all__ = ["AccountEmail"]
