"""The sizes of a photo that pages show, made by the worker once the photo is uploaded.

Made while a page renders instead, a large photo held up the first reader of its article for
about 20 seconds (a 6000×4000 JPEG resized some ten times), and other requests of that web
process with it. The list follows the templates (`{% image %}` and `{% distinct_srcset_image %}`)
and `selectors.news_article_schema` (a test holds it to them); a size missing from it is still
made on first view.
"""

from django.db import IntegrityError, transaction
from django_tasks import task
from wagtail.images.models import SourceImageIOError

from masthead import task_queues

PAGE_RENDITIONS = (
    # an article's featured image and image blocks
    "width-480",
    "width-800",
    "width-1200",
    "width-1600",
    # the front page's lead story and the article cards of listings
    "fill-640x400",
    "fill-960x600",
    "fill-1440x900",
    "fill-320x200",
    # link previews and the NewsArticle metadata's images
    "fill-1200x630",
    "fill-1200x675",
    "fill-1200x900",
    "fill-1200x1200",
    # galleries: the thumbnail and the full-size image it opens
    "fill-400x300",
    "max-2400x2400",
    # an author's photo: the byline, the journalists' list and the author page
    "fill-48x48",
    "fill-96x96",
    "fill-160x160",
    # a video's poster, and the publisher logo of the NewsArticle metadata
    "fill-1280x720",
    "max-600x60",
)


@task(**task_queues.BULK)
def page_renditions_make(image_id: int) -> int:
    """Make the sizes pages show of this image that do not exist yet. Returns how many it has."""
    from masthead.publishing.models import CreditedImage

    image = CreditedImage.objects.filter(pk=image_id).first()
    if image is None:  # deleted since
        return 0
    try:
        return len(image.get_renditions(*PAGE_RENDITIONS))
    except (SourceImageIOError, IntegrityError):
        # Deleted while its sizes were made (its file gone, or its sizes refused as naming no
        # image): an editor who uploaded a duplicate and kept the existing photo.
        if CreditedImage.objects.filter(pk=image_id).exists():
            raise
        return 0


def image_saved(*, instance, **kwargs) -> None:
    """Signal receiver: once an uploaded (or re-cropped) photo is committed, the worker makes its
    sizes. Sizes that exist already cost one query."""
    image_id = instance.pk
    transaction.on_commit(lambda: page_renditions_make.enqueue(image_id))
