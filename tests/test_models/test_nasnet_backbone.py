"""NASNetBackbone: levels, channels, freezing, drop path, registry, and
training in mmpretrain and mmdet; NASNet-A's size against Table 2."""
import json
import runpy
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch.nn.modules.batchnorm import _BatchNorm

from neas_mm.models import NASNetBackbone
from neas_mm.models.blocks import NASNetCellModule
from neas_mm.registry import MODELS
from neas_mm.space import NASNET_OPS, NASNetArch

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / 'configs' / 'nasnet'
NASNET_A = CONFIGS / 'archs' / 'nasnet_a.json'
# 1 @ 96: C = 4, 8, 16 per stage; normal cells output 6C
TINY = dict(arch=str(NASNET_A), num_cells=1, penultimate_filters=96)


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors: intra-op threads only wait on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def every_op_arch():
    """Two cells of 7 blocks that use all 13 operations, both combines,
    and read the cell inputs (strided in the reduction cell) and blocks."""
    ops = list(NASNET_OPS) + ['sep_conv_3x3']
    inputs = [[0, 1], [1, 2], [0, 3], [1, 3], [4, 5], [0, 6], [1, 2]]
    blocks = [dict(inputs=inputs[b], ops=ops[2 * b:2 * b + 2],
                   combine='concat' if b in (1, 4) else 'add')
              for b in range(7)]
    cell = dict(blocks=blocks, concat=None)
    return NASNetArch.from_dict(dict(normal=cell,
                                     reduction=dict(cell, concat=[0, 8])))


@pytest.mark.parametrize('stem, sizes', [('cifar', (32, 16, 8)),
                                         ('imagenet', (4, 2, 1))])
def test_levels_and_channels(stem, sizes):
    net = NASNetBackbone(**TINY, stem=stem, out_indices=(0, 1, 2))
    assert net.channels == 4
    outs = net(torch.randn(2, 3, 32, 32))
    assert net.out_channels == (24, 48, 96)
    assert [tuple(o.shape) for o in outs] == [
        (2, c, s, s) for c, s in zip((24, 48, 96), sizes)]
    assert all((o >= 0).all() for o in outs)  # ReLU before the levels
    # one level, in the order asked for
    net = NASNetBackbone(**TINY, stem=stem, out_indices=(2, 0))
    outs = net(torch.randn(2, 3, 32, 32))
    assert [o.shape[1] for o in outs] == [96, 24] == list(net.out_channels)
    # the default is the last stage, for a classifier's pooling neck
    assert NASNetBackbone(**TINY, stem=stem).out_channels == (96, )


def test_cells_follow_the_architecture():
    arch = every_op_arch()
    # normal: blocks 0..6, combines concat at 1 and 4; unused: 7 and 8
    assert arch.normal.output_states == (7, 8)
    assert arch.normal.output_width == 1 + 1
    assert arch.reduction.output_width == 1 + 1
    net = NASNetBackbone(arch, num_cells=2, penultimate_filters=2 * 4 * 3,
                         stem='cifar', out_indices=(0, 1, 2))
    assert net.channels == 3
    outs = net(torch.randn(2, 3, 32, 32))
    assert [tuple(o.shape) for o in outs] == [(2, 6, 32, 32),
                                              (2, 12, 16, 16),
                                              (2, 24, 8, 8)]
    # a reduction cell: strided operations on its inputs, stride 1 after
    cell = net.stages[1][0]
    assert cell.reduction and not net.stages[1][1].reduction
    assert cell.ops[0][0].convs[0].stride == (2, 2)  # identity of h_i
    assert [c.stride for c in cell.ops[0][1].convs] == [(1, 2), (2, 1)]
    assert cell.ops[3][0].pool.stride == 2  # max_pool_5x5 of h_{i-1}
    assert cell.ops[3][1].pool.stride == 1  # max_pool_7x7 of block 1
    assert cell.ops[5][1].layers[1].in_channels == 2 * 6  # concat block
    assert '0' in cell.adjust and '8' not in cell.adjust  # h_i reduced
    # a normal cell: identity of a state with C filters is the identity
    assert isinstance(net.stages[0][1].ops[0][0], torch.nn.Identity)


def test_arch_and_size_errors():
    with pytest.raises(ValueError, match='positive multiple of 24'):
        NASNetBackbone(str(NASNET_A), 2, 132)
    with pytest.raises(ValueError, match='imagenet stem has cells of C / 4'):
        NASNetBackbone(str(NASNET_A), 1, 48, stem='imagenet')
    with pytest.raises(ValueError, match=r'out_indices must be stage '
                       r'indices in \[0, 2\]'):
        NASNetBackbone(**TINY, out_indices=(3, ))
    with pytest.raises(ValueError, match='stem must be one of'):
        NASNetBackbone(**TINY, stem='coco')
    with pytest.raises(FileNotFoundError):
        NASNetBackbone(str(NASNET_A) + '.missing', 1, 96)


