"""The learner's JupyterLab (`make lab` puts this folder first on JUPYTER_CONFIG_PATH): no test-only server extensions.

`make test` installs nbgrader into the same .venv (it generates labs/ from solutions/), and nbgrader enables its
formgrader, assignment and course-list server extensions there. They are instructor tools with no course behind them,
so the learner's server does not load them. labconfig/page_config.json switches off nbgrader's JupyterLab extension
(its menu, toolbar button and sidebar) in the same way.
"""
from importlib.util import find_spec

NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)

# Only when nbgrader is installed: naming an absent extension, even as disabled, makes the server log a traceback.
if find_spec("nbgrader") is not None:
    c.ServerApp.jpserver_extensions.update(dict.fromkeys(NBGRADER_SERVER_EXTENSIONS, False))  # type: ignore[name-defined] # noqa: F821
