"""JupyterHub configuration for a kmscourse workshop on one VM: progress service, idle culling, lesson 00 first.

The Littlest JupyterHub (TLJH): copy this file to /opt/tljh/config/jupyterhub_config.d/kmscourse.py and run
`sudo tljh-config reload hub`; TLJH keeps its own authenticator, spawner and idle culler, and this file adds to them.
A plain JupyterHub: `jupyterhub -f workshop/jupyterhub_config.py` (add an authenticator and spawner of your choice).
Zero to JupyterHub (Kubernetes): workshop/z2jh/values.yaml mounts this very file into the hub's jupyterhub_config.d
(`helm ... --set-file hub.extraFiles.kmscourse.stringData=workshop/jupyterhub_config.py`) and sets the knobs below.
The test suite (tests/test_workshop_hub.py) loads this very file and changes only ports, folders and the sign-in.

Learners get the course with nbgitpuller (install it in the users' environment: `pip install nbgitpuller`); hand out
the link `kmscourse workshop link --hub https://your.hub --repo <git URL>` prints. It clones the course into each
learner's home as ~/kmscourse/ and opens lesson 00, the same page `Spawner.default_url` below opens.

The hub's own knobs, read from the environment when the hub starts (all optional):
  KMSCOURSE_SERVICE_PORT    port of the progress service (default 10101)
  KMSCOURSE_SERVICE_HOST    the host the proxy and the learners' servers reach it at (default 127.0.0.1); any other
                            host (on Kubernetes `hub`, the hub pod's Service) makes the service listen on all of its
                            pod's interfaces, which the hub's network policy then narrows
  KMSCOURSE_SERVICE_DIR     its working directory, where progress.sqlite is kept (default /srv/kmscourse)
  KMSCOURSE_SERVICE_PYTHON  the Python with kmscourse installed (default: TLJH's user environment, else this hub's)
  KMSCOURSE_COURSE_FOLDER   the course's folder in each home, as nbgitpuller names it (default kmscourse)
  KMSCOURSE_IDLE_TIMEOUT    seconds before an idle learner server is stopped (default 3600); 0 adds no culler, for a
                            hub that runs its own (Zero to JupyterHub's `cull`)
"""
import os
import sys
from pathlib import Path

# Both loaders give this file `c`: JupyterHub's (traitlets), and Zero to JupyterHub's, which exec()s the files of
# jupyterhub_config.d inside its own config file, where `get_config` is its lookup of Helm values, not traitlets' one.
c = globals()["c"]

SERVICE = "kmscourse"  # the dashboard is at /services/kmscourse/
SERVICE_HOST = os.environ.get("KMSCOURSE_SERVICE_HOST", "127.0.0.1")
SERVICE_URL = f"http://{SERVICE_HOST}:{int(os.environ.get('KMSCOURSE_SERVICE_PORT', '10101'))}"
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
    # JupyterHub hands the service its URL (JUPYTERHUB_SERVICE_URL); off loopback it must listen beyond that host name.
    **({} if SERVICE_HOST == "127.0.0.1" else {"environment": {"KMSCOURSE_SERVICE_BIND": "0.0.0.0"}}),
})
c.JupyterHub.load_roles.extend([
    {"name": "kmscourse-progress", "scopes": ["read:users"], "services": [SERVICE]},
    # Every user may reach the service (their check posts to it), which sees who they are from their token.
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
])
# A learner server's $JUPYTERHUB_API_TOKEN (which the kernel inherits) gets access to the service, besides the defaults.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", f"access:services!service={SERVICE}"]
# A spawner class's own section outranks c.Spawner, and Zero to JupyterHub sets c.KubeSpawner.environment (from
# singleuser.extraEnv), so the learners' variable goes into that section too when it is there.
for spawner in ["Spawner", *(["KubeSpawner"] if "KubeSpawner.environment" in c else [])]:
    c[spawner].environment.update({"KMSCOURSE_PROGRESS_URL": f"{SERVICE_URL}/services/{SERVICE}/"})
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/notebooks/00-setup-and-orientation.ipynb"

# Idle learner servers are stopped after IDLE_TIMEOUT s, freeing the VM's memory (TLJH runs its own culler:
# `sudo tljh-config set services.cull.timeout 3600`).
if not ON_TLJH and IDLE_TIMEOUT > 0:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    })
