"""course_utils: the small numpy reference every notebook checks itself against.

Notation: logits z, probabilities S = softmax(z), labels y, classes K, batch size N.
"""

from .gradcheck import numerical_gradient, relative_error
from .losses import (
    cross_entropy,
    cross_entropy_grad,
    cross_entropy_with_logits,
    cross_entropy_with_logits_and_grad,
    one_hot,
)
from .softmax import log_softmax, softmax, softmax_jacobian

__all__ = [
    "softmax",
    "log_softmax",
    "softmax_jacobian",
    "one_hot",
    "cross_entropy",
    "cross_entropy_with_logits",
    "cross_entropy_grad",
    "cross_entropy_with_logits_and_grad",
    "numerical_gradient",
    "relative_error",
]
