"""The buyer sandbox's web application factory (see :mod:`sandbox.web.app`)."""

from sandbox.web.app import create_app

__all__ = ["create_app"]
