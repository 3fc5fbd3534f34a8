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

        return ChapterFormats(self.chapters, self.vods)

    @cached_property
    def thumbnails(self):
        from core.media.thumbnails import ThumbnailService

        return ThumbnailService(self.database, self.database.data_dir)

    @cached_property
    def farm_executor(self):
        """The executor to give ``JobRunner``: the transcode farm's chunked ladder while a
        broker URL is set, else the local single-process ladder (checked per job)."""
        from core.jobs.farm.settings import SettingsSwitchedExecutor

        return SettingsSwitchedExecutor(self.settings, self.secrets)

    @cached_property
    def transcodes(self):
        from core.jobs.service import TranscodeService

        return TranscodeService(self.database, self.database.data_dir, self.settings)

    @cached_property
    def clips(self):
        from core.jobs.clips import ClipService

        return ClipService(self.database)

    # --- platform (uploads and sync) ------------------------------------------------------
    def platform_config(self):
        """Read fresh each time: a token set from the GUI applies to the next call."""
        from core.platform import PlatformConfig

        return PlatformConfig.from_context(self.settings, self.secrets)

    def platform_client(self):
        from core.platform import PlatformClient

        return PlatformClient(self.platform_config())

    @cached_property
    def uploads(self):
        from core.platform import TusClient, UploadService

        return UploadService(
            self.database, lambda: TusClient(self.platform_config()), self.platform_client
        )

    @cached_property
    def sync(self):
        from core.sync import SyncService

        return SyncService(self.database, self.platform_client)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.close()
