import pytest

from tests.discussion.conftest import (  # noqa: F401  (shared fixtures)
    _shared_article,
    article,
    guest,
    make_guest,
    post,
)


@pytest.fixture
def moderator(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="moderate_comments"),
        Permission.objects.get(codename="access_admin"),
    )
    return user


@pytest.fixture
def mod_client(moderator):
    from django.test import Client

    client = Client()
    client.force_login(moderator)
    return client


SCAM = (
    "Goog-l-e is paying $97 per ho-u-r ♥♥♥♥ for working from home. I've made $8O,OOO last month "
    "with no experience!!! Start today ➜ http://easy-cash-now.example/start"
)
HEATED = (
    "This government has failed the harbour towns for a decade. The minister's plan is a cynical stunt, "
    "and frankly the whole cabinet should resign in shame."
)
