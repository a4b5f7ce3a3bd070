"""`masthead worker` with RQ: every job runs in a forked process."""

from django.db import connections

from masthead.management.commands.worker import without_connection_pool


def test_an_rq_worker_connects_per_process_instead_of_sharing_a_pool(db):
    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["pool"] = {"min_size": 1, "max_size": 10}
    try:
        without_connection_pool()
        assert "pool" not in connections["default"].settings_dict["OPTIONS"]
    finally:
        options.pop("pool", None)
