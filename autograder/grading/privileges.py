"""Root gives up root for the grading of a submission (process.py forks it, then calls
`become`): the grading then runs as the unprivileged grading user, with no group of
root's and no way back.

That user must still read Python and the course. An interpreter often lives in a folder
only root may enter (pyenv under /root, say), so first the grading gets a mount
namespace of its own in which each such folder above Python or the course is covered by
an empty, passable one with just those folders bound back in: what the sandbox does for
the student's kernel (sandbox.bwrap_command), done in-process because the grading is a
fork that keeps what the parent imported and computed.
"""
import ctypes
import os
import stat
import sys
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18

_libc = ctypes.CDLL(None, use_errno=True)


def _call(name, *args):
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _call("mount", source and os.fsencode(source), os.fsencode(target),
          fstype and fstype.encode(), ctypes.c_ulong(flags), data and data.encode())


def _closed_ancestor(folder):
    """The highest folder above `folder` that other users may not pass, or None."""
    for parent in reversed(Path(folder).parents[:-1]):   # from the top, without "/"
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return parent
    return None


def reach(folders, staging):
    """In a mount namespace of this process's own, make `folders` reachable for any user
    (see the module's docstring); `staging` is an empty folder of root's for the binds."""
    closed = {}
    for folder in sorted({str(Path(f).resolve()) for f in folders}):
        ancestor = _closed_ancestor(folder)
        if ancestor is not None:
            closed.setdefault(ancestor, []).append(folder)
    if not closed:
        return
    _call("unshare", CLONE_NEWNS)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)   # nothing done here reaches the machine
    kept = []
    for ancestor, inside in closed.items():
        for folder in inside:   # held aside before the cover hides them
            aside = Path(staging) / str(len(kept))
            aside.mkdir()
            _mount(folder, aside, None, MS_BIND | MS_REC)
            kept.append((aside, folder))
        _mount("tmpfs", ancestor, "tmpfs", 0, "mode=0755")
    for aside, folder in kept:
        Path(folder).mkdir(parents=True, exist_ok=True, mode=0o755)
        _mount(aside, folder, None, MS_BIND | MS_REC)


def python_folders():
    """What Python needs to import: the venv and the base installation."""
    return sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                   str(Path(sys.executable).resolve().parent.parent)})


def become(user, home, staging, also_read=()):
    """Be the grading user (uid, gid) from now on, with Python and `also_read` reachable,
    no other group and no way back, working in `home`."""
    try:
        reach(python_folders() + list(also_read), staging)
    except OSError as error:   # no mount namespace here: the start check said what it can't read
        print(f"grading: Python's folders stay as they are ({error})", file=sys.stderr)
    uid, gid = user
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    os.environ["HOME"] = str(home)
    os.chdir(home)
