"""Where the console puts what a terminal cannot show: attached files and images (charts)."""

from __future__ import annotations

import tempfile
from pathlib import Path


class FileShelf:
    """Saves files in ``folder`` (a fresh temporary folder, made on first use, when None)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def save(self, filename: str, data: bytes, *, unique: bool) -> Path:
        """Write ``data`` under ``filename``'s base name and return its path. ``unique`` keeps earlier
        files of the same name: each chart stays where the line printed with it said it is."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="steward-files-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        name = Path(filename).name or "file"
        path = self.folder / name
        counter = 1
        while unique and path.exists():
            counter += 1
            path = self.folder / f"{Path(name).stem}-{counter}{Path(name).suffix}"
        path.write_bytes(data)
        return path
