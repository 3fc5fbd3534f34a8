"""Everything a command or window needs, built once and lazily from the data directory.

Each service is typed: panels and commands get ``AppContext`` (``ui.panel_api.PanelHost``
names it), never an untyped locator. The heavier services are imported when first used, so
a CLI command loads only what it touches.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from core.config import SettingsStore, resolve_data_dir
from core.library import ChapterService, VodLibrary
from core.secrets import SecretStore
from core.store.db import Database

if TYPE_CHECKING:
    from core.ai import AiService
    from core.formats import ChapterFormats
    from core.jobs.farm.settings import SettingsSwitchedExecutor
    from core.jobs.service import TranscodeService
    from core.jobs.signals import SignalService
    from core.library.thumbnails import ThumbnailService
    from core.platform import PlatformClient, PlatformConfig, UploadService
    from core.sync import SyncService


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
    def ai(self) -> AiService:
        from core.ai import AiService

        return AiService(self.database, self.chapters, self.settings, self.secrets)

    @cached_property
    def formats(self) -> ChapterFormats:
        from core.formats import ChapterFormats

        return ChapterFormats(self.chapters, self.vods)

    @cached_property
    def thumbnails(self) -> ThumbnailService:
        from core.library.thumbnails import ThumbnailService

        return ThumbnailService(self.database, self.database.data_dir)

    @cached_property
    def signals(self) -> SignalService:
        """Analyse, read and cancel a VOD's signals; suggest chapters from them."""
        from core.jobs.signals import SignalService

        return SignalService(self.database)

    @cached_property
    def farm_executor(self) -> SettingsSwitchedExecutor:
        """The executor to give ``JobRunner``: the transcode farm's chunked ladder while a
        broker URL is set, else the local single-process ladder (checked per job)."""
        from core.jobs.farm.settings import SettingsSwitchedExecutor

        return SettingsSwitchedExecutor(self.settings, self.secrets)

    @cached_property
    def transcodes(self) -> TranscodeService:
        from core.jobs.service import TranscodeService

        return TranscodeService(self.database, self.database.data_dir, self.settings)

    @cached_property
    def clips(self):
        from core.jobs.clips import ClipService

        return ClipService(self.database)

    # --- platform (uploads and sync) ------------------------------------------------------
    def platform_config(self) -> PlatformConfig:
        """Read fresh each time: a token set from the GUI applies to the next call."""
        from core.platform import PlatformConfig

        return PlatformConfig.from_context(self.settings, self.secrets)

    def platform_client(self) -> PlatformClient:
        from core.platform import PlatformClient

        return PlatformClient(self.platform_config())

    @cached_property
    def uploads(self) -> UploadService:
        from core.platform import TusClient, UploadService

        return UploadService(
            self.database, lambda: TusClient(self.platform_config()), self.platform_client
        )

    @cached_property
    def sync(self) -> SyncService:
        from core.sync import SyncService

        return SyncService(self.database, self.platform_client)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.close()
