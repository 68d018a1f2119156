"""Heat maps of shrink scores (matplotlib, headless)."""
import math
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from neas_mm.space import SearchSpace


def _plot_survivors(ax, history: List[Dict[str, Any]],
                    space: SearchSpace) -> None:
    """Combinations left in each layer after every shrink so far (share of
    the layer's initial count), so a reader sees which layers empty
    first."""
    initial = SearchSpace(space.num_paths, space.stage_depths,
                          space.split_range, space.ops)
    steps = list(range(len(history) + 1))
    for m in space.splittable_layers:
        full = len(initial.combos[m])
        left = [full] + [r['layer_sizes'][str(m)] for r in history
                         if 'layer_sizes' in r]
        ax.plot(steps[:len(left)], [v / full for v in left], marker='.',
                label=f'layer {m}')
    ax.set_xlabel('shrink')
    ax.set_ylabel('combinations left (share)')
    ax.set_ylim(0, 1.05)
    ax.set_title('survivors per layer', fontsize=8)
    ax.legend(fontsize=6, ncol=2)


def plot_shrink_scores(history: List[Dict[str, Any]], space: SearchSpace,
                       out: Path) -> None:
    """The last shrink's scores, one panel per layer: for K = 2 an
    op(path 0) x op(path 1) matrix of the scores of surviving combinations
    (blank: shrunk away; x: dropped in this step); for other K, the sorted
    scores of the layer. A last panel draws each layer's survivors over all
    shrinks so far."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    record = history[-1]
    scores = {(s['layer'], tuple(s['combo'])): s['score']
              for s in record['scores']}
    dropped = {(d['layer'], tuple(d['combo'])) for d in record['dropped']}
    finite = [v for v in scores.values() if np.isfinite(v)]
    vmin, vmax = (min(finite), max(finite)) if finite else (0, 1)
    layers = list(space.splittable_layers)
    cols = min(5, len(layers) + 1)
    rows = math.ceil((len(layers) + 1) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.6 * rows),
                             squeeze=False)
    image = None
    for panel, m in enumerate(layers):
        ax = axes[panel // cols][panel % cols]
        ops = list(space.layer_ops[m])
        if space.num_paths == 2:
            grid = np.full((len(ops), len(ops)), np.nan)
            for (layer, combo), value in scores.items():
                if layer == m:
                    grid[ops.index(combo[0]), ops.index(combo[1])] = value
            image = ax.imshow(grid, vmin=vmin, vmax=vmax, cmap='viridis')
            for (layer, combo) in dropped:
                if layer == m:
                    ax.text(ops.index(combo[1]), ops.index(combo[0]), 'x',
                            ha='center', va='center', color='red')
            short = [op.replace('_', '') for op in ops]
            ax.set_xticks(range(len(ops)), short, rotation=90, fontsize=6)
            ax.set_yticks(range(len(ops)), short, fontsize=6)
        else:
            values = sorted(v for (layer, _), v in scores.items()
                            if layer == m)
            ax.plot(values, '.')
        ax.set_title(f'layer {m} ({len(space.combos[m])} left)', fontsize=8)
    _plot_survivors(axes[len(layers) // cols][len(layers) % cols], history,
                    space)
    for panel in range(len(layers) + 1, rows * cols):
        axes[panel // cols][panel % cols].axis('off')
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.6, label=record['metric'])
    fig.suptitle(f'shrink {record["shrink"]} at epoch {record["epoch"]} '
                 f'({record["metric"]}, {record.get("selection", "global")}):'
                 f' {record["size_before"]} -> {record["size_after"]} '
                 f'combinations (rows: path 0 op, columns: path 1 op)',
                 fontsize=9)
    fig.savefig(out, dpi=90)
    plt.close(fig)


__all__ = ['plot_shrink_scores']
