"""Looking into fitted estimators: how training went."""

from ._training_curve import TrainingCurveDisplay

__all__ = ["TrainingCurveDisplay"]
