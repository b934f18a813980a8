"""The test suite, laid out as the project is (`make test` runs it all):

    book/        the book's chapters, pages and helpers
    exercises/   the released assignments, and plain nbgrader on them
    grader/      autograder/, one folder per package: judge/, grading/, batch/, reporting/
    scenarios/   end to end, as users work: a student's day, an instructor's day
    support/     helpers the tests and benchmarks share
    data/        sample submissions: the course's own mistakes, and real students' re-created
"""
