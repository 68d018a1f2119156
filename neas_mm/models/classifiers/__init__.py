from .neas_supernet_classifier import NEASSupernetClassifier

__all__ = ['NEASSupernetClassifier']
