"""Rule signals: links and domains, money and earnings claims, scam shapes, phone numbers and
messenger handles, symbol runs, posting rate, form timing and author history.

Each function returns plain facts; :mod:`masthead.moderation.core.decision` weighs them.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .normalise import Normalised, normalise

__all__ = [
    "DEFAULT_ALLOWED_DOMAINS",
    "SHORTENERS",
    "LinkFacts",
    "RateLimit",
    "ScamFacts",
    "link_facts",
    "parse_rate",
    "registrable_domain",
    "scam_facts",
]

# Reputable news, reference and public-body domains: linking to them is normal in debate.
DEFAULT_ALLOWED_DOMAINS = frozenset(
    [
        "bbc.co.uk",
        "bbc.com",
        "reuters.com",
        "apnews.com",
        "ap.org",
        "theguardian.com",
        "guardian.co.uk",
        "nytimes.com",
        "washingtonpost.com",
        "wsj.com",
        "ft.com",
        "economist.com",
        "bloomberg.com",
        "npr.org",
        "pbs.org",
        "cnn.com",
        "cbsnews.com",
        "nbcnews.com",
        "abcnews.go.com",
        "abc.net.au",
        "cbc.ca",
        "aljazeera.com",
        "politico.com",
        "politico.eu",
        "axios.com",
        "thehill.com",
        "theatlantic.com",
        "newyorker.com",
        "latimes.com",
        "usatoday.com",
        "independent.co.uk",
        "telegraph.co.uk",
        "thetimes.co.uk",
        "sky.com",
        "news.sky.com",
        "channel4.com",
        "itv.com",
        "dw.com",
        "france24.com",
        "lemonde.fr",
        "spiegel.de",
        "euronews.com",
        "elpais.com",
        "irishtimes.com",
        "rte.ie",
        "propublica.org",
        "theintercept.com",
        "motherjones.com",
        "nationalreview.com",
        "foxnews.com",
        "newsweek.com",
        "time.com",
        "vox.com",
        "slate.com",
        "salon.com",
        "huffpost.com",
        "buzzfeednews.com",
        "scotsman.com",
        "heraldscotland.com",
        "theconversation.com",
        "nature.com",
        "science.org",
        "wikipedia.org",
        "wikimedia.org",
        "archive.org",
        "gov.uk",
        "parliament.uk",
        "europa.eu",
        "un.org",
        "who.int",
        "imf.org",
        "worldbank.org",
        "oecd.org",
        "nato.int",
        "congress.gov",
        "senate.gov",
        "house.gov",
        "whitehouse.gov",
        "supremecourt.gov",
        "census.gov",
        "bls.gov",
        "cdc.gov",
        "nih.gov",
        "ons.gov.uk",
        "ifs.org.uk",
        "fullfact.org",
        "snopes.com",
        "politifact.com",
        "factcheck.org",
        "youtube.com",
        "youtu.be",
    ]
)

SHORTENERS = frozenset(
    [
        "bit.ly",
        "bitly.com",
        "tinyurl.com",
        "goo.gl",
        "t.co",
        "ow.ly",
        "is.gd",
        "buff.ly",
        "cutt.ly",
        "rb.gy",
        "shorturl.at",
        "tiny.cc",
        "bit.do",
        "rebrand.ly",
        "t.ly",
        "s.id",
        "v.gd",
        "lnkd.in",
        "soo.gd",
        "clck.ru",
        "qr.ae",
        "adf.ly",
        "shorte.st",
        "bc.vc",
        "ouo.io",
        "linktr.ee",
        "tiny.one",
        "u.to",
        "x.co",
        "po.st",
        "mcaf.ee",
        "db.tt",
        "short.io",
    ]
)
MESSENGER_DOMAINS = frozenset(["wa.me", "chat.whatsapp.com", "t.me", "telegram.me", "telegram.org"])
SUSPICIOUS_TLDS = frozenset(
    [
        "xyz",
        "top",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "icu",
        "cyou",
        "click",
        "online",
        "site",
        "website",
        "win",
        "vip",
        "loan",
        "bet",
        "casino",
        "buzz",
        "work",
        "rest",
        "su",
        "pw",
        "ws",
    ]
)
_SECOND_LEVEL = frozenset(
    ["co", "com", "org", "gov", "ac", "net", "edu", "ltd", "plc", "sch", "nhs", "police", "mod"]
)

# the digits normalise() reads as letters inside a word
_DIGIT_LETTERS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}


def _leet_spellings(word: str) -> str:
    """A regex for a word with letters possibly written as digits ("c0m")."""
    return "".join(
        "[" + ch + "".join(d for d, letter in _DIGIT_LETTERS.items() if letter == ch) + "]"
        for ch in word
    )


_SPELT_OUT_TLDS = [
    "com",
    "net",
    "org",
    "info",
    "biz",
    "io",
    "co",
    "me",
    "xyz",
    "top",
    "online",
    "site",
    "club",
    "uk",
    "us",
    "ru",
    "ly",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "icu",
    "shop",
    "store",
    "live",
    "app",
    "vip",
    "pw",
    "cc",
]
# "example dot com", "example[.]com", "example (dot) net", "example . com" (and "c0m"). Read on
# Normalised.text_with_digits: undoing leet would turn "easycash4u" into "easycashau".
_OBFUSCATED_DOMAIN_RE = re.compile(
    r"\b([a-z0-9][a-z0-9-]{1,62})\s*(?:\(\s*dot\s*\)|\[\s*dot\s*\]|\{\s*dot\s*\}|\[\.\]|\(\.\)"
    r"|\s+dot\s+|\s+\.\s+|\s+d0t\s+)\s*("
    + "|".join(_leet_spellings(tld) for tld in _SPELT_OUT_TLDS)
    + r")\b"
)
_UNLEET = str.maketrans(_DIGIT_LETTERS)


def registrable_domain(host: str) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; ``www.example.com`` -> ``example.com``."""
    host = host.lower().strip(".").removeprefix("www.")
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _host(url: str) -> str:
    u = url if "://" in url else "http://" + url
    try:
        return (urlsplit(u).hostname or "").lower()
    except ValueError:
        return ""


