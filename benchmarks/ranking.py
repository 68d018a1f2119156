"""Does the supernet rank ensembles like standalone training does? The
paper's Table 2 protocol on the cluttered-digits task.

For every row (a shrink metric and an operator kind), the supernet of
``configs/neas/neas_supernet_k2_cluttered.py`` is trained through
``tools/train.py`` once per supernet seed (one Runner each, resumable,
reused when done, logs in its work dir).
The same FLOPs-stratified ensembles as ``task_spread.py`` are then scored
with the supernet's weights (BN recalibrated per ensemble on a fixed train
subset, top-1 on the ``search`` split) and compared with their standalone
``val`` accuracy (mean over seeds, from the truth table
``neas_mm/evaluation/truth_tables/cluttered_k2.jsonl``: every architecture
it holds with ``--seeds`` seeds; ``--truth train``: the short recipe of
``--steps``, from the shared cache; trained only where
missing). Prints one JSON object:

* ``kendall_tau``, ``spearman_rho`` (+ ``_ci95``, bootstrap over
  ensembles, not over supernet seeds), ``top_k_overlap`` and
  ``supernet_mean_acc`` of the first row (by default the diversity metric
  with entangled operators, the configs' default), each the mean over
  supernet seeds;
* ``resolvable_tau_difference`` (the smallest difference from another
  method's tau on these ensembles that a 5 % test resolves, from the
  bootstrap over ensembles), ``truth_version``, ``truth_reliability``
  (of the seed mean), ``single_seed_reliability`` and ``ceiling_tau`` (a
  perfect proxy's expected tau against the seed mean);
* ``noise_ceiling_tau``: Kendall tau between two standalone seeds (what a
  perfect proxy could reach against noisy ground truth), with ``_ci95``;
  ``single_run_tau``: one standalone seed against the mean of the others
  (averaged over seeds), the standalone proxy's tau on averaged truth;
* ``rows``: the same figures per row, with ``kendall_tau_per_seed`` (the
  spread of a single supernet run) and, per supernet seed, the share of the
  ensembles left in its shrunk space and its last reference-ensemble val
  accuracy;
* ``supernet_epochs`` (the headline's budget) and ``budget_curve``: the
  headline row's tau per supernet budget (``--epochs`` and each of
  ``--budget-epochs``, ``--extra-seeds`` supernets each, the config's
  three shrinks spread in proportion: ``shrink_schedule``), each point with
  ``epochs``, ``images_per_path``, ``kendall_tau`` (+ ``_ci95``,
  ``_per_seed``) and ``train_seconds``; plotted against one standalone
  training's images and the truth's ceiling (``ranking_budget_*.png``).
  Its extra budgets are rows too (longer training as a remedy), as is each
  of ``--remedies`` (``REMEDIES``: FairNAS-style fair sampling, a larger
  BN recalibration set), named ``<remedy>-<headline>``. Every row after
  the headline has ``tau_minus_headline`` with ``_ci95`` and ``_resolved``
  (a bootstrap over the same ensembles, paired, and over each row's
  supernets: ``neas_mm.search.paired_tau_difference``);
* ``controls``: what every method should beat on the same ensembles: the
  ensembles' multiply-adds as the proxy (``flops_tau`` with ``_ci95``, and
  ``headline_minus_flops`` with ``_ci95``, paired) and a random ranking's
  95% range of tau (``random_tau_range95``);
* ``archs``: per ensemble its ``arch_list``, ``flops``, standalone ``val``
  per seed and the supernet ``scores`` per row (one per supernet seed);
* ``ennas`` (unless ``--no-ennas``): the headline row's metric and
  operators trained the EnNAS way
  (``configs/neas/neas_supernet_k2_ennas_cluttered.py``), against the plain
  row. ``plain``, ``equal_steps`` and ``equal_time`` each give
  ``kendall_tau`` (+ ``_ci95``, ``_seed_std``), ``supernet_mean_acc``
  (fraction) and ``wall_seconds``; the EnNAS ones add ``tau_minus_plain``,
  ``teacher_accuracy`` and ``teacher_gap`` (points, on training batches of
  the last epoch) and ``draw_diversity`` / ``uniform_draw_diversity`` (Eq. 4
  between the paths of 2,000 draws of its sampler / of uniform draws, from
  its final space, with its last tables). Equal time gives EnNAS fewer
  images an epoch when it is slower (``train_images_per_epoch``); when it
  is not, ``equal_time_is_equal_steps`` is true and both are one run.

A scatter plot (supernet score vs standalone accuracy, one panel per row),
the EnNAS plot (tau, wall time, draw diversity) and the JSON
(``ranking_{full,quick}.json``) go to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/ranking.py [--quick]``.
"""
import argparse
import json
import random
import statistics
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from neas_mm.evaluation import SupernetScorer
from neas_mm.evaluation.truth_table import TABLE_RECIPE
from neas_mm.space import EnsembleArch, SearchSpace
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.search import (bootstrap_interval, kendall_tau,
                            paired_tau_difference, rank_agreement,
                            rank_agreement_over_seeds,
                            resolvable_tau_difference, stratified_by_flops)
