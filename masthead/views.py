"""Error pages in the site's style, and uploaded media for the embedded install."""

import posixpath

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.static import serve as serve_file
from wagtail.documents import get_document_model


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke the page may be what they would call.
    return HttpResponseServerError(loader.get_template("500.html").render())


def serve_media(request, path):
    """A file under MEDIA_ROOT, except Wagtail's documents.

    Documents are served at /documents/<id>/<name>, where Wagtail checks the collection's privacy;
    from here anyone could download a private one by its file name."""
    # Normalised as `serve_file` will, so that "images/../documents/x.pdf" is refused too, and
    # compared without case for disks that ignore it.
    normalized = posixpath.normpath(path).lstrip("/")
    documents_folder = get_document_model()._meta.get_field("file").upload_to
    if normalized.split("/", 1)[0].casefold() == documents_folder.casefold():
        raise Http404
    return serve_file(request, normalized, document_root=settings.MEDIA_ROOT)


def favicon(request):
    return HttpResponsePermanentRedirect(static("masthead/favicon.svg"))