def _listed_domain(entry: str) -> str:
    """A site's list entry as a domain: moderators paste addresses ("https://www.x.com/page")
    and wildcards ("*.x.com") as often as bare domains."""
    entry = entry.strip().lower()
    if "/" in entry:
        entry = _host(entry)
    return entry.removeprefix("*.").removeprefix("www.").strip(".")


# A host name once an entry is read as _listed_domain reads it: labels of letters, digits and
# hyphens (any script), and a top-level domain that is not a number.
_DOMAIN = re.compile(r"^(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)$")


def unreadable_domain_entries(entries: Iterable[str]) -> list[str]:
    """The entries of a site list that name no domain, so would never match a link: two sites on
    one line ("gov.uk, bbc.co.uk"), a word, a typo. An IP address is a site too."""
    return [entry for entry in entries if not _names_a_site(_listed_domain(entry))]


def _names_a_site(domain: str) -> bool:
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        return bool(_DOMAIN.match(domain))
    return True


def _matches(host: str, domains: Iterable[str]) -> bool:
    for d in domains:
        d = _listed_domain(d)
        if d and (host == d or host.endswith("." + d)):
            return True
    return False


@dataclass
class LinkFacts:
    count: int = 0
    domains: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    # Of those, the ones on the site's own allow list (Settings → Moderation), not the default.
    site_allowed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    shorteners: list[str] = field(default_factory=list)
    messenger: list[str] = field(default_factory=list)
    suspicious_tld: list[str] = field(default_factory=list)
    ip_hosts: list[str] = field(default_factory=list)
    obfuscated: list[str] = field(default_factory=list)


