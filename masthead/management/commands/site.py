from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from masthead.publishing.models import HomePage, SiteIdentity
from masthead.publishing.selectors import home_page
from masthead.publishing.services import site_setup


class Command(BaseCommand):
    help = (
        "Set up this install's site: a front page, the address in MASTHEAD_BASE_URL (used by "
        "sitemaps, feeds and e-mails) and the publication's name. Run it again after changing "
        "MASTHEAD_BASE_URL or to rename the publication."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", default="", help="The publication's name, e.g. 'The Harbour Ledger'."
        )
        parser.add_argument(
            "--tagline",
            default="",
            help="A line under the name, e.g. 'Independent news for Port Ellery'.",
        )

    def handle(self, *args, name, tagline, **options):
        if not name.strip() and not HomePage.objects.exists():
            raise CommandError(
                "Name the publication the first time: masthead site --name 'The Harbour Ledger'"
            )
        # The site site_setup changes: the one rooted at the front page (selectors.home_page).
        before = Site.objects.filter(root_page=home_page()).first()
        site = site_setup(name=name.strip(), tagline=tagline.strip())
        identity = SiteIdentity.for_site(site)
        self.stdout.write(
            self.style.SUCCESS(f"{identity.name or site.site_name} is at {site.root_url}/")
            + f": add sections, authors and articles in the admin ({site.root_url}/admin/)."
        )
        if before is not None and before.root_url != site.root_url:
            self.stdout.write(self.style.WARNING(ADDRESS_MOVED.format(old=before.root_url)))


# Pages and feeds follow the site's new address within a second (page_cache reads the content
# version its save bumps), but e-mails and the links of background tasks take MASTHEAD_BASE_URL
# from the environment each process started with.
ADDRESS_MOVED = (
    "The address was {old}/: restart every running `masthead serve` and `masthead worker` with "
    "the new MASTHEAD_BASE_URL. Until then, e-mails they send link to the old address."
)
