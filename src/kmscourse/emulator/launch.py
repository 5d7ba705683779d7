"""Start the emulator and connect a Course to it as the learner."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from ..awsenv import AwsFiles, bypass_proxies_for_loopback, point_at_emulator
from ..course import TAG_KEY, Course
from ..sessions import new_session
from . import clock
from .import_speed import skip_slow_optional_imports
from .identity import ADMIN_POLICY_ARN, BOOTSTRAP_KEY, create_user, install_aws_managed_policies, reset_and_seed
from .server import Emulator


def launch(learner: str, region: str, port: int = 0) -> Course:
    """Serve a fresh, seeded emulator, create the learner (AdministratorAccess) and point this process at it."""
    bypass_proxies_for_loopback()
    skip_slow_optional_imports()
    emulator = Emulator(port).start()
    reset_and_seed(emulator.url)
    clock.reset()
    install_aws_managed_policies()
    # One botocore session serves the bootstrap and then the learner, so its data files load once.
    session = new_session(aws_access_key_id=BOOTSTRAP_KEY[0], aws_secret_access_key=BOOTSTRAP_KEY[1], region_name=region)
    iam = session.client("iam", endpoint_url=emulator.url)
    creds = create_user(iam, learner, (ADMIN_POLICY_ARN,), {TAG_KEY: learner})
    session._session.set_credentials(creds.access_key_id, creds.secret_access_key)
    directory = Path(tempfile.mkdtemp(prefix="kmscourse-aws-"))
    atexit.register(shutil.rmtree, directory, True)
    files = AwsFiles(directory, emulator.url, region)
    point_at_emulator(files, creds.access_key_id, creds.secret_access_key)
    return Course(
        backend="emulator", session=session, account_id=creds.user_arn.split(":")[4], region=region,
        identity_arn=creds.user_arn, learner=learner, endpoint_url=emulator.url,
        emulator=emulator, aws_files=files,
    )
