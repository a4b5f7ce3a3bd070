from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(
            f"A model change has no migration (run `masthead makemigrations`):\n{out.getvalue()}"
        )


@pytest.mark.django_db(transaction=True)
def test_the_unique_address_index_leaves_out_accounts_that_shared_one_already(capsys):
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    before = [("masthead", "0001_account_email")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        users = executor.loader.project_state(before).apps.get_model("auth", "User")
        first = users.objects.create(username="rosa", email="rosa@example.org")
        second = users.objects.create(username="rosa-work", email="Rosa@Example.org")
        users.objects.create(username="kit", email="kit@example.org")
        users.objects.create(username="desk-one", email="")
        users.objects.create(username="desk-two", email="")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert f"rosa-work (id {second.pk})" in capsys.readouterr().out
    accounts = get_user_model().objects
    assert accounts.filter(email__iexact="rosa@example.org").count() == 2  # nothing changed
    for email in ("ROSA@example.org", "kit@EXAMPLE.org"):
        with pytest.raises(IntegrityError), transaction.atomic():
            accounts.create_user(f"new-{email}", email, "pw")
    accounts.create_user("desk-three", "", "pw")
    assert first.pk < second.pk
