"""Rule signals: links, money, scam shapes, contact details, rate limits."""

import pytest

from masthead.moderation.core import (
    Context,
    Draft,
    RateLimit,
    Settings,
    assess,
    name_advertises,
    normalise,
    parse_rate,
)
from masthead.moderation.core.signals import link_facts, registrable_domain, scam_facts


def links(text, **kw):
    return link_facts(normalise(text), **kw)


def test_link_domains_are_classified():
    f = links(
        "see https://www.bbc.co.uk/news/x and http://cheap-jobs.xyz/a and bit.ly/abc "
        "and wa.me/441234"
    )
    assert f.count == 4
    assert f.allowed == ["bbc.co.uk"]
    assert f.unknown == ["cheap-jobs.xyz"]
    assert f.suspicious_tld == ["cheap-jobs.xyz"]
    assert f.shorteners == ["bit.ly"]
    assert f.messenger == ["wa.me"]


def test_obfuscated_domains_are_found():
    assert links("visit earnfast dot com today").obfuscated == ["earnfast.com"]
    assert links("go to earnfast[.]net").obfuscated == ["earnfast.net"]
    assert links("go to earnfast (dot) org").obfuscated == ["earnfast.org"]


@pytest.mark.parametrize(
    "text",
    [
        "Best deals at w w w . easycash4u . c o m today",
        "Visit easycash4u dot com today",
        "Visit easycash4u dot c0m today",
        "go to easycash4u (dot) com",
        "https://easycash4u.com",
    ],
)
def test_a_disguised_domain_keeps_its_digits_so_the_block_list_catches_it(text):
    assert links(text, block=["easycash4u.com"]).blocked == ["easycash4u.com"]
    verdict = assess(Draft(text), Context(settings=Settings(block_domains=["easycash4u.com"])))
    assert verdict.action == "spam"
    assert "link to a blocked domain: easycash4u.com" in verdict.reasons
    assert not [r for r in verdict.reasons if "easycashau" in r and "domain" in r]


def test_site_allow_and_block_lists():
    f = links("https://local-paper.example.org/story", allow=["example.org"])
    assert f.allowed == ["example.org"] and not f.unknown
    f = links("https://www.bbc.co.uk/x", block=["bbc.co.uk"])
    assert f.blocked == ["bbc.co.uk"]
    f = links("https://www.bbc.co.uk/x", use_default_allow=False)
    assert f.unknown == ["bbc.co.uk"]


@pytest.mark.parametrize(
    "entry",
    ["https://www.bad-pharma.example/buy?x=1", "bad-pharma.example/", "*.bad-pharma.example"],
)
def test_a_list_entry_written_as_an_address_or_a_wildcard_names_its_domain(entry):
    """Moderators paste addresses from the browser into the lists; such an entry matched nothing."""
    assert links("http://shop.bad-pharma.example/pills", block=[entry]).blocked == [
        "bad-pharma.example"
    ]
    assert links("http://bad-pharma.example", allow=[entry]).allowed == ["bad-pharma.example"]


def test_author_url_counts_as_a_link():
    f = link_facts(normalise("nice article"), author_url="http://spam-shop.top")
    assert f.unknown == ["spam-shop.top"]


def test_registrable_domain():
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("www.example.com") == "example.com"


def test_earnings_claims_but_not_public_money():
    assert scam_facts(normalise("I made $8O,000 last month")).earnings
    assert scam_facts(normalise("Google pays $97 per hour")).earnings
    assert scam_facts(normalise("earn money from home fast")).earnings
    public = scam_facts(normalise("They gave $97 billion in tax cuts to the rich"))
    assert public.money and not public.earnings


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("I work from home and love it", "work from home"),
        ("no experience needed, start today", "work from home"),
        ("he helped me recover my stolen bitcoin", "crypto recovery"),
        ("contact the recovery expert", "crypto recovery"),
        ("cheap viagra online", "pharmacy"),
        ("you have won a prize, claim your reward", "prize or loan"),
        ("check out my channel", "self-promotion"),
        ("buy followers cheap", "followers or views"),
    ],
)
def test_scam_shapes(text, shape):
    assert shape in scam_facts(normalise(text)).shapes


