"""RetinaNet on the digits detection set with three backbones that had the
same classification pretraining: the NEAS ensemble (K=2), a single path of
it (K=1: the shared layers and path 1, the homogeneous baseline of the
paper), and mmpretrain's MobileNetV2 (width 0.5).

Each backbone is first trained on the embedded digits classification set
with the same recipe and budget (``configs/neas/neas_retrain_digits.py``;
``mobilenetv2_digits_cls.py`` for MobileNetV2), then RetinaNet + FPN is
trained on ``digits_det`` from those weights (``retinanet_neas_fpn_digits.py``
/ ``retinanet_mobilenetv2_fpn_digits.py``, as configured: 1,024 steps) once
per detection seed, and scored with COCO mAP on the detection ``val``
split. ``--scratch`` adds the same detectors without pretraining. Every
run goes through ``tools/train.py`` (resumable, reused when done, its log
beside its work dir). Prints one JSON object:

* ``backbones``: per backbone ``map`` (per seed), ``map_mean``, ``map_std``
  (over seeds), ``map50_mean``, ``macs_m`` (backbone multiply-adds at
  128 px, millions), ``cls_top1`` (its pretraining val top-1, %),
  ``det_seconds`` (mean wall time of one detection training);
* ``neas_minus_mobilenetv2`` and ``neas_minus_single_path``: differences
  of the mAP means, each with ``se`` (the two means' standard errors
  combined);
* ``settings``.

A bar plot (mAP per backbone, one dot per seed) and the JSON
(``detection_backbones_{full,quick}.json``) go to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/detection_backbones.py [--quick]``.
"""
import argparse
import hashlib
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

from mmengine.config import Config

from neas_mm.apis import detector_backbone_macs
from neas_mm.datasets import prepare_digits_detection
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.space import EnsembleArch
from bench_common.figures import new_figure, save_figure
from bench_common.supernet_runs import (last_logged, train_with_tool,
                                        wall_seconds)
from bench_common.args import REPO

CONFIGS = REPO / 'configs' / 'neas'
CLS_EPOCHS = 12  # neas_retrain_digits.py's budget, also MobileNetV2's
DET_EPOCHS = 8  # retinanet_*_digits.py


def arch_files(arch: str, out: Path) -> Dict[str, str]:
    """The K=2 ensemble and its K=1 single path (shared layers + path 1)
    as arch files under ``out``."""
    if arch:
        ensemble = EnsembleArch.parse(arch)
    else:
        digits = Config.fromfile(str(REPO / 'configs' / '_base_' / 'models'
                                     / 'neas_digits_arch.py'))
        ensemble = EnsembleArch.parse(dict(digits.neas_digits_arch))
    single = EnsembleArch(split=ensemble.split, shared=ensemble.shared,
                          paths=ensemble.paths[:1],
                          stage_depths=ensemble.stage_depths)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, item in (('neas_k2', ensemble), ('neas_k1', single)):
        files[name] = str(out / f'{name}_arch.json')
        item.dump(files[name])
    return files


def backbone_specs(archs: Dict[str, str]) -> Dict[str, Dict[str, Any]]:
    """How each backbone is pretrained and detects."""
    neas_cls = CONFIGS / 'neas_retrain_digits.py'
    neas_det = CONFIGS / 'retinanet_neas_fpn_digits.py'
    return dict(
        neas_k2=dict(cls=neas_cls, det=neas_det, arch=archs['neas_k2'],
                     cls_options=[f'model.backbone.arch={archs["neas_k2"]}'],
                     det_options=[f'model.backbone.arch={archs["neas_k2"]}']),
        neas_k1=dict(cls=neas_cls, det=neas_det, arch=archs['neas_k1'],
                     cls_options=[f'model.backbone.arch={archs["neas_k1"]}',
                                  'model.head.num_paths=1',
                                  # one path: nothing to share the split with
                                  'model.backbone.shared_grad_scale=1.0'],
                     det_options=[f'model.backbone.arch={archs["neas_k1"]}']),
        mobilenetv2=dict(cls=CONFIGS / 'mobilenetv2_digits_cls.py',
                         det=CONFIGS / 'retinanet_mobilenetv2_fpn_digits.py',
                         arch=None, cls_options=[], det_options=[]))


def pretrained(checkpoint: Path) -> List[str]:
    """cfg-options that start a detector's backbone from ``checkpoint``."""
    return ['model.backbone.init_cfg.type=Pretrained',
            f'model.backbone.init_cfg.checkpoint={checkpoint}',
            'model.backbone.init_cfg.prefix=backbone.']


