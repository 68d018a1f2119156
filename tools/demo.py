"""`make demo`: run every phase that exists so far on the embedded data.

Phases:

0. prepare the digits data (classification in ImageNet layout, detection in
   COCO layout) and save a preview picture of what was written;
1. train the K=2 digits supernet with diversity-guided shrinking
   (tools/train.py configs/neas/neas_supernet_k2_digits.py);
2. search it: K-path evolution and, as the baseline, random search under the
   same FLOPs window (tools/search.py configs/neas/neas_search_k2_digits.py);
3. retrain the best ensemble from scratch as an mmpretrain classifier
   (configs/neas/neas_retrain_digits.py), then keep its weights
   (tools/model_converters/publish_model.py);
4. train RetinaNet + FPN on the digits detection set with the retrained
   ensemble as backbone and score it with COCO mAP (tools/test.py); the
   comparison with MobileNetV2 and a single path over seeds is printed from
   benchmarks/detection_backbones.py when it has run.

Outputs go to ``<repo>/work_dirs/demo`` unless ``--work-dir`` says otherwise.
Run again, a finished phase is reused (each training resumes from its last
checkpoint).
"""
import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from neas_mm.apis import detector_backbone_macs
from neas_mm.datasets import (DIGIT_CLASSES, prepare_digits_classification,
                              prepare_digits_detection)

REPO = Path(__file__).resolve().parents[1]
# mmengine and mmdet still import pkg_resources; the report stays readable.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
# The demo's detector: the config's schedule shortened to 4 epochs (512
# of its 1,024 steps, lr x0.1 after epoch 3), so that the demo stays within
# 10 minutes (768 steps took it to 10.7-12.1 min on 2026-12-07); its
# backbone starts from the retrained classifier.
DEMO_DETECTION_EPOCHS = 4
# 2,048 training images in batches of 16 (_base_/datasets/digits_det.py)
DEMO_DETECTION_STEPS = DEMO_DETECTION_EPOCHS * 128
DEMO_DETECTION = [f'train_cfg.max_epochs={DEMO_DETECTION_EPOCHS}',
                  f'train_cfg.val_interval={DEMO_DETECTION_EPOCHS}',
                  f'default_hooks.checkpoint.interval={DEMO_DETECTION_EPOCHS}',
                  f'param_scheduler.1.end={DEMO_DETECTION_EPOCHS}',
                  'param_scheduler.1.milestones='
                  f'[{DEMO_DETECTION_EPOCHS - 1}]']


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Run the NEAS pipeline on the embedded digits data.')
    parser.add_argument('--data-root', type=Path, default=REPO / 'data',
                        help='where the data sets are prepared')
    parser.add_argument('--work-dir', type=Path,
                        default=REPO / 'work_dirs' / 'demo',
                        help='where logs, checkpoints and plots go')
    return parser.parse_args()


