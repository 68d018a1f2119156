"""EnNAS ensemble distillation through the Runner and in the head."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.structures import DataSample

from neas_mm.models import NEASEnsembleHead
from neas_mm.search import distillation_loss, teacher_weights

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_ennas_digits.py'


def test_head_adds_the_weighted_distillation_of_every_path():
    torch.manual_seed(0)
    head = NEASEnsembleHead(num_paths=2, in_channels=8, num_classes=4,
                            distill_weight=0.5, distill_temperature=2.0)
    feats = [torch.randn(16, 8), torch.randn(16, 8)]
    samples = [DataSample().set_gt_label(i % 4) for i in range(16)]
    assert head.distilling  # on by default with a weight
    head.distilling = False
    plain = head.loss(feats, samples)
    assert 'loss_kd' not in plain
    head.distilling = True
    out = head.loss(feats, samples)
    logits = torch.stack(head(feats))
    labels = torch.tensor([i % 4 for i in range(16)])
    w = teacher_weights(logits, labels)
    teacher = torch.einsum('k,knc->nc', w, logits)
    expected = 0.5 * sum(distillation_loss(x, teacher, 2.0) for x in logits)
    torch.testing.assert_close(out['loss_kd'], expected)
    torch.testing.assert_close(out['loss'], plain['loss'])
    with pytest.raises(ValueError, match='distill_weight'):
        NEASEnsembleHead(2, 8, 4, distill_weight=-1.0)


def ennas_cfg(work_dir, root, tiny, epochs):
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict({
        **tiny, 'work_dir': str(work_dir), 'train_cfg.max_epochs': epochs,
        'train_dataloader.batch_size': 20,
        'default_hooks.logger.interval': 1,
        **{f'{k}.dataset.data_root': str(root)
           for k in ('train_dataloader', 'val_dataloader',
                     'search_dataloader')}})
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h.type != 'neas_mm.DiversityShrinkHook']
    for hook in cfg.custom_hooks:
        if hook.type == 'neas_mm.OperatorDiversityHook':
            hook.num_images = 32
    return cfg


def diversity_hook(runner):
    return next(h for h in runner.hooks
                if type(h).__name__ == 'OperatorDiversityHook')


def test_ennas_training_distils_from_its_epoch_and_keeps_its_tables(
        tmp_path, digits_cls_root, tiny_supernet):
    runner = Runner.from_cfg(ennas_cfg(tmp_path, digits_cls_root,
                                       tiny_supernet, 2))
    runner.train()
    # Distillation from epoch 2 (start_epoch), labels only before.
    records = [json.loads(line) for log in
               tmp_path.glob('*/vis_data/scalars.json')
               for line in log.read_text().splitlines()]
    train = [r for r in records if 'loss' in r]
    per_epoch = len(train) // 2
    assert per_epoch >= 2
    assert not any('loss_kd' in r for r in train[:per_epoch])
    assert all('loss_kd' in r and 'teacher_accuracy' in r
               for r in train[per_epoch:])
    # Operator diversity measured after epoch 1 reached the sampler.
    tables = runner.model.sampler.diversity
    assert sorted(tables) == list(range(5))
    for ops, zeta in tables.values():
        assert zeta.shape == (len(ops), len(ops))
        np.testing.assert_allclose(zeta, zeta.T)
        assert np.all(np.diag(zeta) == 0)
        off = zeta[np.triu_indices(len(ops), 1)]
        # 0 happens: at 32 px the deepest maps are 1 x 1, where kernel
        # sizes 3, 5 and 7 compute the same.
        assert np.all((off >= 0) & (off <= 2)) and off.max() > 0.01
    # Resumed: the tables come from the checkpoint, not a new measurement.
    resumed = Runner.from_cfg(ennas_cfg(tmp_path, digits_cls_root,
                                        tiny_supernet, 3))
    resumed.cfg.resume = True
    resumed._resume = True
    hook = diversity_hook(resumed)
    calls = []
    measure = hook.measure
    hook.measure = lambda r: calls.append(r.epoch) or measure(r)
    resumed.train()
    assert calls == []  # epoch 3 is the last: no measurement after it
    assert resumed.model.num_sampled > runner.model.num_sampled
    for m, (ops, zeta) in tables.items():
        np.testing.assert_allclose(resumed.model.sampler.diversity[m][1],
                                   zeta)
