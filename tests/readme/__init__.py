"""Replaying the README's shell sessions (tests/e2e/test_readme.py): finding them, typing them,
comparing what they print, and re-recording the README from a real run."""
