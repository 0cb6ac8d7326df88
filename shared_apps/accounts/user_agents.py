"""A browser's User-Agent header in a few words ("Firefox on Windows") for the sign-in pages; the full header stays in
the record and in the page's tooltip."""

import re

# Order matters: Edge and Opera also say Chrome, Chrome also says Safari, iOS browsers name their own engine.
_BROWSERS = [
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
]
_SYSTEMS = [
    (re.compile(r"iPhone|iPad|iPod"), "iOS"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Linux"), "Linux"),
]


def user_agent_summary(header: str) -> str:
    """ "Chrome on Linux", "Safari on iOS", "Firefox", or the header's start when nothing is recognised."""
    browser = next((name for pattern, name in _BROWSERS if pattern.search(header)), "")
    system = next((name for pattern, name in _SYSTEMS if pattern.search(header)), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or header[:40]
