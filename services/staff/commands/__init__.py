"""The staff service's use cases that write, by family: the organisation (sites, departments,
windows, people, posts), accounts (sign-in, passwords, disabling, signing keys) and the calendar.
Each keyed one runs in one transaction with its outbox events and its request id (UseCases.once)."""
