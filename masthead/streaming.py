"""Files (uploaded images, documents) sent in pieces under ASGI, not read whole into memory."""

import asyncio

from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse


async def _pieces(file, size: int):
    # Each read in a thread of the default pool: the event loop keeps serving other requests.
    while piece := await asyncio.to_thread(file.read, size):
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
        if isinstance(request, ASGIRequest) and isinstance(response, FileResponse) and file:
            # The file is still closed with the response (FileResponse registered that).
            response.streaming_content = _pieces(file, response.block_size)
        return response
