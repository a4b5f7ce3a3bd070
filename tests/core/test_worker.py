"""`masthead worker` with RQ: every job runs in a forked process."""

from masthead.management.commands import worker


class FakeConnection:
    def __init__(self):
        self.settings_dict = {"OPTIONS": {"pool": {"min_size": 1, "max_size": 10}}}
        self.closed = False

    def close(self):
        self.closed = True


def test_an_rq_worker_connects_per_process_instead_of_sharing_a_pool(monkeypatch):
    connection = FakeConnection()
    monkeypatch.setattr(worker.connections, "all", lambda: [connection])
    worker.without_connection_pool()
    assert connection.closed
    assert "pool" not in connection.settings_dict["OPTIONS"]
