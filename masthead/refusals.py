"""The one shape of a refused request in the services: a message the reader can act on and the
HTTP status that goes with it. Views and the API show ``message`` and answer with ``status``."""


class Refused(Exception):
    """`field` names the input at fault, when one is (the API's `field`, the form's field).
    `problems` holds every refusal found with this one, this one first (a comment's refusal
    lists each field at fault): the reader corrects them all in one go."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.problems: tuple[Refused, ...] = (self,)
