// Autosave's first save makes a revision, and its later ones overwrite it; "Save draft" (a
// plain form submission) does not know of it, and the form still says it was loaded from the
// revision before. Once autosave has saved, the form was in effect loaded from the revision it
// made: saying so lets "Save draft" extend that draft (publishing/wagtail_hooks.py) instead of
// adding a copy of it to the history.
document.addEventListener('w-autosave:success', (event) => {
  const form = event.target;
  const response = event.detail && event.detail.response;
  if (!(form instanceof HTMLFormElement) || !response || !response.revision_id) {
    return;
  }
  const loadedId = form.elements.namedItem('loaded_revision_id');
  const loadedAt = form.elements.namedItem('loaded_revision_created_at');
  if (loadedId && loadedAt) {
    loadedId.value = String(response.revision_id);
    loadedAt.value = response.revision_created_at;
  }
});
