"""Phase 3: the ensemble backbone in mmpretrain and mmdet configs."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from PIL import Image

from neas_mm.models import NEASEnsembleBackbone

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / 'configs' / 'neas'
TINY_DET = {
    'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1,
    'train_dataloader.batch_size': 4, 'val_dataloader.batch_size': 4,
    # After one epoch on 8 images every score is low: keep them all so
    # that COCO evaluation has detections to score.
    'model.test_cfg.score_thr': 0.0,
}


def det_cfg(name, root, work_dir):
    cfg = Config.fromfile(str(CONFIGS / name))
    cfg.merge_from_dict({
        **TINY_DET, 'work_dir': str(work_dir),
        # mmdet names every visualizer 'visualizer': a second Runner in the
        # process would get the first one's, writing into its work dir.
        'visualizer.name': f'visualizer_{Path(work_dir).name}',
        'train_dataloader.dataset.data_root': f'{root}/',
        'val_dataloader.dataset.data_root': f'{root}/',
        'test_dataloader.dataset.data_root': f'{root}/',
        'val_evaluator.ann_file':
        f'{root}/annotations/instances_val2017.json',
        'test_evaluator.ann_file':
        f'{root}/annotations/instances_val2017.json',
    })
    return cfg


def test_retinanet_with_neas_backbone_trains_and_scores_coco(
        tmp_path, digits_det_root):
    cfg = det_cfg('retinanet_neas_fpn_digits.py', digits_det_root, tmp_path)
    assert cfg.default_scope == 'mmdet'
    runner = Runner.from_cfg(cfg)
    assert isinstance(runner.model.backbone, NEASEnsembleBackbone)
    runner.train()
    records = [json.loads(line) for log in
               tmp_path.glob('*/vis_data/scalars.json')
               for line in log.read_text().splitlines()]
    assert any('loss_cls' in r for r in records)
    val = [r for r in records if 'coco/bbox_mAP' in r]
    assert val and 0.0 <= val[-1]['coco/bbox_mAP'] <= 1.0
    # predict gives boxes in image coordinates for every image
    runner.model.eval()
    batch = next(iter(runner.val_dataloader))
    with torch.no_grad():
        preds = runner.model.val_step(batch)
    assert len(preds) == len(batch['inputs'])
    assert preds[0].pred_instances.bboxes.shape[-1] == 4


def test_mobilenetv2_comparison_builds_and_steps(tmp_path, digits_det_root):
    cfg = det_cfg('retinanet_mobilenetv2_fpn_digits.py', digits_det_root,
                  tmp_path)
    runner = Runner.from_cfg(cfg)
    batch = next(iter(runner.train_dataloader))
    runner.model.train()
    losses = runner.model.train_step(batch, runner.build_optim_wrapper(
        cfg.optim_wrapper))
    assert losses['loss_cls'] > 0


def test_mobilenetv2_digits_pretraining_loads_into_the_detector(tmp_path):
    """The comparison's MobileNetV2 gets its classification pretraining:
    every backbone weight of the digits classifier reaches the detector."""
    init_default_scope('mmpretrain')
    from mmpretrain.registry import MODELS as CLS_MODELS
    classifier = CLS_MODELS.build(
        Config.fromfile(str(CONFIGS / 'mobilenetv2_digits_cls.py')).model)
    with torch.no_grad():
        for param in classifier.backbone.parameters():
            param.add_(torch.randn_like(param))
    torch.save(dict(state_dict=classifier.state_dict()), tmp_path / 'c.pth')
    cfg = Config.fromfile(str(CONFIGS / 'retinanet_mobilenetv2_fpn_digits.py'))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=str(tmp_path / 'c.pth'),
        prefix='backbone.')
    init_default_scope('mmdet')
    from mmdet.registry import MODELS as DET_MODELS
    detector = DET_MODELS.build(cfg.model)
    detector.init_weights()
    loaded = detector.backbone.state_dict()
    expected = classifier.backbone.state_dict()
    assert set(loaded) == set(expected)
    for key, value in expected.items():
        assert torch.equal(loaded[key], value), key


def make_imagenet_folder(root: Path) -> None:
    rng = np.random.RandomState(0)
    lines = {'train': [], 'val': []}
    for split in ('train', 'val'):
        for label, wnid in enumerate(('n01440764', 'n01443537')):
            folder = root / split / wnid
            folder.mkdir(parents=True)
            for i in range(2):
                Image.fromarray(rng.randint(0, 255, (80, 96, 3), np.uint8)
                                ).save(folder / f'{wnid}_{i}.JPEG')
                lines[split].append(f'{wnid}/{wnid}_{i}.JPEG {label}')
    (root / 'meta').mkdir()
    for split, split_lines in lines.items():
        (root / 'meta' / f'{split}.txt').write_text('\n'.join(split_lines))


def test_imagenet_configs_build_model_and_pipeline(tmp_path):
    make_imagenet_folder(tmp_path / 'imagenet')
    from mmpretrain.registry import DATASETS, MODELS
    for name in ('neas-s_retrain_in1k.py', 'neas_supernet_k2_in1k.py'):
        cfg = Config.fromfile(str(CONFIGS / name))
        init_default_scope(cfg.default_scope)
        dataset_cfg = cfg.train_dataloader.dataset
        dataset_cfg.data_root = str(tmp_path / 'imagenet')
        dataset = DATASETS.build(dataset_cfg)
        assert len(dataset) == 4
        sample = dataset[0]
        assert tuple(sample['inputs'].shape) == (3, 224, 224)
        model = MODELS.build(cfg.model)
        data = model.data_preprocessor(
            {'inputs': [sample['inputs']],
             'data_samples': [sample['data_samples']]}, True)
        model.train()
        losses = model(**data, mode='loss')
        assert torch.isfinite(losses['loss'])


def test_coco_config_builds_model_and_pipeline(tmp_path, digits_det_root):
    coco = tmp_path / 'coco'
    shutil.copytree(digits_det_root, coco)
    cfg = Config.fromfile(str(CONFIGS / 'retinanet_neas_fpn_1x_coco.py'))
    assert cfg.train_cfg.max_epochs == 12
    assert cfg.optim_wrapper.optimizer.momentum == 0.9
    assert cfg.optim_wrapper.optimizer.weight_decay == 1e-4
    assert [s for s in cfg.param_scheduler
            if s.type == 'MultiStepLR'][0].milestones == [8, 11]
    init_default_scope('mmdet')
    from mmdet.registry import DATASETS, MODELS
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.data_root = f'{coco}/'
    dataset_cfg.metainfo = dict(classes=tuple(str(i) for i in range(10)))
    dataset = DATASETS.build(dataset_cfg)
    sample = dataset[0]
    assert max(sample['inputs'].shape[1:]) == 1333 or \
        min(sample['inputs'].shape[1:]) == 800
    model = MODELS.build(cfg.model)
    assert isinstance(model.backbone, NEASEnsembleBackbone)
    assert model.backbone.out_channels == (40, 80, 160)
    model.train()
    data = model.data_preprocessor({'inputs': [sample['inputs']],
                                    'data_samples': [sample['data_samples']]},
                                   True)
    total, _ = model.parse_losses(model(**data, mode='loss'))
    assert torch.isfinite(total) and total > 0


def test_test_tool_scores_a_trained_detector(tmp_path, digits_det_root,
                                             monkeypatch):
    import runpy
    import sys
    cfg = det_cfg('retinanet_neas_fpn_digits.py', digits_det_root,
                  tmp_path / 'det')
    Runner.from_cfg(cfg).train()
    options = [f'{k}={v}' for k, v in {
        **TINY_DET,
        'test_dataloader.dataset.data_root': f'{digits_det_root}/',
        'test_evaluator.ann_file':
        f'{digits_det_root}/annotations/instances_val2017.json'}.items()]
    out = tmp_path / 'metrics.json'
    tool = REPO / 'tools' / 'test.py'
    # The tool's main in this process, as its command line.
    monkeypatch.setattr(sys, 'argv', [
        str(tool), str(CONFIGS / 'retinanet_neas_fpn_digits.py'),
        str(tmp_path / 'det' / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test'), '--out-json', str(out), '--cfg-options',
        *options])
    runpy.run_path(str(tool), run_name='__main__')
    metrics = json.loads(out.read_text())
    assert 0.0 <= metrics['coco/bbox_mAP'] <= 1.0


def test_retrain_with_scheduled_drop_path(tmp_path, digits_cls_root):
    cfg = Config.fromfile(str(CONFIGS / 'neas_retrain_digits.py'))
    cfg.merge_from_dict({
        'work_dir': str(tmp_path), 'train_cfg.max_epochs': 2,
        'train_cfg.val_interval': 2,
        'train_dataloader.batch_size': 20,
        'train_dataloader.dataset.data_root': str(digits_cls_root),
        'val_dataloader.dataset.data_root': str(digits_cls_root)})
    runner = Runner.from_cfg(cfg)
    runner.train()
    total = runner.max_iters  # 2 epochs x 3 iterations
    rates = {m.drop_path_rate for m in runner.model.backbone.modules()
             if hasattr(m, 'drop_path_rate')}
    # Set before the last iteration: 0.1 x (total - 1) / total.
    assert len(rates) == 1
    assert rates.pop() == pytest.approx(0.1 * (total - 1) / total)
    assert runner.model.head.num_paths == 2


def test_search_config_has_the_paper_settings():
    cfg = Config.fromfile(str(CONFIGS / 'neas_search_k2_in1k.py'))
    loop = cfg.train_cfg
    assert loop.type == 'neas_mm.EvolutionSearchLoop'
    assert (loop.population_size, loop.top_k, loop.max_generations,
            loop.num_mutation, loop.num_crossover, loop.prob_split,
            loop.prob_layer) == (50, 10, 20, 25, 25, 0.1, 0.1)
    supernet = Config.fromfile(str(CONFIGS / 'neas_supernet_k2_in1k.py'))
    assert supernet.train_cfg.max_epochs == 120
    assert supernet.optim_wrapper.optimizer.lr == 0.5
    hook = supernet.custom_hooks[0]
    assert (hook.interval, hook.num_drop) == (20, 20)
    # Probabilities, not raw feature maps: the paper's 1e-3 does not carry.
    assert hook.metric.beta == 'auto'


def test_detector_backbone_follows_arch_and_overrides(tmp_path):
    """build_detector_backbone (what the MACs and the FPN channels of the
    detection benchmark come from) applies arch and setting overrides."""
    from neas_mm.apis import build_detector_backbone, detector_backbone_macs
    from neas_mm.space import EnsembleArch
    config = str(CONFIGS / 'retinanet_neas_fpn_digits.py')
    cfg = Config.fromfile(config)
    backbone = build_detector_backbone(config)
    assert list(backbone.out_channels) == cfg.model.neck.in_channels
    # the digits ensemble splits at layer 7: only stage 4 is fused
    assert build_detector_backbone(config, fuse='concat').out_channels == \
        (24, 40, 160)
    assert build_detector_backbone(
        config, out_indices=(1, 3, 4)).out_channels == (24, 56, 80)
    ensemble = EnsembleArch.parse(dict(
        Config.fromfile(str(REPO / 'configs' / '_base_' / 'models' /
                            'neas_digits_arch.py')).neas_digits_arch))
    single = EnsembleArch(split=ensemble.split, shared=ensemble.shared,
                          paths=ensemble.paths[:1],
                          stage_depths=ensemble.stage_depths)
    single.dump(str(tmp_path / 'k1.json'))
    assert build_detector_backbone(config, str(tmp_path / 'k1.json')
                                   ).arch.num_paths == 1
    assert 0 < detector_backbone_macs(config, str(tmp_path / 'k1.json')) < \
        detector_backbone_macs(config)
