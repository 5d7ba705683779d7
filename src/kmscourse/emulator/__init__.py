"""The embedded emulator: moto's server with the course's KMS layer in front of it."""
from .server import Emulator

__all__ = ["Emulator"]
