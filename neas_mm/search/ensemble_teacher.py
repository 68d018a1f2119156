"""EnNAS online distillation (section 3.2), as pure functions of logits.

The teacher's logits are a weighted sum of the students' logits,
``t = sum_i w_i z_i`` with ``sum_i w_i = 1`` (Eq. 1), the weights chosen to
minimise the teacher's cross-entropy on the batch (Eq. 2; here on the
simplex, see :func:`teacher_weights`).
Each student then learns from the label and from the teacher's softened
distribution (Eq. 3).
"""
import torch
import torch.nn.functional as F


def teacher_loss(weights: torch.Tensor, logits: torch.Tensor,
                 labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the teacher ``sum_i w_i z_i``.

    Args:
        weights: (m, ) summing to 1.
        logits: (m, N, C) students' logits.
        labels: (N, ) class indices.
    """
    teacher = torch.einsum('m,mnc->nc', weights, logits)  # (N, C)
    return F.cross_entropy(teacher, labels)


def teacher_weights(logits: torch.Tensor, labels: torch.Tensor,
                    iterations: int = 50) -> torch.Tensor:
    """The weights of Eq. 2: ``argmin_w CE(sum_i w_i z_i, y)`` over the
    simplex (``w_i >= 0``, ``sum_i w_i = 1``).

    Eq. 2 as printed fixes only the sum. Without ``w_i >= 0`` the minimum
    need not exist: when one path's logits minus another's separate the
    batch, the loss falls for ever along ``w = (1 + a, -a)`` (seen: weights
    8.6 and -7.6 after 50 iterations), and the teacher is an extrapolation
    that no ensemble computes. On the simplex the problem is convex and
    bounded. Solved with L-BFGS over ``w = softmax(theta)`` (the paper uses
    the ECOS conic solver), in float64 on the logits' device, outside
    autocast. Gradients do not flow through the weights.

    Args:
        logits: (m, N, C) students' logits.
        labels: (N, ) class indices.
        iterations: L-BFGS iterations.

    Returns:
        (m, ) weights on the simplex, float32, on the logits' device.
    """
    m = logits.shape[0]
    device = logits.device
    if m == 1:
        return torch.ones(1, device=device)
    device_type = device.type if device.type in ('cuda', 'cpu') else 'cpu'
    with torch.enable_grad(), torch.autocast(device_type, enabled=False):
        logits = logits.detach().double()
        theta = torch.zeros(m, dtype=torch.float64, device=device,
                            requires_grad=True)
        optimizer = torch.optim.LBFGS([theta], max_iter=iterations,
                                      line_search_fn='strong_wolfe')

        def closure() -> torch.Tensor:
            optimizer.zero_grad()
            loss = teacher_loss(theta.softmax(0), logits, labels)
            loss.backward()
            return loss

        optimizer.step(closure)
    return theta.detach().softmax(0).float()


def distillation_loss(student: torch.Tensor, teacher: torch.Tensor,
                      temperature: float) -> torch.Tensor:
    """``tau^2 KL(p || q)`` of Eq. 3: ``p`` the teacher's and ``q`` the
    student's distribution at temperature ``tau``, batch mean. The teacher
    is a target (no gradient).

    Args:
        student: (N, C) logits.
        teacher: (N, C) logits.
        temperature: tau > 0.
    """
    if temperature <= 0:
        raise ValueError(f'temperature must be > 0, got {temperature!r}')
    log_q = F.log_softmax(student / temperature, dim=1)
    log_p = F.log_softmax(teacher.detach() / temperature, dim=1)
    kl = F.kl_div(log_q, log_p, log_target=True, reduction='batchmean')
    return temperature**2 * kl
