"""The standalone ground truth as a versioned table (one row per
architecture and seed), like NAS-Bench-101/201."""
import dataclasses
import fcntl
import hashlib
import json
import os
import statistics
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from neas_mm.space import EnsembleArch
from .standalone_trainer import StandaloneRecipe

TABLE_DIR = Path(__file__).resolve().parent / 'truth_tables'
ROW_KEYS = ('arch_list', 'seed', 'val', 'search', 'final_loss', 'seconds')


# The table's recipe, chosen by the budget study (benchmarks/truth_budget.py,
# docs/truth_table.md): the most reliable of the budgets measured (two seeds
# agree at Pearson r 0.83 over 8 ensembles; 1,000 steps: 0.59, 250: 0.64).
# 500 steps of 128 (about 5.3 epochs of the 12,000 training images), lr 0.1
# with 50 warm-up steps and a cosine decay to 0.
TABLE_RECIPE = StandaloneRecipe(steps=500, batch_size=128, lr=0.1,
                                warmup_steps=50)


def table_context(task: Dict[str, Any], recipe: StandaloneRecipe,
                  widths: Dict[str, Any], channels_last: bool = True,
                  fuse_seeds: bool = False) -> Dict[str, Any]:
    """What a table's version hashes: the task's preparation parameters,
    the recipe, the model widths (backbone, head) and how the trainer ran
    (memory format, seeds fused or not: the same arithmetic, other
    rounding)."""
    return dict(task=task, recipe=dataclasses.asdict(recipe),
                backbone=widths['backbone'], head=widths['head'],
                trainer=dict(channels_last=channels_last,
                             fuse_seeds=fuse_seeds))


class TableVersionError(ValueError):
    """The table was built with another recipe, task or model widths."""


class MissingTruthError(KeyError):
    """An architecture (or seed) the table does not hold."""

    def __str__(self) -> str:  # KeyError would print the repr
        return str(self.args[0])


def table_version(context: Mapping[str, Any]) -> str:
    """12 hex digits hashing the recipe, task and widths of a table."""
    text = json.dumps(context, sort_keys=True, separators=(',', ':'))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


