"""Attacks across accounts: a caller acts in its own account only, whatever it sends."""
from __future__ import annotations

import json

import pytest
import wire

OTHER_ACCOUNT = "210987654321"


@pytest.fixture(scope="module")
def emu():
    from kmsemu import Emulator, running

    return running() or Emulator(port=0).start()


def test_a_caller_cannot_steer_moto_into_another_account_with_its_account_header(emu) -> None:
    """moto acts in the account an `x-moto-account-id` header names; an administrator of another account who
    signs that header into ListKeys still sees only its own account's keys, and CreateKey makes its own key."""
    from kmsemu import accounts

    alice = emu.create_user("alice-accounts")
    key_id = json.loads(wire.kms(alice, emu.url, "CreateKey", {}).send().body)["KeyMetadata"]["KeyId"]
    accounts.install_aws_managed_policies(account=OTHER_ACCOUNT)
    eve = emu.create_user("eve", account=OTHER_ACCOUNT)
    steer = {"headers": {"x-moto-account-id": alice.account_id}}
    listed = wire.kms(eve, emu.url, "ListKeys", {}, **steer).send()
    assert listed.status == 200 and key_id.encode() not in listed.body, str(listed)
    made = json.loads(wire.kms(eve, emu.url, "CreateKey", {}, **steer).send().body)["KeyMetadata"]
    assert made["AWSAccountId"] == OTHER_ACCOUNT
