"""UCR/UEA archive data sets from ``.ts`` files, in sk_rnn's ``(n, T, F)`` convention.

The archive's ``.ts`` format (used by aeon and sktime) holds one case per line:
each dimension's values separated by commas, dimensions separated by colons,
and the class label or regression target last. aeon and sktime ship a few
archive data sets inside their wheels; :func:`load_ucr_uea` reads them from
there without importing either package, and nothing is downloaded.
"""

from __future__ import annotations

import glob
import importlib.util
from pathlib import Path

import numpy as np

from .._compat import StrOptions, validate_params

__all__ = ["installed_ucr_uea_datasets", "load_ts_file", "load_ucr_uea"]

# Packages whose wheels carry .ts files, in the order they are searched.
_PROVIDERS = ("sktime", "aeon")


def _header_flag(headers: dict[str, str], key: str) -> bool:
    return headers.get(key, "false").split()[0].lower() == "true"


def _labelled(headers: dict[str, str]) -> bool:
    """Whether each case ends with a label: all but files declaring ``@classLabel false`` alone."""
    declared = headers.get("classlabel", "").split()[:1]
    return declared != ["false"] or _header_flag(headers, "targetlabel")


def _values(path: Path, line: int, text: str, what: str = "values") -> np.ndarray:
    """Comma-separated numbers (``?`` missing) as float64, or an error naming the file and line."""
    try:
        return np.array(text.replace("?", "nan").split(","), dtype=np.float64)
    except ValueError as error:
        raise ValueError(
            f"{path.name}, line {line}: expected comma-separated numbers as {what} (? for a "
            f"missing one), got {text[:60]!r} ({error})."
        ) from None


@validate_params({"path": [str, Path]}, prefer_skip_nested_validation=True)
def load_ts_file(path: str | Path) -> tuple[np.ndarray | list[np.ndarray], np.ndarray | None]:
    """Read a ``.ts`` file of the UCR/UEA archive.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features) or list of ndarray of shape (T_i, n_features)
        float64 sequences, batch first: a 3-D array when every case has the
        same length, a list of arrays otherwise (the ragged form every sk_rnn
        estimator takes). Missing values (``?`` or ``NaN``) are NaN.
    y : ndarray of shape (n_samples,) or None
        Class labels as strings (as the file spells them) or, for a
        regression file (``@targetLabel true``), float targets; None for a
        file without labels (``@classLabel false``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sk_rnn.datasets import load_ts_file
    >>> text = "@problemName demo\\n@classLabel true a b\\n@data\\n1,2,3:4,5,6:a\\n7,8:9,10:b\\n"
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.ts"
    >>> _ = path.write_text(text)
    >>> X, y = load_ts_file(path)
    >>> [x.shape for x in X], y.tolist()
    ([(3, 2), (2, 2)], ['a', 'b'])
    """
    path = Path(path)
    headers: dict[str, str] = {}
    cases: list[np.ndarray] = []
    labels: list[str] = []
    label_lines: list[int] = []
    in_data = False
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                if line.lower() == "@data":
                    in_data = True
                    labelled = _labelled(headers)  # the headers are all read by now
                elif line.startswith("@"):
                    key, _, value = line[1:].partition(" ")
                    headers[key.lower()] = value.strip()
                continue
            if _header_flag(headers, "timestamps"):
                raise ValueError(
                    f"{path.name} stores time stamps (@timeStamps true), which load_ts_file does not "
                    "read; use aeon.datasets.load_from_ts_file for it."
                )
            if labelled:
                *dimensions, label = line.split(":")
            else:
                dimensions, label = line.split(":"), ""
            if not dimensions:
                raise ValueError(
                    f"{path.name}, line {number}: expected values and a label separated by ':', got "
                    f"{line[:60]!r}."
                )
            columns = [_values(path, number, dimension) for dimension in dimensions]
            if len({len(c) for c in columns}) > 1:
                raise ValueError(
                    f"{path.name}, line {number}: the dimensions of one case have different lengths "
                    f"{[len(c) for c in columns]}; sk_rnn needs every feature of a step present."
                )
            cases.append(np.stack(columns, axis=1))
            labels.append(label.strip())
            label_lines.append(number)
    if not in_data:
        raise ValueError(f"{path.name} has no @data line: it is not a .ts file of the UCR/UEA archive.")
    if not cases:
        raise ValueError(f"{path.name} holds no case after its @data line.")
    if not labelled:
        y = None
    elif _header_flag(headers, "targetlabel"):
        y = np.concatenate(
            [
                _values(path, line, label, what="a target")
                for line, label in zip(label_lines, labels, strict=True)
            ]
        )
    else:
        y = np.array(labels)
    if len({len(case) for case in cases}) == 1:
        return np.stack(cases), y
    return cases, y


