"""Run the test OpenID provider: `python -m tests.oidc_provider.serve --port 8180 --config demo.json`.

The configuration file lists its users and clients (see `demo.json`); they are loaded again at every start, so the
file is the whole truth. Prints `ready <issuer>` once it serves. Data (SQLite and the signing key) in --data.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _signing_key(folder: Path) -> Path:
    path = folder / "signing-key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return path


def _load(config: dict[str, Any], *, checkin_port: str) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for entry in config.get("users", []):
        user, _ = User.objects.get_or_create(username=entry["email"])
        user.email, user.first_name, user.last_name = (
            entry["email"],
            entry.get("first_name", ""),
            entry.get("last_name", ""),
        )
        user.set_password(entry["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in entry.get("groups", [])])
    for entry in config.get("clients", []):
        Application.objects.filter(client_id=entry["client_id"]).delete()
        Application.objects.create(
            name=entry["client_id"],
            client_id=entry["client_id"],
            client_secret=entry["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(uri.replace("{checkin_port}", checkin_port) for uri in entry["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--config", required=True)
    parser.add_argument("--data", default="")
    parser.add_argument("--checkin-port", default="8000", help="replaces {checkin_port} in the redirect URIs")
    args = parser.parse_args()
    data = Path(args.data or tempfile.mkdtemp(prefix="oidc-provider-"))
    data.mkdir(parents=True, exist_ok=True)
    issuer = f"http://{args.host}:{args.port}/o"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_PROVIDER_DB=str(data / "provider.sqlite3"),
        OIDC_PROVIDER_KEY=str(_signing_key(data)),
        OIDC_PROVIDER_ISSUER=issuer,
    )
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    _load(json.loads(Path(args.config).read_text()), checkin_port=args.checkin_port)
    server = make_server(
        args.host, args.port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"ready {issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
