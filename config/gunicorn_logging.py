"""gunicorn's access log without the secrets in calendar, invitation and password-reset paths.

Run gunicorn with ``--logger-class config.gunicorn_logging.RedactingGunicornLogger`` (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from core.log_redaction import redact


class RedactingGunicornLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
