"""Data that consecutive tests share, so that the pages most tests stand on are built once."""

from django.db import transaction

# Name -> the function that builds the data, registered by the conftest whose fixture serves it
# (`article`, `newsroom`). A test asks for the data by having a fixture of that name among its
# fixtures: the serving fixture requests it (a fixture that does nothing), so that a test
# module's own fixture of the same public name (a local `article`) asks for nothing.
SHARED_DATA_BUILDERS = {}


def wanted(item) -> tuple | None:
    """What shared data the test `item` asks for, as the key it is kept under; None if none,
    or if the test is transactional (it commits, which the outer transaction would hide)."""
    names = tuple(sorted(name for name in SHARED_DATA_BUILDERS if name in item.fixturenames))
    if not names or is_transactional(item):
        return None
    return (item.path, names)


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


class SharedData:
    """Building pages is most of the cost of many tests. Shared data is built once inside an
    outer transaction and seen by each test that asks for it through the savepoint its own
    transaction becomes; the outer transaction is rolled back as soon as a test wants something
    else (another module, other shared data, none, or a transactional test, which commits)."""

    current = None  # the session's, once a test has asked for shared data

    def __init__(self, blocker):
        self.blocker = blocker
        self.key = None
        self.outer = None
        self.made = {}

    def serve(self, key):
        if key == self.key:
            return
        self.close()
        if key is None:
            return
        _, names = key
        with self.blocker.unblock():
            self.outer = transaction.atomic()
            self.outer.__enter__()
        try:
            with self.blocker.unblock():
                self.made = {name: _frozen(SHARED_DATA_BUILDERS[name]()) for name in names}
        except BaseException:
            self.close()
            raise
        self.key = key

    def close(self):
        if self.outer is not None:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.outer.__exit__(None, None, None)
        self.key, self.outer, self.made = None, None, {}


def _frozen(value):
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return (type(value), value.pk)


def _thawed(value):
    if isinstance(value, dict):
        return {key: _thawed(item) for key, item in value.items()}
    model, pk = value
    return model.objects.get(pk=pk)


def shared_data(request, name):
    """This test's copy of the shared data `name`: fresh objects, so that nothing one test
    changes in memory reaches the next; built for this test alone in a transactional test."""
    shared = request.getfixturevalue("_shared_data")
    if name in shared.made:
        return _thawed(shared.made[name])
    return SHARED_DATA_BUILDERS[name]()
