"""Grading a class: the submissions graded in parallel on this machine (pool) or on a dask
cluster (cluster), their results written as they finish (outputs), progress in a log."""
