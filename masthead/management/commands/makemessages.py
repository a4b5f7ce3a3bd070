"""Django's makemessages, which also collects the counts said through masthead.text.counted
("%(count)d comment" / "%(count)d comments") as plural messages."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=counted:2,3"]
