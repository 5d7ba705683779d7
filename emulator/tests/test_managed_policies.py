"""Which AWS managed policies the emulator loads: the course's by default, more on request (KMSEMU_MANAGED_POLICIES)."""
from __future__ import annotations

import pytest

from kmsemu import accounts

ACCOUNT = "000000000044"  # an account no other test uses


def test_default_names_include_the_kms_power_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the variable, the course's policies and AWSKeyManagementServicePowerUser, nothing else."""
    monkeypatch.delenv(accounts.MANAGED_POLICIES_VARIABLE, raising=False)
    assert accounts.managed_policy_names() == accounts.COURSE_MANAGED_POLICIES
    assert "AWSKeyManagementServicePowerUser" in accounts.COURSE_MANAGED_POLICIES


def test_variable_adds_named_policies_after_the_text_was_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names given later still load: the trimmed text is read again from moto's module when a new name is wanted."""
    from moto.iam.models import iam_backends

    accounts.install_aws_managed_policies(("ReadOnlyAccess",), account=ACCOUNT)
    monkeypatch.setenv(accounts.MANAGED_POLICIES_VARIABLE, " AmazonSQSReadOnlyAccess , ReadOnlyAccess")
    names = accounts.managed_policy_names()
    assert names[-1] == "AmazonSQSReadOnlyAccess" and names.count("ReadOnlyAccess") == 1
    accounts.install_aws_managed_policies(account=ACCOUNT)
    assert "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess" in iam_backends[ACCOUNT]["aws"].managed_policies


def test_unknown_name_says_which(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name moto does not know fails with the name and the variable to check."""
    monkeypatch.setenv(accounts.MANAGED_POLICIES_VARIABLE, "NoSuchPolicyAnywhere")
    with pytest.raises(ValueError, match="NoSuchPolicyAnywhere.*KMSEMU_MANAGED_POLICIES"):
        accounts.install_aws_managed_policies(account=ACCOUNT)