def link_facts(
    n: Normalised,
    *,
    author_url: str = "",
    allow: Iterable[str] = (),
    block: Iterable[str] = (),
    use_default_allow: bool = True,
) -> LinkFacts:
    """Links in the comment (and the guest's website field), classified by domain."""
    site_allow_list = list(allow)
    allow_list = [*site_allow_list, *(DEFAULT_ALLOWED_DOMAINS if use_default_allow else ())]
    block_list = list(block)
    facts = LinkFacts()
    urls = list(n.urls)
    if author_url and author_url.strip():
        urls.append(author_url.strip())
    hosts: list[str] = []
    for url in urls:
        host = _host(url)
        if host:
            hosts.append(host)
    for m in _OBFUSCATED_DOMAIN_RE.finditer(n.text_with_digits or n.text):
        host = f"{m.group(1)}.{m.group(2).translate(_UNLEET)}"
        if host not in hosts:
            hosts.append(host)
            facts.obfuscated.append(host)
    facts.count = len(hosts)
    for host in hosts:
        dom = registrable_domain(host)
        if dom not in facts.domains:
            facts.domains.append(dom)
        try:
            ipaddress.ip_address(host)
            facts.ip_hosts.append(host)
        except ValueError:
            pass
        if _matches(host, block_list):
            facts.blocked.append(dom)
        elif _matches(host, MESSENGER_DOMAINS):
            facts.messenger.append(host)
        elif _matches(host, SHORTENERS):
            facts.shorteners.append(host)
        elif _matches(host, allow_list):
            facts.allowed.append(dom)
            if _matches(host, site_allow_list):
                facts.site_allowed.append(dom)
        else:
            facts.unknown.append(dom)
            if host.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS:
                facts.suspicious_tld.append(dom)
    return facts


# --- money, scam shapes, contact details ------------------------------------------------------

_AMOUNT = (
    r"(?:[$€£¥]\s?\d[\d,.]{0,20}(?:\s?(?:k|m|bn|million|billion|trillion|thousand|grand))?"
    r"|\b\d[\d,.]{0,20}\s?(?:k\b|grand\b|usd\b|dollars?\b|bucks\b|euros?\b|pounds?\b|gbp\b|"
    r"btc\b|bitcoins?\b|usdt\b|eth\b))"
)
_AMOUNT_RE = re.compile(_AMOUNT)
_PUBLIC_MONEY = re.compile(r"\b(?:million|billion|trillion|bn|m)\b|\d\s?(?:bn|m)\b")
_PERIOD = r"(?:per|a|an|each|every|/)\s?(?:hour|hr|day|week|wk|month|mo|year)\b|\b(?:hourly|daily|weekly|monthly)\b"
_EARN_VERB = (
    r"\b(?:earn|earns|earned|earning|earnings|make|makes|made|making|paid|paying|pays|pay me|"
    r"get paid|got paid|getting paid|receive|received|receiving|income|profit|profits|cashed|"
    r"cash out|withdraw|withdrew|bring in|brought in|generate|generating|won|win|winning)\b"
)
_EARNINGS_RES = (
    re.compile(_EARN_VERB + r"(?:\W+\w+){0,6}?\W+" + _AMOUNT),
    re.compile(_AMOUNT + r"(?:\W+\w+){0,3}?\W*(?:" + _PERIOD + r")"),
    re.compile(
        r"\b(?:earn|make|made|making)\s+(?:real\s+|extra\s+|easy\s+|good\s+)?"
        r"(?:money|cash|income|dollars)\s+(?:online|from home|at home|fast|easily|daily)\b"
    ),
)

_DRUGS = (
    r"(?:viagra|cialis|levitra|tramadol|xanax|oxycodone|oxycontin|valium|adderall|"
    r"percocet|vicodin|ambien|phentermine|modafinil|kamagra|fentanyl)"
)
# An advert's imperative ("Buy cheap Viagra", "Order generic Cialis today"), not a sentence about
# people who buy it: it opens the comment or a sentence.
_DRUG_SALE_RE = re.compile(
    r"(?:^|[.!?\n]\s*)(?:buy|order|get|purchase)\s+(?:(?:cheap|cheapest|generic|discount|"
    r"discounted|real|genuine|original|quality|your)\s+)*" + _DRUGS + r"\b"
    r"|\b" + _DRUGS + r"\s+(?:for sale|on sale|cheap online|online cheap|without prescription)\b"
)

