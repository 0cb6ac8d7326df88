"""Every page on every host carries a strict Content-Security-Policy; no template runs inline script."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>|\son[a-z]+=\"", re.I)


@pytest.mark.parametrize(
    ("host", "path"),
    [("localhost", "/accounts/login/"), ("tower.localhost", "/accounts/login/"), ("tower.localhost", "/kiosk/"),
     ("acme.localhost", "/accounts/login/"), ("nobody.localhost", "/")],
)  # fmt: skip
def test_responses_carry_the_policy_and_refuse_framing(client_for, host, path):
    response = client_for(host).get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handlers():
    offenders = [
        str(template.relative_to(ROOT))
        for folder in ("platform", "shared_apps", "tenant_apps")
        for template in (ROOT / folder).glob("**/templates/**/*.html")
        if "/email/" not in str(template) and INLINE.search(template.read_text(encoding="utf-8"))
    ]
    assert offenders == []
