"""Run the daily jobs now, in this process: the crontab alternative to run_scheduler.

Each job runs at most once a day (a second call the same day skips it, as a second
scheduler would); `--force` runs it again, recorded as a manual run. Exits with an error
if a job failed, so cron mails or logs it.
"""

from django.core.management.base import BaseCommand, CommandError

from mobility import jobs


class Command(BaseCommand):
    help = "Lance maintenant les tâches quotidiennes (toutes, ou celle de --job)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            choices=list(jobs.DAILY_JOBS),
            help="Ne lancer que cette tâche (par défaut : toutes, dans l'ordre du planning).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Relancer même si la tâche a déjà tourné aujourd'hui.",
        )

    def handle(self, *args, job: str | None, force: bool, **options):
        names = [job] if job else list(jobs.DAILY_JOBS)
        failed = []
        for name in names:
            label = jobs.DAILY_JOBS[name].label
            try:
                job_run = jobs.run(name, manual=force)
            except Exception as error:  # recorded and logged by jobs.run; the others still run
                failed.append(name)
                self.stderr.write(f"{name} ({label}) : échec — {error}")
                continue
            if job_run is None:
                self.stdout.write(f"{name} ({label}) : déjà faite aujourd'hui.")
            else:
                self.stdout.write(f"{name} ({label}) : {job_run.summary}.")
        if failed:
            raise CommandError(f"Tâche(s) en échec : {', '.join(failed)}.")
