"""Everything a command or window needs, built once and lazily from the data directory."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from core.config import SettingsStore, resolve_data_dir
from core.library import ChapterService, VodLibrary
from core.secrets import SecretStore
from core.store.db import Database


class AppContext:
    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = resolve_data_dir(str(data_dir) if data_dir else None)

    @cached_property
    def database(self) -> Database:
        database = Database.open(self.data_dir)
        self.data_dir = database.data_dir
        return database

    @cached_property
    def vods(self) -> VodLibrary:
        return VodLibrary(self.database)

    @cached_property
    def chapters(self) -> ChapterService:
        return ChapterService(self.database)

    @cached_property
    def settings(self) -> SettingsStore:
        return SettingsStore(self.database)

    @cached_property
    def secrets(self) -> SecretStore:
        return SecretStore(self.database.data_dir)

    @cached_property
    def ai(self):
        from core.ai import AiService

        return AiService(self.database, self.chapters, self.settings, self.secrets)

    @cached_property
    def formats(self):
        from core.formats import ChapterFormats

        return ChapterFormats(self.chapters)

    @cached_property
    def thumbnails(self):
        from core.media.thumbnails import ThumbnailService

        return ThumbnailService(self.database, self.database.data_dir)

    @cached_property
    def transcodes(self):
        from core.jobs.service import TranscodeService

        return TranscodeService(self.database, self.database.data_dir, self.settings)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.close()
