"""One JSON object per log line, each stamped with the ID of the request it was written for.

The ID lives in a ContextVar: each asyncio task and each thread sees its own
value, so requests served at the same time never read each other's.
"""

import json
import logging
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds the current request's ID to every record that reaches the handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


HANDLER = logging.StreamHandler()  # standard error
HANDLER.addFilter(RequestIdFilter())  # (1)!
HANDLER.setFormatter(JsonFormatter())


def install_json_logs() -> None:
    """Send every logger's records, at INFO and above, through HANDLER (adding it twice adds it once)."""
    root = logging.getLogger()
    root.addHandler(HANDLER)
    root.setLevel(logging.INFO)
