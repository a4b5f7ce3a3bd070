"""The pieces an article body is built from."""

import html
import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block import blocks as table_block
from wagtail.images import blocks as image_blocks

from masthead.funding.blocks import GoalBarBlock, OtherWaysToGivePromoBlock
from masthead.ids import parse_id
from masthead.publishing.video import UNEMBEDDABLE_VIDEO, video_embed_for

# "feedback" (from discussion) lets editors open a passage for inline reader comments.
BODY_RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "bold",
    "italic",
    "link",
    "ol",
    "ul",
    "blockquote",
    "hr",
    "feedback",
]


UNREADABLE_IMAGE = _(
    "The image chosen here did not come through (the page sent “%(value)s” in place of it): "
    "choose the image again."
)


class UnreadableImageChoice(str):
    """What the editor sent in place of an image's id, kept until the block's clean() refuses it."""


class ImageChooserBlock(image_blocks.ImageChooserBlock):
    """Wagtail's image chooser block, refusing with a message beside the field an image id that
    is not one. Wagtail looks the id up as the form is read, before any validation: a browser's
    script that sent "undefined" for a photo slot made saving, autosave and preview a server
    error (a 500)."""

    @cached_property
    def widget(self):
        from masthead.publishing.image_chooser import ImageChooser

        return ImageChooser()

    def value_from_form(self, value):
        if isinstance(value, str) and parse_id(value) is None:
            return UnreadableImageChoice(value)
        return super().value_from_form(value)

    def clean(self, value):
        if isinstance(value, UnreadableImageChoice):
            raise ValidationError(UNREADABLE_IMAGE, params={"value": value[:40]})
        return super().clean(value)

    def deconstruct(self):
        # Stored as Wagtail's block: only the reading of the form differs, not the data.
        _, args, kwargs = super().deconstruct()
        return "wagtail.images.blocks.ImageChooserBlock", args, kwargs


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(
        required=False, help_text=_("Leave empty to use the image's default caption.")
    )
    wide = blocks.BooleanBlock(
        required=False, help_text=_("Let the image run wider than the text.")
    )

    class Meta:
        icon = "image"
        template = "publishing/blocks/image.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "publishing/blocks/pull_quote.html"


class GalleryPhotoBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False)


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False)
    # A new gallery opens with as many empty slots as it needs (Wagtail's default is one). Each
    # slot names its fields: the editor fills a field missing from the default with "undefined".
    photos = blocks.ListBlock(
        GalleryPhotoBlock(), min_num=2, default=[{"image": None, "caption": ""}] * 2
    )

    class Meta:
        icon = "image"
        template = "publishing/blocks/gallery.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # A slot can be without its photo: a draft may keep one unfilled (Wagtail checks required
        # fields only on publishing), and a photo deleted from the library leaves its slot empty.
        # Shown, it was a hole in the grid, a link to nothing and a blank slide ("2 of 6").
        context["photos"] = [photo for photo in value["photos"] if photo["image"] is not None]
        return context


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    title = blocks.CharBlock(
        required=False, help_text=_("Shown on the play button before the video loads.")
    )
    caption = blocks.CharBlock(required=False)
    poster = ImageChooserBlock(
        required=False, help_text=_("Shown before the video loads (optional).")
    )

    class Meta:
        icon = "media"
        template = "publishing/blocks/video.html"

    def clean(self, value):
        cleaned = super().clean(value)
        if not cleaned["url"] and self.is_deferred_validation:
            return cleaned  # a draft may leave the address for later; publishing requires it
        if video_embed_for(cleaned["url"]) is None:
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(UNEMBEDDABLE_VIDEO)}
            )
        return cleaned

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed"] = video_embed_for(value["url"])
        if context["embed"] is None and (value["url"] or "").startswith(("https://", "http://")):
            context["video_url"] = value["url"]
        return context


# A table keeps its structure and the text formatting the body's rich text has; nothing else
# (no style, class or script) reaches the page.
TABLE_TAGS = {
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li", "sub", "sup",
}  # fmt: skip
TABLE_ATTRIBUTES = {
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "a": {"href"},
}
TAG = re.compile(r"<[^>]*>")
NOT_A_TABLE = _(
    "Enter a table in HTML, from <table> to </table>, with nothing around it: text before or "
    "after the table goes in a paragraph block."
)


EMPTY_TABLE = _("The table is empty: type into its cells, or remove the block.")


def clean_table_html(markup: str) -> str:
    """The table in `markup` reduced to TABLE_TAGS and TABLE_ATTRIBUTES, or "" unless that
    leaves tables and nothing else."""
    cleaned = nh3.clean(
        markup or "",
        tags=TABLE_TAGS,
        attributes=TABLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    ).strip()
    return cleaned if cleaned.startswith("<table") and cleaned.endswith("</table>") else ""


