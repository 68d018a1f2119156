import random

import pytest
import torch

from neas_mm.models import (NEASEnsembleBackbone, NEASSupernet,
                            slice_supernet_state_dict)
from neas_mm.space import ArchError, EnsembleArch
from neas_mm.testing import TINY_WIDTHS

# Two layers in stages 1 and 3 (a skip-able layer), narrow features.
TINY = dict(TINY_WIDTHS, num_paths=2, stage_depths=(1, 2, 1, 2, 1),
            feature_channels=96)
STATIC_KEYS = ('widen_factor', 'tail_channels', 'feature_channels')


def tiny_supernet(**overrides):
    torch.manual_seed(0)
    return NEASSupernet(**{**TINY, **overrides})


def static_from(supernet, arch, **overrides):
    kwargs = {k: TINY[k] for k in STATIC_KEYS}
    kwargs.update(overrides)
    static = NEASEnsembleBackbone(arch, **kwargs)
    static.load_supernet_weights(supernet.state_dict())
    return static


def test_structure_follows_the_skeleton():
    net = NEASSupernet()
    assert net.num_layers == 20
    assert [s.out_channels for s in net.shapes[::4]] == [24, 40, 80, 112,
                                                         160]
    assert [s.stride for s in net.shapes[::4]] == [2, 2, 2, 1, 2]
    assert 'skip' not in net.layers[4]._candidates
    assert 'skip' in net.layers[5]._candidates
    assert len(net.layers[5]._candidates) == 7
    assert net.tails[0].conv.conv.out_channels == 960
    assert net.feature_channels == 1280


@pytest.mark.parametrize('split', range(0, 8))
def test_supernet_equals_static_network(split):
    supernet = tiny_supernet()
    space = supernet.default_space()
    arch = space.sample(random.Random(split), split=split)
    static = static_from(supernet, arch)
    x = torch.randn(4, 3, 32, 32)
    out_super = supernet(x, arch)
    out_static = static(x)
    assert len(out_super) == 2
    assert out_super[0].shape == (4, supernet.feature_channels) == (4, 24)
    for a, b in zip(out_super, out_static):
        torch.testing.assert_close(a, b)
    # Gradients: every parameter of the static network receives the same
    # gradient as the supernet weight it was cut from.
    weights = torch.randn_like(out_super[0])
    sum((o * weights).sum() for o in out_super).backward()
    sum((o * weights).sum() for o in out_static).backward()
    grads = slice_supernet_state_dict(
        {n: p.grad for n, p in supernet.named_parameters()
         if p.grad is not None}, arch, supernet.se_ratio)
    static_grads = {n: p.grad for n, p in static.named_parameters()}
    assert set(grads) == set(static_grads)
    for name, grad in static_grads.items():
        torch.testing.assert_close(grads[name], grad, msg=name)
    # Candidates the architecture does not use receive no gradient.
    unused = [n for n, p in supernet.named_parameters() if p.grad is None]
    assert unused


def test_shared_gradient_scale():
    x = torch.randn(2, 3, 32, 32)
    arch = tiny_supernet().default_space().sample(random.Random(0), split=3)
    grads = []
    for scale in (1.0, 0.5):
        net = tiny_supernet(shared_grad_scale=scale)
        sum(o.sum() for o in net(x, arch)).backward()
        grads.append((net.stem.conv.weight.grad.clone(),
                      net.tails[0].conv.conv.weight.grad.clone()))
    torch.testing.assert_close(grads[1][0], grads[0][0] * 0.5)
    torch.testing.assert_close(grads[1][1], grads[0][1])


def test_wrong_arch_is_refused():
    supernet = tiny_supernet()
    other = EnsembleArch(split=1, shared=['k3_e4'],
                         paths=[['k5_e4'], ['k7_e4']], stage_depths=(1, 1))
    with pytest.raises(ArchError, match='stage_depths'):
        supernet(torch.randn(1, 3, 32, 32), other)


def test_mmrazor_mutator_finds_layers_and_exports_a_path():
    from mmrazor.models import NasMutator
    from mmrazor.structures import export_fix_subnet
    supernet = tiny_supernet()
    mutator = NasMutator()
    mutator.prepare_from_supernet(supernet)
    assert len(mutator.search_groups) == supernet.num_layers
    arch = supernet.default_space().sample(random.Random(1), split=3)
    # Fix path 1 of the ensemble as a single-path subnet.
    choices = {}
    for group_id, mutables in mutator.search_groups.items():
        layer = int(mutables[0].alias[len('layer'):])
        choices[group_id] = arch.path_ops(1)[layer]
    mutator.set_choices(choices)
    fix_subnet, _ = export_fix_subnet(supernet)
    expected = {f'layer{m}': op for m, op in enumerate(arch.path_ops(1))}
    assert {k: str(v.chosen) for k, v in fix_subnet.items()} == expected
    # The supernet's own helper gives the same, and mmrazor can apply it.
    fix_subnet = supernet.export_path(arch, 1)
    assert {k: str(v.chosen) for k, v in fix_subnet.items()} == expected
    from mmrazor.structures import load_fix_subnet
    fixed = tiny_supernet()
    load_fix_subnet(fixed, fix_subnet)
    assert all(layer.is_fixed for layer in fixed.layers)
    assert list(fixed.layers[2]._candidates) == [arch.path_ops(1)[2]]
