"""The wrap-up quiz: scenario questions on what the course did, each with plausible wrong answers and its AWS source.

`show()` renders the questions with each answer hidden until revealed; `grade(answers)` marks a learner's letters.
Every answer is what the AWS documentation at its `source` says; the wrong choices are the usual misreadings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .checks.result import CheckResult

KMS_GUIDE = "https://docs.aws.amazon.com/kms/latest/developerguide/"
KMS_API = "https://docs.aws.amazon.com/kms/latest/APIReference/"


@dataclass(frozen=True)
class Question:
    """One question: its choices (a, b, c), the right letter, why, where the course shows it, and the AWS source."""

    text: str
    choices: tuple[str, str, str]
    answer: str
    why: str
    lesson: str
    source: tuple[str, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("Your script decrypts `report.enc` with `aws kms decrypt --ciphertext-blob fileb://report.enc`, without "
             "`--key-id`, and it works. A reviewer asks you to add `--key-id alias/reports` anyway. What does that change?",
             ("Nothing: for a symmetric ciphertext KMS ignores the key id you pass",
              "KMS then decrypts only with that key, so a ciphertext made under any other key fails instead of being decrypted",
              "KMS can skip reading the ciphertext's metadata, so decryption gets faster"),
             "b", "KeyId is optional for symmetric ciphertext, because KMS reads the key from metadata it adds to the "
             "ciphertext; AWS still recommends passing it, since KMS then uses only the key you name and the call fails "
             "if the ciphertext was made under another.", "lesson 03", (KMS_API + "API_Decrypt.html",)),
    Question("Your key has the default key policy: only the account-root statement. Your colleague, who has "
             "`AdministratorAccess` and is not named in the key policy, decrypts your file. How?",
             ("The root statement lets IAM policies in the account grant access to the key, and AdministratorAccess "
              "allows kms:Decrypt on every key",
              "Any principal of the account may use any of its keys; a key policy only matters for other accounts",
              "The ciphertext carries a grant for the account's administrators"),
             "a", "A key policy gives the account no access by itself; the root statement is what lets IAM policies "
             "allow use of the key, and AdministratorAccess allows every action on every resource. That is why AWS "
             "advises IAM policies that name only the keys and actions a principal needs.", "lessons 03 and 09",
             (KMS_GUIDE + "key-policy-default.html", KMS_GUIDE + "iam-policies-best-practices.html")),
    Question("Your app encrypts with `alias/app-data` and decrypts without naming a key. You point the alias at a new "
             "key with `UpdateAlias`. What happens to last week's ciphertexts?",
             ("They no longer decrypt: the alias now names another key",
              "KMS re-encrypts them under the new key in the background",
              "They still decrypt under the old key, which each ciphertext identifies, while that key stays enabled and "
              "you may use it"),
             "c", "An alias is its own resource that points at one key; updating it changes which key new encryptions "
             "use. A symmetric ciphertext records the key that made it, and KMS decrypts with that key.", "lesson 02",
             (KMS_GUIDE + "alias-update.html", KMS_API + "API_Decrypt.html")),
    Question("Automatic rotation has been on for two years. An auditor asks whether you must re-encrypt the data from "
             "before the last rotation to keep it readable. What do you answer?",
             ("Yes: KMS discards the previous key material one rotation later",
              "No: KMS keeps every earlier key material and decrypts each ciphertext with the one that made it",
              "No, because each rotation re-encrypted the existing data under the new material"),
             "b", "Rotation changes only the material used for new encryptions; KMS keeps all earlier material and picks "
             "the right one when it decrypts. Rotation re-encrypts no data.", "lesson 07", (KMS_GUIDE + "rotate-keys.html",)),
    Question("You deleted the CloudFormation stack that created your key (PendingWindowInDays: 7). The next day a "
             "colleague needs a file encrypted under it. What do you do?",
             ("Nothing: a key pending deletion still decrypts until its waiting period ends",
              "Cancel the key's deletion, which leaves it Disabled, enable it, then decrypt",
              "Nothing can be done: CloudFormation deletes a key the moment its stack is deleted"),
             "b", "Deleting the stack schedules the key's deletion after PendingWindowInDays. While it waits the key cannot "
             "be used in any cryptographic operation; cancelling the deletion leaves it Disabled until you enable it.",
             "lesson 08", (KMS_API + "API_ScheduleKeyDeletion.html", KMS_GUIDE + "deleting-keys-cancelling-key-deletion.html",
                           "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html")),
    Question("You must encrypt a 5 MB file with your KMS key. How?",
             ("Call Encrypt on 4 KB chunks of the file, one request per chunk",
              "Get a data key from GenerateDataKey, encrypt the file locally with it, store the encrypted data key with "
              "the file, and throw the plaintext data key away",
              "Call Encrypt once with fileb://: it accepts files of any size that way"),
             "b", "Encrypt takes at most 4,096 bytes of plaintext; for more, envelope encryption uses a data key, which "
             "GenerateDataKey returns both in plaintext and encrypted under your key.", "lesson 04",
             (KMS_API + "API_Encrypt.html", KMS_API + "API_GenerateDataKey.html")),
    Question("A bucket uses SSE-KMS with your customer managed key. A colleague has s3:GetObject on the bucket but no "
             "permission to use the key. They download an object. What happens?",
             ("They get the plaintext: S3 decrypts for anyone it lets read the object",
              "They get the ciphertext, to decrypt with KMS themselves",
              "The download is refused: S3 asks KMS to decrypt the object's data key for them, and KMS denies it"),
             "c", "With SSE-KMS, S3 encrypts and decrypts on the server, calling KMS for the requester: downloading an "
             "object needs kms:Decrypt on its key, uploading one needs kms:GenerateDataKey.", "lessons 05 and 06",
             ("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",)),
    Question("You gave the outsider a grant for Encrypt with the constraint `EncryptionContextSubset` "
             '`{"project": "lab09"}`. They call Encrypt with the context `{"project": "lab09", "team": "blue"}`. '
             "What does KMS do?",
             ("Allows it: the request's context must include the grant's pairs, and may have more",
              "Refuses it: under a grant constraint the context must match exactly",
              "Refuses it: grant constraints apply only to Decrypt"),
             "a", "EncryptionContextSubset requires the request's encryption context to include the constraint's pairs, "
             "though it can include more; EncryptionContextEquals is the one that requires an exact match.", "lesson 09",
             (KMS_API + "API_GrantConstraints.html",)),
)

LETTERS = ("a", "b", "c")


def show() -> str:
    """The quiz as markdown: each question with its choices, and its answer hidden in a <details> block."""
    parts = []
    for number, q in enumerate(QUESTIONS, start=1):
        choices = "\n".join(f"- **{letter})** {text}" for letter, text in zip(LETTERS, q.choices, strict=False))
        sources = ", ".join(f"[{url.rsplit('/', 1)[-1].removesuffix('.html')}]({url})" for url in q.source)
        parts.append(f"**{number}. {q.text}**\n\n{choices}\n\n<details><summary>Answer</summary>\n\n"
                     f"**{q.answer})** {q.why} ({q.lesson}; AWS: {sources})\n</details>")
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
