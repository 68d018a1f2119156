"""The embedded data sets, prepared on first use.

``EmbeddedClassification`` (mmpretrain ``CustomDataset``) and
``EmbeddedCoco`` (mmdet ``CocoDataset``) take their dataset's keywords plus
``embedded``, the set their ``data_root`` holds. A ``data_root`` that does
not exist (or is empty) is prepared there with the set's defaults first,
under a file lock, so that processes starting together (torchrun, test
workers) prepare it once. Any folder with content (prepared with other
parameters, or a user's own data in the same layout) is used as it is and
never touched.
"""
import contextlib
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


@contextlib.contextmanager
def _exclusive(path: Path):
    """An exclusive lock on ``path`` (none where fcntl does not exist)."""
    with open(path, 'w') as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no cross-process lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when closed
        yield


def _has_content(root: Path) -> bool:
    return root.is_dir() and any(root.iterdir())


def ensure_prepared(data_root: str, embedded: str) -> Path:
    """Prepare ``embedded`` at ``data_root`` if nothing is there; the
    folder."""
    if embedded not in PREPARE:
        raise ValueError(f'embedded must be one of {sorted(PREPARE)}, got '
                         f'{embedded!r}')
    root = Path(data_root).resolve()
    if (root / MARKER).is_file() or _has_content(root):
        return root
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(root.parent / f'.{root.name}.lock'):
            if not _has_content(root):
                PREPARE[embedded](str(root))
    except Exception as error:
        if root.name == embedded:
            fix = (f'python tools/prepare_data.py --only '
                   f'{COMMAND[embedded]} --data-root {root.parent}')
        else:
            fix = (f'python -c "from neas_mm.datasets import '
                   f'{PREPARE[embedded].__name__}; '
                   f'{PREPARE[embedded].__name__}(\'{root}\')"')
        raise RuntimeError(
            f'{embedded} is not prepared at {root} and preparing it failed '
            f'({type(error).__name__}: {error}); prepare it with: {fix}'
        ) from error
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
