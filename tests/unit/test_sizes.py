"""Sizes read the same everywhere: decimal units, the exact count on request."""

import pytest

from core.domain.sizes import describe_size, format_size


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, "-"),
        (512, "512 B"),
        (1_500, "1.5 kB"),
        (169_600_000, "169.6 MB"),  # what a file manager shows, not 161.7 (MiB)
        (4_200_000_000, "4.2 GB"),
    ],
)
def test_sizes_are_decimal(size, shown):
    assert format_size(size) == shown


def test_the_exact_size_names_its_convention():
    assert describe_size(30_760_024) == "30.8 MB (30,760,024 bytes; 1 MB = 1,000,000 bytes)"
    assert describe_size(None) == "-"
