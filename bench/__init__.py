"""Benchmark: corpus generator, runner and profiler."""
