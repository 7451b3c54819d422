"""How a task reads to the officer (CLI and the Today screen): when, how far, what state."""

import textwrap

from app.core.i18n import fmt_date, translator
from app.core.i18n.labels import kind_label
from app.core.model import FrequencyUnit
from app.core.schedule.service import Task, TaskMode, TaskStatus

_ = translator("schedule")

_STATUS = {TaskStatus.todo: "to do", TaskStatus.done: "done", TaskStatus.overdue: "overdue"}
_PROGRESS = {
    FrequencyUnit.day: "{done} of {required} today",
    FrequencyUnit.week: "{done} of {required} this week",
    FrequencyUnit.month: "{done} of {required} this month",
}


def status_label(status: TaskStatus) -> str:
    """'do zrobienia', 'zrobione', 'zaległe'."""
    return _(_STATUS[TaskStatus(status)])


def task_hours(task: Task) -> str | None:
    """'07:00–22:00' (a night window reads '21:00–02:00'); None without hours."""
    if task.time_from is None or task.time_to is None:
        return None
    return f"{task.time_from:%H:%M}–{task.time_to:%H:%M}"


def task_when(task: Task) -> str:
    """The hours, else 'termin 31 gru 2026' for a deadline, else 'cały dzień'."""
    hours = task_hours(task)
    if task.mode == TaskMode.deadline and task.due is not None:
        due = _("due {date}", date=fmt_date(task.due))
        return f"{due}, {hours}" if hours else due
    return hours or _("all day")


def frequency_progress(task: Task) -> str | None:
    """'1 z 2 w tym tygodniu' for a frequency task (the CLI and Today say it alike)."""
    if task.per is None:
        return None
    return _(_PROGRESS[FrequencyUnit(task.per)], done=task.done, required=task.required)


def task_progress(task: Task) -> str:
    """'do zrobienia' / 'zrobione' / 'zaległe'; a frequency task: '1 z 2 w tym tygodniu'."""
    progress = frequency_progress(task)
    if progress is None:
        return status_label(task.status)
    if task.status == TaskStatus.todo:
        return progress
    return f"{progress}, {status_label(task.status)}"


def task_line(task: Task, width: int = 48, when_width: int = 18) -> str:
    """One line of today's list: '07:00–22:00  Kontrola miejsca: Kontrole placu…  [do zrobienia]'.

    A task open right now is marked with '▶'.
    """
    text = textwrap.shorten(task.text, width=width, placeholder="…")
    marker = "▶ " if task.open_now else "  "
    when = task_when(task).ljust(when_width)
    return f"{marker}{when}  {kind_label(task.kind)}: {text}  [{task_progress(task)}]"
