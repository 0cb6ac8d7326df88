"""deploy/gunicorn.conf.py as the image runs it, with gunicorn's access log on (production leaves it to Django):
each line names the worker that answered a probe."""

import runpy
from pathlib import Path

_deployed = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
globals().update({name: value for name, value in _deployed.items() if not name.startswith("_")})
logconfig_dict = _deployed["logconfig_dict"]
logconfig_dict["loggers"]["gunicorn.access"] = {"level": "INFO", "propagate": True}
accesslog = "-"
access_log_format = "%(p)s %(s)s %({x-probe}i)s"
