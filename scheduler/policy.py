"""When reminders go out: so many days before a due date, at a fixed local time, never in
the quiet hours of the night."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
OVERDUE = -1  # the offset of the notice sent the day after the due date


@dataclass(frozen=True)
class ReminderPolicy:
    """Offsets are days before the due date (0 is the due day itself)."""

    days_before: tuple[int, ...] = (7, 3, 1, 0)
    at: time = time(7, 30)
    quiet_from: time = time(21, 0)
    quiet_until: time = time(7, 0)
    zone: tzinfo = VIETNAM

    def __post_init__(self) -> None:
        if not self.days_before or any(day < 0 for day in self.days_before):
            raise ValueError("reminder days must be whole days ≥ 0")
        object.__setattr__(self, "days_before", tuple(sorted(set(self.days_before), reverse=True)))

    def offsets(self, last_only: bool) -> tuple[int, ...]:
        """The offsets a person gets: all of them, or only the due day; both get the overdue
        notice."""
        return ((0,) if last_only else self.days_before) + (OVERDUE,)

    def send_at(self, due: date, offset: int) -> datetime:
        """The instant (UTC) the reminder `offset` days before `due` goes out."""
        return self.on_day(due - timedelta(days=offset))

    def on_day(self, day: date) -> datetime:
        """The policy's time of day on `day`; a time set inside the quiet hours becomes the
        end of the quiet hours of that same day, so a due-day reminder stays on the due day."""
        clock = self.at
        if self.is_quiet(datetime.combine(day, clock, self.zone)):
            clock = self.quiet_until
        return datetime.combine(day, clock, self.zone).astimezone(UTC)

    def is_quiet(self, moment: datetime) -> bool:
        clock = moment.astimezone(self.zone).time()
        if self.quiet_from <= self.quiet_until:
            return self.quiet_from <= clock < self.quiet_until
        return clock >= self.quiet_from or clock < self.quiet_until

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


def parse_days(text: str) -> tuple[int, ...]:
    """'7,3,1,0' → (7, 3, 1, 0)."""
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def parse_hours(text: str) -> tuple[time, time]:
    """'21:00-07:00' → (21:00, 07:00)."""
    start, _, end = text.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
