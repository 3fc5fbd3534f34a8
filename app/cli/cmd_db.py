"""``db check|restore|backup``: the health of the SQLite cache and its rolling backups.

These work on the file directly, never through ``context.database``: they are what a user
runs when the database cannot be opened.
"""

from __future__ import annotations

import sys

from core.store.backups import check_database, damaged, list_backups, restore, take_backup
from core.store.db import DATABASE_FILENAME, prepare_data_dir

from .output import human_size, print_json, print_table

GROUP = "db"


def register(cli) -> None:
    parser = cli.subcommand(
        GROUP, "check", check, "check the database (SQLite integrity check) and list its backups"
    )
    parser.add_argument("--json", action="store_true")

    parser = cli.subcommand(
        GROUP,
        "restore",
        restore_backup,
        "put the newest sound backup in place of a damaged database (kept aside, untouched)",
    )
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--from", dest="source", metavar="BACKUP", help="this backup (a path or a name from check)"
    )
    choice.add_argument(
        "--empty",
        action="store_true",
        help="no backup: set the damaged database aside, start empty",
    )

    cli.subcommand(GROUP, "backup", backup_now, "take a backup of the database now")


def check(args, context) -> int:
    data_dir = prepare_data_dir(context.data_dir)
    path = data_dir / DATABASE_FILENAME
    problem = check_database(path) if path.exists() or path.is_symlink() else None
    backups = [(b, check_database(b.path)) for b in list_backups(data_dir)]
    if args.json:
        print_json(
            {
                "database": str(path),
                "exists": path.exists(),
                "sound": problem is None,
                "problem": problem,
                "backups": [{**b.to_json(), "sound": p is None, "problem": p} for b, p in backups],
            }
        )
    else:
        state = "sound" if problem is None else "DAMAGED"
        if not path.exists():
            state = "no database yet"
        print(f"database: {path}: {state}")
        if not backups:
            print("backups: none yet")
        else:
            print(f"backups in {backups[0][0].path.parent}:")
            print_table(
                ["TAKEN", "REASON", "SIZE", "STATE", "NAME"],
                [
                    [
                        b.taken_at_text,
                        b.reason,
                        human_size(b.size_bytes),
                        "sound" if p is None else f"damaged: {p}",
                        b.path.name,
                    ]
                    for b, p in backups
                ],
            )
    if problem is not None:
        print(f"vodstudio: error: {damaged(path, problem)}", file=sys.stderr)
        return 1
    return 0


def restore_backup(args, context) -> int:
    data_dir = prepare_data_dir(context.data_dir)
    result = restore(data_dir, args.source, empty=args.empty)
    if result.set_aside is not None:
        print(f"the replaced database was kept, untouched, as {result.set_aside}")
    if result.restored_from is None:
        print("an empty library will be created at the next start")
    else:
        print(
            f"restored the backup of {result.restored_from.taken_at_text} "
            f"({result.restored_from.path.name}); changes made after it are not in it"
        )
    return 0


def backup_now(args, context) -> int:
    data_dir = prepare_data_dir(context.data_dir)
    path = data_dir / DATABASE_FILENAME
    problem = check_database(path)
    if problem is not None:
        raise damaged(path, problem)
    backup = take_backup(path, "manual")
    if backup is None:
        raise damaged(path, "its copy failed SQLite's integrity check")
    print(backup.path)
    return 0