_SCAM_SHAPES: dict[str, tuple[str, ...]] = {
    "work from home": (
        r"\bwork(?:ing|ed)? (?:from|at) (?:home|your home|my home|the comfort)",
        r"\b(?:earn|earning|make|making|made) (?:money |cash |\$\d+ )?(?:from|at) home\b",
        r"\b(?:daily|weekly|instant) (?:payouts?|payments?|profits?)\b",
        r"\bfrom the comfort of (?:your|my|their) (?:own )?home",
        r"\bhome[- ]?based (?:job|jobs|business|work)",
        r"\b(?:online|part[- ]?time|full[- ]?time) (?:job|jobs|work|income)\b",
        r"\bno experience (?:needed|required|necessary)",
        r"\bbe your own boss\b",
        r"\b(?:side hustle|easy money|extra income|passive income|financial freedom)\b",
        r"\b(?:this is what i do|here is what i do|heres what i do|this is what i've been doing)\b",
        r"\b(?:go to|visit|open|check|copy|click) (?:this|the|my|following) "
        r"(?:link|site|website|page|web)\b",
        r"\bfor more (?:details|info|information) (?:visit|go|check|click)\b",
        r"\bi (?:quit|left) my (?:day )?job\b",
        # "she earned £80,000 in 3 months from home", "ask me how" (not "ask me how I know")
        r"\b(?:earn|earns|earned|earning|make|makes|made|making)\b[^.!?\n]{0,40}\bfrom home\b",
        r"\bask me how\b(?! (?:i|we) (?:know|knew|found out|learned|learnt)\b)",
        r"\bmy (?:best friend|friend|neighbou?r|sister|aunt|mom|mum|cousin)'?s? "
        r"(?:mom|mum|sister|aunt|husband|wife|step[- ]?mother|brother)? ?"
        r"(?:makes|made|earns|earned)\b",
    ),
    "crypto recovery": (
        r"\brecover(?:ed|y|ing)? (?:my |your |all |our |the )?(?:lost |stolen |scammed )?"
        r"(?:funds|crypto|bitcoin|btc|money|usdt|coins|wallet|investment)",
        r"\b(?:crypto|bitcoin|fund|funds|asset|wallet) recovery\b",
        r"\b(?:hacker|recovery expert|recovery agent|recovery specialist|cyber expert|"
        r"hack expert|ethical hacker)\b",
        r"\b(?:binary options?|forex|bitcoin mining|crypto mining|trading platform|"
        r"trading expert|account manager|investment manager|mining pool)\b",
        r"\b(?:invest(?:ed|ing)?) (?:with|through) (?:mr|mrs|ms|miss|dr)\b",
        r"\b(?:mr|mrs|ms|miss|dr)\.? \w+,? (?:(?:he|she) )?(?:helped|has helped|made|changed|"
        r"recovered|got)\b",
        r"\b(?:got|get|getting|gotten) (?:back )?(?:all )?(?:of )?(?:my|your|our|their) "
        r"(?:stolen |lost )?(?:usdt|btc|bitcoin|crypto|funds|money|coins|eth)(?: back)?\b",
        r"(?<![a-z])(?:hacker|hackers|recovery)(?:_|\b)",
        r"\b(?:btc|usdt|eth) (?:wallet|address|investment)\b",
        r"\bcrypto(?:currency)? (?:investment|trading|expert|signals)\b",
    ),
    "pharmacy": (
        r"\b" + _DRUGS + r"\b",
        r"\b(?:online pharmacy|no prescription|without (?:a )?prescription|rx online|"
        r"male enhancement|weight loss pills?|diet pills?|miracle (?:diet )?(?:cure|pill)s?|"
        r"cbd gummies|doctors hate)\b",
        r"\blose \d+ ?(?:lbs|pounds|kg|kilos) in \d+ (?:days|weeks)\b",
    ),
    "prize or loan": (
        # not "you won't", nor "you won the vote": debate, not a prize
        r"\b(?:you(?:'ve| have)? (?:won(?!['\u2019]t)(?! (?:the|this|that) (?:election|vote|seat|"
        r"argument|debate|referendum|race|case|point)\b)|been selected)|"
        r"claim (?:your|ur) (?:prize|reward|"
        r"gift|winnings)|lottery winner|congratulations[,!]? you)",
        r"\b(?:inheritance|beneficiary|next of kin|unclaimed funds|wire transfer)\b",
        r"\b(?:loan offer|loan lender|instant loan|guaranteed loan|credit repair|"
        r"debt relief)\b",
        r"\b(?:free gift card|free iphone|gift cards? giveaway|giveaway winner)\b",
    ),
    "adult or dating": (
        r"\b(?:hot|sexy|lonely|horny) (?:girls|singles|women|milfs|ladies)\b",
        r"\b(?:hook ?up|dating site|sex chat|cam girls|webcam girls|nudes|onlyfans|adult dating)\b",
    ),
    "followers or views": (
        r"\bbuy (?:cheap )?(?:followers|views|likes|subscribers|reviews)\b",
        r"\b(?:cheap|free|real) (?:followers|subscribers|views|likes)\b",
        r"\b(?:backlinks|seo services|increase your traffic)\b",
    ),
    "self-promotion": (
        # "check out my ...", "check me out", "checkout our new ..."
        r"\b(?:check|chek|chk)\s+out\s+(?:my|our)\b|\bcheckout\s+(?:my|our)\b",
        r"\b(?:check|checkout)\s+(?:me|us)\s+out\b",
        r"\b(?:check|visit|watch|see|look at|view|listen to|hear) (?:my|our) "
        r"(?:\w+ ){0,2}?(?:channel|chanel|video|videos|vids?|page|blog|website|site|music|song|"
        r"songs|mixtape|profile|playlist|cover|covers|remix|account|shop|store|track|tracks|"
        r"album|band|podcast|stream|book|ebook|art|work)\b",
        r"\bmy (?:youtube |yt |new |own |gaming |music )?(?:channel|chanel|vids|mixtape|"
        r"playlist|podcast)\b",
        r"\bcheck (?:out )?this (?:video|playlist|channel|website|site|game|app) on "
        r"(?:youtube|facebook|instagram|tiktok|twitter|soundcloud)\b",
        # subscribe / follow / like exchange
        r"\b(?:subscribe|subscrib|subcribe|suscribe|sucscribe|sub|subs|follow) (?:to )?"
        r"(?:my|me|us|our)\b",
        r"\b(?:subscribe|subs?|follow|like)\s?(?:4|for)\s?(?:subs?|follow|like)\b",
        r"\b(?:i(?:'ll| will)? )?(?:subscribe|sub|follow) (?:you |u )?back\b",
        r"\b(?:please|pls|plz) (?:\w+ ){0,2}?(?:subscribe|check out|checkout|visit my|watch my|"
        r"view my|share my)\b",
        r"\bfollow me on\b",
        r"\bpromo code\b",
    ),
}
_SCAM_RES = {k: tuple(re.compile(p) for p in v) for k, v in _SCAM_SHAPES.items()}