def test_frozen_stages_stop_gradients():
    net = NASNetBackbone(**TINY, stem='cifar', out_indices=(0, 1, 2),
                         frozen_stages=1)
    net.train()
    frozen = [net.stem, net.stages[0]]
    for module in frozen:
        assert all(not p.requires_grad for p in module.parameters())
        assert not any(m.training for m in module.modules())
    outs = net(torch.randn(2, 3, 32, 32))
    sum(o.mean() for o in outs).backward()
    for module in frozen:
        assert all(p.grad is None for p in module.parameters())
    trainable = list(net.stages[1].parameters())
    assert all(p.requires_grad for p in trainable)
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in trainable)
    assert net.stages[1][0].training
    with pytest.raises(ValueError, match=r'frozen_stages must be in '
                       r'\[-1, 3\]'):
        NASNetBackbone(**TINY, frozen_stages=4)


def test_imagenet_stem_cells_freeze_with_the_stem():
    net = NASNetBackbone(**TINY, frozen_stages=0)
    assert len(net.stem_cells) == 2
    assert all(not p.requires_grad for p in net.stem_cells.parameters())
    assert all(p.requires_grad for p in net.stages.parameters())


def test_norm_eval_keeps_batch_norm_statistics():
    net = NASNetBackbone(**TINY, stem='cifar', norm_eval=True).train()
    bns = [m for m in net.modules() if isinstance(m, _BatchNorm)]
    assert bns and not any(m.training for m in bns)
    before = [m.running_mean.clone() for m in bns]
    net(torch.randn(2, 3, 32, 32) * 3 + 1)
    assert all(torch.equal(a, m.running_mean) for a, m in zip(before, bns))
    plain = NASNetBackbone(**TINY, stem='cifar').train()
    assert all(m.training for m in plain.modules()
               if isinstance(m, _BatchNorm))


def test_drop_path_rate_reaches_every_operation(monkeypatch):
    import neas_mm.models.blocks.nasnet_cell_module as cell_module
    net = NASNetBackbone(**TINY, stem='cifar', drop_path_rate=0.2)
    cells = [m for m in net.modules() if isinstance(m, NASNetCellModule)]
    assert {c.drop_path_rate for c in cells} == {0.2}
    net.set_drop_path_rate(0.5)
    seen = []

    def spy(x, prob, training):
        seen.append((prob, training))
        return x

    monkeypatch.setattr(cell_module, 'drop_path', spy)
    net.train()(torch.randn(2, 3, 32, 32))
    # NASNet-A: 8 non-identity operations per normal cell, 9 per
    # reduction cell; 3 normal and 2 reduction cells
    assert len(seen) == 3 * 8 + 2 * 9
    assert set(seen) == {(0.5, True)}
    with pytest.raises(ValueError, match=r'drop path rate must be in '
                       r'\[0, 1\)'):
        net.set_drop_path_rate(1.0)


def test_drop_path_changes_training_outputs_only():
    net = NASNetBackbone(**TINY, stem='cifar')
    x = torch.randn(4, 3, 32, 32)

    def run(rate, train):
        net.set_drop_path_rate(rate)
        net.train(train)
        torch.manual_seed(0)
        with torch.no_grad():
            return net(x)[0]

    assert torch.equal(run(0.0, True), run(0.0, True))
    # a high rate zeroes whole paths of some samples: outputs change
    assert not torch.allclose(run(0.9, True), run(0.0, True))
    torch.testing.assert_close(run(0.9, False), run(0.0, False))


def test_builds_through_the_registries():
    net = MODELS.build(dict(type='neas_mm.NASNetBackbone', **TINY,
                            stem='cifar', out_indices=(1, 2)))
    assert isinstance(net, NASNetBackbone)
    assert net.out_channels == (48, 96)
    init_default_scope('mmdet')
    from mmdet.registry import MODELS as DET_MODELS
    arch = NASNetArch.load(NASNET_A).to_dict()  # a dict works as well
    net = DET_MODELS.build(dict(type='neas_mm.NASNetBackbone', arch=arch,
                                num_cells=1, penultimate_filters=96))
    assert isinstance(net, NASNetBackbone)


