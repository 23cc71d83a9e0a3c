"""Keep personnummer out of application logs.

Names cannot be recognised by a pattern, so the rule for code is: never log a name or a
personnummer, log ids. This filter is the safety net for what slips through anyway, such as
a request line with a search for a personnummer in its query string.
"""

import logging
import re

# 10 or 12 digits, optionally with a separator before the last four (YYMMDD-NNNN,
# YYYYMMDD+NNNN, YYYYMMDD NNNN), not part of a longer number.
_PNR = re.compile(r"(?<!\d)(?:\d{2})?\d{6}(?:[-+ ]|%2B|%2D|%20|\+)?\d{4}(?!\d)")


def redact(text: str) -> str:
    return _PNR.sub("[personnummer]", text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                record.msg = str(record.msg)
            record.args = None
        record.msg = redact(str(record.msg))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
