"""Real data: small series shipped inside the package, and UCR/UEA archive files read locally.

Nothing in this package downloads anything.
"""

from ._loaders import load_airline, load_sunspots
from ._ts_files import installed_ucr_uea_datasets, load_ts_file, load_ucr_uea

__all__ = ["installed_ucr_uea_datasets", "load_airline", "load_sunspots", "load_ts_file", "load_ucr_uea"]
