"""Policy-gradient training of the NASNet controller (appendix A.2-A.3):
PPO's clipped surrogate objective (or REINFORCE), an entropy bonus and an
exponential-moving-average baseline, with Adam."""
import copy
from typing import Any, Dict, Optional, Sequence, Union

import torch

from .nasnet_controller import (ControllerSample, Decisions,
                                NASNetController)

ALGORITHMS = ('ppo', 'reinforce')


def ppo_surrogate_loss(log_probs: torch.Tensor, old_log_probs: torch.Tensor,
                       advantages: torch.Tensor,
                       clip: float = 0.2) -> torch.Tensor:
    """PPO's clipped surrogate, negated for minimisation:
    -mean(min(r A, clip(r, 1 - eps, 1 + eps) A)), r = p / p_old. A ratio
    beyond 1 + eps with A > 0 (or below 1 - eps with A < 0) gets no
    gradient."""
    ratio = torch.exp(log_probs - old_log_probs)  # (n,)
    clipped = torch.clamp(ratio, 1.0 - clip, 1.0 + clip)
    return -torch.min(ratio * advantages, clipped * advantages).mean()


def reinforce_loss(log_probs: torch.Tensor,
                   advantages: torch.Tensor) -> torch.Tensor:
    """REINFORCE with a baseline: -mean(log p * A)."""
    return -(log_probs * advantages).mean()


class PPOTrainer:
    """Samples architectures from a :class:`NASNetController` and updates
    it from their rewards (the children's validation accuracies).

    ``update`` takes a batch of rewarded architectures and makes one Adam
    step per minibatch of ``batch_size`` (``epochs`` passes). Each
    architecture's advantage is its reward minus the baseline as it was
    before its minibatch; the baseline then moves towards each reward in
    turn, ``b <- decay * b + (1 - decay) * r``, starting from the first
    minibatch's mean reward.

    Args:
        controller: The controller to train.
        lr: Adam learning rate (0.00035 in A.2).
        clip: PPO's epsilon (0.2).
        entropy_weight: Weight of the entropy bonus (0.00001 in A.2).
        baseline_decay: Weight of the old baseline in its moving average
            (0.95 in A.2).
        batch_size: Architectures per update (minibatches of 20, A.3).
        epochs: Passes over each batch given to :meth:`update`.
        algorithm: ``'ppo'`` or ``'reinforce'``.
        seed: Seeds the sampling generator.
    """

    def __init__(self, controller: NASNetController, lr: float = 3.5e-4,
                 clip: float = 0.2, entropy_weight: float = 1e-5,
                 baseline_decay: float = 0.95, batch_size: int = 20,
                 epochs: int = 1, algorithm: str = 'ppo',
                 seed: int = 0) -> None:
        if algorithm not in ALGORITHMS:
            raise ValueError(f'algorithm must be one of {ALGORITHMS}, got '
                             f'{algorithm!r}')
        if not 0.0 < clip < 1.0:
            raise ValueError(f'clip must be in (0, 1), got {clip!r}')
        if not 0.0 <= baseline_decay < 1.0:
            raise ValueError(f'baseline_decay must be in [0, 1), got '
                             f'{baseline_decay!r}')
        for name, value in (('batch_size', batch_size), ('epochs', epochs)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got '
                                 f'{value!r}')
        self.controller = controller
        self.clip, self.entropy_weight = clip, entropy_weight
        self.baseline_decay = baseline_decay
        self.batch_size, self.epochs = batch_size, epochs
        self.algorithm = algorithm
        self.optimizer = torch.optim.Adam(controller.parameters(), lr=lr)
        self.generator = torch.Generator().manual_seed(seed)
        self.baseline: Optional[float] = None
        self.num_updates = 0
        self.num_sampled = 0

    def sample(self, n: Optional[int] = None) -> ControllerSample:
        """Draw ``n`` architectures (default ``batch_size``) with the
        trainer's generator; log-probabilities without graph, to pass to
        :meth:`update` as ``old_log_probs``."""
        n = self.batch_size if n is None else n
        with torch.no_grad():
            drawn = self.controller.sample(n, self.generator)
        self.num_sampled += n
        return drawn

    def _advantages(self, rewards: torch.Tensor) -> torch.Tensor:
        """Per minibatch: rewards minus the baseline before it; moves the
        baseline over the rewards."""
        advantages = torch.empty_like(rewards)
        for start in range(0, len(rewards), self.batch_size):
            chunk = rewards[start:start + self.batch_size]
            if self.baseline is None:
                self.baseline = float(chunk.mean())
            advantages[start:start + self.batch_size] = chunk - self.baseline
            for r in chunk.tolist():
                self.baseline = (self.baseline_decay * self.baseline +
                                 (1.0 - self.baseline_decay) * r)
        return advantages

    def loss(self, decisions: torch.Tensor, advantages: torch.Tensor,
             old_log_probs: torch.Tensor) -> torch.Tensor:
        """The objective to minimise on one minibatch."""
        log_probs, entropies = self.controller.evaluate(decisions)
        if self.algorithm == 'ppo':
            loss = ppo_surrogate_loss(log_probs, old_log_probs, advantages,
                                      self.clip)
        else:
            loss = reinforce_loss(log_probs, advantages)
        return loss - self.entropy_weight * entropies.mean()

    def update(self, decisions: Decisions,
               rewards: Union[torch.Tensor, Sequence[float]],
               old_log_probs: Optional[torch.Tensor] = None
               ) -> Dict[str, float]:
        """Train on rewarded architectures.

        Args:
            decisions: (n, 10B) decisions of the children.
            rewards: (n,) their rewards.
            old_log_probs: (n,) their log-probabilities when sampled
                (default: under the current controller).

        Returns:
            Mean reward, mean loss and the baseline after the update.
        """
        decisions = self.controller.check_decisions(decisions)
        rewards = torch.as_tensor(rewards, dtype=torch.float32)
        if rewards.shape != (len(decisions), ):
            raise ValueError(f'rewards must be ({len(decisions)},), got '
                             f'{tuple(rewards.shape)}')
        if old_log_probs is None:
            with torch.no_grad():
                old_log_probs = self.controller.log_prob(decisions)
        old_log_probs = old_log_probs.detach()
        advantages = self._advantages(rewards)
        losses = []
        for _ in range(self.epochs):
            for start in range(0, len(decisions), self.batch_size):
                part = slice(start, start + self.batch_size)
                loss = self.loss(decisions[part], advantages[part],
                                 old_log_probs[part])
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                self.num_updates += 1
                losses.append(loss.item())
        return dict(mean_reward=float(rewards.mean()),
                    loss=sum(losses) / len(losses),
                    baseline=float(self.baseline))

    # ------------------------------------------------------------ resume
    def state_dict(self) -> Dict[str, Any]:
        """Everything needed to resume exactly (a copy)."""
        return copy.deepcopy(dict(
            controller=self.controller.state_dict(),
            optimizer=self.optimizer.state_dict(),
            baseline=self.baseline, generator=self.generator.get_state(),
            num_updates=self.num_updates, num_sampled=self.num_sampled))

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        missing = {'controller', 'optimizer', 'baseline', 'generator',
                   'num_updates', 'num_sampled'} - set(state)
        if missing:
            raise KeyError(f'PPOTrainer state lacks {sorted(missing)}')
        self.controller.load_state_dict(state['controller'])
        self.optimizer.load_state_dict(copy.deepcopy(state['optimizer']))
        self.baseline = state['baseline']
        self.generator.set_state(state['generator'].clone())
        self.num_updates = int(state['num_updates'])
        self.num_sampled = int(state['num_sampled'])
