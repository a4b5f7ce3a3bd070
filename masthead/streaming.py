"""Files (uploaded images, documents) sent in pieces under ASGI, not read whole into memory."""

import asyncio

from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse

# What Django's ASGI handler sends at a time; FileResponse reads 4 KB, a thread hop each.
PIECE_SIZE = 64 * 1024


async def _pieces(file):
    # Each read in a thread of the default pool: the event loop keeps serving other requests.
    while piece := await asyncio.to_thread(file.read, PIECE_SIZE):
        yield piece


class AsyncFileMiddleware:
    """Under ASGI, Django's handler reads a response's synchronous iterator to the end before it
    sends a byte (warning "StreamingHttpResponse must consume synchronous iterators"): a reader
    opening a 10 MB original photo held 10 MB of the server's memory. Here a file response under
    ASGI is read piece by piece as it is sent. Under WSGI it is left alone, for the server's
    file wrapper.

    Sync only, and near the top of MIDDLEWARE, to see every response (see settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        file = getattr(response, "file_to_stream", None)
        sends_a_file = isinstance(response, FileResponse) and file is not None
        if sends_a_file and isinstance(request, ASGIRequest):
            # The file is still closed with the response (FileResponse registered that).
            response.streaming_content = _pieces(file)
        return response
