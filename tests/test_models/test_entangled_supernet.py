"""Weight-entangled operators: slicing, export and per-path BN statistics."""
import random

import pytest
import torch

from neas_mm.models import NEASEnsembleBackbone, NEASSupernet
from neas_mm.models.blocks import EntangledMBConv
from neas_mm.models.utils import recalibrated_bn, recalibrated_paths
from neas_mm.search import FlopsTable
from neas_mm.space import OP_NAMES, ArchError
from neas_mm.testing import TINY_WIDTHS

TINY = dict(TINY_WIDTHS, stage_depths=(1, 2, 1, 2, 1), feature_channels=96)


def supernet(num_paths=2, operators='entangled'):
    torch.manual_seed(0)
    return NEASSupernet(num_paths=num_paths, operators=operators, **TINY)


def static_from(net, arch):
    kwargs = {k: v for k, v in TINY.items() if k != 'stage_depths'}
    static = NEASEnsembleBackbone(arch, **kwargs)
    static.load_supernet_weights(net.state_dict())
    return static


def test_every_operator_is_a_slice_of_the_largest():
    layer = EntangledMBConv(16, 16, 1, OP_NAMES, alias='layer0')
    x = torch.randn(4, 16, 8, 8)
    layer.train()
    for op in ('k3_e4', 'k7_e6'):  # running statistics differ per slice
        layer.forward_choice(x * 2, op)
    layer.eval()
    for op in OP_NAMES:
        static = layer.static_op(op)
        assert not static.training
        torch.testing.assert_close(layer.forward_choice(x, op), static(x))
    # One set of weights: the largest operator's.
    sizes = {n: p.shape for n, p in layer.named_parameters()}
    assert sizes['block.depthwise.conv.weight'] == (96, 1, 7, 7)
    # k3_e4 trained only the first 64 hidden channels' statistics.
    bn = layer.block.expand.bn
    layer.train()
    before = bn.running_mean.clone()
    layer.forward_choice(x, 'k3_e4')
    assert not torch.equal(before[:64], bn.running_mean[:64])
    assert torch.equal(before[64:], bn.running_mean[64:])


def test_a_wrong_operator_is_refused():
    with pytest.raises(ValueError, match='skip needs stride 1'):
        EntangledMBConv(16, 24, 2, ('k3_e4', 'skip'))
    with pytest.raises(ValueError, match="must be dict"):
        EntangledMBConv(16, 16, 1, ('k3_e4', ), norm_cfg=dict(type='GN'))
    with pytest.raises(ValueError, match="must be dict"):
        EntangledMBConv(16, 16, 1, ('k3_e4', ),
                        norm_cfg=dict(type='BN', affine=False))
    layer = EntangledMBConv(16, 24, 2, ('k3_e4', 'k5_e6'))
    with pytest.raises(ValueError, match="'k7_e6' is not among"):
        layer.forward_choice(torch.randn(1, 16, 8, 8), 'k7_e6')
    with pytest.raises(ValueError, match="operators must be one of"):
        NEASSupernet(operators='shared', **TINY)


@pytest.mark.parametrize('split', [0, 2, 5, 7])
def test_supernet_equals_the_sliced_static_ensemble(split):
    net = supernet()
    space = net.default_space()
    arch = space.sample(random.Random(split), split=split)
    static = static_from(net, arch)
    x = torch.randn(4, 3, 32, 32)
    for a, b in zip(net(x, arch), static(x)):  # batch statistics
        torch.testing.assert_close(a, b)
    # Running statistics too: after training steps on several ensembles
    # (K = 1, so no two paths share a layer's statistics).
    single = supernet(num_paths=1)
    rng = random.Random(split)
    for _ in range(3):
        single(torch.randn(8, 3, 32, 32) * 2 + 1,
               single.default_space().sample(rng))
    arch = single.default_space().sample(rng, split=split)
    static = static_from(single, arch).eval()
    single.eval()
    torch.testing.assert_close(single(x, arch)[0], static(x)[0])


