"""NASNet's controller RNN and its PPO / REINFORCE training."""
import io
import math

import pytest
import torch

from neas_mm.search import (NASNetController, PPOTrainer,
                            ppo_surrogate_loss)
from neas_mm.space import NASNetArch


@pytest.fixture(autouse=True)
def one_thread():
    """The controller's tensors are tiny (batch 20, 100 units): intra-op
    threads only wait on each other (tens of seconds on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def known_logits_controller(num_blocks=2):
    """Head weights 0 and biases 0.5 * k: every step's logits are known
    whatever the LSTM computes."""
    controller = NASNetController(num_blocks=num_blocks, seed=0)
    with torch.no_grad():
        for head in controller.heads:
            head.weight.zero_()
            head.bias.copy_(0.5 * torch.arange(head.out_features))
    return controller


def test_decisions_and_initialisation():
    controller = NASNetController(num_blocks=3, seed=0)
    assert controller.sizes == NASNetArch.decision_sizes(3)
    assert controller.num_decisions == 30
    # one input per step of the LSTM, 100 units, 10B softmax classifiers
    assert controller.lstm.hidden_size == 100
    assert [h.out_features for h in controller.heads] == \
        list(controller.sizes)
    values = torch.cat([p.flatten() for p in controller.parameters()])
    assert values.abs().max() <= 0.1 and values.abs().max() > 0.099
    assert abs(values.mean()) < 0.01  # uniform in [-0.1, 0.1]
    same = NASNetController(num_blocks=3, seed=0)
    assert all(torch.equal(a, b) for a, b in
               zip(controller.parameters(), same.parameters()))


def test_log_prob_by_hand_with_known_logits():
    controller = known_logits_controller()
    decisions = [[1, 0, 12, 3, 1, 2, 0, 7, 0, 0,
                  0, 1, 5, 5, 0, 1, 2, 12, 11, 1]]
    expected_lp, expected_h = 0.0, 0.0
    for d, n in zip(decisions[0], controller.sizes):
        log_z = math.log(sum(math.exp(0.5 * k) for k in range(n)))
        expected_lp += 0.5 * d - log_z
        expected_h -= sum(math.exp(0.5 * k - log_z) * (0.5 * k - log_z)
                          for k in range(n))
    log_probs, entropies = controller.evaluate(decisions)
    assert log_probs.item() == pytest.approx(expected_lp, rel=1e-5)
    assert entropies.item() == pytest.approx(expected_h, rel=1e-5)
    # sampling follows the same softmax: first decision (2 choices)
    drawn = controller.sample(4000, torch.Generator().manual_seed(0))
    p_one = math.exp(0.5) / (1 + math.exp(0.5))
    assert drawn.decisions[:, 0].float().mean().item() == \
        pytest.approx(p_one, abs=0.03)
    # an op decision (13 choices): the most likely op is 12
    ops = torch.bincount(drawn.decisions[:, 2], minlength=13).float() / 4000
    expected = torch.softmax(0.5 * torch.arange(13.), 0)
    assert (ops - expected).abs().max() < 0.03


def test_log_prob_is_the_product_of_the_step_softmaxes():
    controller = NASNetController(num_blocks=2, seed=1)
    drawn = controller.sample(5, torch.Generator().manual_seed(1))
    logits = controller.logits(drawn.decisions)
    assert [tuple(x.shape) for x in logits] == \
        [(5, n) for n in controller.sizes]
    product = torch.ones(5)
    for t, step in enumerate(logits):
        probs = torch.softmax(step, dim=-1)
        product = product * probs[torch.arange(5), drawn.decisions[:, t]]
    torch.testing.assert_close(controller.log_prob(drawn.decisions).exp(),
                               product)
    # what sample reports is the same log-probability
    torch.testing.assert_close(drawn.log_probs,
                               controller.log_prob(drawn.decisions))


def test_each_step_sees_the_decisions_before_it():
    controller = NASNetController(num_blocks=1, seed=0)
    a = torch.tensor([[0, 0, 0, 0, 0] * 2])
    b = a.clone()
    b[0, 0] = 1
    la, lb = controller.logits(a), controller.logits(b)
    torch.testing.assert_close(la[0], lb[0])  # step 0 precedes the change
    for t in range(1, 10):
        assert not torch.allclose(la[t], lb[t]), t


def test_sampling_is_seeded_and_checked():
    controller = NASNetController(num_blocks=2, seed=0)
    a = controller.sample(8, torch.Generator().manual_seed(3)).decisions
    b = controller.sample(8, torch.Generator().manual_seed(3)).decisions
    c = controller.sample(8, torch.Generator().manual_seed(4)).decisions
    assert torch.equal(a, b) and not torch.equal(a, c)
    sizes = torch.tensor(controller.sizes)
    assert ((a >= 0) & (a < sizes)).all()
    for row in a.tolist():
        NASNetArch.from_decisions(row, num_blocks=2)  # valid architectures
    with pytest.raises(ValueError, match=r'must be \(n, 20\)'):
        controller.log_prob([[0] * 19])
    with pytest.raises(ValueError, match=r'decision 5 of row 0 = 3 is out '
                       r'of range; allowed: 0\.\.2'):
        controller.log_prob([[0] * 5 + [3] + [0] * 14])


@pytest.mark.parametrize('ratio, advantage, zero', [
    (1.5, 1.0, True),     # above 1 + eps, pushing up: clipped
    (0.5, -1.0, True),    # below 1 - eps, pushing down: clipped
    (1.5, -1.0, False),   # above 1 + eps but pushed back down: not clipped
    (0.5, 1.0, False),    # below 1 - eps but pushed back up: not clipped
    (1.1, 1.0, False),    # inside [0.8, 1.2]
])
def test_ppo_clipping_gradient(ratio, advantage, zero):
    log_probs = torch.tensor([0.3, -0.2], requires_grad=True)
    old = log_probs.detach() - math.log(ratio)
    advantages = torch.full((2, ), advantage)
    ppo_surrogate_loss(log_probs, old, advantages, clip=0.2).backward()
    if zero:
        assert torch.equal(log_probs.grad, torch.zeros(2))
    else:
        # d/dlog p of -mean(r A) = -r A / n
        torch.testing.assert_close(log_probs.grad,
                                   torch.full((2, ), -ratio * advantage / 2))


def test_the_trainer_optimises_the_clipped_objective():
    controller = NASNetController(num_blocks=1, seed=0)
    trainer = PPOTrainer(controller, entropy_weight=0.0)
    drawn = trainer.sample(6)
    advantages = torch.ones(6)
    # children 1.5x as likely as when they were drawn: no gradient
    loss = trainer.loss(drawn.decisions, advantages,
                        drawn.log_probs - math.log(1.5))
    loss.backward()
    assert all(p.grad is None or not p.grad.any()
               for p in controller.parameters())
    controller.zero_grad()
    reinforce = PPOTrainer(controller, entropy_weight=0.0,
                           algorithm='reinforce')
    reinforce.loss(drawn.decisions, advantages,
                   drawn.log_probs - math.log(1.5)).backward()
    assert any(p.grad is not None and p.grad.any()
               for p in controller.parameters())


def test_moving_average_baseline():
    controller = NASNetController(num_blocks=1, seed=0)
    trainer = PPOTrainer(controller, batch_size=2, lr=0.0)
    drawn = trainer.sample(4)
    rewards = [0.2, 0.4, 1.0, 0.0]
    trainer.update(drawn.decisions, rewards, drawn.log_probs)
    b = 0.3  # the first minibatch's mean
    for r in rewards:
        b = 0.95 * b + 0.05 * r
    assert trainer.baseline == pytest.approx(b)
    assert trainer.num_updates == 2 and trainer.num_sampled == 4
    with pytest.raises(ValueError, match=r'rewards must be \(4,\)'):
        trainer.update(drawn.decisions, [0.1] * 3)
    with pytest.raises(ValueError, match='algorithm must be one of'):
        PPOTrainer(controller, algorithm='a2c')


def test_paper_defaults():
    trainer = PPOTrainer(NASNetController(seed=0))
    assert trainer.optimizer.defaults['lr'] == 0.00035
    assert (trainer.clip, trainer.entropy_weight, trainer.baseline_decay,
            trainer.batch_size) == (0.2, 1e-5, 0.95, 20)
    assert trainer.controller.num_decisions == 50  # 2 x 5B, B = 5


def planted_reward(decisions, target):
    """Fraction of decisions equal to a hidden target architecture."""
    return (decisions == target).float().mean(1)


@pytest.mark.parametrize('algorithm', ['ppo', 'reinforce'])
def test_controller_learns_a_planted_reward(algorithm):
    num_blocks, updates = 2, 30
    controller = NASNetController(num_blocks=num_blocks, seed=0)
    generator = torch.Generator().manual_seed(7)
    target = torch.stack([torch.randint(n, (), generator=generator)
                          for n in controller.sizes])
    trainer = PPOTrainer(controller, lr=0.01, seed=0, epochs=2,
                         algorithm=algorithm)
    means = []
    for _ in range(updates):
        drawn = trainer.sample()
        rewards = planted_reward(drawn.decisions, target)
        trainer.update(drawn.decisions, rewards, drawn.log_probs)
        means.append(rewards.mean().item())
    # the same number of children drawn uniformly
    sizes = torch.tensor(controller.sizes)
    uniform = (torch.rand(updates * 20, len(sizes), generator=generator) *
               sizes).long()
    random_mean = planted_reward(uniform, target).mean().item()
    assert random_mean < 0.4
    assert sum(means[-5:]) / 5 > random_mean + 0.3
    assert max(means[-5:]) > max(planted_reward(uniform, target).view(
        updates, 20).mean(1)).item()


def test_resume_is_exact():
    def trainer():
        return PPOTrainer(NASNetController(num_blocks=2, seed=0), lr=0.01,
                          seed=0, batch_size=10, epochs=2)

    def step(t):
        drawn = t.sample(20)
        rewards = drawn.decisions.float().mean(1) / 13
        t.update(drawn.decisions, rewards, drawn.log_probs)
        return drawn.decisions

    straight = trainer()
    for _ in range(3):
        step(straight)
    buffer = io.BytesIO()
    torch.save(straight.state_dict(), buffer)
    expected = [step(straight) for _ in range(3)]

    buffer.seek(0)
    resumed = PPOTrainer(NASNetController(num_blocks=2, seed=5), lr=0.01,
                         seed=9, batch_size=10, epochs=2)
    resumed.load_state_dict(torch.load(buffer, weights_only=False))
    assert resumed.num_updates == 3 * 2 * 2
    got = [step(resumed) for _ in range(3)]
    for a, b in zip(expected, got):
        assert torch.equal(a, b)
    for (name, a), b in zip(straight.controller.state_dict().items(),
                            resumed.controller.state_dict().values()):
        assert torch.equal(a, b), name
    assert resumed.baseline == straight.baseline
    assert resumed.num_updates == straight.num_updates == 6 * 2 * 2
    assert resumed.num_sampled == straight.num_sampled
