"""The `kmsemu` command: `kmsemu serve` runs the emulator in the foreground and prints how to point a shell at it."""
from __future__ import annotations

import argparse
import os
import sys

from kmsemu.errors import EmulatorError

REGION = "us-east-1"


def export_lines(url: str, access_key_id: str, secret_access_key: str, region: str) -> list[str]:
    """The shell lines that point the AWS CLI and SDKs at the emulator, proxies bypassed for loopback."""
    host = url.split("://", 1)[1].rsplit(":", 1)[0]
    bypass = ",".join(dict.fromkeys([host, "127.0.0.1", "localhost"]))
    return [
        f"export AWS_ENDPOINT_URL={url}",
        f"export AWS_ACCESS_KEY_ID={access_key_id}",
        f"export AWS_SECRET_ACCESS_KEY={secret_access_key}",
        f"export AWS_DEFAULT_REGION={region}",
        f"export NO_PROXY={bypass}",
        f"export no_proxy={bypass}",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve until interrupted, as one administrator user with a new random access key."""
    from kmsemu.server import Emulator, new_admin_token

    token = args.admin_token or os.environ.get("KMSEMU_ADMIN_TOKEN") or None
    if token == "random":
        token = new_admin_token()
    emulator = Emulator(args.port, host=args.host, admin_token=token).start()
    creds = emulator.create_user(args.user)
    print(f"kmsemu serving on {emulator.url} as {creds.user_arn}")
    print("Paste these lines into another shell (they are new on every start):")
    for line in export_lines(emulator.url, creds.access_key_id, creds.secret_access_key, args.region):
        print("  " + line)
    if token:
        print(f"moto's /moto-api/* answers requests with the header: Authorization: Bearer {token}")
    print("Press Ctrl+C to stop.", flush=True)
    emulator.serve_forever()
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line, every option documented where it is declared."""
    top = argparse.ArgumentParser(prog="kmsemu", description="An offline AWS endpoint that behaves as KMS does.")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the emulator in the foreground")
    serve.add_argument("--port", type=int, default=int(os.environ.get("KMSEMU_PORT", "0") or 0),
                       help="port to listen on (default: KMSEMU_PORT, else 0 = any free port)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; anything else lets other machines reach it)")
    serve.add_argument("--user", default="admin", help="the IAM user whose credentials are printed (AdministratorAccess)")
    serve.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION") or REGION,
                       help="the region the printed lines select (default: AWS_DEFAULT_REGION, else us-east-1)")
    serve.add_argument("--admin-token", default=None,
                       help="open moto's /moto-api/* to requests carrying this bearer token ('random' makes one); "
                            "default: KMSEMU_ADMIN_TOKEN, else closed")
    serve.set_defaults(func=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point: one sentence on stderr for a mistake, never a traceback."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EmulatorError as error:
        print(f"kmsemu: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
