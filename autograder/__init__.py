"""The course's grader (`python -m autograder`), by where its code runs:

    kernel/          inside the student's kernel, released next to the notebooks: checks
                     that run a test cell's cases and hand back plain answers, and probes
    judge/           in the grader: the expected answers, the verdicts and the mistakes they name
    preprocessors/   nbgrader's autograde and feedback steps that run the kernel and the judge
    templates/       the feedback page
    grading/         one submission: its plan, the sandboxed kernel, nbgrader, its result
    batch/           a class: in parallel on this machine or a dask cluster, into OUT_DIR
    reporting/       after grading: class report, similarity, gradebook, LMS export
    course.py        where the course keeps its assignments; nbgrader_config.py its settings
    cli.py           the command line
"""
