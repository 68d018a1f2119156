"""``--cfg-options`` keys checked against the config before they merge: a
typo that would silently add a new entry is reported with the closest
existing key."""
import difflib
from typing import Any, Iterable, List, Mapping


class ConfigKeyError(KeyError):
    """A ``--cfg-options`` key that names nothing in the config."""

    def __str__(self) -> str:  # KeyError would print the repr
        return str(self.args[0])


def _is_mapping(node: Any) -> bool:
    # mmengine's Config is no Mapping but has keys() and [].
    return isinstance(node, Mapping) or hasattr(node, 'keys')


def _children(node: Any) -> List[str]:
    if _is_mapping(node):
        return [str(k) for k in node.keys()]
    if isinstance(node, (list, tuple)):
        return [str(i) for i in range(len(node))]
    return []


def _child(node: Any, name: str) -> Any:
    if _is_mapping(node):
        return node[name]
    return node[int(name)]


def check_cfg_options(cfg: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Raise a :class:`ConfigKeyError` for the first dotted key of
    ``keys`` whose path leaves the config before its last part (e.g.
    ``trian_cfg.max_epochs``), or whose last part is missing while an
    existing sibling is a close spelling of it (``train_cfg.max_epoch``).
    New leaf entries with no close sibling (``dataset.indices=...``) are
    allowed: configs legitimately gain arguments this way."""
    for key in keys:
        parts = key.split('.')
        node: Any = cfg
        for depth, part in enumerate(parts):
            names = _children(node)
            last = depth == len(parts) - 1
            if part in names:
                node = _child(node, part)
                continue
            close = difflib.get_close_matches(part, names, n=1, cutoff=0.75)
            container = _is_mapping(node) or isinstance(node, (list, tuple))
            if last and not close and container:
                break  # a new argument: allowed
            where = '.'.join(parts[:depth]) or 'the config'
            hint = (f"; did you mean '{'.'.join(parts[:depth] + close)}'?"
                    if close else
                    f'; {where} holds {", ".join(sorted(names)[:12])}'
                    if container else f'; {where} is not a dict or list')
            raise ConfigKeyError(f"--cfg-options key '{key}': {where} has no "
                                 f"'{part}'{hint}")

