"""Reading other systems' XML exports (WordPress's WXR, Disqus's): helpers the readers share."""


def local_name(element) -> str:
    """An element's tag without its namespace (WXR 1.0, 1.1 and 1.2 differ only by namespace)."""
    return element.tag.rsplit("}", 1)[-1]


def leaf_texts(element) -> dict[str, str]:
    """The text of each child without children, by local name; where two share a local name
    (WXR's content:encoded and excerpt:encoded), the first one wins."""
    values = {}
    for child in element:
        if len(child) == 0:
            values.setdefault(local_name(child), child.text or "")
    return values


def wordpress_post_key(values: dict[str, str]) -> str:
    """What names a WordPress post (an item's leaf_texts) in every export of its site: its guid,
    which WordPress never changes (not even when the site moves), else its id; "" for neither."""
    guid = values.get("guid", "").strip()
    post_id = values.get("post_id", "").strip()
    if guid:
        return f"wordpress:{guid}"
    return f"wordpress:id:{post_id}" if post_id else ""
