"""Keep personnummer and search terms out of application logs.

Names cannot be recognised by a pattern, so the rules for code are: never log a name or a
personnummer, log ids; searches are POSTed (never in a URL); request lines are logged
without their query string. This module is the safety net for what slips through anyway:
every log line, exception text and traceback included, passes `redact` in every format.
"""

import json
import logging
import re

# A digit, also percent-encoded (%30-%39) or a full-width digit percent-encoded in UTF-8.
# `\d` also matches other scripts' digits (full-width, Arabic-Indic, ...): on purpose.
_D = r"(?:\d|%3[0-9]|%EF%BC%9[0-9])"
# What people put between the parts: - + . / space, also percent- or form-encoded.
_S = r"(?:[-+./ ]|%2[bBdDeEfF]|%20)"
# YYYYMMDD or YYMMDD (optionally split like a date), an optional separator, NNNN; not part
# of a longer number. 2008-01-01-4564, 20080101.4564, 080101 4564, %32%30... all match.
_PNR = re.compile(
    rf"(?<![\d%])(?:{_D}{{2}})?{_D}{{2}}{_S}?{_D}{{2}}{_S}?{_D}{{2}}{_S}?{_D}{{4}}(?!{_D})",
    re.IGNORECASE,
)
# The query string of a request line ("GET /ungdomar/?sok=... HTTP/1.1"): it may carry
# whatever a user typed into a GET form or an old bookmark.
_REQUEST_LINE_QUERY = re.compile(
    r"\b((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^\s?]*)\?\S*(?=\s+HTTP/)"
)


def redact(text: str) -> str:
    text = _REQUEST_LINE_QUERY.sub(r"\1?[…]", text)
    return _PNR.sub("[personnummer]", text)


class RedactPersonalDataFilter(logging.Filter):
    """Redacts the message of every record that passes (a handler's filter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                record.msg = str(record.msg)
            record.args = None
        record.msg = redact(str(record.msg))
        return True


class PlainFormatter(logging.Formatter):
    """The plain text format, with the whole line redacted: exception text and traceback
    included (a DataError quotes the values it refused)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


class ExpectedRefusalFilter(logging.Filter):
    """A 403 is the access rules working, not an error: log its one line, no traceback.

    Django's request logger attaches the PermissionDenied exception to the record, so
    every refused click printed a stack trace that hid real errors in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
