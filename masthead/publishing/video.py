"""Turning a video page address into a privacy-friendly embed, without asking the provider.

No oEmbed request is made: the server has no business calling out to YouTube on every save, and
the reader's browser loads nothing from the provider until they click play (not even a
thumbnail: the facade shows the editor's poster image, or a plain frame).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
# A start time as YouTube writes it: "42", "42s", "1m30s", "1h2m3s".
START_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}

UNEMBEDDABLE_VIDEO = (
    "This address cannot be embedded. Paste the address of a YouTube or Vimeo video, "
    "e.g. https://www.youtube.com/watch?v=… or https://vimeo.com/…"
)


@dataclass(frozen=True)
class VideoEmbed:
    provider: str
    video_id: str
    embed_url: str
    watch_url: str


def video_embed_for(url: str) -> VideoEmbed | None:
    """The embed for a YouTube or Vimeo address, or None when the address is not one we can embed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    path_segments = [segment for segment in parts.path.split("/") if segment]

    query = parse_qs(parts.query)
    video_id = None
    if host in YOUTUBE_HOSTS:
        if parts.path == "/watch":
            video_id = query.get("v", [None])[0]
        elif len(path_segments) == 2 and path_segments[0] in {"embed", "shorts", "live", "v"}:
            video_id = path_segments[1]
    elif host == "youtu.be" and len(path_segments) == 1:
        video_id = path_segments[0]
    if video_id is not None:
        if not YOUTUBE_ID.match(video_id):
            return None
        start = _seconds(query.get("t", query.get("start", [""]))[0])
        return VideoEmbed(
            provider="YouTube",
            video_id=video_id,
            embed_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
            + (f"&start={start}" if start else ""),
            watch_url=f"https://www.youtube.com/watch?v={video_id}"
            + (f"&t={start}s" if start else ""),
        )

    if host in VIMEO_HOSTS:
        numeric = [segment for segment in path_segments if segment.isdigit()]
        if len(numeric) == 1 and (host != "player.vimeo.com" or path_segments[0] == "video"):
            video_id = numeric[0]
            return VideoEmbed(
                provider="Vimeo",
                video_id=video_id,
                embed_url=f"https://player.vimeo.com/video/{video_id}?autoplay=1&dnt=1",
                watch_url=f"https://vimeo.com/{video_id}",
            )
    return None


def _seconds(start_time: str) -> int:
    match = START_TIME.match(start_time or "")
    if not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds
