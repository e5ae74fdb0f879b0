"""prodtui: a keyboard-first terminal workspace for product managers of public digital services."""

__version__ = "0.1.0"
