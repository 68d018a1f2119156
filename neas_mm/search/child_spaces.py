"""SE-NAS space merging (its section 3.4, Algorithm 1 line 5)."""
from typing import Callable, Iterable, List, Sequence, Tuple

Group = Tuple[int, ...]


def merge_child_spaces(layers: Sequence[int],
                       size_of: Callable[[Sequence[int]], int],
                       threshold: int,
                       min_layers: int = 2,
                       existing: Iterable[Sequence[int]] = ()
                       ) -> List[Group]:
    """New merged child spaces among ``layers``, from shallow to deep.

    Walking the layers in order, a child space grows by the next adjacent
    layer while its size (``size_of(run)``, e.g. the product of the
    layer-wise sizes) stays at most ``threshold``; when the next layer
    does not fit, the run closes and a new one starts there. A run of at
    least ``min_layers`` layers becomes a child space (the paper merges
    several layers: 2 and 3 in its Fig. 3).

    Child spaces already made (``existing``) keep their weight copies: they
    are neither regrouped nor crossed, and new ones form between them.

    Args:
        layers: The layers that may merge, in order (consecutive numbers).
        size_of: Size of the child space a run of layers would form.
        threshold: Largest size a child space may have (T; paper: 50).
        min_layers: Fewest layers a child space holds.
        existing: Child spaces made earlier.

    Returns:
        The new child spaces, each a tuple of consecutive layers.
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f'threshold must be an int >= 1, got {threshold!r}')
    if not isinstance(min_layers, int) or min_layers < 1:
        raise ValueError(f'min_layers must be an int >= 1, got '
                         f'{min_layers!r}')
    taken = {m for group in existing for m in group}
    groups: List[Group] = []
    run: List[int] = []

    def close() -> None:
        if len(run) >= min_layers:
            groups.append(tuple(run))
        run.clear()

    for m in layers:
        if m in taken:
            close()
            continue
        if run and size_of(run + [m]) <= threshold:
            run.append(m)
            continue
        close()
        if size_of([m]) <= threshold:
            run.append(m)
    close()
    return groups
