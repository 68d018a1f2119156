"""EnNAS online distillation (Eq. 1-3) on toy batches."""
import pytest
import torch
import torch.nn.functional as F

from neas_mm.search.ensemble_teacher import (distillation_loss,
                                             teacher_loss, teacher_weights)


def toy_batch(seed=0, m=3, n=64, c=5):
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, c, (n, ), generator=gen)
    logits = torch.randn(m, n, c, generator=gen)
    # Student 0 knows the labels somewhat, the others are noise.
    logits[0] += 2.0 * F.one_hot(labels, c)
    return logits, labels


@pytest.mark.parametrize('seed', range(5))
def test_teacher_weights_minimise_the_teacher_loss(seed):
    logits, labels = toy_batch(seed)
    w = teacher_weights(logits, labels)
    assert w.sum().item() == pytest.approx(1.0, abs=1e-6)
    best = teacher_loss(w, logits, labels).item()
    # Lower than the uniform ensemble and than any single student ...
    m = logits.shape[0]
    assert best <= teacher_loss(torch.full((m, ), 1 / m), logits,
                                labels).item() + 1e-6
    for i in range(m):
        assert best <= teacher_loss(torch.eye(m)[i], logits,
                                    labels).item() + 1e-6
    # ... and the simplex minimum (KKT): every weight in use has the
    # smallest partial derivative, unused ones no smaller.
    assert torch.all(w >= 0)
    w64 = w.double().requires_grad_()
    teacher_loss(w64, logits.double(), labels).backward()
    grad = w64.grad
    used = w > 1e-3
    assert (grad[used] - grad[used].min()).abs().max().item() < 1e-3
    assert torch.all(grad[~used] >= grad[used].min() - 1e-3)
    # The informed student carries the most weight.
    assert w.argmax().item() == 0


def test_separable_students_keep_bounded_weights():
    """Path 0 minus path 1 separates the batch: without w >= 0 the loss
    falls for ever along (1 + a, -a)."""
    labels = torch.tensor([0, 1] * 8)
    z0 = torch.stack([torch.tensor([1.0, 0.0]) if y == 0 else
                      torch.tensor([0.0, 1.0]) for y in labels]) * 0.3
    logits = torch.stack([z0, torch.zeros_like(z0)])
    w = teacher_weights(logits, labels)
    assert torch.all(w >= 0) and w.sum().item() == pytest.approx(1.0)
    assert w[0].item() > 0.99  # the informed path, no extrapolation


def test_one_student_is_its_own_teacher():
    logits, labels = toy_batch(m=1)
    assert teacher_weights(logits, labels).tolist() == [1.0]


def test_distillation_loss_is_tau_squared_kl():
    gen = torch.Generator().manual_seed(1)
    student = torch.randn(8, 5, generator=gen, requires_grad=True)
    teacher = torch.randn(8, 5, generator=gen, requires_grad=True)
    tau = 2.0
    p = (teacher / tau).softmax(1)
    q = (student / tau).softmax(1)
    expected = tau**2 * (p * (p.log() - q.log())).sum(1).mean()
    loss = distillation_loss(student, teacher, tau)
    torch.testing.assert_close(loss, expected)
    assert distillation_loss(teacher, teacher, tau).item() == \
        pytest.approx(0.0, abs=1e-6)
    loss.backward()
    assert student.grad is not None and teacher.grad is None
    with pytest.raises(ValueError, match='temperature'):
        distillation_loss(student, teacher, 0.0)
