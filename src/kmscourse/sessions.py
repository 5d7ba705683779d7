"""boto3 sessions on kmsemu's shared botocore loader, so the course and the emulator parse each model once."""
from kmsemu.sessions import botocore_session, new_session, shared_loader

__all__ = ["botocore_session", "new_session", "shared_loader"]
