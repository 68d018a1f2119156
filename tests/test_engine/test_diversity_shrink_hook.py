"""DiversityShrinkHook in a real Runner on the tiny digits supernet."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from neas_mm.engine import DiversityShrinkHook
from neas_mm.space import SearchSpace

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'


@pytest.fixture
def make_cfg(tiny_supernet):
    return lambda *args, **hook: _make_cfg(tiny_supernet, *args, **hook)


def _make_cfg(tiny, work_dir, data_root, epochs, **hook):
    cfg = Config.fromfile(str(CONFIG))
    # Deterministic inputs (mmengine does not restore numpy's RNG on
    # resume, so random crops would differ between runs).
    cfg.train_dataloader.dataset.pipeline = cfg.test_pipeline
    cfg.merge_from_dict({
        **tiny,
        'train_cfg.max_epochs': epochs,
        'train_cfg.val_interval': 100,
        'param_scheduler.end': 4,  # the same lr curve whatever the length
        'train_dataloader.dataset.data_root': str(data_root),
        'val_dataloader.dataset.data_root': str(data_root),
        'search_dataloader.dataset.data_root': str(data_root),
        'train_dataloader.batch_size': 30,
        'work_dir': str(work_dir),
    })
    # Layers 2..4 can split (split range 2..5): 3 x 30 = 90 combinations.
    cfg.custom_hooks = [dict(type='neas_mm.DiversityShrinkHook',
                             **{**dict(interval=1, threshold=80, num_drop=40,
                                       num_samples=4, score_size=32,
                                       metric='diversity'), **hook})]
    return cfg


def shrink_hook(runner):
    return next(h for h in runner.hooks
                if isinstance(h, DiversityShrinkHook))


def test_shrinks_at_interval_and_stops_at_threshold(tmp_path,
                                                    digits_cls_root,
                                                    make_cfg):
    cfg = make_cfg(tmp_path / 'run', digits_cls_root, 5, interval=2,
                   threshold=60, num_drop=20)
    runner = Runner.from_cfg(cfg)
    runner.train()
    history = shrink_hook(runner).history
    # Epochs 2 and 4 shrink: 90 -> 70 -> 60 (capped at the threshold);
    # epoch 5, the last, trains the shrunk space.
    assert [r['epoch'] for r in history] == [2, 4]
    assert [(r['size_before'], r['size_after']) for r in history] == \
        [(90, 70), (70, 60)]
    space = runner.model.space
    assert space.size == 60
    # Always-shared layers are neither scored nor shrunk.
    assert {s['layer'] for s in history[0]['scores']} == {2, 3, 4}
    assert len(space.combos[0]) == len(space.combos[1]) == 30
    assert all(len(c) >= 1 for c in space.combos)
    written = json.loads((tmp_path / 'run' / 'shrink_history.json')
                         .read_text())
    assert [r['size_after'] for r in written] == [70, 60]
    assert SearchSpace.load(tmp_path / 'run' / 'search_space.json') == space
    assert (tmp_path / 'run' / 'shrink_2.png').stat().st_size > 1000
    # Dropped combinations are really gone from the space, and they were
    # their layer's lowest-scored (per-layer selection for diversity).
    for record in history:
        assert record['selection'] == 'per_layer'
        for drop in record['dropped']:
            assert tuple(drop['combo']) not in space.combos[drop['layer']]
            kept = [x['score'] for x in record['scores']
                    if x['layer'] == drop['layer'] and tuple(x['combo'])
                    in space.combos[drop['layer']]]
            assert drop['score'] <= min(kept)
    assert history[-1]['layer_sizes'] == {
        str(m): len(space.combos[m]) for m in (2, 3, 4)}
    # The visualizer's backends received the space size per shrink epoch.
    scalars = [json.loads(line) for log in
               (tmp_path / 'run').glob('*/vis_data/scalars.json')
               for line in log.read_text().splitlines()]
    sizes = [(r['step'], r['shrink/space_size']) for r in scalars
             if 'shrink/space_size' in r]
    assert sizes == [(2, 70), (4, 60)]
    assert all(f'shrink/layer{m}_combos' in r for m in (2, 3, 4)
               for r in scalars if 'shrink/space_size' in r)


def test_no_shrink_after_the_last_epoch(tmp_path, digits_cls_root,
                                        make_cfg):
    runner = Runner.from_cfg(make_cfg(tmp_path / 'run', digits_cls_root, 2,
                                      interval=1))
    runner.train()
    assert [r['epoch'] for r in shrink_hook(runner).history] == [1]


def test_never_empties_a_layer(tmp_path, digits_cls_root, make_cfg):
    # Ask for far more than the space can lose.
    cfg = make_cfg(tmp_path / 'run', digits_cls_root, 2, threshold=3,
                   num_drop=1000)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert [len(c) for c in runner.model.space.combos] == [30, 30, 1, 1, 1]


class Snapshot(Hook):
    """Keeps the weight copies as they are after epoch 1's shrink."""

    def after_train_epoch(self, runner):
        if runner.epoch == 0:
            self.copies = {k: v.clone() for k, v in
                           runner.model.backbone.expansion.state_dict()
                           .items()}


