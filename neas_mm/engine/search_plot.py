"""The search curve: best and top-k mean score per generation."""
import json
from pathlib import Path


def plot_search_history(work_dir: Path, out: Path) -> None:
    """Plot every ``search_state_<mode>.json`` of ``work_dir`` on one
    figure, so evolution and random search compare when both ran."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for state_file in sorted(Path(work_dir).glob('search_state_*.json')):
        state = json.loads(state_file.read_text())
        history = state['history']
        gens = [h['generation'] for h in history]
        line, = ax.plot(gens, [h['best'] for h in history], marker='o',
                        label=f'{state["mode"]}: best')
        ax.plot(gens, [h['topk_mean'] for h in history], linestyle='--',
                color=line.get_color(), label=f'{state["mode"]}: top-k mean')
    ax.set_xlabel('generation')
    ax.set_ylabel('ensemble accuracy on the search split (%)')
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
