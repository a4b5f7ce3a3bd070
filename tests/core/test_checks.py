"""`manage.py check` (and every command that runs the checks) says when settings.TASKS would
refuse Masthead's tasks, instead of the site failing to queue its e-mails."""

from django.core.checks import Error, run_checks
from django.test import override_settings

from masthead import task_queues


def task_errors():
    return [m for m in run_checks(tags=["masthead"]) if isinstance(m, Error)]


def tasks(backend, queues=task_queues.QUEUES_IN_ORDER):
    return {"default": {"BACKEND": backend, "QUEUES": queues}}


def test_the_test_suites_own_backend_passes():
    assert task_errors() == []


def test_the_sites_backends_pass():
    for backend in ("django_tasks_db.DatabaseBackend", "masthead.task_backends.RQBackend"):
        with override_settings(TASKS=tasks(backend)):
            assert task_errors() == [], backend


@override_settings(TASKS=tasks("django_tasks_rq.RQBackend"))
def test_a_backend_without_priorities_is_an_error_naming_the_one_to_use():
    [error] = task_errors()
    assert error.id == "masthead.E001"
    assert "django_tasks_rq.RQBackend" in error.msg
    assert "MASTHEAD_TASKS_BACKEND" in error.hint
    assert "masthead.task_backends.RQBackend" in error.hint


@override_settings(
    TASKS=tasks("django_tasks.backends.immediate.ImmediateBackend", queues=["default"])
)
def test_queues_lacking_the_readers_and_bulk_queues_is_an_error_naming_them():
    [error] = task_errors()
    assert error.id == "masthead.E002"
    assert "'readers', 'bulk'" in error.msg
    assert "TASKS" in error.msg
    assert "QUEUES_IN_ORDER" in error.hint


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_no_queues_at_all_means_the_default_queue_only():
    [error] = task_errors()
    assert error.id == "masthead.E002"
    assert "'readers', 'bulk'" in error.msg


@override_settings(TASKS=tasks("django_tasks.backends.immediate.ImmediateBackend", queues=[]))
def test_an_empty_list_of_queues_accepts_any_queue():
    # The backend then takes a task in any queue (django-tasks' validate_task).
    assert task_errors() == []


@override_settings(TASKS=tasks("django_tasks_db.NoSuchBackend"))
def test_a_backend_that_cannot_be_loaded_is_an_error():
    [error] = task_errors()
    assert error.id == "masthead.E003"
    assert "django_tasks_db.NoSuchBackend" in error.msg
