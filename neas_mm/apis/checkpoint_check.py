"""A checkpoint named on a tool's command line, checked before any Runner
loads it: missing, unreadable, or made for another model gets one line
that names the file, what was expected and what to run instead."""
import pickle
import zipfile
from pathlib import Path
from typing import Any, Dict, Optional

import torch
from mmengine.model import is_model_wrapper
from torch import nn

from neas_mm.compat import load_local_checkpoint, trusted_checkpoints

TRAIN_HINT = ('train one with `python tools/train.py CONFIG` (checkpoints '
              'land in work_dirs/<config name>/epoch_N.pth)')


class CheckpointError(ValueError):
    """A checkpoint the tool cannot use; the message is one line."""


def read_checkpoint(path: Path) -> Dict[str, Any]:
    """The checkpoint at ``path`` (fully unpickled: the user names a file
    of their own run), or a :class:`CheckpointError` if it is missing,
    unreadable (corrupt, truncated, not a torch file) or holds no
    ``state_dict``."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f'checkpoint {path} does not exist; '
                              f'{TRAIN_HINT}')
    try:
        with trusted_checkpoints(str(path)):
            checkpoint = load_local_checkpoint(str(path), map_location='cpu')
    except (pickle.UnpicklingError, EOFError, RuntimeError, OSError,
            ValueError, zipfile.BadZipFile, AttributeError,
            ModuleNotFoundError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise CheckpointError(
            f'checkpoint {path} cannot be read (corrupt or truncated? torch '
            f'said: {reason[:120]}); use another epoch_N.pth of the run, or '
            f'continue the run with `python tools/train.py CONFIG --resume`'
        ) from None
    if not isinstance(checkpoint, dict) or not isinstance(
            checkpoint.get('state_dict', checkpoint), dict):
        raise CheckpointError(f'{path} holds a {type(checkpoint).__name__}, '
                              'not a checkpoint with a state_dict; '
                              f'{TRAIN_HINT}')
    return checkpoint


def check_fits(path: Path, checkpoint: Dict[str, Any], model: nn.Module,
               config: Optional[str] = None) -> None:
    """Raise a :class:`CheckpointError` unless ``checkpoint``'s weights fit
    ``model`` (mmengine loads non-strictly and would only warn): no common
    weight means a model of another kind, a common weight of another shape
    a model of other widths."""
    if is_model_wrapper(model):  # DDP under --launcher pytorch
        model = model.module
    state = checkpoint.get('state_dict', checkpoint)
    own = model.state_dict()
    # ``_extra_state`` packs data (the supernet's space as JSON bytes), not
    # weights: its length changes with the space.
    tensors = {k: v for k, v in state.items() if torch.is_tensor(v)
               and not k.endswith('_extra_state')}
    common = [k for k in tensors if k in own]
    which = f'the config {config}' if config else 'this config'
    if tensors and not common:
        raise CheckpointError(
            f'{path} holds another kind of model than {which} builds '
            f'({type(model).__name__}): none of its {len(tensors)} weights '
            f'(e.g. {next(iter(tensors))}) is one of the model\'s; pass the '
            'checkpoint of a run of this config')
    for key in common:
        if tensors[key].shape != own[key].shape:
            raise CheckpointError(
                f'{path} was trained with other widths than {which}: {key} '
                f'is {tuple(tensors[key].shape)} there and '
                f'{tuple(own[key].shape)} here; use the config the '
                'checkpoint was trained with')
