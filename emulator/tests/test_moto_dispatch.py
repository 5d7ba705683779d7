"""The moto internals kmsemu's server relies on to reach moto's app for a service directly (server._ServiceApps)."""
from __future__ import annotations

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from kmsemu.pipeline import Pipeline


def test_each_served_service_is_a_moto_backend_of_the_same_name() -> None:
    """moto's dispatcher maps each signing name the pipeline serves to a backend app of that very name."""
    dispatcher = DomainDispatcherApplication(create_backend_app)
    served = Pipeline(lambda *a: [], lambda *a: [], None).served
    assert served == {"kms", "iam", "sts", "s3", "cloudformation", "cloudtrail", "organizations"}
    for service in served:
        assert dispatcher.get_backend_for_host(f"{service}.us-east-1.amazonaws.com") == service
    assert callable(dispatcher.create_app) and dispatcher.create_app is create_backend_app
