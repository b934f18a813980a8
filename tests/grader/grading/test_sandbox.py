"""The command that starts a student's kernel: it enters the limits, drops the grader's
environment and gives the numerical libraries the kernel's share of the cores, whatever
the grader's own settings."""
import subprocess

from autograder.grading.sandbox import Cgroups, Limits, limits_command


def test_the_kernel_gets_its_threads_and_none_of_the_graders_variables():
    cgroups = Cgroups("autograde-test-threads", Limits())
    try:
        command = limits_command(Limits(), cgroups, threads=3) + ["env"]
        done = subprocess.run(command, capture_output=True, text=True, check=True,
                              env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "16",
                                   "MKL_NUM_THREADS": "16", "GRADER_TOKEN": "secret"})
    finally:
        cgroups.remove()
    variables = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert variables["OMP_NUM_THREADS"] == variables["MKL_NUM_THREADS"] == "3"
    assert variables["OPENBLAS_NUM_THREADS"] == "3"
    assert variables["OMP_WAIT_POLICY"] == "PASSIVE"
    assert "GRADER_TOKEN" not in variables
