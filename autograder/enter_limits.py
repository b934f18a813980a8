"""Put this process in the given cgroups, set resource limits, then exec a command.

    python -I -S enter_limits.py [--cgroup-procs FILE]... [--rlimit NAME=VALUE]... -- COMMAND...

Run as the first step of a student's kernel command, before the sandbox starts, so that
the kernel and everything it starts are counted and capped. Standard library only, and
run with -I -S: it must start in milliseconds and trust nothing on the student's side.
"""
import os
import resource
import sys


def main(argv):
    if "--" not in argv:
        sys.exit("enter_limits: usage: [--cgroup-procs FILE]... [--rlimit NAME=VALUE]... -- COMMAND")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    pairs = list(zip(options[::2], options[1::2]))
    for flag, value in pairs:
        if flag == "--cgroup-procs":
            with open(value, "w") as procs:
                procs.write(str(os.getpid()))
        elif flag == "--rlimit":
            name, limit = value.split("=")
            number = int(limit)
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (number, number))
        else:
            sys.exit(f"enter_limits: unknown option {flag}")
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
