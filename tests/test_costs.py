"""The cost card names a source and a check date for every figure, and prices the learner's real resources."""
from __future__ import annotations

from test_cleanup import as_learner

from kmscourse import cleanup, cli, costs
from kmscourse.demo_keys import ensure_key


def test_every_figure_has_a_source_and_the_check_date() -> None:
    text = costs.card()
    assert costs.CHECKED in text
    for figure in costs.FIGURES:
        assert figure.source.startswith("https://") and figure.source in text
        if not figure.verified:
            assert "NOT" in figure.figure, f"an unverified figure must say so on the card: {figure.item}"
    assert costs.PRICING == "https://aws.amazon.com/kms/pricing/"


def test_the_card_states_the_figures_the_issue_asks_for() -> None:
    text = costs.card()
    for needle in ("USD 1 per month, prorated hourly", "first two rotations", "at most USD 3 per month",
                   "Keys scheduled for deletion", "no charge", "20,000 requests per month",
                   "USD 0.03 per 10,000 requests", "S3 Bucket Keys", "99 percent", costs.ROTATION_PRICING):
        assert needle in text, needle


def test_no_dollar_signs_that_jupyterlab_would_typeset_as_math(course) -> None:
    """Amounts are written USD n: two dollar signs in one markdown text render as LaTeX in JupyterLab."""
    assert "$" not in costs.card()
    assert "$" not in costs.estimate(as_learner(course, "costs-math"))


def test_rotation_charges_stop_at_the_second_rotation() -> None:
    """Each of the first two rotations adds USD 1 a month; the third and later add nothing (Rotate AWS KMS keys)."""
    assert [costs.monthly_usd(n) for n in range(5)] == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_estimate_prices_keys_by_state_and_rotations(course) -> None:
    c = as_learner(course, "costs")
    plain = ensure_key(c, "plain", "cost test").key_id
    rotated = ensure_key(c, "rotated", "cost test").key_id
    c.client("kms").rotate_key_on_demand(KeyId=rotated)
    capped = ensure_key(c, "capped", "cost test").key_id
    for _ in range(3):
        c.client("kms").rotate_key_on_demand(KeyId=capped)
    pending = ensure_key(c, "pending", "cost test").key_id
    c.client("kms").schedule_key_deletion(KeyId=pending, PendingWindowInDays=7)
    priced = {k.key_id: k for k in costs.key_costs(c)}
    assert priced[plain].monthly_usd == 1.0
    assert (priced[rotated].rotations, priced[rotated].monthly_usd) == (1, 2.0)
    assert (priced[capped].rotations, priced[capped].monthly_usd) == (3, 3.0)
    assert (priced[pending].state, priced[pending].monthly_usd) == ("PendingDeletion", 0.0)
    assert "4 key(s), about **USD 6.00 per month**" in costs.estimate(c)


def test_a_replica_in_another_region_is_priced_as_a_key(course) -> None:
    """Each member of a multi-Region key is billed as a key: the replica, in its own Region, is on the estimate."""
    from kmscourse import multi_region

    c = as_learner(course, "costs-mrk")
    region = multi_region.other_region(c)
    primary = multi_region.ensure_primary(c, "mrk", "cost test")
    c.client("kms").replicate_key(KeyId=primary.key_id, ReplicaRegion=region)
    priced = {k.key_id: k for k in costs.key_costs(c)}
    assert priced[f"{primary.key_id} ({region})"].monthly_usd == 1.0
    assert "2 key(s), about **USD 2.00 per month**" in costs.estimate(c)
    cleanup.teardown(c)
    assert "about **USD 0.00 per month**" in costs.estimate(c)


def test_estimate_after_teardown_is_zero(course) -> None:
    c = as_learner(course, "costs-gone")
    ensure_key(c, "one", "cost test")
    cleanup.teardown(c)
    assert "about **USD 0.00 per month**" in costs.estimate(c)


def test_bucket_key_column_reads_the_bucket_encryption(course) -> None:
    c = as_learner(course, "costs-bucket")
    key = ensure_key(c, "bk", "cost test")
    s3 = c.client("s3")
    for name, enabled in (("with-bk", True), ("without-bk", False)):
        bucket = c.name(name)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": c.region})
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": c.tags()})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key.key_arn},
            "BucketKeyEnabled": enabled}]})
    assert dict(costs.bucket_keys(c)) == {c.name("with-bk"): "yes", c.name("without-bk"): "no"}


def test_command_prints_the_card_and_the_estimate(course, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KMSCOURSE_LEARNER", "costs-cli")
    ensure_key(as_learner(course, "costs-cli"), "one", "cost test")
    assert cli.main(["costs"]) == 0
    out = capsys.readouterr().out
    assert "**Cost card**" in out and "learner `costs-cli`): 1 key(s), about **USD 1.00 per month**" in out


def test_command_without_a_backend_still_prints_the_card(monkeypatch, capsys) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("KMSCOURSE_BACKEND", raising=False)
    assert cli.main(["costs"]) == 0
    out = capsys.readouterr().out
    assert costs.PRICING in out and "No resources to price from here." in out
