"""The smallest typer app with one command: the reference for `eta --help`."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Greet someone."""
    typer.echo(f"Hello {name}")


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""
    typer.echo(f"Bye {name}")


if __name__ == "__main__":
    app()
