from masthead import clock


def test_periodic_job_runs_once_per_interval(monkeypatch, db):
    calls = []
    job = clock.PeriodicJob("test job", 60, "builtins.print")
    monkeypatch.setattr(clock, "JOBS", [job])
    monkeypatch.setattr(clock.PeriodicJob, "run", lambda self: calls.append(self.name))
    assert clock.run_due_jobs(now=120.0) == ["test job"]
    assert clock.run_due_jobs(now=150.0) == []  # same minute: another worker already ran it
    assert clock.run_due_jobs(now=181.0) == ["test job"]
    assert calls == ["test job", "test job"]
