"""Helpers the tests and benchmarks share: commands, pages, sample submissions, the judge
run in process, and a real browser."""
