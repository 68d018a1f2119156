"""SE-NAS expanding in the supernet: copies, routing, state dicts."""
import random

import pytest
import torch

from neas_mm.models import NEASSupernet
from neas_mm.search import FlopsTable
from neas_mm.space import SearchSpace
from neas_mm.models.backbones.supernet_expansion import group_name
from neas_mm.space.partial_models import (count_partial_models, key_name,
                                          partial_key)
from neas_mm.testing import TINY_WIDTHS

TINY = dict(TINY_WIDTHS, stage_depths=(1, 1, 1, 1, 1))


def supernet(operators):
    torch.manual_seed(0)
    return NEASSupernet(num_paths=2, operators=operators, **TINY)


def shrunk_space(keep=2, seed=0):
    """Layers 2..4 can split; each keeps ``keep`` combinations."""
    space = SearchSpace(2, TINY['stage_depths'], split_range=(2, 5))
    rng = random.Random(seed)
    for m in space.splittable_layers:
        for combo in rng.sample(space.combos[m], len(space.combos[m]) - keep):
            space.remove(m, combo)
    return space


def used_parameters(net, arch, x):
    """Parameters that get a gradient from ``arch``'s output."""
    net.zero_grad(set_to_none=True)
    sum(f.sum() for f in net(x, arch)).backward()
    return {name for name, p in net.named_parameters()
            if p.grad is not None and p.grad.abs().sum() > 0}


@pytest.mark.parametrize('operators', ['entangled', 'independent'])
def test_expanding_keeps_outputs_and_decouples_partial_models(operators):
    net, space = supernet(operators), shrunk_space()
    net.train()
    x = torch.randn(4, 3, 32, 32)
    rng = random.Random(0)
    archs = [space.sample(rng, split=2) for _ in range(40)]
    group = (2, 3)
    # Two ensembles whose partial models in the child space differ.
    a, b = next((a, b) for a in archs for b in archs
                if partial_key(a, group) != partial_key(b, group))
    with torch.no_grad():
        before = [net(x, arch) for arch in (a, b)]
    threshold = count_partial_models(space, group)
    assert count_partial_models(space, [2, 3, 4]) > threshold
    assert net.expand(space, threshold) == [group]
    assert net.expansion.num_copies == threshold
    # Copies start from the shared weights: nothing changes yet (train
    # mode: BN uses batch statistics).
    with torch.no_grad():
        after = [net(x, arch) for arch in (a, b)]
    for old, new in zip(before, after):
        for o, n in zip(old, new):
            torch.testing.assert_close(o, n)
    # Split points inside and after the child space ((op,) entries in the
    # key) run copies too, still computing what the shared layers did.
    for split in (3, 4, 5):
        arch = space.sample(random.Random(split), split=split)
        assert net._layer(2, arch) is not net.layers[2]
        with torch.no_grad():
            expanded = net(x, arch)
        net.expansion.groups = torch.nn.ModuleDict()  # unexpanded again
        with torch.no_grad():
            shared = net(x, arch)
        net.expand(space, threshold)
        with torch.no_grad():
            expanded_again = net(x, arch)
        for e, s, again in zip(expanded, shared, expanded_again):
            torch.testing.assert_close(e, s)
            torch.testing.assert_close(again, s)
    # Within the child space the two partial models share no parameter.
    in_group = [n for n in used_parameters(net, a, x)
                if n.startswith('expansion.')]
    other = used_parameters(net, b, x)
    assert in_group and not set(in_group) & other
    # The shared layers of the child space get no gradient any more.
    assert not any(n.startswith(('layers.2.', 'layers.3.')) for n in other)


def test_routes_follow_a_later_expansion():
    """An arch routed before a second expansion (the hook expands after
    every shrink) runs the new copies afterwards."""
    net, space = supernet('entangled'), shrunk_space()
    arch = space.sample(random.Random(0), split=2)
    threshold = count_partial_models(space, (2, 3))
    assert net.expand(space, threshold) == [(2, 3)]
    assert net._layer(2, arch) is not net.layers[2]
    assert net._layer(4, arch) is net.layers[4]  # routed, not expanded
    assert net.expand(space, threshold, min_layers=1) == [(4,)]
    assert net._layer(4, arch) is not net.layers[4]


def test_flops_are_those_of_the_unexpanded_supernet():
    net, space = supernet('entangled'), shrunk_space()
    table = FlopsTable.from_supernet(net, (32, 32), 10)
    net.expand(space, 10_000, min_layers=1)
    assert net.expansion.child_spaces == [(2, 3, 4)]
    expanded = FlopsTable.from_supernet(net, (32, 32), 10)
    archs = [space.sample(random.Random(s)) for s in range(10)]
    assert [table.macs(a) for a in archs] == \
        [expanded.macs(a) for a in archs]


@pytest.mark.parametrize('operators', ['entangled', 'independent'])
def test_a_state_dict_rebuilds_the_copies(operators):
    net, space = supernet(operators), shrunk_space()
    net.expand(space, 10_000)
    with torch.no_grad():  # the copies drift from the shared weights
        for p in net.expansion.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    fresh = supernet(operators)
    fresh.load_state_dict(net.state_dict())
    assert fresh.expansion.child_spaces == net.expansion.child_spaces
    assert fresh.expansion.num_copies == net.expansion.num_copies
    net.eval(), fresh.eval()
    x = torch.randn(2, 3, 32, 32)
    arch = space.sample(random.Random(3))
    with torch.no_grad():
        for o, n in zip(net(x, arch), fresh(x, arch)):
            torch.testing.assert_close(o, n)
    # An unexpanded state dict removes them again.
    fresh.load_state_dict(supernet(operators).state_dict())
    assert fresh.expansion.num_copies == 0


def test_an_architecture_dropped_before_expanding_runs_the_shared_layers():
    net, space = supernet('entangled'), shrunk_space()
    full = SearchSpace(2, TINY['stage_depths'], split_range=(2, 5))
    net.expand(space, 10_000)
    group = net.expansion.child_spaces[0]
    copies = set(net.expansion.groups[group_name(group)])
    outside = next(a for a in (full.sample(random.Random(s))
                               for s in range(100))
                   if key_name(partial_key(a, group)) not in copies)
    inside = space.sample(random.Random(0))
    for m in group:
        assert net._layer(m, outside) is net.layers[m]
        assert net._layer(m, inside) is not net.layers[m]
