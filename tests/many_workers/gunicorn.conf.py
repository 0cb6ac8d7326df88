"""deploy/gunicorn.conf.py as the image runs it, with gunicorn's access log on (production leaves it to Django):
each line names the worker that answered a probe."""

import runpy
from pathlib import Path

_deployed = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
globals().update({name: value for name, value in _deployed.items() if not name.startswith("_")})
logconfig_dict = _deployed["logconfig_dict"]
# gunicorn gives the access logger a handler for `accesslog`; the logging config must leave that logger alone
# (configuring it drops the handler), and so must the deployed on_starting, which silences it.
logconfig_dict["loggers"].pop("gunicorn.access", None)
accesslog = "-"


def on_starting(server: object) -> None:
    pass


access_log_format = "%(p)s %(s)s %({x-probe}i)s"