def save_preview(cls_root: Path, det_root: Path, out: Path) -> None:
    """A picture of a few written samples, with the detection boxes."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.patches as patches
    import matplotlib.pyplot as plt
    from PIL import Image

    fig, axes = plt.subplots(2, 6, figsize=(12, 4.4))
    for ax, digit in zip(axes[0], DIGIT_CLASSES):
        path = sorted((cls_root / 'train' / digit).glob('*.png'))[0]
        ax.imshow(Image.open(path))
        ax.set_title(f'class {digit}')
    ann = json.loads((det_root / 'annotations' /
                      'instances_train2017.json').read_text())
    for ax, image in zip(axes[1], ann['images']):
        ax.imshow(Image.open(det_root / 'train2017' / image['file_name']))
        for box in (a for a in ann['annotations']
                    if a['image_id'] == image['id']):
            x, y, w, h = box['bbox']
            ax.add_patch(patches.Rectangle((x, y), w, h, fill=False,
                                           color='lime', linewidth=1.2))
            ax.text(x, y - 1, DIGIT_CLASSES[box['category_id'] - 1],
                    color='lime', fontsize=8)
    for ax in axes.ravel():
        ax.axis('off')
    fig.suptitle('digits_cls (top) and digits_det with COCO boxes (bottom)')
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def run_tool(log: Path, *args: str) -> None:
    """Run one of the project's tools, its full output in ``log``; on
    failure the log's tail is printed and the demo stops."""
    cmd = [sys.executable, *args]
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f'  $ {Path(args[0]).relative_to(REPO)} ... (log: {log})',
          flush=True)
    start = time.time()
    with log.open('w') as out:
        done = subprocess.run(cmd, cwd=REPO, stdout=out,
                              stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = log.read_text().splitlines()[-30:]
        print('\n'.join('    ' + line for line in tail), file=sys.stderr)
        raise SystemExit(f'{" ".join(cmd)} failed ({done.returncode}); '
                         f'full log: {log}')
    print(f'    done in {time.time() - start:.0f} s', flush=True)


def last_scalars(work_dir: Path, key: str) -> list:
    """Every logged value of ``key`` in a Runner work dir, in order."""
    values = []
    for log in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in log.read_text().splitlines():
            record = json.loads(line)
            if key in record:
                values.append((record['step'], record[key]))
    return values


def phase_supernet(args: argparse.Namespace) -> dict:
    print('== phase 1: K-path supernet training with diversity-guided '
          'shrinking', flush=True)
    work_dir = args.work_dir / 'supernet'
    run_tool(args.work_dir / 'logs' / 'supernet_train.log',
             str(REPO / 'tools' / 'train.py'),
             str(REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'),
             '--work-dir', str(work_dir), '--resume', '--cfg-options',
             *[f'{key}.dataset.data_root={args.data_root}/digits_cls'
               for key in ('train_dataloader', 'val_dataloader',
                           'search_dataloader')])
    history = json.loads((work_dir / 'shrink_history.json').read_text())
    accuracy = last_scalars(work_dir, 'accuracy/top1')
    for record in history:
        print(f'  shrink {record["shrink"]} at epoch {record["epoch"]}: '
              f'{record["size_before"]} -> {record["size_after"]} '
              f'combinations, {record["num_architectures"]} ensembles left')
    print('  reference ensemble accuracy (val) by epoch: '
          + ', '.join(f'{step}: {value:.1f}%' for step, value in accuracy))
    return dict(space_before=history[0]['size_before'] if history else None,
                space_after=history[-1]['size_after'] if history else None,
                supernet_top1=accuracy[-1][1] if accuracy else None,
                plots=sorted(str(p) for p in work_dir.glob('shrink_*.png')))


def phase_search(args: argparse.Namespace) -> dict:
    print('== phase 2: K-path evolution search (and random search)',
          flush=True)
    supernet_dir = args.work_dir / 'supernet'
    checkpoint = (supernet_dir / 'last_checkpoint').read_text().strip()
    work_dir = args.work_dir / 'search'
    data = [f'{key}.dataset.data_root={args.data_root}/digits_cls'
            for key in ('train_dataloader', 'val_dataloader',
                        'train_cfg.search_dataloader')]
    for mode in ('random', 'evolution'):  # evolution last: its best_arch
        run_tool(args.work_dir / 'logs' / f'search_{mode}.log',
                 str(REPO / 'tools' / 'search.py'),
                 str(REPO / 'configs' / 'neas' / 'neas_search_k2_digits.py'),
                 checkpoint, '--work-dir', str(work_dir), '--resume',
                 '--cfg-options', f'train_cfg.mode={mode}', *data)
    results = {}
    for mode in ('evolution', 'random'):
        top = json.loads((work_dir / f'search_topk_{mode}.json').read_text())
        results[mode] = top[0]
        print(f'  {mode:9s} best: top-1 (search split) '
              f'{top[0]["score"]:.1f}% at '
              f'{top[0]["flops_m"]:.2f}M MACs, split {top[0]["split"]}, '
              f'arch_list {top[0]["arch_list"]}')
    return dict(best_arch=str(work_dir / 'best_arch.json'), **results,
                plots=[str(work_dir / 'search_curve.png')])


def data_options(args: argparse.Namespace, name: str) -> list:
    root = f'{args.data_root}/{name}'
    return [f'train_dataloader.dataset.data_root={root}/',
            f'val_dataloader.dataset.data_root={root}/',
            f'test_dataloader.dataset.data_root={root}/']


def final_checkpoint(work_dir: Path) -> str:
    return (work_dir / 'last_checkpoint').read_text().strip()


def phase_retrain(args: argparse.Namespace, best_arch: str) -> dict:
    print('== phase 3: retrain the searched ensemble (mmpretrain)',
          flush=True)
    work_dir = args.work_dir / 'retrain'
    run_tool(args.work_dir / 'logs' / 'retrain_train.log',
             str(REPO / 'tools' / 'train.py'),
             str(REPO / 'configs' / 'neas' / 'neas_retrain_digits.py'),
             '--work-dir', str(work_dir), '--resume', '--cfg-options',
             f'model.backbone.arch={best_arch}',
             *data_options(args, 'digits_cls')[:2])
    weights = work_dir / 'retrained.pth'
    run_tool(args.work_dir / 'logs' / 'retrain_publish.log',
             str(REPO / 'tools' / 'model_converters' / 'publish_model.py'),
             final_checkpoint(work_dir), str(weights))
    accuracy = last_scalars(work_dir, 'accuracy/top1')
    print(f'  retrained ensemble top-1 (val): {accuracy[-1][1]:.1f}%')
    return dict(retrained_top1=accuracy[-1][1], weights=str(weights))


def phase_detection(args: argparse.Namespace, best_arch: str,
                    weights: str) -> dict:
    print('== phase 4: RetinaNet on the digits detection set with the '
          'retrained ensemble as backbone', flush=True)
    name = 'retinanet_neas_fpn_digits'
    config = str(REPO / 'configs' / 'neas' / f'{name}.py')
    # The schedule is in the name: a demo folder from another schedule is
    # never resumed.
    work_dir = args.work_dir / f'{name}_{DEMO_DETECTION_STEPS}steps'
    options = data_options(args, 'digits_det') + [
        f'val_evaluator.ann_file={args.data_root}/digits_det/'
        'annotations/instances_val2017.json',
        f'test_evaluator.ann_file={args.data_root}/digits_det/'
        'annotations/instances_val2017.json',
        f'model.backbone.arch={best_arch}',
        'model.backbone.init_cfg.type=Pretrained',
        f'model.backbone.init_cfg.checkpoint={weights}',
        'model.backbone.init_cfg.prefix=backbone.',
        *DEMO_DETECTION]
    run_tool(args.work_dir / 'logs' / f'{name}_train.log',
             str(REPO / 'tools' / 'train.py'), config, '--work-dir',
             str(work_dir), '--resume', '--cfg-options', *options)
    metrics = work_dir / 'test_metrics.json'
    run_tool(args.work_dir / 'logs' / f'{name}_test.log',
             str(REPO / 'tools' / 'test.py'), config,
             final_checkpoint(work_dir), '--work-dir', str(work_dir),
             '--out-json', str(metrics), '--cfg-options', *options)
    scores = json.loads(metrics.read_text())
    result = dict(map=scores['coco/bbox_mAP'],
                  map50=scores['coco/bbox_mAP_50'],
                  macs=detector_backbone_macs(config, best_arch))
    print(f'  NEAS ensemble: COCO bbox mAP {result["map"]:.3f} (AP50 '
          f'{result["map50"]:.3f}), backbone {result["macs"]:.1f}M MACs at '
          '128 px')
    return result


def print_ranking() -> None:
    """The supernet's measured ranking quality (Kendall tau against
    standalone training), from the last full run of benchmarks/ranking.py:
    its ground truth takes too long for the demo, and on the digits every
    ensemble scores 97-99%, too close to rank."""
    result = REPO / 'work_dirs' / 'benchmarks' / 'ranking_full.json'
    if not result.is_file():
        print('  supernet ranking (Kendall tau vs standalone): not measured '
              'in this checkout yet; benchmarks/ranking.py measures it on the '
              'cluttered task (--quick: ~6 min)')
        return
    d = json.loads(result.read_text())
    lo, hi = d['kendall_tau_ci95']
    when = time.strftime('%Y-%m-%d', time.localtime(result.stat().st_mtime))
    single = d.get('single_run_tau') or float('nan')
    print(f'  supernet ranking, Kendall tau vs standalone: '
          f'{d["kendall_tau"]:.2f} [{lo:.2f}, {hi:.2f}] '
          f'({d["rows"][0]["name"]}; one standalone run: {single:.2f}; '
          f'benchmarks/ranking.py on the cluttered task, {when})')


def print_detection_benchmark() -> None:
    """NEAS vs MobileNetV2 vs a single path, and the detector settings
    measured on the NEAS one, over seeds, when
    benchmarks/detection_backbones.py has run in this checkout: its ~30
    detector trainings are more than the demo's budget."""
    result = (REPO / 'work_dirs' / 'benchmarks' /
              'detection_backbones_full.json')
    if not result.is_file():
        print('  detection backbones compared over seeds: not measured in '
              'this checkout yet; benchmarks/detection_backbones.py '
              '(about 110 min)')
        return
    d = json.loads(result.read_text())
    runs = d['backbones']

    def listed(names: Sequence[str]) -> str:
        """'name mean +- std (MACs)' of those of ``names`` that ran."""
        return ', '.join(f'{name} {runs[name]["map_mean"]:.3f} +- '
                         f'{runs[name]["map_std"]:.3f} '
                         f'({runs[name]["macs_m"]:.1f}M MACs)'
                         for name in names if name in runs)

    backbones = ('neas_k2', 'neas_k1', 'mobilenetv2')
    print(f'  RetinaNet COCO mAP (detection val), mean +- std over '
          f'{d["settings"]["seeds"]} seeds, each pretrained with the same '
          'budget: ' + listed(backbones) +
          ' (benchmarks/detection_backbones.py)')
    scratch = listed([f'{name}_scratch' for name in backbones])
    if scratch:
        print(f'    the same from scratch: {scratch}')
    changes = [f'{key} {value["map"]:+.3f} +- {value["se"]:.3f}'
               for key, value in d.items()
               if isinstance(value, dict) and 'per_seed' in value
               and key not in ('neas_minus_mobilenetv2',
                               'neas_minus_single_path')]
    if changes:
        print('    mAP differences (+- standard error): '
              + ', '.join(changes))


def print_search_benchmark() -> None:
    """Evolution vs random search with standalone-trained winners, when
    benchmarks/search_vs_random.py has run in this checkout."""
    result = REPO / 'work_dirs' / 'benchmarks' / 'search_vs_random_full.json'
    if not result.is_file():
        return
    d = json.loads(result.read_text())
    print(f'  evolution vs random search, winners trained standalone (val):'
          f' {100 * d["evolution_mean"]:.1f} +- {100 * d["evolution_se"]:.1f}'
          f' vs {100 * d["random_mean"]:.1f} +- {100 * d["random_se"]:.1f} '
          f'({d["seeds"]} searches each; benchmarks/search_vs_random.py on '
          'the cluttered task)')


def main() -> None:
    args = parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    start = time.time()
    print('== phase 0: embedded data', flush=True)
    cls = prepare_digits_classification(str(args.data_root / 'digits_cls'))
    det = prepare_digits_detection(str(args.data_root / 'digits_det'))
    for name, info in (('digits_cls', cls), ('digits_det', det)):
        state = 'written' if info['rebuilt'] else 'reused (complete)'
        counts = {k: v for k, v in info.items()
                  if k not in ('root', 'rebuilt')}
        print(f'  {name}: {state} at {info["root"]}  {counts}')
    boxes = json.loads((args.data_root / 'digits_det' / 'annotations' /
                        'instances_train2017.json').read_text())
    sides = np.array([max(a['bbox'][2:]) for a in boxes['annotations']])
    print(f'  detection box sides: min {sides.min():.0f} px, median '
          f'{np.median(sides):.0f} px, max {sides.max():.0f} px')
    preview = args.work_dir / 'data_preview.png'
    save_preview(args.data_root / 'digits_cls', args.data_root / 'digits_det',
                 preview)
    print(f'  saved {preview}')
    summary = phase_supernet(args)
    search = phase_search(args)
    retrain = phase_retrain(args, search['best_arch'])
    detection = phase_detection(args, search['best_arch'],
                                retrain['weights'])
    print('== summary')
    print(f'  search space: {summary["space_before"]} -> '
          f'{summary["space_after"]} operator combinations')
    print(f'  supernet reference ensemble top-1 (val): '
          f'{summary["supernet_top1"]:.1f}%')
    evo, rnd = search['evolution'], search['random']
    print(f'  best ensemble (evolution): top-1 (search split) '
          f'{evo["score"]:.1f}% on the supernet, {evo["flops_m"]:.2f}M MACs, '
          f'split point {evo["split"]} -> {search["best_arch"]}')
    print(f'  random search baseline:   top-1 (search split) '
          f'{rnd["score"]:.1f}%, {rnd["flops_m"]:.2f}M MACs')
    print(f'  best ensemble retrained:  top-1 (val) '
          f'{retrain["retrained_top1"]:.1f}%')
    print(f'  RetinaNet COCO mAP (detection val), searched ensemble '
          f'pretrained by the retrain: {detection["map"]:.3f} '
          f'({detection["macs"]:.1f}M backbone MACs; one seed, '
          f'{DEMO_DETECTION_STEPS} steps)')
    print_detection_benchmark()
    print_ranking()
    print_search_benchmark()
    print('  plots: ' + ', '.join([str(preview)] + summary['plots'] +
                                  search['plots']))
    print(f'== demo finished in {time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