class Interrupt(Hook):
    """Stops training after ``epoch`` epochs, once the checkpoint is
    saved (a killed run)."""

    def __init__(self, epoch):
        self.epoch = epoch

    def after_train_epoch(self, runner):
        if runner.epoch + 1 == self.epoch:
            raise KeyboardInterrupt


def test_resume_keeps_the_space(tmp_path, digits_cls_root, make_cfg):
    hook = dict(num_drop=20, threshold=20)
    straight = Runner.from_cfg(make_cfg(tmp_path / 'a', digits_cls_root, 4,
                                        **hook))
    straight.train()
    first = Runner.from_cfg(make_cfg(tmp_path / 'b', digits_cls_root, 4,
                                     **hook))
    first.register_hook(Interrupt(2), priority='LOWEST')
    with pytest.raises(KeyboardInterrupt):
        first.train()
    saved = first.model.space.copy()
    cfg = make_cfg(tmp_path / 'b', digits_cls_root, 4, **hook)
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    history = shrink_hook(resumed).history
    assert [r['epoch'] for r in history] == [1, 2, 3]
    assert history[1]['size_after'] == saved.size == 50
    # The continued run shrank exactly as the uninterrupted one.
    assert resumed.model.space == straight.model.space
    assert history == shrink_hook(straight).history


@pytest.mark.parametrize('hook, match', [
    (dict(num_drop=0), 'num_drop'),
    (dict(metric='entropy'), 'unknown metric'),
    (dict(interval=0), 'interval'),
    (dict(selection='best'), 'selection'),
    (dict(sample_split='deepest'), 'sample_split'),
])
def test_bad_parameters_fail_when_the_runner_is_built(
        tmp_path, digits_cls_root, make_cfg, hook, match):
    with pytest.raises(ValueError, match=match):
        Runner.from_cfg(make_cfg(tmp_path / 'x', digits_cls_root, 1, **hook))


def test_threshold_below_one_per_layer_fails_before_training(
        tmp_path, digits_cls_root, make_cfg):
    runner = Runner.from_cfg(make_cfg(tmp_path / 'x', digits_cls_root, 1,
                                      threshold=2))
    with pytest.raises(ValueError, match='one combination per layer'):
        runner.train()
    assert not list((tmp_path / 'x').glob('epoch_*.pth'))


def test_scoring_split_that_overlaps_training_fails_before_training(
        tmp_path, digits_cls_root, make_cfg):
    cfg = make_cfg(tmp_path / 'x', digits_cls_root, 1)
    cfg.search_dataloader.dataset.ann_file = 'meta/train.txt'
    cfg.search_dataloader.dataset.data_prefix = 'train'
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match='shares 60 images with '
                       'train_dataloader'):
        runner.train()
    assert not list((tmp_path / 'x').glob('epoch_*.pth'))


def test_a_config_without_the_scoring_split_fails(tmp_path,
                                                  digits_cls_root,
                                                  make_cfg):
    cfg = make_cfg(tmp_path / 'x', digits_cls_root, 1)
    cfg.pop('search_dataloader')
    with pytest.raises(ValueError, match="no 'search_dataloader'"):
        Runner.from_cfg(cfg).train()