def _spaced(word: str) -> str:
    """A name whose letters may be split by a hyphen, dot or space: "teleg-ram"."""
    return r"[\s.\-_*]?".join(re.escape(ch) for ch in word)


_MESSENGER_RE = re.compile(
    r"\b(?:"
    + "|".join(_spaced(w) for w in ("whatsapp", "telegram", "wechat", "snapchat", "signal app"))
    + r"|whats app|whatsap|watsapp|whatapp|wa\.me|telegrm|t\.me|viber|kik|snap chat|skype|"
    r"line app|imo app|icq|session app)\b"
)
_CONTACT_RE = re.compile(
    r"\b(?:contact|text|txt|message|msg|dm|inbox|reach|call|whatsapp|add) "
    r"(?:me|him|her|them|us|mr|mrs|ms|dr|the|via|on|at)\b"
)
_HANDLE_RE = re.compile(r"(?<![\w@.])@[a-z0-9_]{3,32}\b")
_PHONE_RE = re.compile(r"(?<![\w])(?:\+|00)?\d[\d\s().-]{7,20}\d(?![\w])")


@dataclass
class ScamFacts:
    money: list[str] = field(default_factory=list)
    earnings: list[str] = field(default_factory=list)
    shapes: dict[str, str] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)
    messenger: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    contact: bool = False
    emails: list[str] = field(default_factory=list)
    drug_sale: str = ""


