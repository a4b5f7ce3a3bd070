"""The admin wiring of the parts of the `masthead` app that are not apps of their own."""

from masthead.accounts import wagtail_hooks  # noqa: F401  (registers its hooks)
