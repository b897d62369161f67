"""Approval's use cases that write, by family: steps (claim, reassign, answer, send back), the
clock (special procedures, extension) and the decision. Each runs in one transaction with its
activity log entry, its outbox event and the request's idempotency key (UseCases.once)."""
