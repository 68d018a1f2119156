"""The controller search's curve: best reward so far against children
sampled."""
import json
from pathlib import Path
from typing import Dict, List, Sequence


def best_so_far(rewards: Sequence[float]) -> List[float]:
    """After each child, the best reward up to it."""
    out: List[float] = []
    for r in rewards:
        out.append(r if not out else max(out[-1], r))
    return out


def top_mean_so_far(keys: Sequence[str], rewards: Sequence[float],
                    k: int) -> List[float]:
    """After each child, the mean reward of the ``k`` best distinct
    architectures up to it (fewer while fewer are seen)."""
    best: Dict[str, float] = {}
    out = []
    for key, r in zip(keys, rewards):
        best[key] = max(r, best.get(key, r))
        top = sorted(best.values(), reverse=True)[:k]
        out.append(sum(top) / len(top))
    return out


def plot_controller_search(work_dir: Path, out: Path, k: int = 5) -> None:
    """Plot every ``search_children_<mode>.json`` of ``work_dir`` (the
    controller, random and evolution searches run there) on one figure."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for file in sorted(Path(work_dir).glob('search_children_*.json')):
        data = json.loads(file.read_text())
        children = data['children']
        rewards = [100 * c['reward'] for c in children]
        keys = [json.dumps(c['arch'], sort_keys=True) for c in children]
        x = range(1, len(children) + 1)
        line, = ax.plot(x, best_so_far(rewards),
                        label=f'{data["mode"]}: best')
        ax.plot(x, top_mean_so_far(keys, rewards, k), linestyle='--',
                color=line.get_color(),
                label=f'{data["mode"]}: top-{k} mean')
    ax.set_xlabel('children sampled')
    ax.set_ylabel('child accuracy on the search split (%)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