def measure(name: str, spec: Dict[str, Any], args: argparse.Namespace,
            tag: str, scratch: bool) -> Dict[str, Any]:
    """Pretrain (unless ``scratch``), then detect once per seed."""
    runs = args.out_dir / 'detection_backbones'
    init, cls_top1 = [], float('nan')
    if not scratch:
        cls_dir = runs / f'{name}_cls_{tag}'
        checkpoint = train_with_tool(
            spec['cls'], cls_dir, args.cls_epochs,
            [*spec['cls_options'], *args.cls_options])
        weights = cls_dir / 'weights.pth'  # Pretrained loads weights only
        if not weights.is_file():
            subprocess.run([sys.executable, str(REPO / 'tools' /
                                                'model_converters' /
                                                'publish_model.py'),
                            str(checkpoint), str(weights)], check=True,
                           cwd=REPO, stdout=subprocess.DEVNULL)
        init = pretrained(weights)
        cls_top1 = last_logged(cls_dir, 'accuracy/top1')
        log(f'{name}: pretrained, val top-1 {cls_top1:.1f}%')
    maps, map50s, seconds = [], [], []
    label = name + ('_scratch' if scratch else '')
    for seed in range(args.seeds):
        det_dir = runs / f'{label}_det_s{seed}_{tag}'
        train_with_tool(spec['det'], det_dir, args.det_epochs,
                        [*spec['det_options'], *init,
                         f'randomness.seed={seed}', *args.det_options])
        maps.append(last_logged(det_dir, 'coco/bbox_mAP'))
        map50s.append(last_logged(det_dir, 'coco/bbox_mAP_50'))
        seconds.append(wall_seconds(det_dir))
        log(f'{label} seed {seed}: COCO mAP {maps[-1]:.3f} '
            f'(AP50 {map50s[-1]:.3f}), {seconds[-1]:.0f} s')
    return dict(map=maps, map_mean=statistics.mean(maps),
                map_std=statistics.stdev(maps) if len(maps) > 1 else 0.0,
                map50_mean=statistics.mean(map50s),
                macs_m=detector_backbone_macs(str(spec['det']),
                                              spec['arch']),
                cls_top1=cls_top1, pretrained=not scratch,
                det_seconds=statistics.mean(seconds))


def difference(a: Dict[str, Any], b: Dict[str, Any]) -> Dict[str, float]:
    """``a`` minus ``b`` in mean mAP, with the combined standard error."""
    se = math.sqrt(sum(r['map_std'] ** 2 / len(r['map']) for r in (a, b)))
    return dict(map=a['map_mean'] - b['map_mean'], se=se)


def plot(results: Dict[str, Dict[str, Any]], out: Path) -> None:
    """mAP per backbone (bar: mean +- std, dots: seeds), MACs below."""
    fig, axes = new_figure(1, 1, (1.9 * len(results) + 2, 3.8))
    ax = axes[0, 0]
    for x, (name, r) in enumerate(results.items()):
        ax.bar(x, r['map_mean'], yerr=r['map_std'], capsize=4,
               color='C0' if r['pretrained'] else 'C7', alpha=0.7)
        ax.scatter([x] * len(r['map']), r['map'], color='k', s=12)
    ax.set_xticks(range(len(results)),
                  [f'{n}\n{r["macs_m"]:.1f}M MACs'
                   for n, r in results.items()], fontsize=8)
    ax.set_ylabel('COCO bbox mAP (detection val)')
    ax.set_title('RetinaNet on the digits: mean +- std over seeds',
                 fontsize=9)
    ax.grid(alpha=0.3, axis='y')
    save_figure(fig, out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--quick', action='store_true',
                        help='1 seed, 4 pretraining epochs, 2 detection '
                        'epochs (256 steps)')
    parser.add_argument('--seeds', type=int, default=3,
                        help='detection trainings per backbone')
    parser.add_argument('--arch', default='',
                        help='the K=2 ensemble (arch file, e.g. the demo\'s '
                        'best_arch.json; default: the digits configs\' '
                        'ensemble)')
    parser.add_argument('--scratch', action='store_true',
                        help='also train every detector from scratch')
    parser.add_argument('--out-dir', type=Path,
                        default=REPO / 'work_dirs' / 'benchmarks',
                        help='work dirs, plot and JSON')
    args = parser.parse_args()
    args.cls_epochs, args.det_epochs = CLS_EPOCHS, DET_EPOCHS
    args.cls_options, args.det_options = [], []
    tag = 'full'
    if args.quick:
        tag, args.seeds = 'quick', 1
        args.cls_epochs, args.det_epochs = 4, 2
        args.cls_options = ['train_cfg.max_epochs=4',
                            'train_cfg.val_interval=4',
                            'param_scheduler.1.end=4',
                            'param_scheduler.1.T_max=3']
        args.det_options = ['train_cfg.max_epochs=2',
                            'train_cfg.val_interval=2',
                            'default_hooks.checkpoint.interval=2',
                            'param_scheduler.1.end=2',
                            'param_scheduler.1.milestones=[1]']
    if args.arch:  # runs of another ensemble are never reused for it
        tag += '_' + hashlib.sha1(
            json.dumps(EnsembleArch.parse(args.arch).to_dict(),
                       sort_keys=True).encode()).hexdigest()[:8]
    # The detection set as configured (2,048 training images); a folder
    # prepared with other parameters is rebuilt.
    prepare_digits_detection(str(REPO / 'data' / 'digits_det'))
    specs = backbone_specs(arch_files(args.arch, args.out_dir /
                                      'detection_backbones' / tag))
    results = {name: measure(name, spec, args, tag, scratch=False)
               for name, spec in specs.items()}
    if args.scratch:
        results.update({f'{name}_scratch': measure(name, spec, args, tag,
                                                   scratch=True)
                        for name, spec in specs.items()})
    plot_file = args.out_dir / f'detection_backbones_{tag}.png'
    plot(results, plot_file)
    result = json.dumps(dict(
        backbones=results,
        neas_minus_mobilenetv2=difference(results['neas_k2'],
                                          results['mobilenetv2']),
        neas_minus_single_path=difference(results['neas_k2'],
                                          results['neas_k1']),
        settings=dict(seeds=args.seeds, cls_epochs=args.cls_epochs,
                      det_epochs=args.det_epochs,
                      arch=args.arch or 'configs/_base_/models/'
                      'neas_digits_arch.py'),
        plot=str(plot_file)))
    (args.out_dir / f'detection_backbones_{tag}.json').write_text(
        result + '\n')
    print(result)


if __name__ == '__main__':
    main()
