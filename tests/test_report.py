"""The class report counts the mistakes the grader named by their ids, as data: names with
dots in them ("forgot model.train()") are counted apart, each with one example message."""
from autograder.report import build_report


def test_named_mistakes_are_counted_by_id_with_an_example():
    def test(grade_id, mistake=None, message="wrong"):
        return {"grade_id": grade_id, "points": 0, "max_points": 1, "passed": False,
                "message": message, "mistake": mistake}
    train = {"id": "forgot-model-train", "name": "forgot model.train()"}
    evaluate = {"id": "forgot-model-eval", "name": "forgot model.eval()"}
    results = [
        {"student_id": "a", "status": "graded", "score": 0,
         "tests": [test("train_epoch_examples", train, "first message"), test("train_epoch_hidden", train)]},
        {"student_id": "b", "status": "graded", "score": 0,
         "tests": [test("train_epoch_examples", train), test("evaluate_examples", evaluate)]},
        {"student_id": "c", "status": "graded", "score": 0, "tests": [test("evaluate_examples")]},
    ]
    template = {"assignment": "ex04-cnn-in-pytorch", "max_score": 3,
                "tests": [{"grade_id": g, "max_points": 1} for g in
                          ("train_epoch_examples", "train_epoch_hidden", "evaluate_examples")]}
    report = build_report(results, template, 1.0, 1)
    assert ('<td>forgot model.train()</td><td class="num">2</td>'
            '<td>train_epoch_examples, train_epoch_hidden</td><td>first message</td>') in report
    assert '<td>forgot model.eval()</td><td class="num">1</td>' in report
    assert "forgot model<" not in report
