from django.utils.crypto import salted_hmac

from masthead.discussion.readers import hash_address


def test_addresses_in_one_ipv6_64_count_as_one_address():
    home = hash_address("2001:db8:5:7::1")
    assert hash_address("2001:db8:5:7:a1b2:c3d4:e5f6:1234") == home
    assert hash_address("2001:0db8:0005:0007:0000:0000:0000:0009") == home
    assert hash_address("2001:db8:5:8::1") != home  # the neighbour's /64


def test_ipv4_addresses_count_one_by_one_whether_mapped_into_ipv6_or_not():
    assert hash_address("198.51.100.7") != hash_address("198.51.100.8")
    assert hash_address("::ffff:198.51.100.7") == hash_address("198.51.100.7")


def test_stored_ipv4_hashes_still_match():
    stored = salted_hmac("masthead.ip-address", "198.51.100.7", algorithm="sha256").hexdigest()
    assert hash_address("198.51.100.7") == stored[:40]


def test_no_address_has_no_hash():
    assert hash_address("") == ""
