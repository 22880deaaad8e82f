"""Counting in Chinese working days: public holidays and make-up working days (调休) from
``chinesecalendar``, plus configured extra days for years the package does not know yet."""

from __future__ import annotations

from datetime import date, timedelta

from campusgate.workflow.errors import InvalidInput
from campusgate.workflow.job_settings import Calendar


class WorkingDays:
    def __init__(self, calendar: Calendar) -> None:
        self.holidays = set(calendar.extra_holidays)
        self.working = set(calendar.extra_working_days)
        self.configured_years = {d.year for d in self.holidays | self.working}

    def is_working(self, day: date) -> bool:
        if day in self.working:
            return True
        if day in self.holidays:
            return False
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year in self.configured_years:
                return day.weekday() < 5
            raise InvalidInput("calendar_unknown_year", year=day.year) from None

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working(day)
        return count

    def dates_at(self, start: date, offsets: set[int], horizon: int = 120) -> dict[date, int]:
        """Every date after ``start`` whose working-day distance from it is in ``offsets``."""
        found: dict[date, int] = {}
        count, day, top = 0, start, max(offsets, default=0)
        while count <= top and (day - start).days < horizon:
            day += timedelta(days=1)
            count += self.is_working(day)
            if count in offsets:
                found[day] = count
        return found
