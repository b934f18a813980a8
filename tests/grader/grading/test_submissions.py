"""A submission folder's files are read without following any link: symbolic links, hard
links (an unpacking tool can make one to a file of root's), devices and FIFOs are left
out, and the student's other files are kept."""
import os

from autograder.grading.submissions import content_hash, copy_student_files, student_files


def test_links_fifos_and_hidden_files_are_left_out(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not the student's")
    folder = tmp_path / "alice"
    (folder / "data").mkdir(parents=True)
    (folder / "work.ipynb").write_text("{}")
    (folder / "data" / "notes.txt").write_text("notes")
    (folder / ".hidden").write_text("x")
    os.symlink(elsewhere, folder / "symbolic.txt")
    os.symlink(tmp_path, folder / "linked-folder")
    os.link(elsewhere, folder / "hard.txt")
    os.mkfifo(folder / "pipe")
    assert [str(p) for p in student_files(folder)] == ["data/notes.txt", "work.ipynb"]

    copy_student_files(folder, tmp_path / "copy")
    copied = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["data", "data/notes.txt", "work.ipynb"]
    assert (tmp_path / "copy" / "data" / "notes.txt").read_text() == "notes"


def test_the_digest_is_of_what_is_graded(tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    (folder / "work.ipynb").write_text("{}")
    before = content_hash(folder)
    os.link(tmp_path / "bob" / "work.ipynb", tmp_path / "second-name")   # now two links
    assert content_hash(folder) != before   # the notebook is no longer graded
