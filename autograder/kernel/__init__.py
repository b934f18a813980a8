"""What runs inside the student's kernel, released next to the notebooks: the checks
that run a test cell's cases and hand back plain answers, and the probes that watch a
student's model. Standard library and numpy (and torch where the exercise has it) only."""
