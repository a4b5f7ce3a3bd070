from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.utils import timezone


def moment_ago(at, now) -> tuple[str, str]:
    html = Template("{% load masthead_tags %}{% moment_ago at now %}").render(
        Context({"at": at, "now": now})
    )
    time = BeautifulSoup(html, "html.parser").time
    # timesince joins "5" and "minutes" by a no-break space
    return time.get_text().replace("\xa0", " "), time["datetime"]


@pytest.mark.parametrize(
    ("seconds_ago", "shown"),
    [
        (0, "just now"),  # was "0 minutes ago"
        (59, "just now"),
        (-5, "just now"),  # a moment a clock slightly ahead wrote
        (60, "1 minute ago"),
        (5 * 60 + 30, "5 minutes ago"),
        (2 * 3600 + 3 * 60, "2 hours, 3 minutes ago"),
    ],
)
def test_how_long_ago_a_moderator_acted_reads_just_now_under_a_minute(seconds_ago, shown):
    now = timezone.now().replace(microsecond=0)
    at = now - timedelta(seconds=seconds_ago)
    assert moment_ago(at, now) == (shown, timezone.localtime(at).isoformat())
