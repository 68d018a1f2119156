import random
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from torch.nn.modules.batchnorm import _BatchNorm

from neas_mm.evaluation import SupernetScorer
from neas_mm.models.utils import recalibrated_paths
from neas_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def supernet(tiny_supernet):
    cfg = Config.fromfile(str(REPO / 'configs' / 'neas' /
                              'neas_supernet_k2_cluttered.py'))
    cfg.merge_from_dict(tiny_supernet)
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def predictions(model, arch, calib, x):
    with torch.no_grad(), recalibrated_paths(model, model.backbone, arch,
                                             [calib]):
        return torch.stack(model.head(model.backbone(x, arch))).mean(0) \
            .argmax(1)


def test_scores_the_named_ensemble_with_recalibrated_bn(supernet):
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (48, 3, 32, 32), dtype=torch.uint8,
                           generator=gen)
    calib = images[:32]
    rng = random.Random(0)
    arch_a, arch_b = supernet.space.sample(rng), supernet.space.sample(rng)
    norm = (images.float() - 127.5) / 127.5
    # Labels = arch A's own predictions: A scores 1, another arch less.
    labels = predictions(supernet, arch_a, norm[:32], norm)
    assert predictions(supernet, arch_b, norm[:32], norm).ne(labels).any()
    before = {k: v.clone() for k, v in supernet.state_dict().items()
              if isinstance(v, torch.Tensor)}
    # Stale running statistics must not matter: they are re-estimated.
    for bn in supernet.modules():
        if isinstance(bn, _BatchNorm):
            bn.running_mean.fill_(5.0)
    stale = {k: v.clone() for k, v in supernet.state_dict().items()
             if isinstance(v, torch.Tensor)}
    # One calibration batch, as in the reference computation above.
    scorer = SupernetScorer(supernet, calib, (images, labels), batch_size=32)
    assert scorer.score(arch_a) == 1.0
    assert scorer.score(arch_b) < 1.0
    assert scorer.score_all([arch_a, arch_b]) == [1.0, scorer.score(arch_b)]
    # Scoring leaves the supernet as it was.
    after = supernet.state_dict()
    assert all(torch.equal(stale[k], after[k]) for k in stale)
    assert any(not torch.equal(before[k], stale[k]) for k in before)
