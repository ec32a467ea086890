"""Saving and loading estimators without pickle: JSON for data, safetensors for arrays.

- :mod:`.archive`: :func:`~.archive.save` and :func:`~.archive.load`, the file format.
- :mod:`.codec`: estimators to plain data and back, from an allow-list of classes.
- :mod:`.networks`: a fitted skorch net to weights and module arguments, and back.
- :mod:`.files`: writing a file next to its target and moving it over at the end.
"""
