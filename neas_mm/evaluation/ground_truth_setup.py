"""What the ranking benchmarks share: the task's splits, the space of a
supernet config, its FLOPs table, FLOPs-stratified architectures and their
cached standalone ground truth."""
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from mmengine.config import Config

from neas_mm.datasets import DIGIT_CLASSES, prepare_cluttered_digits
from neas_mm.datasets.prepared_folder import MARKER
from neas_mm.search import FlopsTable, stratified_by_flops
from neas_mm.space import EnsembleArch, SearchSpace
from .ground_truth import GroundTruth, TableGroundTruth
from .image_tensors import load_image_split
from .result_cache import ResultCache
from .standalone_trainer import Split, StandaloneRecipe, StandaloneTrainer
from .table_candidates import table_candidates
from .truth_table import (TABLE_RECIPE, MissingTruthError, TruthTable,
                          table_context)


def log(text: str) -> None:
    """Progress on stderr (stdout carries the benchmark's JSON)."""
    print(text, file=sys.stderr, flush=True)


def model_widths(config: str) -> Dict[str, Any]:
    """Backbone widths, head, space and K of a supernet config."""
    model = Config.fromfile(config).model
    backbone = {k: model.backbone[k] for k in
                ('widen_factor', 'tail_channels', 'feature_channels')
                if k in model.backbone}
    return dict(backbone=backbone,
                head=dict(in_channels=model.head.in_channels,
                          num_classes=model.head.num_classes),
                stage_depths=tuple(model.backbone.stage_depths),
                num_paths=model.backbone.num_paths,
                split_range=tuple(model.split_range))


@dataclasses.dataclass
class GroundTruthSetup:
    """Everything a ranking measurement needs (see :func:`set_up`)."""
    task: Dict[str, Any]
    splits: Dict[str, Split]
    widths: Dict[str, Any]
    space: SearchSpace
    table: FlopsTable
    archs: List[EnsembleArch]
    truth: Any  # GroundTruth or TableGroundTruth
    #: With a truth table: every stratified candidate it holds with the
    #: seeds asked for (``table_candidates``), ``archs`` being a prefix.
    table_archs: List[Tuple[int, ...]] = dataclasses.field(
        default_factory=list)

    def standalone(self, seeds: int) -> List[List[Dict[str, Any]]]:
        """Per architecture, its results for seeds 0..seeds-1 (trained
        only where the cache lacks them)."""
        out = []
        for n, arch in enumerate(self.archs):
            out.append([self.truth.get(arch, s) for s in range(seeds)])
            vals = [round(r['acc']['val'], 3) for r in out[-1]]
            log(f'[{n + 1}/{len(self.archs)}] '
                f'{self.table.macs(arch) / 1e6:.2f} M MACs: val {vals}')
        return out


def load_task(data_root: Path, train_images: Optional[int] = None
              ) -> Tuple[Dict[str, Any], Dict[str, Split]]:
    """Prepare the cluttered task under ``data_root`` if missing; its
    preparation parameters and its train / search / val splits. With
    ``train_images``, the train split is cut to its first ``train_images``
    images (the supernet configs' ``dataset.indices=N`` takes the same
    ones) and the task records it."""
    data_root = Path(data_root)
    if not (data_root / MARKER).is_file():
        log(f'preparing {data_root} (tools/prepare_data.py --only '
            'cluttered)')
        prepare_cluttered_digits(str(data_root))
    task = json.loads((data_root / MARKER).read_text())['params']
    splits = {s: load_image_split(str(data_root), s, DIGIT_CLASSES)
              for s in ('train', 'search', 'val')}
    if train_images is not None:
        available = len(splits['train'][0])
        if not 1 <= train_images <= available:
            raise ValueError(f'train_images must be in [1, {available}], '
                             f'got {train_images}')
        splits['train'] = tuple(t[:train_images] for t in splits['train'])
        task = dict(task, train_images=train_images)
    return task, splits


