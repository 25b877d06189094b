"""Crack Detection Training Client backend."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crackdet")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
