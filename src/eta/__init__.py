"""eta: the release and incident processes of the eHerkenning trust framework, in git."""

__version__ = "0.1.0"