class TruthTable:
    """Standalone accuracies of (architecture, seed) pairs, all trained with
    one recipe on one task, read from and appended to a JSON-lines file.

    The first line is a header: ``table_version`` (a hash of ``context``),
    and the ``context`` itself (recipe, task, widths). Every other line is
    one row: ``arch_list`` (the official integer encoding), ``seed``,
    ``val`` and ``search`` top-1 (fractions), ``final_loss`` and
    ``seconds``. A row is appended and flushed in one write under an
    exclusive file lock, so several writers never interleave and an
    interrupted write leaves at most one cut line, which readers skip.

    Args:
        file: The table file (created on the first :meth:`add`).
        context: What the rows were trained with (JSON-serialisable). If
            given, the file's version must match it; if None, the file must
            exist and its header gives the context.
    """

    def __init__(self, file: os.PathLike,
                 context: Optional[Mapping[str, Any]] = None) -> None:
        self.file = Path(file)
        self.rows: List[Dict[str, Any]] = []
        header = None
        if self.file.is_file():
            header, self.rows = self._read()
        if header is None and context is None:
            raise FileNotFoundError(
                f'no truth table at {self.file}; build one with '
                '`python benchmarks/truth_table.py --add N`')
        if context is not None:
            context = json.loads(json.dumps(context))
            if header is not None and \
                    header['table_version'] != table_version(context):
                raise TableVersionError(
                    f'{self.file} holds table version '
                    f'{header["table_version"]}, trained with '
                    f'{_differences(header["context"], context)}; asked '
                    f'for version {table_version(context)}. Use the '
                    "table's recipe or build a new table in another file")
            self.context = context
        else:
            self.context = header['context']
        self.version = table_version(self.context)
        self._index = {(tuple(r['arch_list']), r['seed']): r
                       for r in self.rows}

    def _read(self) -> Any:
        header, rows = None, []
        for n, line in enumerate(self.file.read_text().splitlines()):
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a line cut by an interrupted write
            if n == 0:
                if 'table_version' not in item:
                    raise ValueError(f'{self.file} is not a truth table '
                                     '(its first line has no table_version)')
                header = item
            elif all(k in item for k in ROW_KEYS):
                rows.append(item)
        return header, rows

    # ------------------------------------------------------------ writing
    def add(self, arch: EnsembleArch, seed: int,
            result: Mapping[str, Any]) -> Dict[str, Any]:
        """Append the row of ``arch`` trained with ``seed`` (a result of
        :meth:`StandaloneTrainer.run`); returns it."""
        row = dict(arch_list=arch.to_arch_list(), seed=int(seed),
                   val=result['acc']['val'], search=result['acc']['search'],
                   final_loss=round(result['final_loss'], 5),
                   seconds=result['train_seconds'])
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with self.file.open('a+') as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0)
                text = f.read()
                if not text:
                    f.write(json.dumps(dict(table_version=self.version,
                                            context=self.context)) + '\n')
                elif not text.endswith('\n'):
                    f.write('\n')  # close a line an interrupted write cut
                f.write(json.dumps(row) + '\n')
                f.flush()
                os.fsync(f.fileno())
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        self.rows.append(row)
        self._index[(tuple(row['arch_list']), row['seed'])] = row
        return row

    # ------------------------------------------------------------ reading
    def get(self, arch: EnsembleArch, seed: int) -> Optional[Dict[str, Any]]:
        """The row of ``arch`` with ``seed``, or None."""
        return self._index.get((tuple(arch.to_arch_list()), seed))

    def archs(self) -> List[List[int]]:
        """The ``arch_list`` of every architecture, in order of first
        appearance."""
        seen: Dict[tuple, None] = {}
        for row in self.rows:
            seen.setdefault(tuple(row['arch_list']), None)
        return [list(a) for a in seen]

    def seeds(self, arch_list: Sequence[int]) -> List[int]:
        """The seeds held for an architecture, sorted."""
        return sorted(s for a, s in self._index if a == tuple(arch_list))

    def lookup(self, arch: EnsembleArch, seeds: Sequence[int],
               train: Optional[Callable[[EnsembleArch, List[int]],
                                        List[Mapping[str, Any]]]] = None
               ) -> List[Dict[str, Any]]:
        """The rows of ``arch`` for ``seeds``. Missing rows are trained
        with ``train(arch, missing_seeds)`` (e.g.
        :meth:`FusedSeedsTrainer.run`) and appended when it is given;
        otherwise a :class:`MissingTruthError` names the architecture."""
        missing = [s for s in seeds if self.get(arch, s) is None]
        if missing and train is None:
            raise MissingTruthError(
                f'truth table {self.file} (version {self.version}) has no '
                f'row for arch_list {arch.to_arch_list()} with seeds '
                f'{missing}; add it with `python benchmarks/truth_table.py '
                f'--arch "{arch.to_arch_list()}"` or pass train=')
        if missing:
            for seed, result in zip(missing, train(arch, missing)):
                self.add(arch, seed, result)
        return [self.get(arch, s) for s in seeds]

    def accuracy(self, arch: EnsembleArch, seeds: Sequence[int],
                 split: str = 'val') -> float:
        """Mean ``split`` accuracy of ``arch`` over ``seeds``."""
        return statistics.mean(r[split] for r in self.lookup(arch, seeds))

    def matrix(self, min_seeds: int, split: str = 'val'
               ) -> Dict[tuple, List[float]]:
        """Per architecture holding seeds ``0..min_seeds-1``, its ``split``
        accuracies for them."""
        out = {}
        for arch_list in self.archs():
            rows = [self._index.get((tuple(arch_list), s))
                    for s in range(min_seeds)]
            if all(rows):
                out[tuple(arch_list)] = [r[split] for r in rows]
        return out


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The top-level entries of two contexts that differ, for errors."""
    keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return ', '.join(f'{k}={old.get(k)!r} (asked {new.get(k)!r})'
                     for k in keys) or 'the same entries (another hash)'
