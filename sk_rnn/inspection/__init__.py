"""Looking into fitted estimators: how training went, and how far back the gradient reaches."""

from ._gradient_flow import GradientFlowDisplay
from ._training_curve import TrainingCurveDisplay

__all__ = ["GradientFlowDisplay", "TrainingCurveDisplay"]
