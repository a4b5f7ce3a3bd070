"""Text built where the request is not at hand (a donation's str in an admin listing or a log
label) writes amounts in the money style of the site serving the request."""

from masthead.funding import selectors


class MoneyStyleMiddleware:
    """Makes selectors.current_money_style() answer for the site serving each request; the
    funding settings are read only if something asks for the style.

    Sync only, like the page cache's middleware, so that the chain runs in one thread hop under
    ASGI (see MIDDLEWARE in settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with selectors.money_style_of(request):
            return self.get_response(request)
