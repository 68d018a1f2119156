"""The embedded sets are prepared on first use, once, whoever asks."""
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope

from neas_mm.datasets import MARKER_NAME, ensure_prepared

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'

BUILD = '''
import sys
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope
cfg = Config.fromfile(sys.argv[1])
init_default_scope(cfg.default_scope)
cfg.train_dataloader.dataset.data_root = sys.argv[2]
print(len(DATASETS.build(cfg.train_dataloader.dataset)))
'''


def test_two_processes_prepare_a_missing_set_once(tmp_path):
    root = tmp_path / 'data' / 'digits_cls'
    starts = [subprocess.Popen([sys.executable, '-c', BUILD, str(CONFIG),
                                str(root)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in starts]
    assert all(p.returncode == 0 for p in starts), outs[0][1][-2000:]
    sizes = {out.strip().splitlines()[-1] for out, _ in outs}
    assert sizes == {str(len((root / 'meta' / 'train.txt').read_text()
                             .splitlines()))}
    assert (root / MARKER_NAME).is_file()
    # No half-written folder left beside it.
    assert sorted(p.name for p in root.parent.iterdir()
                  if not p.name.startswith('.')) == ['digits_cls']


def test_a_prepared_folder_is_used_as_it_is(digits_cls_root):
    cfg = Config.fromfile(str(CONFIG))
    init_default_scope(cfg.default_scope)
    cfg.train_dataloader.dataset.data_root = str(digits_cls_root)
    before = (digits_cls_root / MARKER_NAME).read_text()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    # The session's small set (60 per split at most), not the defaults.
    assert 0 < len(dataset) <= 60
    assert (digits_cls_root / MARKER_NAME).read_text() == before


def test_a_set_that_cannot_be_prepared_names_the_command(tmp_path):
    blocker = tmp_path / 'not_a_folder'
    blocker.write_text('a file where the data folder should go')
    with pytest.raises(RuntimeError,
                       match='tools/prepare_data.py --only cluttered'):
        ensure_prepared(str(blocker / 'cluttered_digits'),
                        'cluttered_digits')
    with pytest.raises(ValueError, match='embedded must be one of'):
        ensure_prepared(str(tmp_path / 'x'), 'imagenet')


def test_a_folder_with_content_is_never_touched(tmp_path):
    """A user's own data (no marker) under an embedded-set config."""
    own = tmp_path / 'my_images'
    (own / 'meta').mkdir(parents=True)
    (own / 'meta' / 'train.txt').write_text('0/a.png 0\n')
    assert ensure_prepared(str(own), 'digits_cls') == own.resolve()
    assert sorted(p.name for p in own.rglob('*')) == ['meta', 'train.txt']
