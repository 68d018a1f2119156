"""Refuse a ``Pretrained`` init_cfg that would load no weight.

mmengine's ``PretrainedInit`` loads with ``strict=False``: a checkpoint whose
keys miss the module's (a wrong ``prefix``, another model's file) logs a
warning and leaves the random initialisation in place.
"""
import re
from typing import Any, Dict, List

import torch
from mmengine.runner import CheckpointLoader
from torch import nn


def _pretrained_cfgs(init_cfg: Any) -> List[Dict[str, Any]]:
    cfgs = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
    return [c for c in cfgs
            if isinstance(c, dict) and c.get('type') == 'Pretrained']


def check_pretrained_matches(module: nn.Module, init_cfg: Any) -> None:
    """Raise a ValueError if a ``Pretrained`` entry of ``init_cfg`` holds
    no tensor with the name and shape of one of ``module``'s parameters
    (BN counters, scalars that always fit, do not count)."""
    own = dict(module.named_parameters())
    for cfg in _pretrained_cfgs(init_cfg):
        checkpoint = CheckpointLoader.load_checkpoint(cfg['checkpoint'],
                                                      map_location='cpu')
        state = checkpoint.get('state_dict', checkpoint)
        prefix = cfg.get('prefix')
        if prefix:
            prefix = prefix if prefix.endswith('.') else prefix + '.'
            state = {k[len(prefix):]: v for k, v in state.items()
                     if k.startswith(prefix)}
        else:  # as mmengine's default revise_keys: DDP's 'module.'
            state = {re.sub(r'^module\.', '', k): v
                     for k, v in state.items()}
        matched = [k for k, v in state.items() if torch.is_tensor(v) and
                   k in own and v.shape == own[k].shape]
        if not matched:
            raise ValueError(
                f'init_cfg Pretrained {cfg["checkpoint"]} (prefix '
                f'{prefix!r}) gives {type(module).__name__} none of its '
                f'{len(own)} parameters: the checkpoint holds '
                f'{len(state)} keys such as {sorted(state)[:2]}, the '
                f'module expects keys such as {sorted(own)[:2]}; set '
                "init_cfg.prefix (e.g. 'backbone.') or check the file")
