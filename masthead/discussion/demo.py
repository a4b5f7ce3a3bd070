"""Demo comments: a lively but civil thread on a few articles (idempotent)."""

from datetime import timedelta

from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.discussion.services.importing import ImportAnchor, ImportItem, comments_import
from masthead.publishing.models import ArticlePage

# The ferry article's passage that its inline comments are on (readers select it to comment).
COST_PASSAGE = ImportAnchor(
    quote="The extended timetable will cost an estimated $86,000 in additional crew and fuel",
    prefix="",
    suffix=", to be shared between",
)

THREADS = {
    "quay-street-cycle-lanes-approved": [
        (
            "1",
            None,
            "Harriet Vance",
            300,
            "Good. I cycle to the station every day and Quay Street at 8am is the most frightening part of the trip.",
            14,
        ),
        (
            "2",
            "1",
            "Owen Pritchard",
            280,
            "Same here, but losing 64 parking spaces will hurt the shops at the harbour end. Has anyone asked them?",
            6,
        ),
        (
            "3",
            "2",
            "Harriet Vance",
            270,
            "The article says 48 come back on Mill Lane and Chandler's Row. That's most of them.",
            9,
        ),
        (
            "4",
            "3",
            "Dev Raman",
            240,
            "Mill Lane is already full by nine. *Re-created* on paper, maybe.",
            3,
        ),
        (
            "5",
            None,
            "Margaret Ellis",
            200,
            "Fourteen weeks of roadworks in spring, right when the visitors start coming back. Could they not have done it in winter?",
            11,
        ),
        (
            "6",
            "5",
            "Tom Okoye",
            150,
            "Winter is storm season on the harbour front; I'd guess that's why. Still, a phased plan is better than closing the street.",
            5,
        ),
        (
            "7",
            None,
            "Lukas Brandt",
            120,
            "900 bikes a day doubled since 2019 is a striking number. Is the traffic count published anywhere?",
            4,
        ),
        (
            "8",
            "7",
            "Priya (reader)",
            90,
            "It's on the council's transport page, under the planning committee papers for this week.",
            2,
        ),
    ],
    "winter-ferry-timetable-extended": [
        (
            "1",
            None,
            "Ruth Calloway",
            60,
            "Thank you to everyone who filled in the survey last spring. This makes a real difference on the island.",
            8,
        ),
        (
            "2",
            "1",
            "Sam Morgan",
            45,
            "Agreed. The 07:15 means my kids can get to school without staying over in town.",
            4,
        ),
        (
            "3",
            None,
            "Jonah Fisher",
            30,
            "Will the winter crossings take bicycles? Last year they didn't.",
            1,
        ),
        (
            "4",
            None,
            "Elin Hughes",
            25,
            "$86,000 for a whole winter of crossings is less than I expected. Is that per year?",
            2,
            COST_PASSAGE,
        ),
        (
            "5",
            "4",
            "Sam Morgan",
            20,
            "Per winter, according to the harbour authority's budget papers.",
            1,
        ),
    ],
    "seabird-count-northern-cliffs": [
        (
            "1",
            None,
            "Ailsa Grant",
            100,
            "I volunteered on the boat count. The kittiwakes on the old ledges were the highlight of the week.",
            7,
        ),
        (
            "2",
            None,
            "Peter Lowe",
            80,
            "Good news, but one year isn't a trend, as the organisers say. Looking forward to next year's figures.",
            3,
        ),
    ],
}


def _item(position: int, row: tuple, now) -> ImportItem:
    local_id, parent_id, author, minutes_ago, text, votes, *passage = row
    return ImportItem(
        position=position,
        id=local_id,
        parent_id=parent_id,
        author=author,
        email=f"{author.split()[0].lower()}@example.com",
        created=now - timedelta(minutes=minutes_ago),
        text=text,
        votes=votes,
        anchor=passage[0] if passage else None,
    )


def load(stdout=None, *, now=None) -> int:
    now = now or timezone.now()
    imported = 0
    for slug, rows in THREADS.items():
        article = ArticlePage.objects.filter(slug=slug).first()
        if article is None or Comment.objects.filter(article=article).exists():
            continue
        items = [_item(position, row, now) for position, row in enumerate(rows, start=1)]
        imported += comments_import(article=article, items=items)
    if stdout is not None:
        stdout.write(f"Demo comments: {imported} imported.")
    return imported
