"""RetinaNet on the digits detection set with backbones that had the same
classification pretraining budget: the NEAS ensemble (K=2, its K path maps
averaged: ``fuse='mean'``), a single path of it (K=1: the shared layers and
path 1, the homogeneous baseline of the paper), and mmpretrain's
MobileNetV2 (width 0.5); and variants of the K=2 detector, each changing
one thing: ``neas_k2_concat`` (maps concatenated), ``neas_k2_stage3`` (the
stride-16 level after the split), ``neas_k2_norm_eval`` (BN statistics
frozen) and ``neas_k2_slow_backbone`` (backbone at lr x0.1), all from the
same pretrained weights as ``neas_k2``, and
``neas_k2_cluttered_pretrained`` (pretrained on the cluttered digits).

For every seed, each backbone is first trained on the embedded digits
classification set with that seed and the same recipe and budget
(``configs/neas/neas_retrain_digits.py``; ``mobilenetv2_digits_cls.py`` for
MobileNetV2), then RetinaNet + FPN is trained on ``digits_det`` from those
weights with that seed (``retinanet_neas_fpn_digits.py`` /
``retinanet_mobilenetv2_fpn_digits.py``, as configured: 1,024 steps) and
scored with COCO mAP on the detection ``val`` split. The spread over seeds
thus covers both trainings. ``--scratch`` adds the same detectors without
pretraining. Every run goes through ``tools/train.py`` (resumable, reused
when done, its log beside its work dir). Prints one JSON object:

* ``backbones``: per backbone ``map`` (per seed), ``map_mean``, ``map_std``
  (over seeds), ``map50_mean``, ``macs_m`` (backbone multiply-adds at
  128 px, millions), ``cls_top1`` and ``cls_top1_per_seed`` (its
  pretraining val top-1, %), ``det_seconds`` (mean wall time of one
  detection training);
* ``neas_minus_mobilenetv2``, ``neas_minus_single_path``,
  ``concat_minus_mean`` (``neas_k2_concat`` minus ``neas_k2``),
  ``stage3_minus_stage2``, ``norm_eval_minus_not``,
  ``slow_backbone_minus_not`` (backbone learning rate x0.1),
  ``pretrained_minus_scratch`` (both ``neas_k2``),
  ``neas_minus_single_path_scratch``,
  ``cluttered_minus_digits_pretraining`` and
  ``cluttered_pretrained_minus_scratch`` (``neas_k2_cluttered_pretrained``:
  pretrained on the cluttered digits, ``neas_retrain_cluttered.py``):
  differences of the mAP
  means with ``per_seed`` and ``se``. ``paired`` is true for the four
  variants that start each seed from the same pretrained weights as
  ``neas_k2``: ``se`` is then that of the per-seed differences, otherwise
  the two means' standard errors combined (nan with one seed). A key is
  absent when ``--backbones`` leaves one side out;
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
from typing import Any, Dict, List, Sequence, Tuple

from mmengine.config import Config

from neas_mm.apis import build_detector_backbone, detector_backbone_macs
from neas_mm.datasets import prepare_digits_detection
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.space import EnsembleArch
from bench_common.figures import new_figure, save_figure
from bench_common.supernet_runs import (last_logged, train_with_tool,
                                        wall_seconds)
from bench_common.args import REPO

CONFIGS = REPO / 'configs' / 'neas'
BACKBONES = ('neas_k2', 'neas_k2_concat', 'neas_k2_stage3',
             'neas_k2_norm_eval', 'neas_k2_slow_backbone',
             'neas_k2_cluttered_pretrained', 'neas_k1', 'mobilenetv2')
DIFFERENCES = (('neas_minus_mobilenetv2', 'neas_k2', 'mobilenetv2'),
               ('neas_minus_single_path', 'neas_k2', 'neas_k1'),
               ('concat_minus_mean', 'neas_k2_concat', 'neas_k2'),
               ('stage3_minus_stage2', 'neas_k2_stage3', 'neas_k2'),
               ('norm_eval_minus_not', 'neas_k2_norm_eval', 'neas_k2'),
               ('slow_backbone_minus_not', 'neas_k2_slow_backbone',
                'neas_k2'),
               ('pretrained_minus_scratch', 'neas_k2', 'neas_k2_scratch'),
               ('neas_minus_single_path_scratch', 'neas_k2_scratch',
                'neas_k1_scratch'),
               ('cluttered_minus_digits_pretraining',
                'neas_k2_cluttered_pretrained', 'neas_k2'),
               ('cluttered_pretrained_minus_scratch',
                'neas_k2_cluttered_pretrained', 'neas_k2_scratch'))
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


def neas_variant(base: Dict[str, Any], options: Sequence[str] = (),
                 **backbone: Any) -> Dict[str, Any]:
    """``base`` (the K=2 spec) detecting with other ``backbone`` settings
    (the FPN's ``in_channels`` follow: e.g. ``fuse='concat'`` gives a level
    after the split K times the channels) and other cfg-``options``, from
    the same pretrained weights."""
    det_options = [*base['det_options'], *(
        f'model.backbone.{key}={value}'.replace(' ', '')
        for key, value in backbone.items()), *options]
    if backbone:
        channels = build_detector_backbone(str(base['det']), base['arch'],
                                           **backbone).out_channels
        det_options.append(
            f'model.neck.in_channels=[{",".join(map(str, channels))}]')
    return dict(base, cls_from='neas_k2', det_options=det_options)


def backbone_specs(archs: Dict[str, str]) -> Dict[str, Dict[str, Any]]:
    """How each backbone is pretrained and detects (``cls_from``: whose
    pretrained weights it starts from)."""
    neas_cls = CONFIGS / 'neas_retrain_digits.py'
    neas_det = CONFIGS / 'retinanet_neas_fpn_digits.py'
    k2_arch = f'model.backbone.arch={archs["neas_k2"]}'
    k2 = dict(cls=neas_cls, det=neas_det, arch=archs['neas_k2'],
              cls_options=[k2_arch], det_options=[k2_arch])
    return dict(
        neas_k2=k2,
        neas_k2_concat=neas_variant(k2, fuse='concat'),
        # the stride-16 level from stage 3 instead of stage 2: after the
        # split of the digits ensembles (layer 7), so from the K paths
        neas_k2_stage3=neas_variant(k2, out_indices=(1, 3, 4)),
        neas_k2_norm_eval=dict(neas_variant(k2, norm_eval=True),
                               pretrained_only=True),
        # fine-tuning: the pretrained backbone at a tenth of the detector's
        # learning rate
        neas_k2_slow_backbone=dict(neas_variant(k2, [
            'optim_wrapper.paramwise_cfg.custom_keys.backbone.lr_mult=0.1']),
            pretrained_only=True),
        # pretrained on the cluttered digits instead (same recipe and
        # number of steps)
        neas_k2_cluttered_pretrained=dict(
            k2, cls=CONFIGS / 'neas_retrain_cluttered.py',
            pretrained_only=True),
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


def pretrain(name: str, spec: Dict[str, Any], args: argparse.Namespace,
             tag: str, seed: int) -> Tuple[List[str], float]:
    """Train ``spec``'s classifier with ``seed``; the cfg-options that
    start a detector from its weights, and its val top-1 (%)."""
    cls_dir = (args.out_dir / 'detection_backbones' /
               f'{spec.get("cls_from", name)}_cls_s{seed}_{tag}')
    checkpoint = train_with_tool(
        spec['cls'], cls_dir, args.cls_epochs,
        [*spec['cls_options'], f'randomness.seed={seed}',
         *args.cls_options])
    weights = cls_dir / 'weights.pth'  # Pretrained loads weights only
    if not weights.is_file():
        subprocess.run([sys.executable, str(REPO / 'tools' /
                                            'model_converters' /
                                            'publish_model.py'),
                        str(checkpoint), str(weights)], check=True,
                       cwd=REPO, stdout=subprocess.DEVNULL)
    return pretrained(weights), last_logged(cls_dir, 'accuracy/top1')


def measure(name: str, spec: Dict[str, Any], args: argparse.Namespace,
            tag: str, scratch: bool) -> Dict[str, Any]:
    """Per seed: pretrain with that seed (unless ``scratch``), then detect
    with that seed, so that the spread covers both trainings."""
    runs = args.out_dir / 'detection_backbones'
    maps, map50s, seconds, top1s = [], [], [], []
    label = name + ('_scratch' if scratch else '')
    for seed in range(args.seeds):
        init = []
        if not scratch:
            init, top1 = pretrain(name, spec, args, tag, seed)
            top1s.append(top1)
        det_dir = runs / f'{label}_det_s{seed}_{tag}'
        train_with_tool(spec['det'], det_dir, args.det_epochs,
                        [*spec['det_options'], *init,
                         f'randomness.seed={seed}', *args.det_options])
        maps.append(last_logged(det_dir, 'coco/bbox_mAP'))
        map50s.append(last_logged(det_dir, 'coco/bbox_mAP_50'))
        seconds.append(wall_seconds(det_dir))
        pre = '' if scratch else f' (pretrained: top-1 {top1s[-1]:.1f}%)'
        log(f'{label} seed {seed}: COCO mAP {maps[-1]:.3f} '
            f'(AP50 {map50s[-1]:.3f}), {seconds[-1]:.0f} s{pre}')
    return dict(map=maps, map_mean=statistics.mean(maps),
                map_std=statistics.stdev(maps) if len(maps) > 1 else 0.0,
                map50_mean=statistics.mean(map50s),
                macs_m=detector_backbone_macs(str(spec['det']),
                                              spec['arch']),
                cls_top1=(statistics.mean(top1s) if top1s
                          else float('nan')),
                cls_top1_per_seed=top1s, pretrained=not scratch,
                det_seconds=statistics.mean(seconds))


def difference(a: Dict[str, Any], b: Dict[str, Any],
               paired: bool) -> Dict[str, Any]:
    """``a`` minus ``b`` in mean mAP. ``paired``: both start every seed
    from the same weights, so ``se`` is the standard error of the per-seed
    differences; otherwise the two means' standard errors combined."""
    per_seed = [x - y for x, y in zip(a['map'], b['map'])]
    if len(per_seed) < 2:
        se = float('nan')  # one seed: no spread to measure
    elif paired:
        se = statistics.stdev(per_seed) / math.sqrt(len(per_seed))
    else:
        se = math.sqrt(sum(r['map_std'] ** 2 / len(r['map'])
                           for r in (a, b)))
    return dict(map=a['map_mean'] - b['map_mean'], se=se,
                per_seed=per_seed, paired=paired)