def test_gradients_of_a_single_path_match_the_static_network():
    net = supernet(num_paths=1)
    arch = net.default_space().sample(random.Random(1), split=3)
    static = static_from(net, arch)
    x = torch.randn(4, 3, 32, 32)
    net(x, arch)[0].sum().backward()
    static(x)[0].sum().backward()
    full = dict(net.named_parameters())
    for name, param in static.named_parameters():
        if name.startswith(('shared.', 'paths.')):
            continue  # compared through their slices below
        torch.testing.assert_close(full[name].grad, param.grad, msg=name)
    from neas_mm.models import slice_supernet_state_dict
    sliced = slice_supernet_state_dict(
        {n: p.grad for n, p in net.named_parameters()}, arch, net.se_ratio)
    for name, param in static.named_parameters():
        torch.testing.assert_close(sliced[name], param.grad, msg=name)


def test_per_path_recalibration_equals_the_static_ensemble():
    """Paths that use overlapping slices of one layer get their own BN
    statistics; estimating them jointly would not match."""
    net = supernet()
    arch = net.default_space().sample(random.Random(3), split=2)
    net.train()
    for _ in range(2):
        sum(f.sum() for f in net(torch.randn(8, 3, 32, 32), arch)).backward()
    static = static_from(net, arch)
    batches = [torch.randn(16, 3, 32, 32) for _ in range(2)]
    x = torch.randn(8, 3, 32, 32)
    with recalibrated_bn(static, static, batches):
        expected = static(x)
    with recalibrated_paths(net, net, arch, batches):
        got = net(x, arch)
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b)
    with recalibrated_bn(net, lambda v: net(v, arch), batches):
        joint = net(x, arch)
    assert not torch.allclose(joint[1], expected[1], atol=1e-3)


def test_path_statistics_serve_only_their_ensemble_in_eval_mode():
    net = supernet()
    space = net.default_space()
    arch, other = space.sample(random.Random(1)), space.sample(
        random.Random(2))
    batches = [torch.randn(8, 3, 32, 32)]
    with recalibrated_paths(net, net, arch, batches):
        with pytest.raises(ArchError, match='recalibrated for'):
            net(batches[0], other)
        inner = net.path_bn_stats
        # Nested use restores the outer statistics afterwards.
        with recalibrated_paths(net, net, other, batches):
            net(batches[0], other)
        assert net.path_bn_stats is inner
        net.train()
        with pytest.raises(RuntimeError, match='train mode'):
            net(batches[0], arch)
        net.eval()
    assert net.path_bn_stats is None


def test_flops_table_and_fix_subnet_match_independent_operators():
    net, ref = supernet(), supernet(operators='independent')
    archs = [net.default_space().sample(random.Random(s)) for s in range(5)]
    table = FlopsTable.from_supernet(net, (32, 32), 10)
    ref_table = FlopsTable.from_supernet(ref, (32, 32), 10)
    assert [table.macs(a) for a in archs] == \
        [ref_table.macs(a) for a in archs]
    assert [table.params(a) for a in archs] == \
        [ref_table.params(a) for a in archs]
    # Same mmrazor fix_subnet, and mmrazor can apply it.
    from mmrazor.structures import load_fix_subnet
    fix = net.export_path(archs[0], 1)
    assert {k: v.chosen for k, v in fix.items()} == \
        {k: v.chosen for k, v in ref.export_path(archs[0], 1).items()}
    fixed = supernet()
    load_fix_subnet(fixed, fix)
    assert [layer.current_choice for layer in fixed.layers] == \
        list(archs[0].path_ops(1))
    assert all(layer.mutable.is_fixed for layer in fixed.layers)


def test_a_checkpoint_of_the_other_operator_kind_is_refused():
    state = supernet(operators='independent').state_dict()
    with pytest.raises(ValueError, match="model.backbone.operators="
                       "'independent'"):
        supernet().load_state_dict(state, strict=False)
    from mmengine.runner.checkpoint import load_state_dict
    with pytest.raises(ValueError, match='entangled operators'):
        load_state_dict(supernet(operators='independent'),
                        supernet().state_dict())
