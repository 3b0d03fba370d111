"""OpenEPA: end-point assessment from registration to certificate."""

__version__ = "0.1.0"
