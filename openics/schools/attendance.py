"""Attendance: the register file format, reading it, and what the marks say
(attendance rate, patterns, runs of unexplained absence).  Pure functions
over marks; the writes are in `actions.py`.

The import file (CSV, UTF-8, a header row, one row per pupil per session):

    upn,la_child_id,date,session,mark
    A123456789012,,2026-01-05,AM,N
    ,NC000001,05/01/2026,PM,/

- `upn` or `la_child_id`: either identifies the pupil (one is enough; if
  both are given they must be the same pupil), who must be on the school's
  roll that day;
- `date`: YYYY-MM-DD or DD/MM/YYYY, a school day at the school (terms and
  closures from the timescales calendar).  A mark that counts (present or
  absent) on a weekend, holiday or closure day is refused; a "not counted"
  code (such as # for a planned closure) is accepted on any day;
- `session`: AM or PM;
- `mark`: a DfE attendance code (`attendance_codes.toml`).

The import is all or nothing, after a preview: a register is a whole, and a
half-imported one could break a run of absence in the middle (hiding a child
missing education) or make one up.  Every bad line is reported at once with
its line number and what is wrong, and nothing is written until the whole
file is right and someone confirms it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openics.timescales.calendar import SchoolDayCalendar

from .codes import Session, attendance_codes

HEADER = ("upn", "la_child_id", "date", "session", "mark")
MAX_ROWS = 50_000
MAX_BYTES = 5_000_000
# 10 consecutive school days of unexplained absence: the local authority is told.
ABSENCE_RUN_DAYS = 10
# Patterns, kept simple on purpose (see docs): persistent absence is an
# attendance rate under 90% over at least PATTERN_MIN_SESSIONS possible
# sessions; severe absence under 50%; a Monday/Friday pattern is at least
# MONDAY_FRIDAY_MIN days of absence on Mondays and Fridays making up at least
# half of all the days absent.
PERSISTENT_RATE = 90.0
SEVERE_RATE = 50.0
PATTERN_MIN_SESSIONS = 20
MONDAY_FRIDAY_MIN = 3


@dataclass(frozen=True)
class ParsedRow:
    line: int
    upn: str
    la_child_id: str
    date: dt.date
    session: str
    code: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    return None


def parse_csv(content: str) -> ParseResult:
    """Read the file's shape: header, columns, dates, sessions, codes.

    Which pupil a row names, and whether the day is a school day, need the
    database and are checked by `actions.check_import`.
    """
    result = ParseResult()
    if len(content.encode("utf-8", errors="replace")) > MAX_BYTES:
        result.error(0, f"The file is too large: at most {MAX_BYTES // 1_000_000} MB")
        return result
    content = content.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        result.error(1, "The file is empty: the first line must be the header " + ",".join(HEADER))
        return result
    except csv.Error as error:
        result.error(1, f"The line cannot be read as CSV ({error})")
        return result
    names = [h.strip().lower() for h in header]
    missing = [h for h in HEADER if h not in names]
    if missing:
        result.error(1, f"The header must name the columns {', '.join(HEADER)}; missing: {', '.join(missing)}")
        return result
    index = {name: names.index(name) for name in HEADER}
    codes = attendance_codes()
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    line = 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            result.error(line, f"The line cannot be read as CSV ({error})")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            result.error(line, f"The file has more than {MAX_ROWS} rows: split it")
            break
        if len(raw) < len(names):
            result.error(line, f"Expected {len(names)} columns, found {len(raw)}")
            continue
        cell = {name: raw[i].strip() for name, i in index.items()}
        problems: list[str] = []
        if not cell["upn"] and not cell["la_child_id"]:
            problems.append("Enter the pupil's UPN or LA child ID")
        day = parse_date(cell["date"])
        if day is None:
            problems.append(f"The date '{cell['date'][:20]}' must be a real date as YYYY-MM-DD or DD/MM/YYYY")
        session = cell["session"].upper()
        if session not in Session.values:
            problems.append(f"The session '{cell['session'][:10]}' must be AM or PM")
        code = cell["mark"].upper() if cell["mark"] not in ("/", "\\") else cell["mark"]
        if code not in codes:
            problems.append(f"The mark '{cell['mark'][:10]}' is not a DfE attendance code")
        if problems:
            for problem in problems:
                result.error(line, problem)
            continue
        assert day is not None
        key = (cell["upn"].upper(), cell["la_child_id"], day, session)
        if key in seen:
            result.error(line, f"The same pupil and session is already on line {seen[key]}")
            continue
        seen[key] = line
        result.rows.append(ParsedRow(line, cell["upn"].upper(), cell["la_child_id"], day, session, code))
    if not result.rows and not result.errors:
        result.error(2, "The file has a header but no marks")
    return result


# ------------------------------------------------------------ what the marks say


@dataclass(frozen=True)
class Summary:
    possible: int
    attended: int
    absent_days_by_weekday: dict[int, int]
    absent_days: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.possible, 1) if self.possible else None

    @property
    def flags(self) -> list[str]:
        """Patterns worth a look, in words."""
        found: list[str] = []
        rate = self.rate
        if rate is not None and self.possible >= PATTERN_MIN_SESSIONS:
            if rate < SEVERE_RATE:
                found.append(f"Severe absence: attendance {rate}% (under {SEVERE_RATE:g}%)")
            elif rate < PERSISTENT_RATE:
                found.append(f"Persistent absence: attendance {rate}% (under {PERSISTENT_RATE:g}%)")
        mon_fri = self.absent_days_by_weekday.get(0, 0) + self.absent_days_by_weekday.get(4, 0)
        if mon_fri >= MONDAY_FRIDAY_MIN and 2 * mon_fri >= self.absent_days:
            found.append(f"Absences on Mondays and Fridays: {mon_fri} of {self.absent_days} days absent")
        return found


def summarise(marks: Iterable[tuple[dt.date, str]]) -> Summary:
    """Rate and patterns from (date, code) pairs."""
    codes = attendance_codes()
    possible = attended = 0
    absent_dates: set[dt.date] = set()
    for day, code in marks:
        entry = codes.get(code)
        if entry is None or not entry.possible:
            continue
        possible += 1
        if entry.attended:
            attended += 1
        elif entry.absent:
            absent_dates.add(day)
    by_weekday = Counter(day.weekday() for day in absent_dates)
    return Summary(possible, attended, dict(by_weekday), len(absent_dates))


@dataclass(frozen=True)
class AbsenceRun:
    first_day: dt.date
    last_day: dt.date
    school_days: int
    # The day the run reached ABSENCE_RUN_DAYS.
    tenth_day: dt.date


def unexplained_runs(
    marks: Sequence[tuple[dt.date, str]], calendar: SchoolDayCalendar, *, length: int = ABSENCE_RUN_DAYS
) -> list[AbsenceRun]:
    """Runs of at least `length` consecutive school days on which every
    session marked was an unexplained absence (N, O).

    Weekends, holidays and closure days are skipped: they neither count nor
    break a run.  A school day with any other mark, or with no mark at all,
    ends the run (without a register there is no evidence either way).
    """
    codes = attendance_codes()
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for day, code in marks:
        by_day[day].append(code)
    if not by_day:
        return []
    runs: list[AbsenceRun] = []
    start: dt.date | None = None
    count = 0
    tenth: dt.date | None = None
    last: dt.date | None = None
    day, end = min(by_day), max(by_day)
    while day <= end:
        if calendar.is_school_day(day):
            day_codes = by_day.get(day, [])
            unexplained = bool(day_codes) and all(codes[c].unexplained for c in day_codes if c in codes)
            if unexplained:
                if start is None:
                    start, count = day, 0
                count += 1
                last = day
                if count == length:
                    tenth = day
            else:
                if start is not None and count >= length and tenth and last:
                    runs.append(AbsenceRun(start, last, count, tenth))
                start, count, tenth = None, 0, None
        day += dt.timedelta(days=1)
    if start is not None and count >= length and tenth and last:
        runs.append(AbsenceRun(start, last, count, tenth))
    return runs
