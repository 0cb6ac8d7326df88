"""E-mail settings from the environment: one `EMAIL_URL`, or `EMAIL_HOST`, `EMAIL_PORT` and friends.

    EMAIL_URL=smtp://user:password@relay.example:587?tls=1   # STARTTLS
    EMAIL_URL=smtps://user:password@relay.example            # TLS from the start, port 465
    EMAIL_URL=smtp://relay.example:25                        # no login, no TLS (a relay on the host's network)

User and password are percent-decoded, so `@`, `:` and `/` in them are written `%40`, `%3A`, `%2F`.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from checkin.env import env_bool, env_int, env_str

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailSettings:
    backend: str
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: int = 10  # seconds; Django's default waits for ever on a relay that does not answer


def mail_url_parse(url: str) -> MailSettings:
    """The SMTP settings in `url`; a one-line refusal for anything it cannot mean."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or smtps://, not {parts.scheme or '(none)'}://.")
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL has no host: write smtp://user:password@relay.example:587?tls=1.")
    query = {key: values[-1].strip().lower() for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL has unknown options {sorted(unknown)}: use tls=1, ssl=1 or timeout=N.")
    use_ssl = parts.scheme == "smtps" or query.get("ssl") in _TRUE
    use_tls = query.get("tls") in _TRUE
    try:
        port = parts.port or (465 if use_ssl else 587 if use_tls else 25)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    timeout = query.get("timeout", "10")
    if not timeout.isdigit():
        raise ImproperlyConfigured(f"EMAIL_URL timeout={timeout!r} is not a number of seconds.")
    return _checked(
        MailSettings(
            backend=SMTP_BACKEND,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=use_tls,
            use_ssl=use_ssl,
            timeout=int(timeout),
        )
    )


def mail_settings(*, default_backend: str) -> MailSettings:
    """From `EMAIL_URL`, else the separate `EMAIL_*` variables. SMTP when a host is given, else `default_backend`.

    `EMAIL_BACKEND` still wins when set (e.g. a file-based backend for tests).
    """
    url = env_str("EMAIL_URL")
    if url:
        mail = mail_url_parse(url)
    else:
        host = env_str("EMAIL_HOST")
        use_ssl = env_bool("EMAIL_USE_SSL", False)
        use_tls = env_bool("EMAIL_USE_TLS", False)
        mail = _checked(
            MailSettings(
                backend=SMTP_BACKEND if host else default_backend,
                host=host,
                port=env_int("EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
                user=env_str("EMAIL_HOST_USER"),
                password=env_str("EMAIL_HOST_PASSWORD"),
                use_tls=use_tls,
                use_ssl=use_ssl,
                timeout=env_int("EMAIL_TIMEOUT", 10),
            )
        )
    backend = env_str("EMAIL_BACKEND")
    return MailSettings(**{**mail.__dict__, "backend": backend}) if backend else mail


def _checked(mail: MailSettings) -> MailSettings:
    if mail.use_tls and mail.use_ssl:
        raise ImproperlyConfigured("E-mail: choose STARTTLS (tls=1, EMAIL_USE_TLS) or TLS (smtps://, EMAIL_USE_SSL).")
    if mail.password and not mail.user:
        raise ImproperlyConfigured(
            "E-mail: a password without a user name: set EMAIL_HOST_USER (or user@ in EMAIL_URL)."
        )
    return mail
