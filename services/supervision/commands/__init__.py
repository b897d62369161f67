"""Supervision's use cases that write, by family: alerts (acknowledge) and accountability cases
(open, ask for and record the explanation, decide, close). Each runs in one transaction with its
entry on the hash-chained record and the request's idempotency key (UseCases.once)."""