@pytest.mark.parametrize(
    "text",
    [
        "You won't like this, but the council got the numbers right.",
        "You won\u2019t believe how late the ferry was again.",
        "You won the election, now govern properly.",
        "You won the argument but lost the room.",
    ],
)
def test_you_won_in_debate_is_no_prize_pitch(text):
    verdict = assess(Draft(text), Context())
    assert "prize or loan" not in scam_facts(normalise(text)).shapes
    assert not [reason for reason in verdict.reasons if reason.startswith("prize or loan")]


def test_phone_numbers_and_messenger_handles():
    f = scam_facts(normalise("WhatsApp me +44 7911 123456 or Telegram @quickcash"))
    assert f.phones == ["+44 7911 123456"]
    assert f.messenger == ["telegram", "whatsapp"]
    assert f.handles == ["@quickcash"]
    assert scam_facts(normalise("Teleg-ram: @cash")).messenger
    assert scam_facts(normalise("call 0 7 9 1 1 1 2 3 4 5 6")).phones


def test_view_counts_and_years_are_not_phone_numbers():
    assert scam_facts(normalise("1,884,034,783 views in 2010-2015")).phones == []


def test_parse_rate():
    assert parse_rate("5/m") == RateLimit(5, 60)
    assert parse_rate("10/h") == RateLimit(10, 3600)
    assert parse_rate("100/d") == RateLimit(100, 86400)
    assert parse_rate("5/30s") == RateLimit(5, 30)
    assert parse_rate("3/min") == RateLimit(3, 60)
    assert parse_rate(None) is None
    with pytest.raises(ValueError):
        parse_rate("often")


def test_view_counts_and_dotted_thousands_are_not_phone_numbers():
    for text in (
        "2.126.521.750 views already",
        "now its 124923004 views wow",
        "1,884,034,783 views!",
        "the petition has 104573221 signatures",
    ):
        assert scam_facts(normalise(text)).phones == [], text
    assert scam_facts(normalise("call 07946 012345 now")).phones == ["07946 012345"]
    assert scam_facts(normalise("+447935454150 talk to me")).phones == ["+447935454150"]


@pytest.mark.parametrize(
    "text",
    [
        "Check out my new remix, link in bio",
        "checkout our bakery page",
        "Check me out! I rap",
        "please subscribe to my channel",
        "sub 4 sub anyone?",
        "I will subscribe back",
        "Check out this video on YouTube:",
        "watch my latest cover of this song",
        "new video on my gaming channel",
    ],
)
def test_self_promotion_is_recognised(text):
    assert "self-promotion" in scam_facts(normalise(text)).shapes


@pytest.mark.parametrize(
    "text",
    [
        "I check my facts before I post, unlike the minister",
        "Did you even check my sources?",
        "I cancelled my subscription to this paper after that editorial",
        "Check out the Reuters piece on the budget",
        "see my earlier comment about the council",
        "I will follow the inquiry closely",
    ],
)
def test_debate_is_not_self_promotion(text):
    assert "self-promotion" not in scam_facts(normalise(text)).shapes


@pytest.mark.parametrize(
    ("name", "advertises"),
    [
        ("Rosa Marquez", False),
        ("Dr. Ana Lima-Okafor", False),
        ("Zoë 1987", False),
        ("cheap-pills.example.com", True),
        ("WhatsApp +1 415 555 0123", True),
        ("Telegram @loanfast", True),
        ("Ana M. de la Cruz", False),
        ("J.R. Okafor-Smith", False),
        ("example dot com", True),
        ("Cheap pills (dot) net", True),
        ("Kim kim.sales@example.org", True),
        ("@loanfast", True),
    ],
)
def test_a_name_that_advertises_is_told_from_a_name(name, advertises):
    assert name_advertises(name) is advertises
