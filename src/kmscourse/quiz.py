"""The wrap-up quiz: the seed's FAQ and the original lab's retrospective questions, multiple choice.

`show()` renders the questions with each answer hidden until revealed; `grade(answers)` marks a learner's letters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .checks.result import CheckResult


@dataclass(frozen=True)
class Question:
    """One question: its choices (a, b, c), the right letter, why, and where the course shows it."""

    text: str
    choices: tuple[str, str, str]
    answer: str
    why: str
    lesson: str


QUESTIONS: tuple[Question, ...] = (
    Question("Why does `aws kms decrypt` not need a key id for a symmetric ciphertext?",
             ("KMS tries every key in the account until one works", "The ciphertext itself records which key (and key material) made it",
              "The CLI remembers the key used by the last encrypt"),
             "b", "The ciphertext blob carries the key's identifier; KMS reads it and uses that key.", "lesson 03"),
    Question("Your colleague, an administrator in your account, decrypted your file. Where did that permission come from?",
             ("The key policy's account-root statement lets IAM policies grant access, and the colleague's IAM policy allows kms:*",
              "Anyone in the account can decrypt with any key", "The ciphertext was sent with a grant inside it"),
             "a", "The root statement delegates to IAM; AdministratorAccess then allows Decrypt.", "lessons 03 and 09"),
    Question("Why use an alias rather than the key id in your code?",
             ("Aliases make encryption faster", "An alias can be pointed at another key without changing the code",
              "Only aliases can be used in key policies"),
             "b", "Code names the alias; retargeting it (update_alias) moves new encryptions to another key.", "lesson 02"),
    Question("Automatic rotation has run. What happens to data encrypted before it?",
             ("It still decrypts: KMS keeps every earlier key material", "KMS re-encrypts it with the new material",
              "It can no longer be decrypted"),
             "a", "Rotation adds new material for new encryptions and keeps the old for decryption; nothing is re-encrypted.", "lesson 07"),
    Question("You deleted the CloudFormation stack that created your key. What happened to the key?",
             ("It was deleted at once, together with the stack", "Nothing: keys are never touched by stack deletion",
              "It went to PendingDeletion for the template's waiting period, and its alias was deleted"),
             "c", "CloudFormation schedules the key's deletion (PendingWindowInDays, 7 to 30 days) so the deletion can still be cancelled.", "lesson 08"),
    Question("The waiting period is over and the key is deleted. Can AWS Support recover data encrypted under it?",
             ("Yes, within 90 days", "No: the key and all its key material are gone, so the data cannot be decrypted",
              "Yes, if you still have the alias"),
             "b", "Deletion is irreversible; that is why KMS insists on a waiting period.", "lesson 08"),
    Question("With SSE-KMS, where is an S3 object encrypted?",
             ("On your machine, before upload", "In S3, with a data key that S3 gets from KMS under your key",
              "It is not encrypted; SSE-KMS only logs access"),
             "b", "Server-side encryption happens in S3; client-side encryption (lesson 06) happens before upload.", "lessons 05 and 06"),
    Question("What does a key cost while it is pending deletion?",
             ("Nothing", "$1 per month, as usual", "Double, because KMS keeps a backup"),
             "a", "The KMS pricing page: no charge for keys scheduled for deletion (see the cost card).", "lesson 10"),
)

LETTERS = ("a", "b", "c")


def show() -> str:
    """The quiz as markdown: each question with its choices, and its answer hidden in a <details> block."""
    parts = []
    for number, q in enumerate(QUESTIONS, start=1):
        choices = "\n".join(f"- **{letter})** {text}" for letter, text in zip(LETTERS, q.choices, strict=False))
        parts.append(f"**{number}. {q.text}**\n\n{choices}\n\n<details><summary>Answer</summary>\n\n"
                     f"**{q.answer})** {q.why} ({q.lesson})\n</details>")
    return "\n\n".join(parts)


def blank() -> dict[int, str | None]:
    """An answer sheet with every question unanswered: {1: None, 2: None, ...}."""
    return {number: None for number in range(1, len(QUESTIONS) + 1)}


def mark(result: CheckResult, answers: Any) -> CheckResult:
    """Add one line per question to `result`: right, or a hint naming the learner's letter and where to look."""
    if not isinstance(answers, dict):
        result.add("quiz answers are a dict", False, f"answers is {type(answers).__name__}; make it a dict like {{1: 'a', 2: 'c'}}.")
        return result
    for number, q in enumerate(QUESTIONS, start=1):
        given = answers.get(number)
        letter = given.strip().lower() if isinstance(given, str) else given
        if letter is None:
            hint = f"question {number} is not answered yet; set answers[{number}] to 'a', 'b' or 'c'."
        elif letter not in LETTERS:
            hint = f"answers[{number}] is {given!r}; use one of 'a', 'b' or 'c'."
        else:
            chosen = q.choices[LETTERS.index(letter)]
            hint = f"you chose '{letter}' ({chosen}); look again at {q.lesson}."
        result.add(f"quiz question {number}", letter == q.answer, hint)
    return result


def grade(answers: Any) -> CheckResult:
    """Grade a self-check: one line per question. It never stops a notebook, whatever the score."""
    return mark(CheckResult("Quiz"), answers)
