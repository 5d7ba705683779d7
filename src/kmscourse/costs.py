"""The cost card: what the course would cost on a real account, each figure with its source and the date it was checked.

`kmscourse costs` prints it together with an estimate for the resources you have now.
The figures were checked against the pages below on CHECKED; a figure that could not be checked there says so
(verified=False) rather than being guessed. Prices change: the pages are the authority.
"""
from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from .course import Course
from .show import markdown_table

CHECKED = "2026-12-01"
"""The date the figures below were checked against their sources."""

PRICING = "https://aws.amazon.com/kms/pricing/"
ROTATION_PRICING = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"
ROTATION_ANNOUNCEMENT = "https://aws.amazon.com/blogs/security/the-curious-case-of-faster-aws-kms-symmetric-key-rotation/"
BUCKET_KEYS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html"

KEY_MONTH_USD = 1.0
"""Each KMS key you create, per month, prorated hourly (PRICING)."""

ROTATION_MONTH_USD = 1.0
"""Each of the first BILLED_ROTATIONS rotations of a key's material, per month, prorated hourly (ROTATION_PRICING)."""

BILLED_ROTATIONS = 2
"""Rotations after the second add nothing: a key costs at most KEY_MONTH_USD + 2 * ROTATION_MONTH_USD a month."""


@dataclass(frozen=True)
class Figure:
    """One line of the card."""

    item: str
    figure: str
    source: str
    verified: bool


# Amounts are written "USD 1", never with a dollar sign: JupyterLab typesets text between two dollar signs as math.
FIGURES: tuple[Figure, ...] = (
    Figure("Each KMS key you create (symmetric, asymmetric, HMAC, imported material, multi-Region primary and each replica)",
           "USD 1 per month, prorated hourly", PRICING, True),
    Figure("Rotation of a key's material (automatic or on demand)",
           "USD 1 per month more for each of the first two rotations, prorated hourly; later rotations add nothing, "
           "so a key costs at most USD 3 per month (the cap since April 2024)", ROTATION_PRICING, True),
    Figure("Keys scheduled for deletion (PendingDeletion)",
           "no charge; a cancelled deletion is billed as if it had never been scheduled", PRICING, True),
    Figure("AWS managed and AWS owned keys", "no monthly charge (requests are still billed)", PRICING, True),
    Figure("Data keys and data key pairs", "no monthly charge beyond the API request", PRICING, True),
    Figure("Free tier", "20,000 requests per month, counted across all regions", PRICING, True),
    Figure("Requests beyond the free tier (Encrypt, Decrypt, GenerateDataKey and the other symmetric-key requests)",
           "USD 0.03 per 10,000 requests; asymmetric and some other requests cost more (see the page's table)",
           PRICING, True),
    Figure("S3 Bucket Keys for SSE-KMS", "can reduce KMS request costs by up to 99 percent", BUCKET_KEYS, True),
)


def card() -> str:
    """The cost card as a markdown table, with the date it was checked."""
    rows = [(f.item, f.figure, f.source, f"yes, {CHECKED}" if f.verified else f"no ({CHECKED})") for f in FIGURES]
    return markdown_table(["What", "Price", "Source", "Verified"], rows) + (
        f"\n\nThe rotation cap: [Rotate AWS KMS keys]({ROTATION_PRICING}) and AWS's April 2024 announcement, "
        f"[The curious case of faster AWS KMS symmetric key rotation]({ROTATION_ANNOUNCEMENT}).")


@dataclass(frozen=True)
class KeyCost:
    """One of the learner's keys: its state, its rotations, and what it costs per month by the card."""

    key_id: str
    aliases: str
    state: str
    rotations: int
    monthly_usd: float


def key_costs(course: Course) -> list[KeyCost]:
    """Every key tagged for the learner, and the other Regions' members of its multi-Region keys (each is billed as a
    key), priced by the card (nothing while their deletion is scheduled)."""
    from .cleanup import WAITING, course_keys, related_keys
    from .multi_region import client

    keys = course_keys(course)
    found = []
    for region, meta in [(course.region, m) for m in keys] + related_keys(course, keys):
        kms, key_id, state = client(course, region), meta["KeyId"], meta["KeyState"]
        try:
            rotations = len(kms.list_key_rotations(KeyId=key_id).get("Rotations", []))
        except ClientError:
            rotations = 0  # asymmetric and HMAC keys have no rotations to list; pending keys may refuse
        aliases = ", ".join(a["AliasName"] for a in kms.list_aliases(KeyId=key_id).get("Aliases", [])) or "-"
        monthly = 0.0 if state in WAITING else monthly_usd(rotations)
        found.append(KeyCost(key_id if region == course.region else f"{key_id} ({region})", aliases, state, rotations, monthly))
    return found


def monthly_usd(rotations: int) -> float:
    """What a key that is not pending deletion costs per month: the key, plus its first two rotations only."""
    return KEY_MONTH_USD + ROTATION_MONTH_USD * min(rotations, BILLED_ROTATIONS)


def bucket_keys(course: Course) -> list[tuple[str, str]]:
    """(bucket, whether its default SSE-KMS encryption uses an S3 Bucket Key) for the learner's buckets."""
    from .cleanup import course_buckets

    s3 = course.client("s3")
    found = []
    for bucket in course_buckets(course):
        try:
            rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
            kms_rule = next((r for r in rules if r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"), None)
            uses = "no SSE-KMS default" if kms_rule is None else ("yes" if kms_rule.get("BucketKeyEnabled") else "no")
        except ClientError:
            uses = "no default encryption configured"
        found.append((bucket, uses))
    return found


def estimate(course: Course) -> str:
    """The learner's current keys and buckets, priced by the card, as markdown."""
    keys = key_costs(course)
    total = sum(k.monthly_usd for k in keys)
    lines = [f"**Your resources now** ({course.backend}, learner `{course.learner}`): {len(keys)} key(s), "
             f"about **USD {total:.2f} per month** in key charges by the card above."]
    if keys:
        lines.append(markdown_table(["Key", "Aliases", "State", "Rotations", "USD/month"],
                                    [(k.key_id, k.aliases, k.state, k.rotations, f"{k.monthly_usd:.2f}") for k in keys]))
    buckets = bucket_keys(course)
    if buckets:
        lines.append(markdown_table(["Bucket", "S3 Bucket Key"], buckets))
    lines.append("Requests are not counted here; on a real account, Cost Explorer shows how many you made against the "
                 "20,000 free each month, and CloudTrail (lesson 11) lists each one.")
    return "\n\n".join(lines)


def report(course: Course) -> str:
    """The card, then the estimate for the learner's resources."""
    return f"**Cost card** (figures checked {CHECKED}; prices change, the sources are the authority)\n\n{card()}\n\n{estimate(course)}"
