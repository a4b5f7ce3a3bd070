// Wagtail's page chooser opens at `parentId` only once a page is chosen (that page's parent);
// with nothing chosen it opens wherever Wagtail guesses, and its own `parentId` option is then
// ignored. This one opens at `openingPageId` until a page is chosen (see publishing/forms.py).
class PageChooserOpeningAt extends window.PageChooser {
  getModalOptions() {
    const options = super.getModalOptions();
    if (!options.parentId && this.opts.openingPageId) {
      options.parentId = this.opts.openingPageId;
    }
    return options;
  }
}
window.PageChooserOpeningAt = PageChooserOpeningAt;
