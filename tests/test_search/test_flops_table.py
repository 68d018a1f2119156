import random

import pytest
import torch
from torch import nn

from neas_mm.models import NEASEnsembleBackbone, NEASSupernet
from neas_mm.search import FlopsTable, count_macs, count_params
from neas_mm.space import (OFFICIAL_ARCH_LISTS, REPORTED_MFLOPS,
                           EnsembleArch)
from neas_mm.testing import TINY_WIDTHS

# Two layers in stages 1 and 3 (a skip-able layer), narrow features.
TINY = dict(TINY_WIDTHS, num_paths=2, stage_depths=(1, 2, 1, 2, 1),
            feature_channels=96)


class WholeEnsemble(nn.Module):
    """Static backbone + K classifiers: what the table prices."""

    def __init__(self, arch, num_classes):
        super().__init__()
        self.backbone = NEASEnsembleBackbone(
            arch, **{k: TINY[k] for k in TINY_WIDTHS})
        self.fcs = nn.ModuleList(
            nn.Linear(self.backbone.feature_channels, num_classes)
            for _ in range(arch.num_paths))

    def forward(self, x):
        return [fc(f) for fc, f in zip(self.fcs, self.backbone(x))]


@pytest.mark.parametrize('seed', range(6))
def test_table_matches_a_whole_model_counter(seed):
    supernet = NEASSupernet(**TINY)
    table = FlopsTable.from_supernet(supernet, (48, 48), num_classes=7)
    arch = supernet.default_space().sample(random.Random(seed))
    model = WholeEnsemble(arch, 7).eval()
    with torch.no_grad():
        macs, _ = count_macs(model, torch.zeros(1, 3, 48, 48))
    assert table.macs(arch) == macs
    assert table.params(arch) == count_params(model)


def test_shared_layers_count_once_path_layers_k_times():
    supernet = NEASSupernet(**{**TINY, 'num_paths': 3})
    table = FlopsTable.from_supernet(supernet, (32, 32))
    space = supernet.default_space()
    deep = space.sample(random.Random(0), split=supernet.num_layers)
    # Moving the last layer from shared to per-path adds 2 more copies.
    shallow = EnsembleArch(
        split=deep.split - 1, shared=deep.shared[:-1],
        paths=[[op] for op in space.combos[-1][0]],
        stage_depths=deep.stage_depths)
    last = table.layers[-1]
    expected = table.macs(deep) - last[deep.shared[-1]][0] + sum(
        last[op][0] for op in space.combos[-1][0])
    assert table.macs(shallow) == expected


def test_official_ensembles_flops_are_close_to_the_release():
    table = FlopsTable.from_supernet(NEASSupernet(), (224, 224))
    for name, codes in OFFICIAL_ARCH_LISTS.items():
        macs = table.macs(EnsembleArch.from_arch_list(codes))
        reported = REPORTED_MFLOPS[name] * 1e6
        assert abs(macs - reported) / reported < 0.05, (name, macs)


def test_round_trip():
    table = FlopsTable.from_supernet(NEASSupernet(**TINY), (32, 32))
    again = FlopsTable.from_dict(table.to_dict())
    arch = NEASSupernet(**TINY).default_space().sample(random.Random(0))
    assert again.macs(arch) == table.macs(arch)
