from .cluttered_digits import prepare_cluttered_digits, read_sources
from .digits_classification import (DIGIT_CLASSES, load_digit_images,
                                    prepare_digits_classification)
from .digits_detection import prepare_digits_detection
from .prepared_folder import folder_is_complete, prepare_folder

__all__ = [
    'prepare_cluttered_digits', 'read_sources',
    'DIGIT_CLASSES', 'load_digit_images', 'prepare_digits_classification',
    'prepare_digits_detection', 'folder_is_complete', 'prepare_folder'
]
