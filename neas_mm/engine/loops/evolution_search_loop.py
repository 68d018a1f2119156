import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import torch
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.evaluator import Evaluator
from mmengine.runner.loops import BaseLoop
from mmengine.utils import ProgressBar
from torch.utils.data import DataLoader

from neas_mm.models.utils import recalibrated_paths
from neas_mm.registry import LOOPS
from neas_mm.search import FlopsTable
from neas_mm.search.evolution import (SPLIT_MOVES, FlopsWindowError,
                                      crossover, mutate, random_arch,
                                      valid_child)
from neas_mm.space import ArchError, EnsembleArch
from ..fixed_subset import check_disjoint, fixed_train_subset
from ..runner_model import runner_model
from ..search_plot import plot_search_history

MODES = ('evolution', 'random')
PARENTS = ('all_time', 'population')
PROGRESS = ('auto', 'bar', 'log')


@LOOPS.register_module()
class EvolutionSearchLoop(BaseLoop):
    """K-path evolution search over a trained NEAS supernet (Algorithm 2).

    Generation 0 draws ``population_size`` ensembles from the model's
    (shrunk) space inside the FLOPs window. Every candidate is scored once:
    BN statistics re-estimated on a fixed training subset, then the
    ensemble's accuracy on the ``search_dataloader`` split through the
    evaluator; the supernet's BN statistics are restored afterwards. The
    search split must share no image with ``train_dataloader`` (trained on)
    nor ``val_dataloader`` (reported): a number selected on the images it
    is reported on would be optimistic. The ``top_k`` best (seen so far, or
    of the last generation) are the parents of ``num_crossover`` crossovers
    and ``num_mutation`` mutations; random ensembles fill the population.
    Children outside the space or the window are re-drawn (at most
    ``max_tries`` times each). In
    ``random`` mode every generation is random ensembles (the baseline).

    After every generation the whole state (population, scores, top-k,
    history, RNG) goes to ``<work_dir>/search_state_<mode>.json``; a run
    started with ``resume=True`` continues from it. At the end the loop
    writes ``best_arch.json`` (arch file with the official ``arch_list``),
    ``search_topk_<mode>.json`` / ``.md`` and ``search_curve.png``.

    Progress: every generation ends with a log line (best, top-k mean,
    candidates/s). Within a generation, ``progress='log'`` logs a line per
    candidate (score, MACs, best so far, seconds: BN recalibration and
    scoring), ``'bar'`` draws a progress bar over the generation's
    candidates instead (their lines go to the DEBUG level); ``'auto'``
    draws the bar when standard output is a terminal.

    Args:
        runner: The Runner.
        dataloader: Training dataloader (its dataset gives the calibration
            subset; passed by the Runner).
        search_dataloader: Dataloader config (or loader) that scores
            candidates; default: the runner config's ``search_dataloader``.
        evaluator: Evaluator config; default: ``val_evaluator``.
        mode: ``'evolution'`` or ``'random'``.
        population_size: P (paper: 50).
        top_k: Parents kept (paper: 10).
        max_generations: T (paper: 20).
        num_mutation: Mutations per generation (paper: 25).
        num_crossover: Crossovers per generation (paper: 25).
        prob_split: P_s, split mutation probability (paper: 0.1).
        prob_layer: P_m, per-layer mutation probability (paper: 0.1).
        split_move: How a split mutation moves the split point: ``'any'``
            (to any other point of the range) or ``'step'`` (one layer).
        parents: ``'all_time'`` (the top-k of every candidate scored so
            far) or ``'population'`` (the top-k of the last generation;
            Algorithm 2 line 7 read literally).
        flops_range: (min, max) multiply-adds in millions, None for open.
        input_size: Input side used to count FLOPs.
        calib_size: Training images for BN recalibration.
        calib_batch_size: Batch size of the recalibration.
        score_key: Metric that ranks candidates.
        max_tries: Draws allowed per child before giving up.
        seed: Seed of the search.
        resume: Continue from the saved state if there is one.
        progress: ``'auto'``, ``'bar'`` or ``'log'`` (see above).
    """

    def __init__(self,
                 runner,
                 dataloader: Any,
                 search_dataloader: Optional[Any] = None,
                 evaluator: Optional[Any] = None,
                 mode: str = 'evolution',
                 population_size: int = 50,
                 top_k: int = 10,
                 max_generations: int = 20,
                 num_mutation: int = 25,
                 num_crossover: int = 25,
                 prob_split: float = 0.1,
                 prob_layer: float = 0.1,
                 split_move: str = 'any',
                 parents: str = 'all_time',
                 flops_range: Sequence[Optional[float]] = (None, None),
                 input_size: int = 224,
                 calib_size: int = 1024,
                 calib_batch_size: int = 128,
                 score_key: str = 'accuracy/top1',
                 max_tries: int = 1000,
                 seed: int = 0,
                 resume: bool = False,
                 progress: str = 'auto') -> None:
        for name, value, allowed in (('mode', mode, MODES),
                                     ('progress', progress, PROGRESS),
                                     ('split_move', split_move, SPLIT_MOVES),
                                     ('parents', parents, PARENTS)):
            if value not in allowed:
                raise ValueError(f'{name} must be one of {allowed}, got '
                                 f'{value!r}')
        for name, value in (('population_size', population_size),
                            ('top_k', top_k),
                            ('max_generations', max_generations),
                            ('calib_size', calib_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got '
                                 f'{value!r}')
        if top_k > population_size:
            raise ValueError(f'top_k={top_k} exceeds population_size='
                             f'{population_size}')
        for name, value in (('prob_split', prob_split),
                            ('prob_layer', prob_layer)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f'{name} must be in [0, 1], got {value!r}')
        if len(flops_range) != 2:
            raise ValueError(f'flops_range must be (min, max), got '
                             f'{flops_range!r}')
        super().__init__(runner, dataloader)
        search_dataloader = search_dataloader or runner.cfg.get(
            'search_dataloader')
        if search_dataloader is None:
            raise ValueError(
                'EvolutionSearchLoop needs a search_dataloader (in train_cfg '
                'or the config): the split candidates are scored on, held '
                'out of training and of val_dataloader')
        self.search_dataloader = search_dataloader if isinstance(
            search_dataloader, DataLoader) else runner.build_dataloader(
                search_dataloader)
        check_disjoint(runner, self.search_dataloader.dataset,
                       'EvolutionSearchLoop',
                       ['train_dataloader', 'val_dataloader'])
        evaluator = evaluator or runner.cfg.val_evaluator
        self.evaluator = evaluator if isinstance(
            evaluator, Evaluator) else runner.build_evaluator(evaluator)
        self.mode = mode
        self.population_size, self.top_k = population_size, top_k
        self.max_generations = max_generations
        self.num_mutation, self.num_crossover = num_mutation, num_crossover
        self.prob_split, self.prob_layer = prob_split, prob_layer
        self.split_move, self.parents = split_move, parents
        self.window = tuple(None if v is None else v * 1e6
                            for v in flops_range)
        self.input_size = input_size
        self.calib_size, self.calib_batch_size = calib_size, calib_batch_size
        self.score_key, self.max_tries = score_key, max_tries
        self.seed, self.resume = seed, resume
        self.bar = progress == 'bar' or (progress == 'auto'
                                         and sys.stdout.isatty())
        self.state_file = Path(runner.work_dir) / f'search_state_{mode}.json'
        self._generation = 0
        self.rng = random.Random(seed)
        self.population: List[EnsembleArch] = []
        self.scores: Dict[EnsembleArch, float] = {}
        self.history: List[Dict[str, Any]] = []
        self._calib = None
        self.table: Optional[FlopsTable] = None

    @property
    def model(self):
        return runner_model(self.runner)

    @property
    def max_epochs(self) -> int:
        return self.max_generations

    @property
    def max_iters(self) -> int:
        return self.max_generations * self.population_size

    @property
    def epoch(self) -> int:
        return self._generation

    @property
    def iter(self) -> int:
        return len(self.scores)

    # ------------------------------------------------------------ pricing
    def flops(self, arch: EnsembleArch) -> float:
        return self.table.macs(arch)

    def _prepare(self) -> None:
        head = self.model.head
        num_classes = head.classifiers[0].out_features
        self.table = FlopsTable.from_supernet(
            self.model.backbone, (self.input_size, self.input_size),
            num_classes)
        # Fails at start if the window cannot be met at all.
        random_arch(self.model.space, random.Random(self.seed), self.flops,
                    self.window, self.max_tries)

    # ------------------------------------------------------------ scoring
    def score(self, arch: EnsembleArch) -> float:
        """Ensemble accuracy on the search split after BN
        recalibration."""
        model = self.model
        if self._calib is None:
            self._calib = [inputs for inputs, _ in fixed_train_subset(
                self.runner, model, self.calib_size, self.calib_batch_size,
                self.seed)]
        eval_bn, model.eval_bn, model.eval_arch = model.eval_bn, 'running', \
            arch
        try:
            with recalibrated_paths(model, model.backbone, arch,
                                    self._calib):
                for batch in self.search_dataloader:
                    with torch.no_grad():
                        outputs = model.val_step(batch)
                    self.evaluator.process(data_samples=outputs,
                                           data_batch=batch)
                metrics = self.evaluator.evaluate(
                    len(self.search_dataloader.dataset))
        finally:
            model.eval_bn, model.eval_arch = eval_bn, None
        if self.score_key not in metrics:
            raise KeyError(f'score_key {self.score_key!r} not among the '
                           f'metrics {sorted(metrics)}')
        return float(metrics[self.score_key])

    # --------------------------------------------------------- generation
    def _draw(self, make) -> Optional[EnsembleArch]:
        """A valid child not seen before, from ``make()``, or None."""
        space = self.model.space
        for _ in range(self.max_tries):
            try:
                child = make()
            except (ArchError, FlopsWindowError):
                continue
            if valid_child(child, space, self.flops, self.window) and \
                    child not in self.scores and \
                    child not in self.population:
                return child
        return None

    def _random(self) -> EnsembleArch:
        return random_arch(self.model.space, self.rng, self.flops,
                           self.window, self.max_tries)

    def next_population(self) -> List[EnsembleArch]:
        """Candidates of the next generation (drawn on rank 0)."""
        space = self.model.space
        evolve = self.mode == 'evolution' and bool(self.scores)
        parents = self.parent_archs() if evolve else []
        self.population = []
        if evolve:
            for _ in range(self.num_crossover):
                child = self._draw(lambda: crossover(
                    *self.rng.sample(parents, 2) if len(parents) > 1 else
                    (parents[0], parents[0]), space, self.rng))
                if child is not None:
                    self.population.append(child)
            for _ in range(self.num_mutation):
                child = self._draw(lambda: mutate(
                    self.rng.choice(parents), space, self.rng,
                    self.prob_split, self.prob_layer, self.split_move))
                if child is not None:
                    self.population.append(child)
            self.population = self.population[:self.population_size]
        while len(self.population) < self.population_size:
            child = self._draw(self._random)
            if child is None:
                self.runner.logger.warning(
                    f'only {len(self.population)} new ensembles found for a '
                    f'population of {self.population_size}: the space (or '
                    'the FLOPs window) holds few unseen ones')
                break
            self.population.append(child)
        return self.population

    def topk(self, among: Optional[Sequence[EnsembleArch]] = None
             ) -> List[EnsembleArch]:
        """The ``top_k`` best scored ensembles (of ``among`` if given)."""
        pool = self.scores if among is None else {
            arch: self.scores[arch] for arch in among if arch in self.scores}
        ranked = sorted(pool.items(),
                        key=lambda kv: (-kv[1], kv[0].to_arch_list()))
        return [arch for arch, _ in ranked[:self.top_k]]

    def parent_archs(self) -> List[EnsembleArch]:
        """Parents of the next generation, as ``parents`` asks."""
        if self.parents == 'population':
            return self.topk(self.population) or self.topk()
        return self.topk()

    # ------------------------------------------------------------- state
    def state_dict(self) -> Dict[str, Any]:
        version, internal, gauss = self.rng.getstate()
        return dict(mode=self.mode, split_move=self.split_move,
                    parents=self.parents, generation=self._generation,
                    population=[a.to_dict() for a in self.population],
                    scores=[[a.to_dict(), s] for a, s in self.scores.items()],
                    history=self.history,
                    rng=[version, list(internal), gauss])

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        for key in ('mode', 'split_move', 'parents'):
            saved = state.get(key, getattr(self, key))  # older states
            if saved != getattr(self, key):
                raise ValueError(
                    f'{self.state_file} holds a search with {key}='
                    f'{saved!r}, this loop runs {key}='
                    f'{getattr(self, key)!r}: resume with the same settings '
                    'or use another work dir')
        self._generation = state['generation']
        self.population = [EnsembleArch.from_dict(a)
                           for a in state['population']]
        self.scores = {EnsembleArch.from_dict(a): s
                       for a, s in state['scores']}
        self.history = state['history']
        version, internal, gauss = state['rng']
        self.rng.setstate((version, tuple(internal), gauss))

    def save_state(self) -> None:
        if is_main_process():
            tmp = self.state_file.with_suffix('.tmp')
            tmp.write_text(json.dumps(self.state_dict()))
            tmp.replace(self.state_file)

    # --------------------------------------------------------------- run
    def run(self) -> EnsembleArch:
        self.runner.call_hook('before_train')
        self._prepare()
        if self.resume and self.state_file.is_file():
            self.load_state_dict(json.loads(self.state_file.read_text()))
            self.runner.logger.info(
                f'search resumed after generation {self._generation} '
                f'({len(self.scores)} candidates scored)')
        while self._generation < self.max_generations:
            self.run_generation()
        best = self.finish()
        self.runner.call_hook('after_train')
        return best

    def run_generation(self) -> None:
        population = [self.next_population() if is_main_process() else None]
        broadcast_object_list(population)
        population = population[0]
        logger, total = self.runner.logger, len(population)
        level = logging.DEBUG if self.bar else logging.INFO
        bar = ProgressBar(total, file=sys.stdout) \
            if self.bar and is_main_process() else None
        start = time.perf_counter()
        for i, arch in enumerate(population):
            if arch not in self.scores:  # never score an ensemble twice
                tick = time.perf_counter()
                self.scores[arch] = self.score(arch)
                best = max(self.scores.values())
                logger.log(
                    level, f'[{self.mode}] generation '
                    f'{self._generation + 1}/{self.max_generations} '
                    f'candidate {i + 1}/{total}: '
                    f'{self.score_key}={self.scores[arch]:.2f} '
                    f'{self.flops(arch) / 1e6:.2f}M MACs '
                    f'split={arch.split} | best {best:.2f} | '
                    f'{time.perf_counter() - tick:.2f} s')
            if bar is not None:
                bar.update()
        if bar is not None:
            sys.stdout.write('\n')
        top = [self.scores[a] for a in self.topk()]
        seconds = time.perf_counter() - start
        logger.info(
            f'[{self.mode}] generation {self._generation + 1}/'
            f'{self.max_generations} done: best {top[0]:.2f}, top-'
            f'{len(top)} mean {sum(top) / len(top):.2f}, '
            f'{len(self.scores)} scored, {total / seconds:.1f} '
            f'candidates/s')
        self._generation += 1
        self.history.append(dict(
            generation=self._generation, best=top[0],
            topk_mean=sum(top) / len(top), scored=len(self.scores),
            seconds=round(seconds, 2)))
        self.runner.message_hub.update_scalar(f'search/{self.mode}_best',
                                              top[0])
        # To the visualizer's backends (TensorBoard, ...) per generation.
        self.runner.visualizer.add_scalars(
            {f'search/{self.mode}_best': top[0],
             f'search/{self.mode}_topk_mean': self.history[-1]['topk_mean'],
             f'search/{self.mode}_candidates_per_s':
             total / seconds},
            step=self._generation)
        self.save_state()

    def finish(self) -> EnsembleArch:
        """Write the best ensemble, the top-k table and the curve."""
        ranked = self.topk()
        best = ranked[0]
        if is_main_process():
            work_dir = Path(self.runner.work_dir)
            best.dump(work_dir / 'best_arch.json')
            rows = [dict(rank=i + 1, score=self.scores[a],
                         flops_m=round(self.flops(a) / 1e6, 3),
                         params_m=round(self.table.params(a) / 1e6, 4),
                         split=a.split, arch_list=a.to_arch_list())
                    for i, a in enumerate(ranked)]
            (work_dir / f'search_topk_{self.mode}.json').write_text(
                json.dumps(rows, indent=1))
            lines = ['| rank | ' + self.score_key + ' | MFLOPs | params (M) '
                     '| split | arch_list |', '|---|---|---|---|---|---|']
            lines += [f'| {r["rank"]} | {r["score"]:.2f} | {r["flops_m"]} | '
                      f'{r["params_m"]} | {r["split"]} | '
                      f'{",".join(map(str, r["arch_list"]))} |'
                      for r in rows]
            (work_dir / f'search_topk_{self.mode}.md').write_text(
                '\n'.join(lines) + '\n')
            plot_search_history(work_dir, work_dir / 'search_curve.png')
            self.runner.logger.info(
                f'best ensemble ({self.score_key}={self.scores[best]:.2f}, '
                f'{self.flops(best) / 1e6:.2f}M MACs): {best}\n'
                f'arch_list: {best.to_arch_list()}\n'
                f'written to {work_dir / "best_arch.json"}')
        return best
