"""Peer benchmarks: the same county–township lifecycle in other engines, for comparison."""
