"""Real data (series shipped inside the package, UCR/UEA archive files read locally), long-memory tasks.

Nothing in this package downloads anything.
"""

from ._loaders import load_airline, load_m1_yearly, load_sunspots
from ._memory_tasks import load_sequential_digits, make_adding_problem, make_copy_task
from ._ts_files import installed_ucr_uea_datasets, load_ts_file, load_ucr_uea

__all__ = [
    "installed_ucr_uea_datasets",
    "load_airline",
    "load_m1_yearly",
    "load_sequential_digits",
    "load_sunspots",
    "load_ts_file",
    "load_ucr_uea",
    "make_adding_problem",
    "make_copy_task",
]
