"""The local session history: every analysed session, per person, in one SQLite file.

:func:`record_session` records a finished report (``analyze``, ``live`` and ``batch`` call it
once per session); :mod:`~formcheck.app.history.query` reads sessions back; ``formcheck
history`` lists them, exports CSV, draws the progress page and forgets sessions.
"""

from formcheck.app.history.location import HISTORY_FILE, HOME_VARIABLE, history_home, history_path
from formcheck.app.history.person import DEFAULT_PERSON, PersonError, check_person
from formcheck.app.history.record import RecordOutcome, record_session
from formcheck.app.history.store import HistoryError, HistoryStore

__all__ = ["DEFAULT_PERSON", "HISTORY_FILE", "HOME_VARIABLE", "HistoryError", "HistoryStore", "PersonError",
           "RecordOutcome", "check_person", "history_home", "history_path", "record_session"]
