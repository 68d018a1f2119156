"""Multiply-adds of a detection config's backbone, for reports that put a
detector's accuracy beside its backbone's cost."""
from typing import Any, Optional

import torch
from torch import nn
from mmengine.config import Config
from mmengine.registry import init_default_scope

from neas_mm.search import count_macs


def build_detector_backbone(config: str, arch: Optional[Any] = None,
                            **overrides: Any) -> nn.Module:
    """The backbone of the mmdet ``config``, without its pretrained
    weights; ``arch`` replaces a NEAS backbone's architecture (an arch
    file, dict or arch list) and ``overrides`` other backbone settings
    (e.g. ``fuse='concat'``)."""
    cfg = Config.fromfile(config)
    init_default_scope('mmdet')
    from mmdet.registry import MODELS
    backbone_cfg = cfg.model.backbone
    if arch is not None:
        backbone_cfg.arch = arch
    backbone_cfg.update(overrides)
    backbone_cfg.pop('init_cfg', None)  # no weights are needed
    return MODELS.build(backbone_cfg)


def detector_backbone_macs(config: str, arch: Optional[Any] = None,
                           size: int = 128) -> float:
    """Backbone multiply-adds (millions) of the mmdet ``config`` on one
    ``size`` x ``size`` image; ``arch`` replaces a NEAS backbone's
    architecture (an arch file, dict or arch list)."""
    backbone = build_detector_backbone(config, arch)
    backbone.eval()  # some backbones' train() does not return self
    with torch.no_grad():
        macs, _ = count_macs(backbone, torch.zeros(1, 3, size, size))
    return macs / 1e6
