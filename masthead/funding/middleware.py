"""Text built where the request is not at hand (a donation's str in an admin listing or a log
label) writes amounts in the money style of the site serving the request."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from masthead.funding import selectors


class MoneyStyleMiddleware:
    """Makes selectors.current_money_style() answer for the site serving each request.

    Async-capable, so that event streams (async views) pass through without a thread hop; the
    funding settings are read only if something asks for the style."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        with selectors.money_style_of(request):
            return self.get_response(request)

    async def __acall__(self, request):
        with selectors.money_style_of(request):
            return await self.get_response(request)
