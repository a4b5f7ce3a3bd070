from django.core.management.base import BaseCommand, CommandError

from masthead.moderation.services import filter_retrain
from masthead.moderation.services.training import RetrainingRunning

KINDS = {"spam": "Spam model", "abuse": "Abuse model"}


class Command(BaseCommand):
    help = (
        "Retrain the comment filter on the moderators' decisions now, as the admin's "
        "“Retrain now” does, and say what it learnt from, how the new and the current models "
        "score on the newest decisions held out, and whether the new ones were put in use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Train and judge the new models, but keep the filter in use and record nothing.",
        )

    def handle(self, *args, dry_run, **options):
        try:
            version = filter_retrain(promote=not dry_run)
        except RetrainingRunning as running:
            raise CommandError(f"Cannot retrain now: {running}.") from running
        if "refused" in version.metrics:
            raise CommandError(f"Cannot retrain: {version.metrics['refused']}.")
        if not version.judged:
            reasons = dict.fromkeys(version.metrics[kind]["skipped"] for kind in KINDS)
            raise CommandError(
                f"Learnt nothing from {version.trained_on + version.held_out} decisions: "
                f"{'; '.join(reasons)}."
            )

        self.stdout.write(
            f"Retrained on {version.trained_on + version.held_out} of the moderators' decisions: "
            f"{version.trained_on} to learn from, {version.held_out} newer ones held out to "
            "judge the new models against the ones in use."
        )
        for kind, name in KINDS.items():
            self.stdout.write(f"{name}: {model_outcome(version.metrics[kind])}")
        if dry_run:
            outcome = "would have been promoted" if version.promoted else "would have been refused"
            self.stdout.write(
                self.style.WARNING(f"Dry run: the new filter {outcome}; nothing was changed.")
            )
        elif version.promoted:
            self.stdout.write(
                self.style.SUCCESS("Promoted: the new filter is in use")
                + f" (kept in MASTHEAD_HOME/{version.directory})."
            )
        else:
            self.stdout.write(
                self.style.WARNING("Refused: the filter in use stays")
                + ", as no new model did as well on the held-out decisions."
            )


def model_outcome(metrics: dict) -> str:
    """One model's line: its scores before and after, and why it was kept or refused."""
    if "skipped" in metrics:
        return f"not retrained ({metrics['skipped']})."
    before, after = metrics["before"], metrics["after"]
    scores = (
        f"on {int(after['n'])} held-out decisions, F1 {score(before['f1'])} (in use) → "
        f"{score(after['f1'])} (new), ROC AUC {score(before['roc_auc'])} → "
        f"{score(after['roc_auc'])}"
    )
    if metrics["promoted"]:
        return f"{scores}: promoted, it does no worse than the model in use."
    return f"{scores}: refused, {why_worse(before, after)}; the model in use stays."


def why_worse(before: dict, after: dict) -> str:
    # training.should_promote keeps a new model only if neither score is lower.
    for key, label in (("f1", "F1"), ("roc_auc", "ROC AUC")):
        if None not in (before[key], after[key]) and after[key] < before[key]:
            return f"its {label} is lower ({score(after[key])} against {score(before[key])})"
    return "it scores slightly lower than the model in use"


def score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
