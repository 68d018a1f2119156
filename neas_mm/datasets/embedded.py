"""The embedded data sets, prepared on first use.

``EmbeddedClassification`` (mmpretrain ``CustomDataset``) and
``EmbeddedCoco`` (mmdet ``CocoDataset``) take their dataset's keywords plus
``embedded``, the set their ``data_root`` holds. A ``data_root`` without a
complete prepared folder is prepared there with the set's defaults first,
under a file lock, so that processes starting together (torchrun, test
workers) prepare it once. A folder already prepared, with any parameters,
is used as it is.
"""
import fcntl
from pathlib import Path
from typing import Any, Callable, Dict

from neas_mm.registry import DATASETS
from .cluttered_digits import prepare_cluttered_digits
from .digits_classification import prepare_digits_classification
from .digits_detection import prepare_digits_detection
from .prepared_folder import MARKER

PREPARE: Dict[str, Callable[[str], Any]] = {
    'digits_cls': prepare_digits_classification,
    'cluttered_digits': prepare_cluttered_digits,
    'digits_det': prepare_digits_detection,
}
COMMAND = {'digits_cls': 'cls', 'cluttered_digits': 'cluttered',
           'digits_det': 'det'}


def ensure_prepared(data_root: str, embedded: str) -> Path:
    """Prepare ``embedded`` at ``data_root`` unless a complete prepared
    folder is there; the folder."""
    if embedded not in PREPARE:
        raise ValueError(f'embedded must be one of {sorted(PREPARE)}, got '
                         f'{embedded!r}')
    root = Path(data_root).resolve()
    if (root / MARKER).is_file():
        return root
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        with open(root.parent / f'.{root.name}.lock', 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed
            if not (root / MARKER).is_file():
                PREPARE[embedded](str(root))
    except Exception as error:
        raise RuntimeError(
            f'{embedded} is not prepared at {root} and preparing it failed '
            f'({type(error).__name__}: {error}); prepare it with: python '
            f'tools/prepare_data.py --only {COMMAND[embedded]} '
            f'--data-root {root.parent}') from error
    return root


@DATASETS.register_module()
def EmbeddedClassification(embedded: str = 'digits_cls', **kwargs: Any):
    """mmpretrain's ``CustomDataset`` over an embedded classification set
    (``'digits_cls'`` or ``'cluttered_digits'``), prepared on first use."""
    from mmpretrain.datasets import CustomDataset
    ensure_prepared(kwargs['data_root'], embedded)
    return CustomDataset(**kwargs)


@DATASETS.register_module()
def EmbeddedCoco(embedded: str = 'digits_det', **kwargs: Any):
    """mmdet's ``CocoDataset`` over the embedded detection set, prepared on
    first use."""
    from mmdet.datasets import CocoDataset
    ensure_prepared(kwargs['data_root'], embedded)
    return CocoDataset(**kwargs)