from bench_common.args import add_calib_option, benchmark_parser
from bench_common.figures import new_figure, save_figure
from bench_common.ennas_runs import (draw_diversity, equal_time_images,
                                     teacher_stats)
from bench_common.senas_runs import (expansion_stats, plot_senas,
                                     senas_summary)
from bench_common.supernet_budget import plot_budget, shrink_schedule
from bench_common.truth import (add_truth_options, calibration_images,
                                fill_table, standalone_truth)
from bench_common.supernet_runs import (REPO, last_val_accuracy,
                                        load_supernet, train_in_parallel,
                                        train_seconds, train_supernet,
                                        wall_seconds)

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
ENNAS_CONFIG = CONFIG.with_name('neas_supernet_k2_ennas_cluttered.py')
SENAS_CONFIG = CONFIG.with_name('neas_supernet_k2_senas_cluttered.py')
METRICS = dict(diversity='neas_mm.DiversityMetric',
               none='neas_mm.NoneMetric',
               accuracy='neas_mm.AccuracyMetric',
               senas='neas_mm.SENASMetric')


def plot(rows: List[Dict[str, Any]], truth: List[float], out: Path,
         ncols: int) -> None:
    """One panel per row, ``ncols`` panels (shrink metrics) a line."""
    nrows = -(-len(rows) // ncols)
    fig, axes = new_figure(nrows, ncols, (4.2 * ncols, 3.8 * nrows))
    for ax, row in zip(axes.flat, rows):
        for seed, scores in enumerate(row['scores']):
            ax.scatter([100 * t for t in truth], [100 * s for s in scores],
                       s=18, label=f'supernet seed {seed}')
        ax.legend(fontsize=7)
        ax.set_title(f'{row["name"]}: tau {row["kendall_tau"]:.2f} '
                     f'[{row["kendall_tau_ci95"][0]:.2f}, '
                     f'{row["kendall_tau_ci95"][1]:.2f}]', fontsize=9)
        ax.set_xlabel('standalone val top-1 (%), mean over seeds')
        ax.set_ylabel('supernet search top-1 (%)')
        ax.grid(alpha=0.3)
    save_figure(fig, out)


SupernetJob = Tuple[Path, Path, int, List[str]]


def supernet_job(name: str, config: Path, metric: str, operators: str,
                 seed: int, args: argparse.Namespace, tag: str,
                 train_images: Optional[int] = None,
                 options: Sequence[str] = (),
                 epochs: Optional[int] = None) -> SupernetJob:
    """``train_supernet``'s arguments for one supernet: ``epochs``
    (default ``--epochs``; its shrinks spread as ``shrink_schedule``
    says) on the first ``train_images`` of the train split an epoch
    (default ``args.train_images``, else all), more ``--cfg-options`` in
    ``options``. The work dir's name holds every setting that differs
    from the full run's, so that a run of other settings is never resumed
    or reused.

    Args:
        name: The row's name (the work dir's stem).
        config: The supernet config.
        metric: Shrink metric (a key of ``METRICS``).
        operators: ``entangled`` or ``independent``.
        seed: Supernet seed (Runner and sampler).
        args: The benchmark's options.
        tag: ``full`` or ``quick``.
        train_images: Training images an epoch (default: all).
        options: More ``--cfg-options``.
        epochs: Supernet epochs (default ``--epochs``).
    """
    train_images = train_images or args.train_images
    epochs = epochs or args.epochs
    name = name + (f'_s{seed}' if seed else '')
    if args.train_images:
        name += f'_n{args.train_images}'
    if epochs != 4:
        name += f'_e{epochs}'
    work_dir = args.out_dir / 'ranking' / f'{name}_{tag}'
    return config, work_dir, epochs, [
        f'custom_hooks.0.metric.type={METRICS[metric]}',
        f'model.backbone.operators={operators}',
        f'randomness.seed={seed}', f'model.sampler.seed={seed}',
        *[f'{key}.dataset.data_root={args.data_root}'
          for key in ('train_dataloader', 'val_dataloader',
                      'search_dataloader')],
        *([f'train_dataloader.dataset.indices={train_images}']
          if train_images else []),
        *(shrink_schedule(epochs) if config == CONFIG else []), *options]


def supernet_scores(name: str, config: Path, metric: str, operators: str,
                    seed: int, args: argparse.Namespace, tag: str, setup,
                    calib: torch.Tensor, train_images: Optional[int] = None,
                    options: Sequence[str] = (),
                    in_space: Optional[Callable] = None,
                    epochs: Optional[int] = None) -> Dict[str, Any]:
    """Train (or reuse) one supernet (``supernet_job``) and score every
    ensemble with it (and the ensembles ``in_space(final space)`` draws,
    with their standalone accuracies per seed)."""
    job = supernet_job(name, config, metric, operators, seed, args, tag,
                       train_images, options, epochs)
    work_dir = job[1]
    name = work_dir.name[:-len(tag) - 1]
    checkpoint = train_supernet(*job)
    # One cache per calibration size: the calibration remedy rescores the
    # headline row's supernets without losing their default scores.
    cache = work_dir / ('ranking_scores.json' if len(calib) == args.calib
                        else f'ranking_scores_calib{len(calib)}.json')
    key = json.dumps(dict(archs=[a.to_arch_list() for a in setup.archs],
                          calib=len(calib), seeds=args.seeds,
                          in_space=None if in_space is None
                          else args.senas_archs))
    if cache.is_file() and json.loads(cache.read_text())['key'] == key:
        log(f'  {name}: scores read from {cache}')
        return json.loads(cache.read_text())['run']
    model = load_supernet(config, checkpoint, operators)
    scorer = SupernetScorer(model, calib, setup.splits['search'])
    scores = []
    for n, arch in enumerate(setup.archs):
        scores.append(scorer.score(arch))
        log(f'  {name} [{n + 1}/{len(setup.archs)}] supernet '
            f'{scores[-1]:.3f}')
    run = dict(scores=scores,
               in_shrunk_space=sum(model.space.contains(a)
                                   for a in setup.archs) / len(setup.archs),
               space_size=model.space.size,
               reference_val_acc=last_val_accuracy(work_dir),
               wall_seconds=wall_seconds(work_dir),
               train_seconds=train_seconds(work_dir))
    if config == ENNAS_CONFIG:
        run.update(teacher_stats(work_dir))
        run['draw_diversity'] = draw_diversity(model, seed=seed)
    if config == SENAS_CONFIG:
        run.update(expansion_stats(work_dir))
    if in_space is not None:
        archs, seeds = in_space(model.space)
        run['in_space_scores'] = [scorer.score(a) for a in archs]
        run['in_space_truth'] = [statistics.mean(s) for s in seeds]
        run['in_space_archs'] = [a.to_arch_list() for a in archs]
        run['in_space_tau'] = kendall_tau(run['in_space_scores'],
                                          run['in_space_truth'])
        run['in_space_noise_ceiling_tau'] = kendall_tau(
            [s[0] for s in seeds], [s[1] for s in seeds]) \
            if len(seeds[0]) > 1 else float('nan')
        log(f'  {name}: {len(archs)} ensembles of its final space, tau '
            f'{run["in_space_tau"]:.3f}')
    cache.write_text(json.dumps(dict(key=key, run=run)))
    return run


def budget_curve(head: Dict[str, Any], args: argparse.Namespace, tag: str,
                 setup, calib: torch.Tensor, truth: List[float]
                 ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The headline row's tau per supernet budget: ``head`` at
    ``--epochs`` and one row per epoch count of ``--budget-epochs``
    (``--extra-seeds`` supernet seeds each), sorted by epochs. A point
    gives its ``images_per_path`` (every path of a drawn ensemble sees
    each training image of the epoch), the tau with its interval over
    ensembles and per seed, and the supernets' training seconds. Also
    returns the new budgets' rows (longer training is a remedy row).

    Args:
        head: The headline row (trained for ``--epochs``).
        args: The benchmark's options.
        tag: ``full`` or ``quick`` (in the work dirs' names).
        setup: The task, its splits and the ensembles ranked.
        calib: The BN calibration images.
        truth: Standalone accuracy per ensemble (seed mean).
    """
    metric, operators = args.rows[0], args.operators[0]
    images = args.train_images or len(setup.splits['train'][0])
    rows = {args.epochs: head}
    for epochs in args.budget_epochs:
        if epochs not in rows:
            rows[epochs] = ranking_row(
                f'{metric}-{operators}-e{epochs}',
                [supernet_scores(head['name'], CONFIG, metric, operators,
                                 seed, args, tag, setup, calib,
                                 epochs=epochs)
                 for seed in range(args.extra_seeds)],
                metric, operators, truth)
    return [dict(epochs=epochs, images_per_path=epochs * images,
                 supernet_seeds=len(row['kendall_tau_per_seed']),
                 **{k: row[k] for k in ('kendall_tau', 'kendall_tau_ci95',
                                        'kendall_tau_per_seed',
                                        'spearman_rho', 'top_k_overlap',
                                        'supernet_mean_acc')},
                 train_seconds=row['train_seconds'])
            for epochs, row in sorted(rows.items())], \
        [row for epochs, row in sorted(rows.items()) if row is not head]


#: Remedies of the one-shot literature, each a row of the headline metric
#: and operators: FairNAS's strict fairness (every choice of a layer once
#: per round of draws) and a larger BN recalibration set per scored
#: ensemble. Longer training is the budget curve.
REMEDIES = dict(fair=['model.sampler.type=neas_mm.FairKPathSampler'],
                calib1024=[])
REMEDY_CALIB = dict(calib1024=1024)


def remedy_rows(args: argparse.Namespace, tag: str, setup,
                calib: torch.Tensor, truth: List[float]
                ) -> List[Dict[str, Any]]:
    """One row per remedy of ``--remedies`` (``REMEDIES``), with the
    headline row's metric and operators, ``--extra-seeds`` supernets; the
    calibration remedy rescores the headline's ``--supernet-seeds``
    supernets (no training).

    Args:
        args: The benchmark's options.
        tag: ``full`` or ``quick`` (in the work dirs' names).
        setup: The task, its splits and the ensembles ranked.
        calib: The default BN calibration images.
        truth: Standalone accuracy per ensemble (seed mean).
    """
    metric, operators = args.rows[0], args.operators[0]
    base = f'{metric}-{operators}'
    rows = []
    for remedy in args.remedies:
        size = REMEDY_CALIB.get(remedy)
        name = base if size else f'{remedy}-{base}'
        # Rescoring costs no training: every headline supernet.
        seeds = args.supernet_seeds if size else args.extra_seeds
        runs = [supernet_scores(
            name, CONFIG, metric, operators, seed, args, tag, setup,
            calibration_images(setup, size) if size else calib,
            options=REMEDIES[remedy])
            for seed in range(seeds)]
        row = ranking_row(f'{remedy}-{base}', runs, metric, operators,
                          truth)
        row['remedy'] = remedy
        rows.append(row)
    return rows


def ranking_row(name: str, runs: List[Dict[str, Any]], metric: str,
                operators: str, truth: List[float]) -> Dict[str, Any]:
    """One row: a supernet per seed (``runs``), each compared with
    ``truth``; per-seed figures kept as lists."""
    scorings = [r['scores'] for r in runs]
    row = dict(name=name, metric=METRICS[metric], operators=operators,
               **rank_agreement_over_seeds(scorings, truth),
               supernet_mean_acc=statistics.mean(
                   statistics.mean(s) for s in scorings),
               resolvable_tau_difference=statistics.mean(
                   resolvable_tau_difference(s, truth) for s in scorings))
    for key in runs[0]:
        if key != 'scores':  # None where a run lacks it
            row[key] = [r.get(key) for r in runs]
    row['scores'] = scorings
    log(f'{row["name"]}: tau {row["kendall_tau"]:.3f} '
        f'{row["kendall_tau_ci95"]} per seed '
        f'{[round(t, 3) for t in row["kendall_tau_per_seed"]]}')
    return row


def ennas_rows(plain: Dict[str, Any], args: argparse.Namespace, tag: str,
               setup, calib: torch.Tensor, truth: List[float]
               ) -> List[Dict[str, Any]]:
    """EnNAS with the headline row's shrink metric and operators: at equal
    steps (its epochs on the whole train split), then at equal wall-clock
    time with ``plain`` (the same epochs on fewer images each, the number
    set from the equal-steps runs' measured times). Trained the way the
    plain row was (``--train-workers`` at a time, one thread each), so
    that their wall times compare."""
    metric, operators = args.rows[0], args.operators[0]
    base = f'{metric}-{operators}'

    def row(name: str, images: Optional[int] = None) -> Dict[str, Any]:
        if args.train_workers > 1:  # as the plain row was trained
            train_in_parallel([
                supernet_job(name, ENNAS_CONFIG, metric, operators, seed,
                             args, tag, images)
                for seed in range(args.supernet_seeds)], args.train_workers)
        runs = [supernet_scores(name, ENNAS_CONFIG, metric, operators, seed,
                                args, tag, setup, calib, images)
                for seed in range(args.supernet_seeds)]
        return ranking_row(name, runs, metric, operators, truth)

    plain_wall = statistics.mean(plain['wall_seconds'])
    if plain_wall != plain_wall:  # nan: a run from before times were kept
        raise ValueError(
            'the plain supernets of this row have no recorded wall time '
            '(wall_seconds.json, written since the EnNAS rows came); delete '
            f'their work dirs under {args.out_dir / "ranking"} to retrain '
            'them, or run with --no-ennas')
    steps = row(f'ennas-steps-{base}')
    full = args.train_images or len(setup.splits['train'][0])
    images = equal_time_images(
        plain_wall,
        statistics.mean(steps['wall_seconds']),
        statistics.mean(steps['train_seconds']), full)
    log(f'EnNAS at equal wall-clock: {images} of {full} training images '
        'an epoch')
    if images >= 0.98 * full:
        # EnNAS costs no more than the plain run: the equal-steps run is
        # the closest to equal time (more than the whole split an epoch
        # would need more epochs, not measured here).
        timed = dict(steps, name=f'ennas-time-{base}',
                     same_run_as_equal_steps=True)
    else:
        timed = row(f'ennas-time{images}-{base}', images)
        timed['same_run_as_equal_steps'] = False
    timed['train_images_per_epoch'] = images
    return [steps, timed]


def senas_settings(args: argparse.Namespace
                   ) -> List[Tuple[str, str, bool, List[str]]]:
    """The SE-NAS rows' (name, metric, expand, ``--cfg-options``): per
    metric of ``--senas-metrics``, without and with supernet expanding.

    Args:
        args: The benchmark's options (``--senas-metrics``, the first of
            ``--operators``, ``--quick``).
    """
    options = ['custom_hooks.0.num_drop=180'] if args.quick else []
    return [(f'{metric}-shrink36{"-expand" if expand else ""}-'
             f'{args.operators[0]}', metric, expand,
             options + ([] if expand else
                        ['custom_hooks.0.expand_threshold=None']))
            for metric in args.senas_metrics for expand in (False, True)]


def senas_jobs(args: argparse.Namespace, tag: str
               ) -> Dict[Tuple[str, int], SupernetJob]:
    """``train_supernet``'s arguments of every SE-NAS run, by (row name,
    supernet seed).

    Args:
        args: The benchmark's options.
        tag: ``full`` or ``quick`` (in the work dirs' names).
    """
    return {(name, seed): supernet_job(name, SENAS_CONFIG, metric,
                                       args.operators[0], seed, args, tag,
                                       options=extra)
            for name, metric, _, extra in senas_settings(args)
            for seed in range(args.supernet_seeds)}


def ranks_in_space(args: argparse.Namespace, metric: str, expand: bool,
                   seed: int) -> bool:
    """Whether an SE-NAS run ranks ensembles of its own final space. In-space
    truth costs ``--senas-archs`` x ``--seeds`` standalone runs per final
    space: measured for the first metric of ``--senas-metrics`` and the
    first ``--senas-space-seeds`` supernet seeds only; the expanded runs
    only with ``--senas-space-expanded`` (an expansion after the first
    shrink changes what the second drops, so their spaces need their own
    truth).

    Args:
        args: The benchmark's options.
        metric: The run's shrink metric.
        expand: Whether the run expands its supernet.
        seed: The run's supernet seed.
    """
    return metric == args.senas_metrics[0] and seed < args.senas_space_seeds \
        and (args.senas_space_expanded or not expand)


def senas_rows(args: argparse.Namespace, tag: str, setup,
               calib: torch.Tensor, truth: List[float]
               ) -> List[Dict[str, Any]]:
    """SE-NAS's deeper shrink (``SENAS_CONFIG``), one row per
    :func:`senas_settings`; a run that :func:`ranks_in_space` also ranks
    ``--senas-archs`` FLOPs-stratified ensembles of its own final space
    (their standalone truth added to the table where it lacks them). With
    ``--train-workers`` above 1 the supernets were trained with the other
    rows' (:func:`planned_jobs`), and (``--truth table``) the missing
    in-space truth rows train that many at a time, one thread each, before
    any is scored."""
    operators = args.operators[0]
    settings = senas_settings(args)

    def in_space_archs(space: SearchSpace) -> List[EnsembleArch]:
        return stratified_by_flops(space, setup.table.macs,
                                   args.senas_archs, seed=0)

    def in_space(space: SearchSpace
                 ) -> Tuple[List[EnsembleArch], List[List[float]]]:
        archs = in_space_archs(space)
        return archs, [[setup.truth.get(a, s)['acc']['val']
                        for s in range(args.seeds)] for a in archs]

    if args.train_workers > 1 and args.truth == 'table':
        jobs = senas_jobs(args, tag)
        archs = [arch for name, metric, expand, _ in settings
                 for seed in range(args.supernet_seeds)
                 if ranks_in_space(args, metric, expand, seed)
                 for arch in in_space_archs(load_supernet(
                     SENAS_CONFIG, train_supernet(*jobs[name, seed]),
                     operators).space)]
        fill_table(setup, archs, args.seeds, args.table, args.data_root,
                   CONFIG, args.train_workers)
    rows = []
    for name, metric, expand, extra in settings:
        runs = [supernet_scores(
            name, SENAS_CONFIG, metric, operators, seed, args, tag, setup,
            calib, options=extra,
            in_space=in_space if ranks_in_space(args, metric, expand, seed)
            else None)
            for seed in range(args.supernet_seeds)]
        row = ranking_row(name, runs, metric, operators, truth)
        row.update(senas_metric=metric, expand=expand)
        rows.append(row)
    return rows


def ennas_summary(plain: Dict[str, Any], steps: Dict[str, Any],
                  timed: Dict[str, Any]) -> Dict[str, Any]:
    """EnNAS against the plain headline row: tau (mean over supernet
    seeds, with the seed spread beside it), accuracy, cost and draws."""
    def spread(row: Dict[str, Any]) -> float:
        taus = row['kendall_tau_per_seed']
        return statistics.stdev(taus) if len(taus) > 1 else float('nan')

    out = dict(train_images_per_epoch=timed['train_images_per_epoch'],
               equal_time_is_equal_steps=timed['same_run_as_equal_steps'])
    for key, row in (('plain', plain), ('equal_steps', steps),
                     ('equal_time', timed)):
        out[key] = dict(
            kendall_tau=row['kendall_tau'],
            kendall_tau_ci95=row['kendall_tau_ci95'],
            kendall_tau_seed_std=spread(row),
            supernet_mean_acc=row['supernet_mean_acc'],
            wall_seconds=statistics.mean(row['wall_seconds']))
        if key != 'plain':
            out[key].update(
                tau_minus_plain=row['kendall_tau'] - plain['kendall_tau'],
                teacher_accuracy=statistics.mean(row['teacher_accuracy']),
                teacher_gap=statistics.mean(row['teacher_gap']),
                draw_diversity=statistics.mean(
                    d['sampler'] for d in row['draw_diversity']),
                uniform_draw_diversity=statistics.mean(
                    d['uniform'] for d in row['draw_diversity']))
    return out


def plot_ennas(rows: List[Dict[str, Any]], out: Path) -> None:
    """Plain vs EnNAS rows: tau per supernet seed, wall time, and the
    path diversity of EnNAS draws against uniform draws."""
    fig, axes = new_figure(1, 3, (13, 3.6))
    names = [r['name'] for r in rows]
    ax = axes[0, 0]
    for x, row in enumerate(rows):
        low, high = row['kendall_tau_ci95']
        ax.errorbar([x], [row['kendall_tau']],
                    [[row['kendall_tau'] - low], [high - row['kendall_tau']]],
                    fmt='o', capsize=4, color='k')
        ax.scatter([x] * len(row['kendall_tau_per_seed']),
                   row['kendall_tau_per_seed'], s=16, alpha=0.6)
    ax.set_ylabel('Kendall tau vs standalone (95% CI, seeds)')
    ax = axes[0, 1]
    ax.bar(names, [statistics.mean(r['wall_seconds']) for r in rows])
    ax.set_ylabel('supernet training wall time (s)')
    ax = axes[0, 2]
    ennas = [r for r in rows if 'draw_diversity' in r]
    for x, row in enumerate(ennas):
        for k, (key, label) in enumerate((('sampler', 'EnNAS sampler'),
                                          ('uniform', 'uniform'))):
            ax.bar(x + 0.4 * k, statistics.mean(
                d[key] for d in row['draw_diversity']), width=0.4,
                color=f'C{k}', label=label if x == 0 else None)
    ax.set_xticks([x + 0.2 for x in range(len(ennas))],
                  [r['name'] for r in ennas])
    ax.set_ylabel('mean path diversity of draws (Eq. 4)')
    ax.legend(fontsize=7)
    for ax in axes.flat[:2]:
        ax.set_xticks(range(len(rows)), names)
    for ax in axes.flat:
        ax.tick_params(axis='x', labelsize=7, rotation=15)
        ax.grid(alpha=0.3, axis='y')
    save_figure(fig, out)


def controls(head: Dict[str, Any], flops: List[float], truth: List[float],
             rounds: int = 1000) -> Dict[str, Any]:
    """The proxies every method should beat, on the same ensembles: the
    ensembles' multiply-adds (the zero-cost baseline: bigger is better)
    with its tau, interval and the headline's paired difference from it;
    and a random ranking's 95% range of tau (``rounds`` permutations of
    the truth)."""
    rng = random.Random(0)
    taus = []
    for _ in range(rounds):
        order = list(truth)
        rng.shuffle(order)
        taus.append(kendall_tau(order, truth))
    taus.sort()
    flops_row = rank_agreement(flops, truth)
    versus = paired_tau_difference(head['scores'], [flops], truth)
    return dict(
        flops_tau=flops_row['kendall_tau'],
        flops_tau_ci95=flops_row['kendall_tau_ci95'],
        headline_minus_flops=versus['difference'],
        headline_minus_flops_ci95=versus['difference_ci95'],
        random_tau_range95=(taus[int(0.025 * (rounds - 1))],
                            taus[int(0.975 * (rounds - 1))]))


def planned_jobs(args: argparse.Namespace, tag: str) -> List[SupernetJob]:
    """The supernets a run scores that depend on no other run: each metric
    row's, each extra budget's, each training remedy's and (``--senas``)
    each SE-NAS run's, headline seeds first. (The EnNAS rows' budget
    depends on the plain row's wall time; they train after it.)

    Args:
        args: The benchmark's options (rows, seeds, budgets, remedies,
            SE-NAS rows).
        tag: ``full`` or ``quick`` (in the work dirs' names).
    """
    metric, operators = args.rows[0], args.operators[0]
    jobs = [supernet_job(f'{m}-{o}', CONFIG, m, o, seed, args, tag)
            for seed in range(args.supernet_seeds)
            for o in args.operators for m in args.rows]
    for seed in range(args.extra_seeds):
        jobs += [supernet_job(f'{metric}-{operators}', CONFIG, metric,
                              operators, seed, args, tag, epochs=epochs)
                 for epochs in args.budget_epochs]
        jobs += [supernet_job(f'{remedy}-{metric}-{operators}', CONFIG,
                              metric, operators, seed, args, tag,
                              options=REMEDIES[remedy])
                 for remedy in args.remedies if remedy not in REMEDY_CALIB]
    if args.senas:
        jobs += list(senas_jobs(args, tag).values())
    return jobs


def main() -> None:
    parser = benchmark_parser(
        __doc__, '6 ensembles, 200 standalone steps, 2 supernet epochs on '
        '3,000 training images, row diversity with entangled operators and '
        'its EnNAS rows, 1 supernet seed',
        REPO / 'data' / 'cluttered_digits')
    add_truth_options(parser)
    parser.add_argument('--epochs', type=int, default=4,
                        help='supernet epochs (188 steps each)')
    parser.add_argument('--rows', nargs='+', choices=sorted(METRICS),
                        default=['diversity', 'none', 'accuracy'],
                        help='shrink metrics')
    parser.add_argument('--operators', nargs='+',
                        choices=['entangled', 'independent'],
                        default=['entangled', 'independent'],
                        help='operator kinds; one row per metric and kind '
                        '(the first row is the headline)')
    parser.add_argument('--supernet-seeds', type=int, default=2,
                        help='supernets trained per row (seeds 0..n-1); '
                        'figures are means over them')
    parser.add_argument('--train-images', type=int, default=None,
                        help='supernet training images an epoch (the '
                        'first N of the train split; default: all)')
    parser.add_argument('--no-ennas', dest='ennas', action='store_false',
                        help='skip the EnNAS rows (headline metric and '
                        'operators trained with configs/neas/'
                        'neas_supernet_k2_ennas_cluttered.py, at equal '
                        'steps and at equal wall-clock time)')
    parser.add_argument('--senas', action='store_true',
                        help='add the SE-NAS rows: configs/neas/'
                        'neas_supernet_k2_senas_cluttered.py (shrink to 36 '
                        'combinations) without and with supernet expanding, '
                        'per metric of --senas-metrics')
    parser.add_argument('--senas-metrics', nargs='+',
                        choices=sorted(METRICS),
                        default=['senas', 'diversity'],
                        help='shrink metrics of the SE-NAS rows')
    parser.add_argument('--senas-archs', type=int, default=8,
                        help='ensembles of each SE-NAS final space ranked '
                        'against standalone training')
    parser.add_argument('--senas-space-seeds', type=int, default=2,
                        help='supernet seeds whose final spaces are ranked '
                        'that way (the first metric of --senas-metrics)')
    parser.add_argument('--senas-space-expanded', action='store_true',
                        help='rank the final spaces of the expanded runs '
                        'too (another --senas-archs x --seeds standalone '
                        'runs each when expanding changed the later '
                        'shrinks)')
    parser.add_argument('--budget-epochs', type=int, nargs='*',
                        default=[2, 8],
                        help='more supernet budgets (epochs) of the '
                        'headline row for `budget_curve` (none: the curve '
                        'holds --epochs only)')
    parser.add_argument('--extra-seeds', type=int, default=None,
                        help='supernet seeds of each budget of '
                        '--budget-epochs and each of --remedies (default: '
                        '--supernet-seeds)')
    parser.add_argument('--remedies', nargs='*', choices=sorted(REMEDIES),
                        default=['fair', 'calib1024'],
                        help='remedy rows of the headline metric and '
                        'operators (fair: FairKPathSampler; calib1024: BN '
                        'recalibrated on 1,024 images instead of --calib)')
    parser.add_argument('--train-workers', type=int, default=1,
                        help='train the rows\' supernets (metric rows, '
                        'budgets, remedies) this many at a time, one thread '
                        'each, before scoring them (the EnNAS rows too, '
                        'so that their wall times compare; the SE-NAS rows '
                        'and, with --truth table, their in-space truth '
                        'too)')
    add_calib_option(parser)
    args = parser.parse_args()
    if args.quick:
        # 2 epochs: EnNAS distils and samples by diversity from epoch 2.
        args.archs, args.steps, args.epochs = 6, 200, 2
        args.rows, args.operators = ['diversity'], ['entangled']
        args.train_images = 3000
        args.supernet_seeds = 1
        args.senas_metrics = args.senas_metrics[:1]
        args.senas_archs = 4
        args.budget_epochs = [1]
        args.remedies = args.remedies[:1]
    if args.extra_seeds is None:
        args.extra_seeds = args.supernet_seeds
    # The headline's own budget is on the curve already.
    args.budget_epochs = sorted(set(args.budget_epochs) - {args.epochs})
    for epochs in args.budget_epochs:
        shrink_schedule(epochs)  # refuses a budget it cannot spread
    for remedy in args.remedies:
        if REMEDY_CALIB.get(remedy, args.calib + 1) <= args.calib:
            raise ValueError(f'--remedies {remedy} calibrates on '
                             f'{REMEDY_CALIB[remedy]} images, not more than '
                             f'--calib {args.calib}')
    if min(args.budget_epochs, default=1) < 1 or args.extra_seeds < 1 \
            or args.train_workers < 1:
        raise ValueError(f'--budget-epochs {args.budget_epochs} and '
                         f'--extra-seeds {args.extra_seeds} and '
                         f'--train-workers {args.train_workers} must be >= 1')
    torch.set_num_threads(args.threads)
    setup, standalone, truth, calib, truth_stats = standalone_truth(
        args, CONFIG)

    rows = []
    tag = 'quick' if args.quick else 'full'
    if args.train_workers > 1:
        train_in_parallel(planned_jobs(args, tag), args.train_workers)
    for operators in args.operators:
        for metric in args.rows:
            name = f'{metric}-{operators}'
            rows.append(ranking_row(name, [
                supernet_scores(name, CONFIG, metric, operators, seed, args,
                                tag, setup, calib)
                for seed in range(args.supernet_seeds)],
                metric, operators, truth))
    if args.ennas:
        rows += ennas_rows(rows[0], args, tag, setup, calib, truth)
    senas = senas_rows(args, tag, setup, calib, truth) if args.senas else []
    rows += senas
    seeds = [[r['acc']['val'] for r in results] for results in standalone]
    ceiling = dict(noise_ceiling_tau=None, noise_ceiling_tau_ci95=None)
    if args.seeds > 1:
        first = [s[0] for s in seeds]
        second = [s[1] for s in seeds]
        ceiling = dict(
            noise_ceiling_tau=kendall_tau(first, second),
            noise_ceiling_tau_ci95=bootstrap_interval(
                lambda idx: kendall_tau([first[i] for i in idx],
                                        [second[i] for i in idx]),
                len(first)))
        # One standalone run as the proxy, against the mean of the others:
        # what a supernet's tau compares with on the same kind of truth.
        rest = [[statistics.mean(s[:i] + s[i + 1:]) for s in seeds]
                for i in range(args.seeds)]
        ceiling['single_run_tau'] = statistics.mean(
            kendall_tau([s[i] for s in seeds], rest[i])
            for i in range(args.seeds))
    plot_file = args.out_dir / f'ranking_{tag}.png'
    plot(rows, truth, plot_file, ncols=max(len(args.rows), min(3, len(rows))))
    head = rows[0]
    curve, budget_rows = budget_curve(head, args, tag, setup, calib, truth)
    rows += budget_rows + remedy_rows(args, tag, setup, calib, truth)
    for row in rows[1:]:
        # Paired over the same ensembles (tighter than two intervals),
        # the supernets resampled too (in pairs where a remedy rescored
        # the headline's own).
        paired = paired_tau_difference(
            row['scores'], head['scores'], truth,
            same_runs=row.get('remedy') in REMEDY_CALIB)
        row.update(tau_minus_headline=paired['difference'],
                   tau_minus_headline_ci95=paired['difference_ci95'],
                   tau_minus_headline_resolved=paired['resolved'])
    budget_plot = args.out_dir / f'ranking_budget_{tag}.png'
    plot_budget(curve, truth_stats.get('ceiling_tau'),
                TABLE_RECIPE.steps * TABLE_RECIPE.batch_size
                if args.truth == 'table' else None, budget_plot)
    extra = {}
    if args.ennas:
        ennas = [r for r in rows if r['name'].startswith('ennas-')]
        extra['ennas'] = ennas_summary(head, *ennas)
        extra['ennas_plot'] = str(args.out_dir / f'ranking_ennas_{tag}.png')
        plot_ennas([head, *ennas], Path(extra['ennas_plot']))
    if senas:
        extra['senas'] = senas_summary(senas, truth)
        extra['senas_plot'] = str(args.out_dir / f'ranking_senas_{tag}.png')
        plot_senas(head, senas, Path(extra['senas_plot']))
    result = json.dumps(dict(
        **{k: head[k] for k in ('kendall_tau', 'kendall_tau_ci95',
                                'spearman_rho', 'spearman_rho_ci95',
                                'top_k_overlap', 'top_k',
                                'supernet_mean_acc',
                                'resolvable_tau_difference')},
        supernet_epochs=args.epochs, budget_curve=curve,
        controls=controls(head, [setup.table.macs(a) for a in setup.archs],
                          truth),
        budget_plot=str(budget_plot),
        **ceiling, **truth_stats, standalone_mean_acc=statistics.mean(truth),
        rows=[{k: v for k, v in r.items() if k != 'scores'} for r in rows],
        archs=[dict(arch_list=a.to_arch_list(), flops=setup.table.macs(a),
                    val=s, scores={r['name']: [sc[i] for sc in r['scores']]
                                   for r in rows})
               for i, (a, s) in enumerate(zip(setup.archs, seeds))],
        settings=dict(archs=len(setup.archs), seeds=args.seeds,
                      truth=args.truth, steps=args.steps,
                      supernet_seeds=args.supernet_seeds,
                      supernet_epochs=args.epochs, calib=args.calib,
                      task=setup.task, train_images=args.train_images),
        plot=str(plot_file), **extra))
    # Also kept beside the plot (the demo's summary reads the full one).
    (args.out_dir / f'ranking_{tag}.json').write_text(result + '\n')
    print(result)


if __name__ == '__main__':
    main()