def space_and_flops(widths: Dict[str, Any], input_size: Tuple[int, int]
                    ) -> Tuple[SearchSpace, FlopsTable]:
    """The full search space and the FLOPs table of a supernet config's
    widths (:func:`model_widths`) at ``input_size``."""
    from neas_mm.models import NEASSupernet
    supernet = NEASSupernet(num_paths=widths['num_paths'],
                            stage_depths=widths['stage_depths'],
                            **widths['backbone'])
    space = supernet.default_space(widths['split_range'])
    table = FlopsTable.from_supernet(
        supernet, input_size=input_size,
        num_classes=widths['head']['num_classes'])
    return space, table


def build_trainer(data_root: Path, model_config: str,
                  recipe: StandaloneRecipe, channels_last: bool = False,
                  train_images: Optional[int] = None) -> StandaloneTrainer:
    """A standalone trainer of ``model_config``'s widths on the task under
    ``data_root`` (its first ``train_images`` training images if given;
    what each truth-table worker builds)."""
    _, splits = load_task(data_root, train_images)
    widths = model_widths(model_config)
    return StandaloneTrainer(widths['backbone'], widths['head'], recipe,
                             splits['train'],
                             dict(search=splits['search'],
                                  val=splits['val']),
                             channels_last=channels_last)


def set_up(data_root: Path, model_config: str, num_archs: int, steps: int,
           cache_file: Path, arch_seed: int = 0,
           table_file: Optional[Path] = None,
           table_seeds: int = 3) -> GroundTruthSetup:
    """Prepare the task if missing, load its splits, build the space and
    FLOPs table of ``model_config`` and take the architectures and their
    ground truth:

    * with ``table_file``, from the truth table: its first ``num_archs``
      FLOPs-stratified candidates (0: all; rows other benchmarks appended,
      such as search winners, are left out: ``table_candidates``) that
      hold seeds ``0..table_seeds-1``; a missing row is trained with the
      table's recipe and appended;
    * without, ``num_archs`` architectures stratified over FLOPs with
      ``arch_seed``, trained ``steps`` steps on demand, cached in
      ``cache_file``.
    """
    task, splits = load_task(data_root)
    log(f'loaded {", ".join(f"{s} {len(v[0])}" for s, v in splits.items())}'
        ' images')
    widths = model_widths(model_config)
    size: Tuple[int, int] = tuple(splits['train'][0].shape[-2:])
    space, table = space_and_flops(widths, size)
    evals = dict(search=splits['search'], val=splits['val'])
    if table_file is not None:
        truth_table = TruthTable(table_file,
                                 table_context(task, TABLE_RECIPE, widths))
        held = table_candidates(truth_table.matrix(table_seeds), space,
                                table.macs)
        if len(held) < max(3, num_archs):
            raise MissingTruthError(
                f'{truth_table.file} holds {len(held)} architectures with '
                f'seeds 0..{table_seeds - 1}, need {max(3, num_archs)}: '
                'extend it with `python benchmarks/truth_table.py --upto '
                f'{max(3, num_archs)}` or ask for fewer')
        archs = [EnsembleArch.from_arch_list(
            list(a), stage_depths=widths['stage_depths'])
            for a in held[:num_archs or None]]
        trainer = StandaloneTrainer(widths['backbone'], widths['head'],
                                    TABLE_RECIPE, splits['train'], evals,
                                    channels_last=True)
        truth: Any = TableGroundTruth(truth_table, trainer, progress=log)
    else:
        held = []
        archs = stratified_by_flops(space, table.macs, num_archs,
                                    seed=arch_seed)
        trainer = StandaloneTrainer(widths['backbone'], widths['head'],
                                    StandaloneRecipe(steps=steps),
                                    splits['train'], evals)
        truth = GroundTruth(trainer, ResultCache(str(cache_file)), task,
                            progress=log)
    return GroundTruthSetup(task, splits, widths, space, table, archs, truth,
                            held)
