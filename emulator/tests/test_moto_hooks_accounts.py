"""Every moto internal kmsemu's accounts rely on (organizations/, iam/service_control.py, kms/cross_account.py)."""
from __future__ import annotations

import inspect


def test_fake_account_init_takes_the_organization_and_keyword_arguments() -> None:
    """organizations.accounts wraps FakeAccount.__init__(self, organization, **kwargs) and reads self.id."""
    from moto.organizations.models import FakeAccount

    from kmsemu.patches import original

    parameters = list(inspect.signature(original(FakeAccount, "__init__")).parameters)
    assert parameters[:2] == ["self", "organization"] and "kwargs" in parameters
    assert "self.id = " in inspect.getsource(original(FakeAccount, "__init__"))


def test_organization_backends_track_member_accounts_and_policies() -> None:
    """service_control and org_id read master_accounts, backend.org/.ou/.accounts, and each target's policies."""
    from moto.organizations.models import FakePolicy, FakeRoot, OrganizationsBackendDict, organizations_backends

    assert isinstance(organizations_backends, OrganizationsBackendDict)
    assert isinstance(organizations_backends.master_accounts, dict)
    assert "self.policy_types" in inspect.getsource(FakeRoot.__init__)
    assert "self.content" in inspect.getsource(FakePolicy.__init__)
    backend_source = inspect.getsource(type(organizations_backends["123456789012"]["aws"])._reset)
    assert all(name in backend_source for name in ("self.org", "self.accounts", "self.ou"))


def test_moto_acts_in_the_account_its_header_names() -> None:
    """kms.layer routes another account's key with x-moto-account-id; the pipeline strips a caller's own."""
    from moto.core.responses import BaseResponse

    assert '"x-moto-account-id" in self.headers' in inspect.getsource(BaseResponse.get_current_account)


def test_assume_role_reads_its_form_and_returns_the_session() -> None:
    """sts.session_tags wraps TokenResponse.assume_role (form in self.querystring) and STSBackend.assume_role
    (returns the AssumedRole, which principals._session later finds in assumed_roles)."""
    from moto.sts.models import STSBackend
    from moto.sts.responses import TokenResponse

    from kmsemu.patches import original

    assert "self.backend.assume_role(" in inspect.getsource(original(TokenResponse, "assume_role"))
    source = inspect.getsource(original(STSBackend, "assume_role"))
    assert "assumed_roles.append(role)" in source and "return role" in source
