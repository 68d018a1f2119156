"""The two repairs the pinned stack needs (see STACK.md, traps 3 and 4).

Both are applied once, by ``import neas_mm``; nothing else in the project
works around these problems.

1. **mmrazor's NAS parts on torch 2.x.** mmrazor 1.0.0 builds tables of
   quantization backends at import time from ``torch.ao`` APIs that torch 2.x
   renamed or removed, so ``import mmrazor.models`` fails. NAS does not use
   quantization: before mmrazor is first imported we register, in place of
   ``mmrazor.structures.quantization.backend_config``, a module whose
   ``BackendConfigs`` has every backend set to ``None``, which is what mmrazor
   itself does on a torch that lacks those APIs. Quantizers then refuse to
   build; the NAS mutables, mutators, SPOS and search loops import and work.

2. **Resuming on torch >= 2.6.** ``torch.load`` now defaults to
   ``weights_only=True`` and mmengine 0.10.7 does not pass the argument, so a
   Runner cannot resume from a checkpoint it wrote itself (the message hub
   holds Python objects). We route mmengine's local-file loading through
   :func:`load_local_checkpoint`, which unpickles fully **only** the files
   named to :func:`trusted_checkpoints` (entered by ``Runner.resume`` for the
   file it resumes from, and by tools for the checkpoint the user names as
   their own run's output) and stays ``weights_only=True`` for every other
   file, e.g. ``init_cfg=dict(type='Pretrained')`` weights.
"""
import contextlib
import functools
import os
import pickle
import sys
import types
from typing import FrozenSet, Iterator, List, Optional, Union

import torch
from mmengine.utils import digit_version

_QUANT_BACKENDS = 'mmrazor.structures.quantization.backend_config'
# Stack of trusted file sets; None trusts every file.
_trusted: List[Optional[FrozenSet[str]]] = []


def patch_mmrazor_quantization() -> bool:
    """Let mmrazor's NAS parts import on torch >= 2.0 (STACK.md trap 3).

    Returns:
        Whether the stand-in module was installed now.
    """
    if digit_version(torch.__version__) < digit_version('2.0.0'):
        return False  # mmrazor's own tables import there.
    if _QUANT_BACKENDS in sys.modules:
        return False  # Already patched, or mmrazor imported without need.
    module = types.ModuleType(
        _QUANT_BACKENDS,
        doc='neas_mm stand-in: quantization backends unsupported on this '
        'torch; see neas_mm/compat.py.')
    module.BackendConfigs = {
        name: None
        for name in ('academic', 'native', 'tensorrt', 'openvino')
    }
    module.__all__ = ['BackendConfigs']
    sys.modules[_QUANT_BACKENDS] = module
    return True


def _resolve(filename: str) -> str:
    return os.path.realpath(os.path.expanduser(str(filename)))


@contextlib.contextmanager
def trusted_checkpoints(*files: str) -> Iterator[None]:
    """Within this block, the named checkpoint files (every local file if
    none is named) are fully unpickled.

    Use it only for checkpoints this project's own runs wrote: unpickling can
    run arbitrary code.
    """
    _trusted.append(frozenset(_resolve(f) for f in files) if files else None)
    try:
        yield
    finally:
        _trusted.pop()


def checkpoints_trusted(filename: Optional[str] = None) -> bool:
    """Whether ``filename`` (any file, if None) may be fully unpickled."""
    for entry in _trusted:
        if entry is None or (filename is not None and
                             _resolve(filename) in entry):
            return True
    return False


def load_local_checkpoint(filename: str,
                          map_location: Optional[Union[str, torch.device]]
                          = None) -> dict:
    """mmengine's local-file loader with an explicit ``weights_only``.

    Raises:
        FileNotFoundError: If the file does not exist.
        RuntimeError: If an untrusted checkpoint holds Python objects beyond
            tensors and containers; the message says how to proceed.
    """
    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if checkpoints_trusted(filename):
        return torch.load(filename, map_location=map_location,
                          weights_only=False)
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as err:
        raise RuntimeError(
            f'{filename} holds Python objects besides weights and is not '
            'loaded from an untrusted source. To continue a run of your own '
            'use `--resume` (or tools/search.py for a supernet); to use only '
            'its weights, save `state_dict` alone. '
            f'torch said: {str(err).splitlines()[0]}') from err


def patch_mmengine_resume() -> bool:
    """Let ``Runner.resume`` load the run's own checkpoints on torch >= 2.6
    (STACK.md trap 4) while every other load stays weights-only.

    Returns:
        Whether the patch was applied now.
    """
    from mmengine.runner import Runner
    from mmengine.runner.checkpoint import CheckpointLoader
    if getattr(Runner.resume, '_neas_mm_patched', False):
        return False
    # The '' prefix is the local-path scheme: replace its loader.
    CheckpointLoader._schemes[''] = load_local_checkpoint
    original = Runner.resume

    @functools.wraps(original)
    def resume(self, filename, *args, **kwargs):
        with trusted_checkpoints(filename):
            return original(self, filename, *args, **kwargs)

    resume._neas_mm_patched = True
    Runner.resume = resume
    return True


def apply_all() -> None:
    """Apply every repair; idempotent."""
    patch_mmrazor_quantization()
    patch_mmengine_resume()