def test_measures_probabilities_on_the_search_split(tmp_path,
                                                    digits_cls_root,
                                                    make_cfg):
    cfg = make_cfg(tmp_path / 'x', digits_cls_root, 1, score_size=40)
    runner = Runner.from_cfg(cfg)
    runner.call_hook('before_run')
    hook = shrink_hook(runner)
    search = {line.split()[0] for line in (digits_cls_root / 'meta' /
                                           'search.txt').read_text()
              .splitlines()}
    assert sum(len(labels) for _, labels in hook._batches) == 40
    assert len(search) == 60
    samples = hook.measure(runner, runner.model.space, 0)
    assert len(samples) == 4
    # Smallest split: every splittable layer is after it in every sample.
    assert {s.arch.split for s in samples} == {2}
    for s in samples:
        # Distances between probability vectors lie in [0, sqrt(2)].
        assert 0 < s.path_distances[0, 1] <= 2**0.5


# SE-NAS expanding: one shrink to 3 combinations a layer, then child
# spaces of at most 60 partial models.
EXPAND = dict(threshold=9, num_drop=81, metric='senas', expand_threshold=60)


def test_expanding_after_a_shrink_trains_the_copies(tmp_path,
                                                    digits_cls_root,
                                                    make_cfg):
    runner = Runner.from_cfg(make_cfg(tmp_path / 'run', digits_cls_root, 2,
                                      **EXPAND))
    snapshot = Snapshot()
    runner.register_hook(snapshot, priority='LOWEST')  # after the shrink
    start = [p.clone() for p in runner.model.parameters()]
    runner.train()
    record = shrink_hook(runner).history[0]['expansion']
    expansion = runner.model.backbone.expansion
    assert record['child_spaces'] == [list(g)
                                      for g in expansion.child_spaces]
    assert record['copies'] == expansion.num_copies > 0
    from neas_mm.space.partial_models import count_partial_models
    for group in expansion.child_spaces:
        assert len(group) >= 2
        assert count_partial_models(runner.model.space, group) <= 60
    # The optimizer holds every copy, and the copies trained in epoch 2.
    optimized = {p for g in runner.optim_wrapper.optimizer.param_groups
                 for p in g['params']}
    copies = list(expansion.parameters())
    assert record['optimizer_tensors_added'] == len(copies)
    assert set(copies) <= optimized
    # Right after the shrink the copies were their sources' weights (or
    # slices of them); epoch 2 moved them.
    after = expansion.state_dict()
    assert list(after) == list(snapshot.copies)
    assert any(not torch.equal(after[k], v)
               for k, v in snapshot.copies.items())
    assert len(start) < len(list(runner.model.parameters()))


def test_resume_after_an_expansion_is_exact(tmp_path, digits_cls_root,
                                            make_cfg):
    straight = Runner.from_cfg(make_cfg(tmp_path / 'a', digits_cls_root, 3,
                                        **EXPAND))
    straight.train()
    first = Runner.from_cfg(make_cfg(tmp_path / 'b', digits_cls_root, 3,
                                     **EXPAND))
    first.register_hook(Interrupt(2), priority='LOWEST')
    with pytest.raises(KeyboardInterrupt):
        first.train()
    assert first.model.backbone.expansion.num_copies > 0
    cfg = make_cfg(tmp_path / 'b', digits_cls_root, 3, **EXPAND)
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    want = straight.model.state_dict()
    got = resumed.model.state_dict()
    assert list(got) == list(want)
    for key in want:
        assert torch.equal(got[key], want[key]), key


def test_expanding_refuses_a_distributed_model(tmp_path, digits_cls_root,
                                               make_cfg):
    from mmengine.model import MMDistributedDataParallel
    runner = Runner.from_cfg(make_cfg(tmp_path / 'run', digits_cls_root, 1,
                                      **EXPAND))
    runner.model = object.__new__(MMDistributedDataParallel)
    with pytest.raises(ValueError, match='expand_threshold'):
        shrink_hook(runner).before_run(runner)
