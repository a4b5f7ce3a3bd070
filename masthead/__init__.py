"""Masthead: a self-hosted platform for independent newsrooms."""

__version__ = "0.1.0"
