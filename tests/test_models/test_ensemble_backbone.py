import random

import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from neas_mm.models import NEASEnsembleBackbone, NEASSupernet
from neas_mm.space import ArchError, EnsembleArch
from neas_mm.testing import TINY_WIDTHS

TINY = TINY_WIDTHS
DEPTHS = (1, 2, 1, 2, 1)


def arch_at(split, seed=0):
    space = NEASSupernet(stage_depths=DEPTHS, **TINY).default_space()
    return space.sample(random.Random(seed), split=split)


@pytest.mark.parametrize('split', range(0, 8))
@pytest.mark.parametrize('fuse', ['mean', 'concat'])
def test_levels_strides_and_channels(split, fuse):
    arch = arch_at(split)
    net = NEASEnsembleBackbone(arch, out_indices=(0, 1, 2, 3, 4), fuse=fuse,
                               **TINY)
    outs = net(torch.randn(2, 3, 64, 64))
    assert len(outs) == 5
    assert [o.shape[-1] for o in outs] == [64 // s for s in (4, 8, 16, 16,
                                                             32)]
    assert tuple(o.shape[1] for o in outs) == net.out_channels
    stage_channels = [8, 16, 24, 32, 40]  # official widths x 0.25
    ends = [0, 2, 3, 5, 6]  # last layer of each stage
    for level, (end, channels) in enumerate(zip(ends, stage_channels)):
        after_split = end >= split
        k = 2 if after_split and fuse == 'concat' else 1
        assert outs[level].shape[1] == channels * k, (level, split)


def test_mean_fusion_averages_the_paths():
    arch = arch_at(2)
    mean = NEASEnsembleBackbone(arch, out_indices=(4, ), fuse='mean', **TINY)
    concat = NEASEnsembleBackbone(arch, out_indices=(4, ), fuse='concat',
                                  **TINY)
    concat.load_state_dict(mean.state_dict())
    x = torch.randn(2, 3, 64, 64)
    a, b = concat(x)[0].chunk(2, dim=1)
    torch.testing.assert_close(mean(x)[0], (a + b) / 2)


def test_frozen_stages_and_norm_eval():
    arch = arch_at(3)
    net = NEASEnsembleBackbone(arch, out_indices=(1, 4), frozen_stages=2,
                               norm_eval=True, **TINY)
    net.train()
    frozen = [net.stem, net.ds, net.shared[0], net.shared[1], net.shared[2]]
    for module in frozen:
        assert all(not p.requires_grad for p in module.parameters())
        assert not module.training
    trainable = net.paths[0][0]  # layer 3 = stage 2
    assert all(p.requires_grad for p in trainable.parameters())
    assert all(not m.training for m in net.modules()
               if isinstance(m, _BatchNorm))
    plain = NEASEnsembleBackbone(arch, out_indices=(1, 4), **TINY).train()
    assert all(m.training for m in plain.modules()
               if isinstance(m, _BatchNorm))


def test_weights_from_a_supernet_checkpoint(tmp_path):
    torch.manual_seed(0)
    supernet = NEASSupernet(stage_depths=DEPTHS, **TINY)
    arch = arch_at(4, seed=3)
    ckpt = tmp_path / 'supernet.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in
                               supernet.state_dict().items()}}, ckpt)
    net = NEASEnsembleBackbone(arch, supernet_checkpoint=str(ckpt), **TINY)
    net.init_weights()
    supernet.eval()
    net.eval()
    x = torch.randn(2, 3, 64, 64)
    for a, b in zip(supernet(x, arch), net(x)):
        torch.testing.assert_close(a, b)


def test_drop_path_rate_reaches_residual_blocks():
    net = NEASEnsembleBackbone(arch_at(0), drop_path_rate=0.3, **TINY)
    rates = {m.drop_path_rate for m in net.modules()
             if hasattr(m, 'drop_path_rate')}
    assert rates == {0.3}
    with pytest.raises(ValueError, match='drop path rate'):
        net.set_drop_path_rate(1.5)


def test_arch_that_does_not_fit_is_named(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"split": 1, "shared": ["k3_e4"], "paths": '
                   '[["conv9"], ["k5_e4"]], "stage_depths": [1, 1]}')
    with pytest.raises(ArchError, match="unknown operator 'conv9'"):
        NEASEnsembleBackbone(str(bad))
    with pytest.raises(ArchError, match='must have 25 values'):
        NEASEnsembleBackbone([20, 2, 0, 0])
    short = EnsembleArch(split=1, shared=['k3_e4'],
                         paths=[['k5_e4'], ['k7_e4']], stage_depths=(1, 1))
    with pytest.raises(ValueError, match='stage_settings'):
        NEASEnsembleBackbone(short)
    with pytest.raises(ValueError, match='out_indices'):
        NEASEnsembleBackbone(arch_at(0), out_indices=(7, ), **TINY)
    with pytest.raises(ValueError, match='fuse'):
        NEASEnsembleBackbone(arch_at(0), fuse='max', **TINY)


def classifier_checkpoint(tmp_path, arch, prefix):
    """A published classifier file: the backbone's weights under
    ``prefix`` plus a head."""
    torch.manual_seed(1)
    trained = NEASEnsembleBackbone(arch, **TINY)
    state = {f'{prefix}{k}': v for k, v in trained.state_dict().items()}
    state['head.fc.weight'] = torch.randn(10, 192)
    path = tmp_path / 'classifier.pth'
    torch.save({'state_dict': state}, path)
    return trained, path


def test_pretrained_detection_backbone_takes_the_classifier_weights(
        tmp_path):
    arch = arch_at(3)
    trained, path = classifier_checkpoint(tmp_path, arch, 'backbone.')
    torch.manual_seed(2)
    det = NEASEnsembleBackbone(
        arch, out_indices=(1, 4), **TINY,
        init_cfg=dict(type='Pretrained', checkpoint=str(path),
                      prefix='backbone.'))
    det.init_weights()
    own = det.state_dict()
    assert own and all(torch.equal(v, trained.state_dict()[k])
                       for k, v in own.items())


def test_pretrained_that_matches_nothing_is_refused(tmp_path):
    arch = arch_at(3)
    _, path = classifier_checkpoint(tmp_path, arch, 'model.backbone.')
    # Without the prefix every key misses; mmengine alone would only warn.
    net = NEASEnsembleBackbone(arch, out_indices=(4, ), **TINY,
                               init_cfg=dict(type='Pretrained',
                                             checkpoint=str(path)))
    with pytest.raises(ValueError, match="none of its .* set init_cfg"):
        net.init_weights()
    # Another model's file (mmpretrain's MobileNetV2 names) under the
    # right prefix: mmengine would load nothing and only warn.
    other = tmp_path / 'mobilenet.pth'
    torch.save({'state_dict': {
        'backbone.conv1.conv.weight': torch.randn(32, 3, 3, 3),
        'backbone.layer1.0.conv.0.conv.weight': torch.randn(32, 1, 3, 3)}},
        other)
    net = NEASEnsembleBackbone(arch, out_indices=(4, ), **TINY,
                               init_cfg=dict(type='Pretrained',
                                             checkpoint=str(other),
                                             prefix='backbone.'))
    with pytest.raises(ValueError, match="holds 2 keys such as"):
        net.init_weights()
