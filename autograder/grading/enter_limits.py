"""Put this process in the given cgroups, set resource limits, clean the environment, then
exec a command.

    python -I -S enter_limits.py [--cgroup-procs FILE]... [--rlimit NAME=VALUE]...
                                 [--setenv NAME=VALUE]... [--umask OCTAL] [--clean-env]
                                 -- COMMAND...

Run as the first step of a student's kernel command, before the sandbox starts, so that
the kernel and everything it starts are counted and capped, and it inherits none of the
grader's variables (tokens, passwords, cloud keys). Standard library only, and run with
-I -S: it must start in milliseconds and trust nothing on the student's side.
"""
import os
import resource
import sys

# What Python, the kernel and the numerical libraries need; nothing else of the grader's.
KEPT_VARIABLES = {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "JPY_PARENT_PID",
                  "PYDEVD_DISABLE_FILE_VALIDATION"}
KEPT_PREFIXES = ("LC_", "OMP_", "MKL_", "OPENBLAS_")  # locale, thread counts, BLAS quirks


def clean_environment(environ):
    return {name: value for name, value in environ.items()
            if name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES)}


def main(argv):
    if "--" not in argv:
        sys.exit("enter_limits: usage: [--cgroup-procs FILE]... [--rlimit NAME=VALUE]... "
                 "[--setenv NAME=VALUE]... [--umask OCTAL] [--clean-env] -- COMMAND")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    environment, settings = dict(os.environ), {}
    while options:
        flag = options.pop(0)
        if flag == "--clean-env":
            environment = clean_environment(environment)
        elif flag == "--cgroup-procs":
            with open(options.pop(0), "w") as procs:
                procs.write(str(os.getpid()))
        elif flag == "--setenv":   # set last, whatever the order of the options
            name, value = options.pop(0).split("=", 1)
            settings[name] = value
        elif flag == "--umask":
            os.umask(int(options.pop(0), 8))
        elif flag == "--rlimit":
            name, limit = options.pop(0).split("=")
            number = int(limit)
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (number, number))
        else:
            sys.exit(f"enter_limits: unknown option {flag}")
    os.execvpe(command[0], command, {**environment, **settings})


if __name__ == "__main__":
    main(sys.argv[1:])
