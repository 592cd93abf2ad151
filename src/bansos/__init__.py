"""bansos: an integrated social-assistance system for Indonesia."""

__version__ = "0.1.0"
