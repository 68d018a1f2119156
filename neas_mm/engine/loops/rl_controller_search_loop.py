"""NASNet's controller search (and random / decision-level evolution
search) with children trained from scratch, as an mmengine loop."""
import json
import random
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.dist import get_world_size
from mmengine.runner.loops import BaseLoop

from neas_mm.models.controller_policy import ControllerPolicy
from neas_mm.registry import LOOPS
from neas_mm.search.decision_evolution import (crossover_decisions,
                                               mutate_decisions)
from neas_mm.search.ppo_trainer import PPOTrainer
from ..controller_plot import plot_controller_search
from ..runner_model import runner_model
from .child_pool import ChildPool

MODES = ('controller', 'random', 'evolution')
# Loop settings a resumed search must share with the saved one.
RESUME_KEYS = ('mode', 'space', 'batch_size', 'seed', 'child', 'ppo',
               'parents', 'mutation_prob')


def arch_key(arch: Dict[str, Any]) -> str:
    """A child's architecture as a string (equal architectures, equal
    keys)."""
    return json.dumps(arch, sort_keys=True)


@LOOPS.register_module()
class RLControllerSearchLoop(BaseLoop):
    """NASNet's search (Zoph et al., CVPR 2018, Sec. 3 and A.2-A.3): a
    controller RNN samples children, each child is trained from scratch at
    a reduced budget and rewarded with its accuracy on the ``search``
    split (never ``val``), and the controller is updated by PPO on every
    ``batch_size`` rewarded children.

    The Runner's model is a :class:`ControllerPolicy`: its decision space
    is NASNet's cells or the NEAS K-path space (:class:`NEASDecisions`), so
    the controller, random search and evolution compare on one space.
    ``mode``:

    * ``'controller'``: the controller samples each batch and is updated
      by :class:`PPOTrainer` after it;
    * ``'random'``: every decision uniform (the same loop, the controller
      untouched);
    * ``'evolution'``: the first batch uniform, then each child a uniform
      crossover of two of the ``parents`` best distinct children so far,
      with every decision mutated with probability ``mutation_prob`` (at
      least one); a child seen before is redrawn (up to 100 times).

    Children train in ``workers`` spawned processes of one thread each
    (:class:`ChildPool`); only this process records their rewards. Child
    ``i`` trains with seed ``seed * 1000000 + i``; a child whose
    architecture was trained before gets that reward again without
    training (``cached``). After every batch the whole state (the PPO state
    with the controller's weights and Adam's moments, the sampling
    generators, every child's decisions, architecture and reward, the
    history) is saved to ``<work_dir>/search_state_<mode>.pth`` and the
    children to the readable ``search_children_<mode>.json``; a run with
    ``resume=True`` continues from it and samples, trains and updates
    exactly what an uninterrupted run would.

    At the end the ``top_k`` best distinct children (by reward) are
    retrained with the child trainer's full recipe (``final_seeds`` seeds
    each) and scored on ``search`` and ``val``. The winner is the
    retrained child with the best full-recipe ``search`` accuracy (the
    best reward with ``top_k=0``); ``val`` is only reported. Written to the
    work dir: ``best_arch.json`` (the winner's readable arch file),
    ``search_topk_<mode>.json`` / ``.md`` and ``search_curve.png`` (best
    reward so far and top-5 mean against children sampled).

    Args:
        runner: The Runner.
        dataloader: The Runner's training dataloader: unused but for its
            dataset's ``data_root``, the task the children train on.
        mode: ``'controller'``, ``'random'`` or ``'evolution'``.
        num_children: Children sampled (and rewarded) in all.
        batch_size: Children per controller update (PPO's minibatch, 20 in
            A.3); the batches of the other modes.
        workers: Child-training processes (0: this process).
        child: The child trainer: ``type`` (``'cluttered'``, i.e.
            :class:`ChildTrainer`, or a dotted path) and its arguments
            (``search_recipe``, ``final_recipe``, ``network``, ...).
        ppo: :class:`PPOTrainer` arguments (``lr``, ``clip``,
            ``entropy_weight``, ``baseline_decay``, ``epochs``,
            ``algorithm``).
        top_k: Best children retrained at the full recipe (0: none).
        final_seeds: Seeds (0, 1, ...) of each retraining.
        parents: Evolution: the best distinct children bred from.
        mutation_prob: Evolution: each decision's mutation probability.
        data_root: The task folder (default: the dataloader's).
        seed: Seeds the controller's initial weights, its sampling, the
            random and evolution draws and the children's training.
        resume: Continue from the saved state if there is one.
    """

    needs_checkpoint = False

    def __init__(self,
                 runner,
                 dataloader: Any,
                 mode: str = 'controller',
                 num_children: int = 100,
                 batch_size: int = 20,
                 workers: int = 2,
                 child: Optional[Dict[str, Any]] = None,
                 ppo: Optional[Dict[str, Any]] = None,
                 top_k: int = 5,
                 final_seeds: int = 1,
                 parents: int = 5,
                 mutation_prob: float = 0.1,
                 data_root: Optional[str] = None,
                 seed: int = 0,
                 resume: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        for name, value, least in (('num_children', num_children, 1),
                                   ('batch_size', batch_size, 1),
                                   ('top_k', top_k, 0),
                                   ('final_seeds', final_seeds, 1),
                                   ('parents', parents, 1),
                                   ('workers', workers, 0)):
            if not isinstance(value, int) or value < least:
                raise ValueError(f'{name} must be an int >= {least}, got '
                                 f'{value!r}')
        if not 0.0 <= mutation_prob <= 1.0:
            raise ValueError(f'mutation_prob must be in [0, 1], got '
                             f'{mutation_prob!r}')
        if get_world_size() > 1:
            raise ValueError('RLControllerSearchLoop runs in one process '
                             '(launcher none); children run in parallel in '
                             'its `workers`')
        super().__init__(runner, dataloader)
        policy = runner_model(runner)
        if not isinstance(policy, ControllerPolicy):
            raise TypeError(
                f'RLControllerSearchLoop needs model=dict(type='
                f"'neas_mm.ControllerPolicy', ...), got "
                f'{type(policy).__name__}')
        self.policy, self.space = policy, policy.space
        if data_root is None:
            dataset = getattr(self.dataloader, 'dataset', None)
            data_root = getattr(dataset, 'data_root', None)
        self.data_root = None if data_root is None else str(data_root)
        self.mode, self.num_children = mode, num_children
        self.batch_size, self.top_k = batch_size, top_k
        self.final_seeds, self.parents = final_seeds, parents
        self.mutation_prob, self.seed, self.resume = mutation_prob, seed, \
            resume
        self.child_cfg = plain(child or dict(type='cluttered'))
        self.ppo_cfg = plain(ppo or {})
        self.ppo = PPOTrainer(policy.controller, batch_size=batch_size,
                              seed=seed, **self.ppo_cfg)
        self.rng = random.Random(seed)
        self.pool = ChildPool(self.child_cfg, plain(policy.space_cfg),
                              self.data_root, workers)
        work_dir = Path(runner.work_dir)
        self.state_file = work_dir / f'search_state_{mode}.pth'
        self.children_file = work_dir / f'search_children_{mode}.json'
        self.children: List[Dict[str, Any]] = []
        self.history: List[Dict[str, Any]] = []
        self.final: Optional[List[Dict[str, Any]]] = None

    # ------------------------------------------------------- progress
    @property
    def max_epochs(self) -> int:
        return -(-self.num_children // self.batch_size)

    @property
    def max_iters(self) -> int:
        return self.num_children

    @property
    def epoch(self) -> int:
        return len(self.history)

    @property
    def iter(self) -> int:
        return len(self.children)

    def settings(self) -> Dict[str, Any]:
        """What a resumed search must share with the saved one."""
        return plain(dict(
            mode=self.mode, space=self.space.to_dict(),
            batch_size=self.batch_size, seed=self.seed,
            child=self.child_cfg, ppo=self.ppo_cfg, parents=self.parents,
            mutation_prob=self.mutation_prob))

    # ------------------------------------------------------- proposals
    def _uniform(self) -> List[int]:
        return [self.rng.randrange(n) for n in self.space.sizes]

    def _bred(self, seen: set) -> List[int]:
        """An evolution child not seen before (or the last draw)."""
        ranked = self.ranked()[:self.parents]
        decisions: List[int] = []
        for _ in range(100):
            a, b = (self.rng.sample(ranked, 2) if len(ranked) > 1
                    else ranked * 2)
            decisions = mutate_decisions(
                crossover_decisions(a['decisions'], b['decisions'],
                                    self.rng),
                self.space.sizes, self.rng, self.mutation_prob)
            key = arch_key(self.space.arch_to_dict(
                self.space.decode(decisions)))
            if key not in seen:
                break
        return decisions

    def propose(self, n: int) -> Tuple[List[List[int]],
                                       Optional[torch.Tensor]]:
        """The decisions of the next ``n`` children and, in controller
        mode, their log-probabilities under the controller."""
        if self.mode == 'controller':
            drawn = self.ppo.sample(n)
            return drawn.decisions.tolist(), drawn.log_probs
        if self.mode == 'random' or not self.children:
            return [self._uniform() for _ in range(n)], None
        seen = {arch_key(c['arch']) for c in self.children}
        out = []
        for _ in range(n):
            decisions = self._bred(seen)
            seen.add(arch_key(self.space.arch_to_dict(
                self.space.decode(decisions))))
            out.append(decisions)
        return out, None

    # ----------------------------------------------------------- search
    def ranked(self) -> List[Dict[str, Any]]:
        """The best child of every distinct architecture, best first
        (ties: the earlier child)."""
        best: Dict[str, Dict[str, Any]] = {}
        for c in self.children:
            key = arch_key(c['arch'])
            if key not in best or c['reward'] > best[key]['reward']:
                best[key] = c
        return sorted(best.values(),
                      key=lambda c: (-c['reward'], c['index']))

    def run_batch(self) -> None:
        """Sample, train and reward one batch of children; update the
        controller; save the state."""
        start = time.perf_counter()
        update = len(self.history) + 1
        n = min(self.batch_size, self.num_children - len(self.children))
        decisions, old_log_probs = self.propose(n)
        archs = [self.space.arch_to_dict(self.space.decode(d))
                 for d in decisions]
        known = {arch_key(c['arch']): c for c in self.children}
        jobs: Dict[str, Tuple[int, Dict[str, Any]]] = {}
        for i, arch in enumerate(archs):
            key = arch_key(arch)
            if key not in known and key not in jobs:
                index = len(self.children) + i
                jobs[key] = (index, arch)
        results = self.pool.run([
            (arch, self.seed * 1000000 + index, 'search', ('search', ))
            for index, arch in jobs.values()])
        trained = {key: r for key, r in zip(jobs, results)}
        logger = self.runner.logger
        rewards = []
        for i, (d, arch) in enumerate(zip(decisions, archs)):
            key = arch_key(arch)
            index = len(self.children)
            if key in trained and jobs[key][0] == index:
                result = trained[key]
                record = dict(reward=float(result['acc']['search']),
                              seed=self.seed * 1000000 + index,
                              cached=False,
                              seconds=result.get('train_seconds'))
            else:
                source = known.get(key) or next(
                    c for c in self.children if arch_key(c['arch']) == key)
                record = dict(reward=source['reward'], seed=source['seed'],
                              cached=True, seconds=0.0)
            child = dict(index=index, update=update, decisions=list(d),
                         arch=arch, **record)
            self.children.append(child)
            rewards.append(child['reward'])
            best = max(c['reward'] for c in self.children)
            logger.info(
                f'[{self.mode}] update {update}/{self.max_epochs} child '
                f'{index + 1}/{self.num_children}: search reward '
                f'{100 * child["reward"]:.2f}'
                f'{" (seen before)" if child["cached"] else ""} | best '
                f'{100 * best:.2f} | '
                f'{self.space.describe(self.space.decode(d))}')
        entry: Dict[str, Any] = dict(
            update=update, children=len(self.children),
            trained=len(jobs), mean_reward=sum(rewards) / len(rewards))
        if self.mode == 'controller':
            stats = self.ppo.update(decisions, rewards, old_log_probs)
            entry.update(loss=stats['loss'], baseline=stats['baseline'])
        top = [c['reward'] for c in self.ranked()[:5]]
        entry.update(best=top[0], top5_mean=sum(top) / len(top),
                     seconds=round(time.perf_counter() - start, 2))
        self.history.append(entry)
        self.final = None  # new children: the retraining is redone
        logger.info(
            f'[{self.mode}] update {update}/{self.max_epochs} done: mean '
            f'reward {100 * entry["mean_reward"]:.2f}, best '
            f'{100 * entry["best"]:.2f}, top-5 mean '
            f'{100 * entry["top5_mean"]:.2f}, {len(jobs)} trained in '
            f'{entry["seconds"]:.1f} s'
            + (f', baseline {100 * entry["baseline"]:.2f}'
               if 'baseline' in entry else ''))
        scalars = {f'search/{self.mode}_{k}': entry[k]
                   for k in ('best', 'top5_mean', 'mean_reward')}
        for name, value in scalars.items():
            self.runner.message_hub.update_scalar(name, value)
        self.runner.visualizer.add_scalars(scalars, step=len(self.children))
        self.save_state()

    def retrain(self) -> None:
        """Retrain the ``top_k`` best children at the full recipe and score
        them on ``search`` and ``val``; save the state."""
        top = self.ranked()[:self.top_k]
        jobs = [(c['arch'], s, 'final', ('search', 'val'))
                for c in top for s in range(self.final_seeds)]
        self.runner.logger.info(
            f'[{self.mode}] retraining the {len(top)} best children at the '
            f'full recipe ({self.final_seeds} seed(s) each)')
        results = self.pool.run(jobs)
        self.final = []
        for rank, c in enumerate(top):
            runs = results[rank * self.final_seeds:(rank + 1) *
                           self.final_seeds]
            row = dict(index=c['index'], reward=c['reward'],
                       decisions=c['decisions'], arch=c['arch'],
                       search=[r['acc']['search'] for r in runs],
                       val=[r['acc']['val'] for r in runs])
            self.final.append(row)
            self.runner.logger.info(
                f'[{self.mode}] child {c["index"] + 1} (reward '
                f'{100 * c["reward"]:.2f}) retrained: search '
                f'{100 * mean(row["search"]):.2f}, val '
                f'{100 * mean(row["val"]):.2f}')
        self.save_state()

    def winner(self) -> Dict[str, Any]:
        """The retrained child with the best full-recipe search accuracy
        (the best reward when nothing was retrained)."""
        if self.final:
            return max(self.final, key=lambda r: mean(r['search']))
        return self.ranked()[0]

    # ------------------------------------------------------------ state
    def state_dict(self) -> Dict[str, Any]:
        version, internal, gauss = self.rng.getstate()
        return dict(settings=self.settings(), ppo=self.ppo.state_dict(),
                    rng=[version, list(internal), gauss],
                    children=self.children, history=self.history,
                    final=self.final)

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        saved, ours = state['settings'], self.settings()
        for key in RESUME_KEYS:
            if saved.get(key) != ours[key]:
                raise ValueError(
                    f'{self.state_file} holds a search with {key}='
                    f'{saved.get(key)!r}, this loop runs {key}='
                    f'{ours[key]!r}: resume with the same settings or use '
                    'another work dir')
        self.ppo.load_state_dict(state['ppo'])
        version, internal, gauss = state['rng']
        self.rng.setstate((version, tuple(internal), gauss))
        self.children = list(state['children'])
        self.history = list(state['history'])
        self.final = state['final']
        if self.final is not None and len(self.final) != min(
                self.top_k, len(self.ranked())):
            self.final = None  # top_k changed: retrain

    def save_state(self) -> None:
        tmp = self.state_file.with_suffix('.tmp')
        torch.save(self.state_dict(), tmp)
        tmp.replace(self.state_file)
        tmp = self.children_file.with_suffix('.tmp')
        tmp.write_text(json.dumps(dict(
            mode=self.mode, space=self.space.to_dict(),
            children=self.children, history=self.history,
            final=self.final)))
        tmp.replace(self.children_file)

    # -------------------------------------------------------------- run
    def run(self) -> Any:
        self.runner.call_hook('before_train')
        if self.resume and self.state_file.is_file():
            self.load_state_dict(torch.load(self.state_file,
                                            weights_only=True))
            self.runner.logger.info(
                f'search resumed after {len(self.history)} updates '
                f'({len(self.children)} children)')
        else:
            self.policy.controller.reset_parameters(self.policy.init_range,
                                                    self.seed)
        try:
            while len(self.children) < self.num_children:
                self.run_batch()
            if self.final is None and self.top_k > 0:
                self.retrain()
        finally:
            self.pool.close()
        best = self.finish()
        self.runner.call_hook('after_train')
        return best

    def finish(self) -> Any:
        """Write the winner's arch file, the top-k table and the curve."""
        work_dir = Path(self.runner.work_dir)
        best = self.winner()
        arch = self.space.arch_from_dict(best['arch'])
        if hasattr(arch, 'note'):  # NASNetArch: say where it comes from
            arch = type(arch).from_dict(dict(
                arch.to_dict(), name=f'{self.mode} search winner',
                note=f'child {best["index"] + 1} of {len(self.children)}, '
                f'search reward {best["reward"]:.4f}'))
        self.space.dump(arch, work_dir / 'best_arch.json')
        rows = self.final if self.final else [
            dict(c, search=[], val=[]) for c in self.ranked()[:5]]
        table = [dict(rank=i + 1, child=r['index'] + 1, reward=r['reward'],
                      search=mean(r['search']), val=mean(r['val']),
                      decisions=r['decisions'], arch=r['arch'])
                 for i, r in enumerate(rows)]
        (work_dir / f'search_topk_{self.mode}.json').write_text(
            json.dumps(table, indent=1))
        lines = ['| rank | child | search reward | retrained search | '
                 'retrained val | architecture |', '|---|---|---|---|---|---|']
        describe = self.space.describe
        lines += [f'| {r["rank"]} | {r["child"]} | {fmt(r["reward"])} | '
                  f'{fmt(r["search"])} | {fmt(r["val"])} | '
                  f'{describe(self.space.arch_from_dict(r["arch"]))} |'
                  for r in table]
        (work_dir / f'search_topk_{self.mode}.md').write_text(
            '\n'.join(lines) + '\n')
        plot_controller_search(work_dir, work_dir / 'search_curve.png')
        self.runner.logger.info(
            f'[{self.mode}] winner: child {best["index"] + 1} (search reward '
            f'{fmt(best["reward"])}, retrained search '
            f'{fmt(mean(best.get("search", [])))}, val '
            f'{fmt(mean(best.get("val", [])))}): '
            f'{self.space.describe(arch)}\nwritten to '
            f'{work_dir / "best_arch.json"}')
        return arch


def plain(value: Any) -> Any:
    """``value`` as JSON's plain types (config dicts to dicts, tuples to
    lists), so that it saves and compares as data."""
    return json.loads(json.dumps(value))


def mean(values: Sequence[float]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def fmt(value: Optional[float]) -> str:
    """An accuracy fraction as a percentage (``-`` for none)."""
    return '-' if value is None else f'{100 * value:.2f}'
