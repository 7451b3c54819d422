"""The ``rejon`` command line (Typer). Each command is a thin shell over a service.

Only this package puts the parts together: ``rejon run`` serves the device's app with the
service embedded; nothing imports the CLI.
"""

import typer

from app.cli import bench, plans, reports, run, schedule, service

cli = typer.Typer(
    help="Rejon — plany działań priorytetowych dzielnicowych: dziennik, synchronizacja, raporty.",
    no_args_is_help=True,
    add_completion=False,
)
plan_cli = typer.Typer(help="Plans: list, show, import, calendar export.", no_args_is_help=True)
cli.add_typer(plan_cli, name="plan")

for _commands in (plans, schedule, reports, run, service, bench):
    _commands.register(cli, plan_cli)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