def plot(results: Dict[str, Dict[str, Any]], out: Path) -> None:
    """mAP per backbone (bar: mean +- std, dots: seeds), MACs below."""
    fig, axes = new_figure(1, 1, (1.3 * len(results) + 2, 3.8))
    ax = axes[0, 0]
    for x, (name, r) in enumerate(results.items()):
        ax.bar(x, r['map_mean'], yerr=r['map_std'], capsize=4,
               color='C0' if r['pretrained'] else 'C7', alpha=0.7)
        ax.scatter([x] * len(r['map']), r['map'], color='k', s=12)
    ax.set_xticks(range(len(results)),
                  [f'{n}\n{r["macs_m"]:.1f}M MACs'
                   for n, r in results.items()], fontsize=8)
    ax.set_ylabel('COCO bbox mAP (detection val)')
    ax.set_title('RetinaNet on the digits: mean +- std over seeds (blue: '
                 'pretrained, grey: from scratch)',
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
                        help='seeds per backbone; each seed pretrains its '
                        'own backbone, then detects from it')
    parser.add_argument('--arch', default='',
                        help='the K=2 ensemble (arch file, e.g. the demo\'s '
                        'best_arch.json; default: the digits configs\' '
                        'ensemble)')
    parser.add_argument('--scratch', nargs='*', choices=BACKBONES,
                        metavar='BACKBONE',
                        help='also train these detectors from scratch (no '
                        'names: every measured one that can start from '
                        'scratch)')
    parser.add_argument('--backbones', nargs='+', choices=BACKBONES,
                        default=list(BACKBONES),
                        help='which backbones to measure (runs already '
                        'done are reused, so a later run with more adds '
                        'only the missing ones)')
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
    specs = {name: specs[name] for name in args.backbones}
    for name in args.scratch or ():
        if name not in specs or specs[name].get('pretrained_only'):
            parser.error(f'--scratch {name}: not measured, or it has no '
                         'scratch version (it changes the fine-tuning); '
                         'measured: ' + ', '.join(specs))
    results = {name: measure(name, spec, args, tag, scratch=False)
               for name, spec in specs.items()}
    if args.scratch is not None:
        results.update({f'{name}_scratch': measure(name, spec, args, tag,
                                                   scratch=True)
                        for name, spec in specs.items()
                        if not spec.get('pretrained_only')
                        and name in (args.scratch or specs)})
    plot_file = args.out_dir / f'detection_backbones_{tag}.png'
    plot(results, plot_file)
    differences = {}
    for key, a, b in DIFFERENCES:
        if a in results and b in results:
            same_weights = specs.get(a, {}).get('cls_from') == b
            differences[key] = difference(results[a], results[b],
                                          paired=same_weights)
    result = json.dumps(dict(
        backbones=results, **differences,
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
