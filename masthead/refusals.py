"""The one shape of a refused request in the services: a message the reader can act on and the
HTTP status that goes with it. Views and the API show ``message`` and answer with ``status``."""


class Refused(Exception):
    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status
