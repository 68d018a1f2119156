"""tools/model_converters/publish_model.py: a weights-only file."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.logging import HistoryBuffer

from neas_mm.models import pack_extra_state, unpack_extra_state

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'model_converters' / 'publish_model.py'


def test_keeps_the_weights_and_drops_the_runner_objects(tmp_path):
    weights = {'backbone.stem.conv.weight': torch.randn(4, 3, 3, 3),
               'head.fc.bias': torch.randn(10),
               '_extra_state': pack_extra_state({'space': {'num_paths': 2}})}
    source = tmp_path / 'epoch_3.pth'
    torch.save({'state_dict': weights, 'meta': {'epoch': 3},
                'optimizer': {'state': {}, 'param_groups': []},
                'message_hub': {'log_scalars': {'loss': HistoryBuffer()}}},
               source)
    # What Pretrained loading (weights-only) refuses ...
    with pytest.raises(Exception):
        torch.load(source, weights_only=True)
    out = tmp_path / 'published.pth'
    done = subprocess.run([sys.executable, str(TOOL), str(source), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '3 tensors' in done.stdout
    # ... the published file passes, with the same weights and nothing of
    # the Runner.
    published = torch.load(out, weights_only=True)
    assert set(published) == {'state_dict', 'meta'}
    state = published['state_dict']
    assert set(state) == set(weights)
    for key in ('backbone.stem.conv.weight', 'head.fc.bias'):
        assert torch.equal(state[key], weights[key])
    # The supernet's space (a byte tensor) survives.
    assert unpack_extra_state(state['_extra_state']) == {
        'space': {'num_paths': 2}}
    assert published['meta']['source'] == str(source.resolve())