def test_nasnet_a_mobile_size_matches_table_2(monkeypatch, capsys):
    """4 @ 1056 at 224 px: 564 M mult-adds and 5.3 M parameters in the
    paper (backbone + 1000-way classifier)."""
    tool = REPO / 'tools' / 'analysis_tools' / 'nasnet_info.py'
    monkeypatch.setattr(sys, 'argv', [str(tool)])
    runpy.run_path(str(tool), run_name='__main__')
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert info['notation'] == '4 @ 1056'
    assert info['first_stage_filters'] == 44
    assert info['macs_m'] == pytest.approx(564, rel=0.05)
    assert info['params_m'] == pytest.approx(5.3, rel=0.05)


def test_classifier_config_trains_with_scheduled_drop_path(
        tmp_path, digits_cls_root):
    cfg = Config.fromfile(str(CONFIGS / 'nasnet_a_digits.py'))
    cfg.merge_from_dict({
        'work_dir': str(tmp_path), 'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1, 'train_dataloader.batch_size': 30,
        'model.backbone.num_cells': 1,
        'model.backbone.penultimate_filters': 96,
        'model.head.in_channels': 96,
        'train_dataloader.dataset.data_root': str(digits_cls_root),
        'val_dataloader.dataset.data_root': str(digits_cls_root)})
    runner = Runner.from_cfg(cfg)
    backbone = runner.model.backbone
    assert isinstance(backbone, NASNetBackbone)
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    runner.train()
    total = runner.max_iters  # 60 images, batch 30: 2 iterations
    assert total == 2
    rates = {m.drop_path_rate for m in backbone.modules()
             if isinstance(m, NASNetCellModule)}
    # set before the last iteration: 0.4 x (total - 1) / total
    assert len(rates) == 1
    assert rates.pop() == pytest.approx(0.4 * (total - 1) / total)
    after = backbone.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before
               if k.endswith('weight'))
    logs = [json.loads(line) for line in
            tmp_path.glob('*/vis_data/scalars.json').__next__()
            .read_text().splitlines()]
    assert any('accuracy/top1' in r for r in logs)


def test_imagenet_config_builds_the_mobile_model():
    cfg = Config.fromfile(str(CONFIGS / 'nasnet_a_mobile_in1k.py'))
    init_default_scope(cfg.default_scope)
    from mmpretrain.registry import MODELS as CLS_MODELS
    model = CLS_MODELS.build(cfg.model)
    assert (model.backbone.num_cells, model.backbone.penultimate_filters,
            model.backbone.channels) == (4, 1056, 44)
    assert model.backbone.out_channels == (model.head.in_channels, )
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.alpha, optimizer.eps) == \
        ('RMSprop', 0.9, 1.0)
    assert cfg.model.head.loss.label_smooth_val == 0.1
    assert cfg.custom_hooks[0].momentum == 1e-4
    assert cfg.train_pipeline[1].scale == 224
    model.eval()
    with torch.no_grad():
        logits = model(torch.zeros(1, 3, 64, 64), mode='tensor')
    assert tuple(logits.shape) == (1, 1000)


def test_retinanet_config_levels_match_the_fpn():
    cfg = Config.fromfile(str(CONFIGS / 'retinanet_nasnet_fpn_digits.py'))
    backbone = MODELS.build(cfg.model.backbone)
    assert list(backbone.out_channels) == cfg.model.neck.in_channels


def test_retinanet_with_nasnet_backbone_computes_a_loss(tmp_path,
                                                        digits_det_root):
    cfg = Config.fromfile(str(CONFIGS / 'retinanet_nasnet_fpn_digits.py'))
    root = f'{digits_det_root}/'
    cfg.merge_from_dict({
        # mmdet names every visualizer 'visualizer': a later Runner in this
        # process would reuse this one (and write into this work dir).
        'visualizer.name': f'visualizer_{tmp_path.name}',
        'work_dir': str(tmp_path), 'train_dataloader.batch_size': 2,
        'model.backbone.num_cells': 1,
        'model.backbone.penultimate_filters': 96,
        'model.neck.in_channels': [24, 48, 96],
        'train_dataloader.dataset.data_root': root,
        'val_dataloader.dataset.data_root': root,
        'test_dataloader.dataset.data_root': root,
        'val_evaluator.ann_file': root + 'annotations/instances_val2017.json',
        'test_evaluator.ann_file': root + 'annotations/instances_val2017.json',
    })
    assert cfg.default_scope == 'mmdet'
    runner = Runner.from_cfg(cfg)
    model = runner.model
    assert isinstance(model.backbone, NASNetBackbone)
    batch = next(iter(runner.train_dataloader))
    model.train()
    before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    losses = model.train_step(batch, runner.build_optim_wrapper(
        cfg.optim_wrapper))
    assert losses['loss_cls'] > 0 and torch.isfinite(losses['loss_bbox'])
    after = model.backbone.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before
               if k.endswith('weight'))
