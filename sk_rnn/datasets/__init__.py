"""Small real time series shipped inside the package (nothing is downloaded)."""

from ._loaders import load_airline, load_sunspots

__all__ = ["load_airline", "load_sunspots"]
