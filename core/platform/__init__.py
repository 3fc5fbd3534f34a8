"""The streaming platform's API and Cloudflare Stream uploads (tus)."""

from .client import PlatformClient
from .config import PlatformConfig
from .errors import PlatformError
from .progress import TransferProgress, UploadControl
from .tus import TusClient
from .uploads import UploadOptions, UploadResult, UploadService

__all__ = [
    "PlatformClient",
    "PlatformConfig",
    "PlatformError",
    "TransferProgress",
    "TusClient",
    "UploadControl",
    "UploadOptions",
    "UploadResult",
    "UploadService",
]
