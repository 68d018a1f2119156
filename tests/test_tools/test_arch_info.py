import json
import runpy
import sys
from pathlib import Path

import pytest

from neas_mm.space import OFFICIAL_ARCH_LISTS, EnsembleArch

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'analysis_tools' / 'arch_info.py'


@pytest.fixture
def run(monkeypatch, capsys):
    """The tool's main, in this process (as its command line would)."""
    def call(*args):
        monkeypatch.setattr(sys, 'argv', [str(TOOL), *args])
        runpy.run_path(str(TOOL), run_name='__main__')
        return json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return call


def test_official_arch_list_at_224(run):
    codes = OFFICIAL_ARCH_LISTS['NEAS-S']
    info = run(','.join(map(str, codes)))
    assert info['split'] == 20 and info['num_paths'] == 2
    assert 290 < info['flops_m'] < 320  # the release reports 314M
    assert info['arch_list'] == codes
    smaller = run(','.join(map(str, codes)), '--input-size', '112')
    assert smaller['flops_m'] < info['flops_m'] / 3


def test_arch_file_with_the_digits_config(tmp_path, run):
    arch = EnsembleArch(split=8, shared=['k3_e4', 'skip', 'k5_e4', 'skip',
                                         'k3_e6', 'skip', 'k7_e4', 'skip'],
                        paths=[['k3_e4', 'k5_e4'], ['k5_e6', 'skip']],
                        stage_depths=(2, 2, 2, 2, 2))
    arch.dump(tmp_path / 'arch.yaml')
    info = run(str(tmp_path / 'arch.yaml'), '--input-size', '32',
               '--config', str(REPO / 'configs' / 'neas' /
                               'neas_supernet_k2_digits.py'))
    assert info['split'] == 8 and info['num_layers'] == 10
    assert 0 < info['flops_m'] < 3 and info['params_m'] > 0
