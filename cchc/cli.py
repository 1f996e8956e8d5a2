"""The `cchc` command: Django's management commands under the project's settings.

cchc period Q3-2022            window and deadline of a period
cchc template load FILE        load a report template from YAML
cchc demo                      load the demo province
cchc dossiers import|stats|reclassify, cchc tthc import     the dossier register
cchc records recompute         recompute task and feedback due dates after a calendar change
cchc remind [--period CODE] [--date YYYY-MM-DD] [--dry-run]   reminders due today (cron)
cchc consolidate --unit CODE --period Y-2026 [--template CODE] [--include approved|submitted] --json
cchc export --unit CODE --period Q3-2022 --format docx|xlsx|pdf -o FILE
cchc dump -o FILE.zip [--province CODE]   all data (or one province's) with the evidence files
cchc restore FILE.zip [--replace]         load a dump into an empty, migrated database
cchc backup -o FILE            the database's own backup (SQLite online backup, pg_dump)
cchc runserver 127.0.0.1:8000  serve the web interface
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
