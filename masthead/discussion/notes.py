"""Messages about one comment, shown in its card rather than at the top of the page.

Without JavaScript, posting, voting and reporting end on the page of the thread that shows the
comment, scrolled to it (#comment-<id>): a message at the top of the page is out of sight there.
"""

from collections import defaultdict

from django.contrib import messages

NOTE_TAG = "comment-note"


def comment_note_add(request, *, comment, text: str, level: int = messages.INFO) -> None:
    """Queue `text` for the next page, to be shown beside `comment`."""
    messages.add_message(request, level, text, extra_tags=f"{NOTE_TAG} {NOTE_TAG}-{comment.pk}")


def comment_notes(request) -> dict[int, list]:
    """The queued notes by comment id (reading them marks them as shown)."""
    notes = defaultdict(list)
    for message in messages.get_messages(request):
        for tag in message.extra_tags.split():
            if tag.startswith(f"{NOTE_TAG}-") and tag[len(NOTE_TAG) + 1 :].isdigit():
                notes[int(tag[len(NOTE_TAG) + 1 :])].append(message)
    return dict(notes)
