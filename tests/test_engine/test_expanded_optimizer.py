"""register_copies: SE-NAS copies join their sources' parameter groups."""
import random

import torch
from torch import nn

from neas_mm.engine.expanded_optimizer import register_copies
from neas_mm.models import NEASSupernet
from neas_mm.space import SearchSpace
from neas_mm.testing import TINY_WIDTHS

DEPTHS = (1, 1, 1, 1, 1)


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.backbone = NEASSupernet(num_paths=2, operators='independent',
                                     stage_depths=DEPTHS, **TINY_WIDTHS)


def small_space() -> SearchSpace:
    space = SearchSpace(2, DEPTHS, split_range=(2, 5))
    rng = random.Random(0)
    for m in space.splittable_layers:
        for combo in rng.sample(space.combos[m], len(space.combos[m]) - 2):
            space.remove(m, combo)
    return space


def test_copies_join_their_sources_groups_in_a_fixed_order():
    model = Model()
    layers = model.backbone.layers
    # Layer 2 in its own group with its own learning rate; layer 3's
    # parameters frozen (not in the optimizer).
    for p in layers[3].parameters():
        p.requires_grad_(False)
    special = list(layers[2].parameters())
    rest = [p for p in model.parameters()
            if p.requires_grad and all(p is not q for q in special)]
    optimizer = torch.optim.SGD([dict(params=rest),
                                 dict(params=special, lr=0.5)], lr=0.1)
    model.backbone.expand(small_space(), 10_000)
    assert model.backbone.expansion.child_spaces == [(2, 3, 4)]
    sizes = [len(g['params']) for g in optimizer.param_groups]
    added = register_copies(optimizer, model)
    sources = dict(model.backbone.expansion.copy_sources())
    groups = [set(g['params']) for g in optimizer.param_groups]
    for copied, source in sources.items():
        if not source.requires_grad:  # layer 3: frozen stays out
            assert all(copied not in g for g in groups)
        elif any(source is q for q in special):
            assert copied in groups[1]
        else:
            assert copied in groups[0]
    assert added == sum(s.requires_grad for s in sources.values()) > 0
    # Original parameters first, in their order; copies after, by name.
    names = {p: n for n, p in model.named_parameters()}
    for group, size, base in zip(optimizer.param_groups, sizes,
                                 (rest, special)):
        assert group['params'][:size] == base
        copies = [names[p] for p in group['params'][size:]]
        assert copies == sorted(copies)
    # Idempotent: a second call adds nothing and keeps the order.
    before = [list(g['params']) for g in optimizer.param_groups]
    assert register_copies(optimizer, model) == 0
    assert [list(g['params']) for g in optimizer.param_groups] == before
