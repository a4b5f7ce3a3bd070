"""The web server's worker process under `masthead serve`: uvicorn's, run by gunicorn."""

import sys

from gunicorn.arbiter import Arbiter
from uvicorn import Server
from uvicorn_worker import UvicornWorker


class MastheadServer(Server):
    async def shutdown(self, sockets=None):
        # Told to stop, uvicorn waits for every open request to end, and a live comment stream
        # runs for minutes: gunicorn would kill the process with its streams open at its
        # --graceful-timeout, each still counted against its reader's network until it lapsed.
        # Ended first, they close as at their deadline, and browsers reconnect to the next server.
        from masthead.discussion.live import end_open_streams

        await end_open_streams()
        await super().shutdown(sockets)


class MastheadWorker(UvicornWorker):
    async def _serve(self) -> None:
        # UvicornWorker._serve, with MastheadServer in place of uvicorn's Server.
        self.config.app = self.wsgi
        server = MastheadServer(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)