def _data_folders() -> list[Path]:
    """``datasets/data`` of every installed provider, found without importing it."""
    folders = []
    for package in _PROVIDERS:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            folder = Path(spec.origin).parent / "datasets" / "data"
            if folder.is_dir():
                folders.append(folder)
    return folders


def installed_ucr_uea_datasets() -> list[str]:
    """Names of the archive data sets whose train and test files an installed package ships.

    Examples
    --------
    >>> from sk_rnn.datasets import installed_ucr_uea_datasets
    >>> isinstance(installed_ucr_uea_datasets(), list)
    True
    """
    names = set()
    for folder in _data_folders():
        for train in folder.glob("*/*_TRAIN.ts"):
            name = train.name[: -len("_TRAIN.ts")]
            if (train.parent / f"{name}_TEST.ts").is_file():
                names.add(name)
    return sorted(names)


@validate_params(
    {"name": [str], "split": [StrOptions({"train", "test"})]}, prefer_skip_nested_validation=True
)
def load_ucr_uea(name: str, *, split: str = "train") -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    """Load a UCR/UEA archive data set from the ``.ts`` files inside an installed aeon or sktime.

    Nothing is downloaded: install ``sktime`` or ``aeon`` (``pip install
    sk_rnn[benchmark]`` installs both), whose wheels ship a few archive data
    sets, among them GunPoint, ArrowHead, OSULeaf, ACSF1, ItalyPowerDemand,
    BasicMotions and JapaneseVowels; sktime adds PLAID and the regression
    sets Tecator and Covid3Month, aeon adds PickupGestureWiimoteZ.

    Licence: nothing is shipped with sk_rnn; the files are read where aeon or
    sktime installed them (both BSD-3-Clause). The UCR and UEA archives make
    their data sets freely available for research and ask that uses cite the
    archive (Dau et al. 2019, "The UCR time series archive"; Bagnall et al.
    2018, "The UEA multivariate time series classification archive") and the
    donor of each data set; check a data set's own terms before any other use.

    Parameters
    ----------
    name : str
        Data set name, as the archive spells it (``"GunPoint"``).
    split : {"train", "test"}, default="train"
        The archive's official split.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features) or list of ndarray of shape (T_i, n_features)
        See :func:`load_ts_file`.
    y : ndarray of shape (n_samples,)
        Class labels (strings) or regression targets (floats).

    Examples
    --------
    >>> from sk_rnn.datasets import installed_ucr_uea_datasets, load_ucr_uea
    >>> if "GunPoint" in installed_ucr_uea_datasets():  # sktime or aeon is installed
    ...     X, y = load_ucr_uea("GunPoint")
    ...     assert X.shape == (50, 150, 1) and sorted(set(y)) == ["1", "2"]
    """
    filename = f"{name}_{split.upper()}.ts"
    folders = _data_folders()
    for folder in folders:
        # Variants (GunPoint's "_eq" files, say) sit in their parent's folder.
        # Escaped: a name such as "*" is no pattern but a data set that does not exist.
        for path in [folder / name / filename, *sorted(folder.glob(f"*/{glob.escape(filename)}"))]:
            if path.is_file():
                return load_ts_file(path)
    if not folders:
        raise ValueError(
            f"load_ucr_uea reads {filename} from the files of an installed sktime or aeon, but neither "
            "is installed. Install one (pip install sktime), or read your own copy with load_ts_file."
        )
    raise ValueError(
        f"load_ucr_uea found no {filename} in the installed "
        f"{' or '.join(folder.parents[1].name for folder in folders)}. "
        f"Data sets available here: {', '.join(installed_ucr_uea_datasets())}. Read other archive "
        "files with load_ts_file."
    )