# a number followed by one of these counts something: "2.126.521.750 views", "124923004 people"
_COUNTED_RE = re.compile(
    r"\s*(?:views?|wiews|likes?|dislikes?|subscribers?|followers?|people|persons|votes?|voters|"
    r"signatures?|times|hits|plays|streams|downloads|comments|users|viewers|members|deaths|"
    r"cases|jobs|years|dollars|euros|pounds|usd|eur|gbp)\b",
    re.IGNORECASE,
)


def _phones(raw: str) -> list[str]:
    out: list[str] = []
    for m in _PHONE_RE.finditer(raw):
        s = m.group(0)
        digits = re.sub(r"\D", "", s)
        if not 9 <= len(digits) <= 15:
            continue
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", s.strip()):
            continue  # 1,884,034,783 views
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s.strip()):
            continue  # 2.126.521.750 (thousands separated by dots)
        if _COUNTED_RE.match(raw, m.end()):
            continue  # 124923004 views
        if re.fullmatch(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", s.strip()):
            continue  # 2010-2015
        if "," in s:
            continue
        out.append(s.strip())
    return out


def name_advertises(name: str) -> bool:
    """Whether an author's name carries a link or a domain (spelt out too: "example dot com"),
    an e-mail address, a phone number, a messenger or a handle on one ("@loanfast"), or a sales
    pitch (guests often advertise there)."""
    n = normalise(name)
    facts = scam_facts(n)
    return bool(
        n.urls
        or facts.emails
        or link_facts(n).obfuscated
        or facts.phones
        or facts.messenger
        or facts.handles
        or facts.shapes
    )


@functools.lru_cache(maxsize=4096)  # the newsroom's names, read again for each guest's
def name_key(name: str) -> str:
    """A name as it reads, for telling whether two names are the same: case, accents, spacing,
    punctuation, look-alike letters and leet digits aside ("M0d-erator" and "moderator", "Zoë
    Müller" and "zoe muller" have one key)."""
    return re.sub(r"[^a-z0-9]", "", normalise(name or "").text)


def scam_facts(n: Normalised) -> ScamFacts:
    text = n.text
    facts = ScamFacts()
    facts.money = [m.group(0) for m in _AMOUNT_RE.finditer(text)]
    for rx in _EARNINGS_RES:
        for m in rx.finditer(text):
            span = m.group(0)
            # "$97 billion in tax cuts", "a $2 trillion budget": public money, not a pay claim
            if _PUBLIC_MONEY.search(span) and not re.search(_PERIOD, span):
                continue
            facts.earnings.append(span)
    for name, patterns in _SCAM_RES.items():
        for rx in patterns:
            m = rx.search(text)
            if m:
                facts.shapes[name] = m.group(0)
                break
    # phone numbers: on the raw text (normalisation may re-join spaced digits) and the normal one
    seen: set[str] = set()
    for p in [*_phones(n.raw), *_phones(text)]:
        key = re.sub(r"\D", "", p)
        if key not in seen:
            seen.add(key)
            facts.phones.append(p)
    facts.messenger = sorted({m.group(0) for m in _MESSENGER_RE.finditer(text)})
    facts.handles = [m.group(0) for m in _HANDLE_RE.finditer(text) if "." not in m.group(0)]
    facts.contact = bool(_CONTACT_RE.search(text))
    if sale := _DRUG_SALE_RE.search(text):
        facts.drug_sale = sale.group(0).strip(" .!?\n")
    facts.emails = list(n.emails)
    return facts


# --- posting rate -----------------------------------------------------------------------------

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse_rate(value: str | RateLimit | tuple[int, int] | None) -> RateLimit | None:
    """``"5/m"`` -> RateLimit(5, 60); also ``"10/h"``, ``"100/d"``, ``"5/30s"``, ``"3/min"``."""
    if value is None or value == "":
        return None
    if isinstance(value, RateLimit):
        return value
    if isinstance(value, tuple):
        return RateLimit(int(value[0]), int(value[1]))
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*", str(value).lower())
    if not m:
        raise ValueError(f"not a rate limit: {value!r} (expected e.g. '5/m')")
    unit = m.group(3).rstrip("s") if m.group(3) not in ("s",) else "s"
    if unit not in _UNITS:
        raise ValueError(f"unknown rate unit in {value!r}")
    return RateLimit(int(m.group(1)), int(m.group(2) or 1) * _UNITS[unit])
