from .cluttered_digits import prepare_cluttered_digits, read_sources
from .digits_classification import (DIGIT_CLASSES, load_digit_images,
                                    prepare_digits_classification)
from .digits_detection import prepare_digits_detection
from .embedded import EmbeddedClassification, EmbeddedCoco, ensure_prepared
from .prepared_folder import MARKER as MARKER_NAME
from .prepared_folder import folder_is_complete, prepare_folder

__all__ = [
    'prepare_cluttered_digits', 'read_sources',
    'DIGIT_CLASSES', 'load_digit_images', 'prepare_digits_classification',
    'prepare_digits_detection', 'folder_is_complete', 'prepare_folder',
    'EmbeddedClassification', 'EmbeddedCoco', 'ensure_prepared',
    'MARKER_NAME'
]
