"""System checks (`masthead check`, and every command that runs them) for settings that would
otherwise fail only once the site queues a task: mid-way through posting a comment, or in a
worker nobody watches, as mail that never goes."""

from django.core import checks

from masthead import task_queues

_TASKS_SETTING = "settings.TASKS['default']"
_BACKENDS_HINT = (
    "Leave MASTHEAD_TASKS_BACKEND unset (the site picks django_tasks_db.DatabaseBackend, or "
    "masthead.task_backends.RQBackend when REDIS_URL is set), or set it to one of those."
)


def task_settings_errors() -> list[checks.Error]:
    """What makes the default task backend refuse the site's tasks, as django-tasks'
    BaseTaskBackend.validate_task refuses them: a priority given to a backend without priorities
    (django-tasks' own RQ backend), or a queue its QUEUES does not list."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.exceptions import InvalidTaskBackendError

    try:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    except InvalidTaskBackendError as error:
        return [
            checks.Error(
                f"{_TASKS_SETTING} names no task backend that can be loaded: {error}",
                hint=_BACKENDS_HINT,
                id="masthead.E003",
            )
        ]
    backend_path = task_backends.settings[DEFAULT_TASK_BACKEND_ALIAS]["BACKEND"]
    errors = []
    if not backend.supports_priority:
        errors.append(
            checks.Error(
                f"The task backend {backend_path} ({_TASKS_SETTING}['BACKEND']) does not support "
                f"task priorities, and would refuse every e-mail and live update the site queues "
                f"(they go with a priority: masthead/task_queues.py).",
                hint=_BACKENDS_HINT,
                id="masthead.E001",
            )
        )
    # An empty list of queues (backend.queues) lets a backend take a task in any queue.
    missing = [
        name
        for name in task_queues.QUEUES_IN_ORDER
        if backend.queues and name not in backend.queues
    ]
    if missing:
        errors.append(
            checks.Error(
                f"{_TASKS_SETTING}['QUEUES'] lacks the queue{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))}: the task backend would refuse every task "
                f"queued there.",
                hint=(
                    "Set it to masthead.task_queues.QUEUES_IN_ORDER "
                    f"({task_queues.QUEUES_IN_ORDER!r}), in that order."
                ),
                id="masthead.E002",
            )
        )
    return errors


@checks.register("masthead")
def tasks_take_our_queues_and_priorities(app_configs=None, **kwargs):
    return task_settings_errors()
