"""EnNAS online distillation (section 3.2), as pure functions of logits.

The teacher's logits are a weighted sum of the students' logits,
``t = sum_i w_i z_i`` with ``sum_i w_i = 1`` (Eq. 1), the weights chosen to
minimise the teacher's cross-entropy on the batch (Eq. 2; convex in ``w``).
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
                    iterations: int = 25) -> torch.Tensor:
    """The weights of Eq. 2: ``argmin_w CE(sum_i w_i z_i, y)`` subject to
    ``sum_i w_i = 1``.

    The constraint is removed by writing ``w = 1/m + P theta`` with ``P``
    the projection onto the zero-sum plane; the problem stays convex in
    ``theta`` and L-BFGS (strong Wolfe line search) solves it. The paper
    uses the ECOS conic solver; the minimiser is the same. Gradients do not
    flow through the weights (they are a detached choice of teacher).

    Args:
        logits: (m, N, C) students' logits.
        labels: (N, ) class indices.
        iterations: L-BFGS iterations.

    Returns:
        (m, ) weights summing to 1.
    """
    m = logits.shape[0]
    logits = logits.detach().double()
    uniform = torch.full((m, ), 1.0 / m, dtype=logits.dtype)
    if m == 1:
        return uniform.float()
    project = torch.eye(m, dtype=logits.dtype) - 1.0 / m  # (m, m)
    theta = torch.zeros(m, dtype=logits.dtype, requires_grad=True)
    optimizer = torch.optim.LBFGS([theta], max_iter=iterations,
                                  line_search_fn='strong_wolfe')

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = teacher_loss(uniform + project @ theta, logits, labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        return (uniform + project @ theta).float()


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
