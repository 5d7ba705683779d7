"""JupyterHub configuration for a kmscourse workshop on one VM: progress service, idle culling, lesson 00 first.

The Littlest JupyterHub (TLJH): copy this file to /opt/tljh/config/jupyterhub_config.d/kmscourse.py and run
`sudo tljh-config reload hub`; TLJH keeps its own authenticator, spawner and idle culler, and this file adds to them.
A plain JupyterHub: `jupyterhub -f workshop/jupyterhub_config.py` (add an authenticator and spawner of your choice).
The test suite (tests/test_workshop_hub.py) loads this very file and changes only ports, folders and the sign-in.

Learners get the course with nbgitpuller (install it in the users' environment: `pip install nbgitpuller`); hand out
the link `kmscourse workshop link --hub https://your.hub --repo <git URL>` prints. It clones the course into each
learner's home as ~/kmscourse/ and opens lesson 00, the same page `Spawner.default_url` below opens.

The hub's own knobs, read from the environment when the hub starts (all optional):
  KMSCOURSE_SERVICE_PORT    port on 127.0.0.1 of the progress service (default 10101)
  KMSCOURSE_SERVICE_DIR     its working directory, where progress.sqlite is kept (default /srv/kmscourse)
  KMSCOURSE_SERVICE_PYTHON  the Python with kmscourse installed (default: TLJH's user environment, else this hub's)
  KMSCOURSE_COURSE_FOLDER   the course's folder in each home, as nbgitpuller names it (default kmscourse)
  KMSCOURSE_IDLE_TIMEOUT    seconds before an idle learner server is stopped (default 3600)
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config in the config file's namespace)

SERVICE = "kmscourse"  # the dashboard is at /services/kmscourse/
SERVICE_URL = f"http://127.0.0.1:{int(os.environ.get('KMSCOURSE_SERVICE_PORT', '10101'))}"
TLJH_USER_PYTHON = Path("/opt/tljh/user/bin/python")
ON_TLJH = TLJH_USER_PYTHON.exists()
SERVICE_PYTHON = os.environ.get("KMSCOURSE_SERVICE_PYTHON") or (str(TLJH_USER_PYTHON) if ON_TLJH else sys.executable)
SERVICE_DIR = Path(os.environ.get("KMSCOURSE_SERVICE_DIR", "/srv/kmscourse"))
COURSE_FOLDER = os.environ.get("KMSCOURSE_COURSE_FOLDER", "kmscourse")
IDLE_TIMEOUT = int(os.environ.get("KMSCOURSE_IDLE_TIMEOUT", "3600"))
SERVICE_DIR.mkdir(parents=True, exist_ok=True)

# The progress service: learners post their own check results with their server's token, instructors (hub admins
# and the `instructors` group) watch the dashboard. Its token may read users, to see who is an instructor.
c.JupyterHub.services.append({
    "name": SERVICE,
    "url": SERVICE_URL,
    "command": [SERVICE_PYTHON, "-m", "kmscourse.workshop.progress_service"],
    "cwd": str(SERVICE_DIR),
    "oauth_no_confirm": True,  # instructors open the dashboard without an extra "authorize" page
    "display": True,  # listed in the hub's Services menu
})
c.JupyterHub.load_roles.extend([
    {"name": "kmscourse-progress", "scopes": ["read:users"], "services": [SERVICE]},
    # Every user may reach the service (their check posts to it), which sees who they are from their token.
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
])
# A learner server's $JUPYTERHUB_API_TOKEN (which the kernel inherits) gets access to the service, besides the defaults.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", f"access:services!service={SERVICE}"]
c.Spawner.environment.update({"KMSCOURSE_PROGRESS_URL": f"{SERVICE_URL}/services/{SERVICE}/"})
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/notebooks/00-setup-and-orientation.ipynb"

# Idle learner servers are stopped after IDLE_TIMEOUT s, freeing the VM's memory (TLJH runs its own culler:
# `sudo tljh-config set services.cull.timeout 3600`).
if not ON_TLJH:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    })
