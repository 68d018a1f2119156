"""The SE-NAS rows of benchmarks/ranking.py: expansion records, summary
and plot."""
import json
import statistics
from pathlib import Path
from typing import Any, Dict, List

from neas_mm.search import paired_tau_difference

from .figures import new_figure, save_figure


def expansion_stats(work_dir: Path) -> Dict[str, Any]:
    """What the run's last SE-NAS expanding left (0 copies if none)."""
    history = json.loads((work_dir / 'shrink_history.json').read_text())
    if not history:
        raise ValueError(f'{work_dir}: the run never shrank (the SE-NAS rows '
                         'need its shrinks and expansions)')
    grown = [r['expansion'] for r in history if 'expansion' in r]
    last = grown[-1] if grown else dict(child_spaces=[], copies=0,
                                        copy_parameters=0)
    return dict(child_spaces=last['child_spaces'], copies=last['copies'],
                copy_parameters=last['copy_parameters'],
                expanded_at_epoch=next(
                    (r['epoch'] for r in history
                     if r.get('expansion', {}).get('new_child_spaces')),
                    None),
                final_layer_sizes=history[-1]['layer_sizes'])


def _spread(values: List[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else float('nan')


def senas_summary(rows: List[Dict[str, Any]],
                  truth: List[float]) -> Dict[str, Any]:
    """Per row: tau on the benchmark's ensembles (+ interval, seeds) and
    on ensembles of each run's final space, accuracy, cost, copies; per
    metric: expanding minus not, paired by supernet seed (both runs of a
    seed rank the same in-space ensembles: ``same_final_space``), with a
    95% interval bootstrapped over the same ensembles of ``truth`` (each
    row's supernets resampled too; the runs of one seed are not resampled
    as a pair, as for the other rows against the headline).

    Args:
        rows: The SE-NAS rows (``senas_rows``), each metric without and
            with expanding.
        truth: The ranked ensembles' true accuracies.
    """
    out: Dict[str, Any] = dict(rows={}, expand_minus_plain={})
    for row in rows:
        out['rows'][row['name']] = dict(
            metric=row['senas_metric'], expand=row['expand'],
            kendall_tau=row['kendall_tau'],
            kendall_tau_ci95=row['kendall_tau_ci95'],
            kendall_tau_per_seed=row['kendall_tau_per_seed'],
            kendall_tau_seed_std=_spread(row['kendall_tau_per_seed']),
            supernet_mean_acc=row['supernet_mean_acc'],
            in_shrunk_space=statistics.mean(row['in_shrunk_space']),
            wall_seconds=statistics.mean(row['wall_seconds']),
            copies=statistics.mean(row['copies']),
            copy_parameters=statistics.mean(row['copy_parameters']),
            final_layer_sizes=row['final_layer_sizes'])
        if 'in_space_tau' in row:
            taus = [t for t in row['in_space_tau'] if t is not None]
            out['rows'][row['name']].update(
                in_space_kendall_tau=statistics.mean(taus),
                in_space_kendall_tau_per_seed=taus,
                in_space_noise_ceiling_tau=statistics.mean(
                    t for t in row['in_space_noise_ceiling_tau']
                    if t is not None))
    for metric in dict.fromkeys(r['senas_metric'] for r in rows):
        pair = {r['expand']: r for r in rows if r['senas_metric'] == metric}
        if set(pair) != {False, True}:
            raise ValueError(f'SE-NAS rows of {metric!r}: need one without '
                             'and one with expanding')
        plain, grown = pair[False], pair[True]
        diffs = [g - p for g, p in zip(grown['kendall_tau_per_seed'],
                                       plain['kendall_tau_per_seed'])]
        paired = paired_tau_difference(grown['scores'], plain['scores'],
                                       truth)
        out['expand_minus_plain'][metric] = dict(
            tau=statistics.mean(diffs), tau_per_seed=diffs,
            tau_ci95=paired['difference_ci95'],
            tau_resolved=paired['resolved'],
            tau_seed_std=_spread(diffs),
            wall_seconds_ratio=statistics.mean(grown['wall_seconds']) /
            statistics.mean(plain['wall_seconds']))
        if 'in_space_tau' not in plain or 'in_space_tau' not in grown:
            continue
        same = [g == p for g, p in zip(grown['in_space_archs'],
                                       plain['in_space_archs'])]
        # Only a run pair that ranked the same ensembles is compared.
        in_space = [g - p if same_seed and None not in (g, p) else None
                    for g, p, same_seed in zip(grown['in_space_tau'],
                                               plain['in_space_tau'], same)]
        paired = [d for d in in_space if d is not None]
        out['expand_minus_plain'][metric].update(
            in_space_tau=statistics.mean(paired) if paired else None,
            in_space_tau_per_seed=in_space,
            in_space_tau_seed_std=_spread(paired),
            same_final_space=all(same),
            in_space_seeds=len(paired))
    return out


def plot_senas(head: Dict[str, Any], rows: List[Dict[str, Any]],
               out: Path) -> None:
    """Tau (95% interval, each supernet seed; triangles: on ensembles of
    the run's final space) of the headline row and the SE-NAS rows, and
    their training wall time."""
    rows = [head, *rows]
    fig, axes = new_figure(1, 2, (11, 3.6))
    ax = axes[0, 0]
    for x, row in enumerate(rows):
        low, high = row['kendall_tau_ci95']
        tau = row['kendall_tau']
        ax.errorbar([x], [tau], [[tau - low], [high - tau]], fmt='o',
                    capsize=4, color='k')
        ax.scatter([x] * len(row['kendall_tau_per_seed']),
                   row['kendall_tau_per_seed'], s=16, alpha=0.6,
                   color='C1' if row.get('expand') else 'C0')
        in_space = [t for t in row.get('in_space_tau') or [] if t is not None]
        ax.scatter([x + 0.15] * len(in_space), in_space, marker='^', s=22,
                   color='C2', label='on its final space' if in_space
                   and not ax.get_legend_handles_labels()[1] else None)
    ax.axhline(0, color='grey', lw=0.8)
    ax.set_ylabel('Kendall tau vs standalone (95% CI, seeds)')
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize=7)
    axes[0, 1].bar(range(len(rows)),
                   [statistics.mean(r['wall_seconds']) for r in rows],
                   color=['C1' if r.get('expand') else 'C0' for r in rows])
    axes[0, 1].set_ylabel('supernet training wall time (s)')
    for ax in axes.flat:
        ax.set_xticks(range(len(rows)), [r['name'] for r in rows])
        ax.tick_params(axis='x', labelsize=7, rotation=20)
        ax.grid(alpha=0.3, axis='y')
    save_figure(fig, out)
