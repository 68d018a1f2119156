"""The pinned OpenMMLab stack imports and its compiled parts run."""
import importlib
from pathlib import Path

import pytest
import torch
from torch import nn

import neas_mm

REQUIREMENTS = Path(__file__).resolve().parents[1] / 'requirements'


@pytest.mark.parametrize('name', [
    'torchvision', 'mmengine', 'mmcv', 'mmcv.ops', 'mmdet', 'mmdet.models',
    'mmpretrain', 'mmpretrain.models', 'mmpretrain.engine', 'mmrazor',
    'mmrazor.models', 'mmrazor.engine', 'neas_mm'
])
def test_package_imports(name):
    assert importlib.import_module(name).__name__ == name


def _pins(name):
    pins = {}
    for line in (REQUIREMENTS / f'{name}.txt').read_text().splitlines():
        line = line.split('#')[0].strip()
        if '==' in line:
            package, version = line.split('==')
            pins[package] = version.split(',')[0]
    return pins


def test_installed_versions_match_the_pins():
    pins = {**_pins('torch'), **_pins('mmcv'), **_pins('runtime')}
    assert set(pins) >= {'torch', 'torchvision', 'mmcv', 'mmengine',
                         'mmdet', 'mmpretrain', 'mmrazor'}
    for package, version in pins.items():
        installed = importlib.import_module(package).__version__
        # torch may carry a local label (e.g. +cu130) but never +cpu, whose
        # build torchvision's wheels cannot load (STACK.md trap 1).
        assert installed.split('+')[0] == version, package
        assert not installed.endswith('+cpu'), package


def test_mmcv_compiled_nms():
    from mmcv.ops import nms
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.],
                          [20., 20., 30., 30.]])
    scores = torch.tensor([0.9, 0.8, 0.7])
    dets, keep = nms(boxes, scores, iou_threshold=0.5)
    assert keep.tolist() == [0, 2]
    assert torch.allclose(dets[:, 4], torch.tensor([0.9, 0.7]))


def test_torchvision_nms_operator():
    import torchvision
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
    keep = torchvision.ops.nms(boxes, torch.tensor([0.5, 0.9]), 0.5)
    assert keep.tolist() == [1]


def test_mmrazor_nas_parts_work_through_neas_mm():
    from mmrazor.engine import EvolutionSearchLoop
    from mmrazor.models import NasMutator, OneShotMutableOP
    assert EvolutionSearchLoop.__name__ == 'EvolutionSearchLoop'

    class Net(nn.Module):

        def __init__(self):
            super().__init__()
            self.op = OneShotMutableOP(candidates=nn.ModuleDict(dict(
                conv=nn.Conv2d(4, 4, 3, padding=1), skip=nn.Identity())))

        def forward(self, x):
            return self.op(x)

    net = Net()
    mutator = NasMutator()
    mutator.prepare_from_supernet(net)
    x = torch.randn(2, 4, 8, 8)
    mutator.set_choices({k: 'skip' for k in mutator.current_choices})
    assert torch.equal(net(x), x)
    mutator.set_choices({k: 'conv' for k in mutator.current_choices})
    assert not torch.equal(net(x), x)


def test_quantization_backends_are_refused_not_broken():
    # The narrow mmrazor repair: quantization backend tables are absent.
    from mmrazor.structures.quantization import BackendConfigs
    assert BackendConfigs and all(v is None for v in BackendConfigs.values())
    assert neas_mm.compat.patch_mmrazor_quantization() is False
