"""Lab 10's check and the quiz: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest
from test_cleanup import _bucket_stack, as_learner, populate

from kmscourse import cleanup, quiz, stacks
from kmscourse.checks import lab10
from kmscourse.demo_keys import ensure_key
from kmscourse.errors import CourseError

RIGHT = {n: q.answer for n, q in enumerate(quiz.QUESTIONS, start=1)}



def test_right_answers_and_a_full_teardown_pass(course) -> None:
    c = as_learner(course, "lab10-ok")
    populate(c)
    cleanup.teardown(c)
    result = lab10.check(c, dict(RIGHT))
    assert result.passed, str(result)


def test_wrong_letter_names_the_choice_and_the_lesson() -> None:
    answers = {**RIGHT, 5: "a"}
    assert quiz.grade(answers).hints() == [
        "you chose 'a' (Nothing: a key pending deletion still decrypts until its waiting period ends); look again at lesson 08."
    ]


def test_unanswered_and_invalid_answers() -> None:
    answers = {**RIGHT, 1: None, 2: "yes"}
    assert quiz.grade(answers).hints() == [
        "question 1 is not answered yet; set answers[1] to 'a', 'b' or 'c'.",
        "answers[2] is 'yes'; use one of 'a', 'b' or 'c'.",
    ]


def test_letters_are_read_leniently() -> None:
    assert quiz.grade({n: f" {a.upper()} " for n, a in RIGHT.items()}).passed


def test_answers_not_a_dict() -> None:
    assert quiz.grade(["a", "b"]).hints() == ["answers is list; make it a dict like {1: 'a', 2: 'c'}."]


def test_self_check_never_stops_a_notebook(monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    result = quiz.grade(quiz.blank())
    assert not result.passed and len(result.failures) == len(quiz.QUESTIONS)


def test_quiz_hides_every_answer_in_details() -> None:
    text = quiz.show()
    assert text.count("<details><summary>Answer</summary>") == len(quiz.QUESTIONS)
    for q in quiz.QUESTIONS:
        before, _, _ = text.partition(q.why)
        assert before.rstrip().endswith(f"**{q.answer})**"), "the explanation sits inside its question's details"


def test_teardown_not_run(course) -> None:
    c = as_learner(course, "lab10-none")
    key = ensure_key(c, "only", "lab 10 test")
    hints = lab10.check(c, dict(RIGHT)).hints()
    assert hints == [
        f"key {key.key_id} is Enabled; schedule its deletion with PendingWindowInDays=7 (cleanup.teardown does, in Exercise 2).",
        "alias(es) alias/kmscourse-lab10-none-only still exist; delete them with delete_alias.",
    ]


def test_stack_left_standing(course) -> None:
    c = as_learner(course, "lab10-stack")
    _bucket_stack(c, "bucket", c.name("stack-bucket"))
    hints = lab10.check(c, dict(RIGHT)).hints()
    assert hints[0] == "stack kmscourse-lab10-stack-bucket is still there (CREATE_COMPLETE); delete it (cleanup.teardown does, in Exercise 2)."


def test_stack_deleted_before_its_bucket_was_emptied(course) -> None:
    c = as_learner(course, "lab10-full")
    bucket = c.name("stack-bucket")
    _bucket_stack(c, "bucket", bucket)
    c.client("s3").put_object(Bucket=bucket, Key="left-behind", Body=b"x")
    stacks.delete(c, c.name("bucket"))
    hints = lab10.check(c, dict(RIGHT)).hints()
    assert hints == [
        f"bucket {bucket} still holds 1 object(s) after you deleted stack(s) kmscourse-lab10-full-bucket: a stack deleted "
        "before its bucket was emptied cannot delete the bucket (on AWS the stack ends DELETE_FAILED; the emulator deletes "
        "the stack and leaves the bucket). Empty the bucket, then delete it."
    ]
    assert cleanup.teardown(c).ok
    assert lab10.check(c, dict(RIGHT)).passed


def test_strict_mode_raises(course, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError, match="Lab 10"):
        lab10.check(as_learner(course, "lab10-strict"), quiz.blank())


def test_every_answer_cites_the_aws_documentation() -> None:
    """Each explanation names its AWS source, and no text can turn into LaTeX in JupyterLab (no dollar signs)."""
    for q in quiz.QUESTIONS:
        assert q.source and all(url.startswith("https://docs.aws.amazon.com/") for url in q.source), q.text
        assert q.answer in quiz.LETTERS and len(set(q.choices)) == 3
    text = quiz.show()
    assert "$" not in text
    assert text.count("(https://docs.aws.amazon.com/") == sum(len(q.source) for q in quiz.QUESTIONS)


def test_the_right_letters_are_spread_over_the_choices() -> None:
    """A quiz whose answer is always 'b' teaches guessing; every letter is the answer at least once."""
    assert {q.answer for q in quiz.QUESTIONS} == set(quiz.LETTERS)


def test_nothing_defined_yet_names_the_exercise(course) -> None:
    c = as_learner(course, "lab10-nothing")
    assert lab10.check(c).hints() == ["answers is not defined yet: do Exercise 1 first (its cell defines answers)."]
