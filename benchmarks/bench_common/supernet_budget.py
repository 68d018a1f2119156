"""The supernet budgets of the ranking benchmark: the cluttered config's
shrinks spread over another number of epochs, and the plot of tau per
budget."""
import functools
from pathlib import Path
from typing import Any, Dict, List, Optional

from mmengine.config import Config

from .cluttered_supernets import CONFIG
from .figures import new_figure, save_figure


@functools.lru_cache(maxsize=1)
def _config_shrink_hook() -> Dict[str, Any]:
    """The cluttered config's shrink hook (parsed once: every supernet
    job asks)."""
    return dict(Config.fromfile(str(CONFIG)).custom_hooks[0])


def shrink_schedule(epochs: int) -> List[str]:
    """``--cfg-options`` that spread the cluttered config's shrinks (after
    epochs 1, 2, 3 of 4, ``num_drop`` each, clipped at ``threshold``)
    over ``epochs`` in the same proportion.

    Args:
        epochs: The supernet's epochs: 4 keeps the config's schedule; a
            multiple of 4 shrinks every ``epochs // 4`` epochs (the last
            quarter trains the shrunk space); 2 or 3 drop the same total
            in ``epochs - 1`` larger shrinks; 1 cannot shrink (the hook
            never shrinks after the last epoch).

    Raises:
        ValueError: For other epoch counts (5-7, 9-11, ...), which no
            interval spreads in proportion.
    """
    if epochs == 4 or epochs == 1:
        return []
    hook = _config_shrink_hook()
    if epochs < 4:
        total = 3 * hook['num_drop']  # clipped at the threshold
        return [f'custom_hooks.0.num_drop={-(-total // (epochs - 1))}']
    if epochs % 4:
        raise ValueError(f'a supernet budget of {epochs} epochs cannot '
                         'spread the three shrinks in proportion: use 1-4 '
                         'or a multiple of 4')
    return [f'custom_hooks.0.interval={epochs // 4 * hook["interval"]}']


def plot_budget(curve: List[Dict[str, Any]], ceiling: Optional[float],
                standalone_images: Optional[int], out: Path) -> None:
    """Tau (mean, seeds as dots, 95% interval) against the supernet's
    images per path, with the truth's ceiling and one standalone
    training's images (``standalone_images``, when known) marked."""
    fig, axes = new_figure(1, 1, (5.5, 3.8))
    ax = axes[0][0]
    xs = [p['images_per_path'] for p in curve]
    ax.errorbar(xs, [p['kendall_tau'] for p in curve],
                yerr=[[p['kendall_tau'] - p['kendall_tau_ci95'][0]
                       for p in curve],
                      [p['kendall_tau_ci95'][1] - p['kendall_tau']
                       for p in curve]],
                marker='o', capsize=3, label='supernet (mean, 95% CI)')
    for p in curve:
        ax.scatter([p['images_per_path']] * len(p['kendall_tau_per_seed']),
                   p['kendall_tau_per_seed'], s=12, alpha=0.6, color='gray')
    if ceiling is not None:
        ax.axhline(ceiling, ls='--', color='green',
                   label=f'ceiling of the truth ({ceiling:.2f})')
    if standalone_images:
        ax.axvline(standalone_images, ls=':', color='black',
                   label='one standalone training')
    ax.set_xscale('log')
    ticks = sorted(set(xs) | ({standalone_images} - {None}))
    ax.set_xticks(ticks, [f'{x / 1000:g}k' for x in ticks])
    ax.minorticks_off()
    ax.set_xlabel('supernet training images per path')
    ax.set_ylabel('Kendall tau vs the table')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save_figure(fig, out)
