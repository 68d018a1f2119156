"""Multiply-adds of a detection config's backbone, for reports that put a
detector's accuracy beside its backbone's cost."""
from typing import Any, Optional

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from neas_mm.search import count_macs


def detector_backbone_macs(config: str, arch: Optional[Any] = None,
                           size: int = 128) -> float:
    """Backbone multiply-adds (millions) of the mmdet ``config`` on one
    ``size`` x ``size`` image; ``arch`` replaces a NEAS backbone's
    architecture (an arch file, dict or arch list)."""
    cfg = Config.fromfile(config)
    init_default_scope('mmdet')
    from mmdet.registry import MODELS
    backbone_cfg = cfg.model.backbone
    if arch is not None:
        backbone_cfg.arch = arch
    backbone_cfg.pop('init_cfg', None)  # the cost needs no weights
    backbone = MODELS.build(backbone_cfg)
    backbone.eval()  # some backbones' train() does not return self
    with torch.no_grad():
        macs, _ = count_macs(backbone, torch.zeros(1, 3, size, size))
    return macs / 1e6
