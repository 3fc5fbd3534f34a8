"""Choosing the H.264 encoder: hardware only when its device can exist and a trial encode
passes, else libx264 with a note that says why."""

from __future__ import annotations

import glob

import pytest

from core.media import encoders


def test_videotoolbox_is_ruled_out_off_macos_without_a_trial():
    assert (
        encoders.missing_device("h264_videotoolbox", "linux") == "VideoToolbox exists only on macOS"
    )
    assert encoders.missing_device("h264_videotoolbox", "darwin") is None


def test_device_nodes_are_only_required_on_linux():
    for name in ("h264_nvenc", "h264_qsv", "h264_vaapi"):
        assert encoders.missing_device(name, "win32") is None


@pytest.mark.skipif(
    bool(glob.glob("/dev/nvidia[0-9]*")), reason="this machine has an NVIDIA device"
)
def test_nvenc_without_an_nvidia_device_is_refused_with_the_reason():
    assert encoders.missing_device("h264_nvenc", "linux") == "no NVIDIA device (/dev/nvidia*)"
    choice = encoders.choose_encoder("h264_nvenc")
    assert choice.name == "libx264"
    assert "h264_nvenc is not usable here" in choice.note


def test_auto_falls_back_to_software_and_tries_every_hardware_encoder_once(monkeypatch):
    tried = []
    real_check = encoders.check_encoder

    def counting(name):
        tried.append(name)
        return real_check(name)

    monkeypatch.setattr(encoders, "check_encoder", counting)
    choice = encoders.choose_encoder("auto")
    assert sorted(tried) == sorted(encoders.HARDWARE_ENCODERS)
    usable = [n for n in encoders.HARDWARE_ENCODERS if real_check(n).usable]
    assert choice.name == (usable[0] if usable else "libx264")


def test_auto_prefers_the_first_usable_hardware_encoder_in_order(monkeypatch):
    monkeypatch.setattr(
        encoders,
        "check_encoder",
        lambda name: encoders.EncoderCheck(name, name in ("h264_vaapi", "h264_qsv")),
    )
    choice = encoders.choose_encoder("auto")
    assert choice.name == "h264_qsv"  # listed before vaapi in HARDWARE_ENCODERS
    assert choice.note == "using the hardware encoder h264_qsv"
