"""`make bench`: throughput and latency of the whole stack, side by side with an embedded engine."""
