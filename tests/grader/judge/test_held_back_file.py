"""The held-back digits' file is written into the kernel's folder, which the student's
code may change at any moment: nothing it leaves there (a link, a folder) can turn the
grader's write into a change of another file, or into the grading's failure."""
import multiprocessing
import os
import time

import numpy as np

from autograder.judge import ex04
from autograder.kernel import ex04_probes as probes

TRIES = 300


def _swap_for_links(folder, target, stop_at):
    """What a process the student started does: move the file away, leave a link."""
    name = os.path.join(folder, probes.HELD_BACK_FILE)
    while time.monotonic() < stop_at:
        try:
            os.rename(name, os.path.join(folder, "aside.npy"))
        except OSError:
            pass
        try:
            os.symlink(target, name)
        except OSError:
            pass


def test_a_racing_link_never_changes_another_file(tmp_path):
    folder, target = tmp_path / "kernel", tmp_path / "secret"
    folder.mkdir()
    target.write_text("only root may read this")
    target.chmod(0o600)
    ex04.give_held_back_digits(str(folder))   # the digits made once, before the race
    racer = multiprocessing.get_context("fork").Process(
        target=_swap_for_links, args=(str(folder), str(target), time.monotonic() + 60))
    racer.start()
    try:
        for _ in range(TRIES):
            ex04.give_held_back_digits(str(folder))
    finally:
        racer.kill()
        racer.join()
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert target.read_text() == "only root may read this"


def test_the_file_holds_the_images_and_nothing_else(tmp_path):
    ex04.give_held_back_digits(str(tmp_path))
    images = np.load(tmp_path / probes.HELD_BACK_FILE)
    assert images.shape == (400, 1, 32, 32)
    assert oct((tmp_path / probes.HELD_BACK_FILE).stat().st_mode & 0o777) == oct(0o644)


def test_a_folder_at_its_name_costs_only_the_digits(tmp_path):
    (tmp_path / probes.HELD_BACK_FILE).mkdir()
    (tmp_path / probes.HELD_BACK_FILE / "inside").write_text("x")
    ex04.give_held_back_digits(str(tmp_path))   # no error: the test will say they are missing
    assert (tmp_path / probes.HELD_BACK_FILE).is_dir()
