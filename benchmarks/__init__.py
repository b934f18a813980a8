"""Timings of the grader, run by hand from the repository root: `python -m benchmarks.grading`,
`python -m benchmarks.cluster`."""
