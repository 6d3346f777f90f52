"""The error a loader raises for what it cannot read."""
from __future__ import annotations

from ..errors import VTLError


class LoaderError(VTLError):
    """A file cannot be read as an API: ``file``, ``location`` (a path into the document, such
    as ``paths./pets.get.x-amazon-apigateway-integration`` or ``line 12``) and ``message``."""

    def __init__(self, file: str, location: str, message: str):
        self.file, self.location, self.message = str(file), location, message
        where = f"{self.file}: {location}: " if location else f"{self.file}: "
        super().__init__(where + message)
