"""A local stand-in of the government's apprenticeship assessment service (see service.py)."""

from tests.standin.service import StandIn

__all__ = ["StandIn"]
