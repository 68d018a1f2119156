"""Matplotlib without a display, for the benchmarks' plots."""
from pathlib import Path
from typing import Any, Tuple


def new_figure(nrows: int = 1, ncols: int = 1,
               figsize: Tuple[float, float] = (6, 3.6)) -> Tuple[Any, Any]:
    """A figure and its axes grid (always 2-D) on the Agg backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)


def save_figure(fig: Any, out: Path) -> None:
    """Lay out, write at 110 dpi and release ``fig``."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
