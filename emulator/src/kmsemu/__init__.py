"""kmsemu: an offline AWS endpoint, moto underneath, that authenticates and authorises every request as AWS does.

Public API: `Emulator` (start, stop, url, reset, create_user, advance_clock), `running()` (the one emulator
serving in this process), `Credentials`, the two error types, `inspect` for looking under the hood
in-process, and `__version__`.
"""
from importlib.resources import files

from kmsemu import inspect
from kmsemu.accounts import Credentials
from kmsemu.errors import AwsError, EmulatorError
from kmsemu.server import Emulator, running

__version__ = files("kmsemu").joinpath("VERSION").read_text().strip()

__all__ = ["AwsError", "Credentials", "Emulator", "EmulatorError", "__version__", "inspect", "running"]