class TypedTable(str):
    """What an editor typed into a table block, as typed: shown back in its form, and escaped
    anywhere else; the form's clean() replaces it with the cleaned table before it is saved or
    previewed."""


class TableBlock(blocks.RawHTMLBlock):
    """A table as HTML (WordPress posts' tables come in as one), cleaned by clean_table_html
    when saved and again when read, so a value stored by other means is cleaned too."""

    def __init__(self, **kwargs):
        # A block's help is HTML in the editor: unescaped, the tags it names were taken as markup
        # ("from to . Headers (), a , links…").
        kwargs.setdefault(
            "help_text",
            escape(
                _(
                    "The table's HTML, from <table> to </table>. Headers (<th>), a <caption>, "
                    "links, bold and italic are kept; styles, classes and anything else are "
                    "removed."
                )
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return mark_safe(clean_table_html(value))  # noqa: S308 (cleaned just now)

    def normalize(self, value):
        if isinstance(value, TypedTable):
            return value
        return self.to_python(value)

    def value_from_form(self, value):
        # As typed, until clean(): cleaned here, text that is not a table came back to the
        # editor emptied, refused as "required" (or dropped from a draft without a word).
        return TypedTable(value or "")

    def clean(self, value):
        value = super().clean(value)
        if not str(value).strip():
            return value  # required, or allowed in a draft: the field's own rule decided
        cleaned = clean_table_html(value)
        if not cleaned:
            raise ValidationError(NOT_A_TABLE)
        return mark_safe(cleaned)  # noqa: S308 (cleaned just now)

    def get_searchable_content(self, value):
        # Each cell's words apart: strip_tags alone runs "Leaves</th><th>Arrives" together.
        return [" ".join(html.unescape(TAG.sub(" ", str(value))).split())]

    class Meta:
        icon = "code"
        label = _("Table as HTML")
        template = "publishing/blocks/table.html"


def _is_empty(cell) -> bool:
    return cell is None or not str(cell).strip()


def without_unused_cells(value: dict) -> dict:
    """A grid table without the empty rows and columns the grid leaves at its end (it opens
    with more than a small table needs), unless a merged cell reaches into them."""
    rows = [list(row) for row in value.get("data") or []]
    merges = value.get("mergeCells") or []
    merged_rows = {m["row"] + i for m in merges for i in range(m.get("rowspan", 1))}
    merged_cols = {m["col"] + i for m in merges for i in range(m.get("colspan", 1))}
    while (
        len(rows) > 1
        and len(rows) - 1 not in merged_rows
        and all(_is_empty(cell) for cell in rows[-1])
    ):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    while (
        width > 1
        and width - 1 not in merged_cols
        and all(_is_empty(row[width - 1]) for row in rows if len(row) >= width)
    ):
        width -= 1
    return {**value, "data": [row[:width] for row in rows]}


class GridTableBlock(table_block.TableBlock):
    """A table typed into a grid in the admin (Wagtail's spreadsheet editor): rows, columns,
    header row or column, a caption, merged cells. Cells are plain text, escaped when shown."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Type into the grid; right-click it to add or remove rows and columns. Choose "
                "whether the first row or column holds headings, and give the table a caption."
            ),
        )
        super().__init__(table_options={"renderer": "text"}, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        rows = (value or {}).get("data") or []
        is_empty = all(_is_empty(cell) for row in rows for cell in row)
        if is_empty and not self.is_deferred_validation:  # a draft may fill it in later
            raise ValidationError(EMPTY_TABLE)
        return value

    def render(self, value, context=None):
        return super().render(without_unused_cells(value) if value else value, context)

    class Meta:
        icon = "table"
        label = _("Table")
        template = "publishing/blocks/grid_table.html"
        # A new table opens with its first row as the header, as most tables have: unset, the
        # choice was easy to miss and the table was published with no header at all.
        default = {
            "table_header_choice": "row",
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "",
        }


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=BODY_RICH_TEXT_FEATURES, template="publishing/blocks/paragraph.html"
    )
    image = CaptionedImageBlock()
    pull_quote = PullQuoteBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    grid_table = GridTableBlock()
    table = TableBlock()


class InfoPageBodyBlock(blocks.StreamBlock):
    """An information page's body: an article's, without the passages readers comment on."""

    paragraph = blocks.RichTextBlock(
        features=[feature for feature in BODY_RICH_TEXT_FEATURES if feature != "feedback"],
        template="publishing/blocks/paragraph.html",
    )
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    grid_table = GridTableBlock()
    table = TableBlock()


class HomePromoBlock(blocks.StreamBlock):
    """What editors may place on the front page besides the news (blocks of other apps)."""

    goal_bar = GoalBarBlock()
    other_ways = OtherWaysToGivePromoBlock()
