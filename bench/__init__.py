"""Benchmark harness and synthetic national data (not part of the test run)."""
