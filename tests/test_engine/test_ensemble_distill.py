"""EnNAS ensemble distillation through the Runner and in the head."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.structures import DataSample

from neas_mm.models import NEASEnsembleHead
from neas_mm.search import distillation_loss, teacher_weights

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_ennas_digits.py'


def test_distillation_starts_at_its_epoch(tmp_path, digits_cls_root,
                                          tiny_supernet):
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict({
        **tiny_supernet, 'work_dir': str(tmp_path),
        'train_cfg.max_epochs': 2, 'train_dataloader.batch_size': 20,
        'default_hooks.logger.interval': 1,
        **{f'{k}.dataset.data_root': str(digits_cls_root)
           for k in ('train_dataloader', 'val_dataloader',
                     'search_dataloader')}})
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h.type == 'neas_mm.EnsembleDistillHook']
    runner = Runner.from_cfg(cfg)
    runner.train()
    records = [json.loads(line) for log in
               tmp_path.glob('*/vis_data/scalars.json')
               for line in log.read_text().splitlines()]
    train = [r for r in records if 'loss' in r]
    per_epoch = len(train) // 2
    assert per_epoch >= 2
    assert not any('loss_kd' in r for r in train[:per_epoch])
    assert all('loss_kd' in r and 'teacher_accuracy' in r
               for r in train[per_epoch:])
    assert runner.model.head.distilling


def test_head_adds_the_weighted_distillation_of_every_path():
    torch.manual_seed(0)
    head = NEASEnsembleHead(num_paths=2, in_channels=8, num_classes=4,
                            distill_weight=0.5, distill_temperature=2.0)
    feats = [torch.randn(16, 8), torch.randn(16, 8)]
    samples = [DataSample().set_gt_label(i % 4) for i in range(16)]
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
