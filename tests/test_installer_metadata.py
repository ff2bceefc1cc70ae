"""The files that make hartdesk installable: the Windows installer script, the Linux desktop entry, AppStream
metadata, MIME type and icons, and the release workflow that builds the installers.

The Linux files are checked with the freedesktop tools themselves (desktop-file-validate, appstreamcli). Without
them these tests are skipped, except under CI (CI=true), where they fail: .ci/run installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hartdesk import APP_NAME, BACKUP_SUFFIX, __version__

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "uk.hartdesk.Hartdesk"
LINUX = ROOT / "installer" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / f"{APP_ID}.mime.xml"
ICONS = ROOT / "resources" / "icons"
ISS = ROOT / "installer" / "windows" / "hartdesk.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
BACKUP_MIME_TYPE = "application/x-hartdesk-backup"


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def require_tool(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is not None:
        return path
    message = f"{tool} is not installed (Debian: {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; under CI it must be installed (see .ci/run)", pytrace=False)
    pytest.skip(message)


def desktop_entry() -> dict[str, str]:
    """The keys of the [Desktop Entry] group."""
    entry: dict[str, str] = {}
    group = None
    for line in DESKTOP.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line.strip("[]")
        elif "=" in line and not line.startswith("#") and group == "Desktop Entry":
            key, value = line.split("=", 1)
            entry[key.strip()] = value.strip()
    return entry


def iss_text() -> str:
    return ISS.read_text(encoding="utf-8")


def iss_section(name: str) -> list[str]:
    """The non-comment lines of one [Section] of the Inno Setup script."""
    lines: list[str] = []
    inside = False
    for line in iss_text().splitlines():
        if line.startswith("["):
            inside = line.strip() == f"[{name}]"
        elif inside and line.strip() and not line.lstrip().startswith(";"):
            lines.append(line)
    return lines


def iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', iss_text(), re.MULTILINE))


def iss_expand(text: str) -> str:
    """``text`` with the script's {#Name} preprocessor constants filled in."""
    defines = iss_defines()
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], text)


# -- Linux --------------------------------------------------------------------------------------------------------


def test_desktop_file_validates() -> None:
    tool = require_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # hints count as problems too


def test_desktop_file_starts_hartdesk_with_its_icon_and_opens_backups() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert BACKUP_MIME_TYPE in entry["MimeType"].split(";")


def test_metainfo_validates() -> None:
    tool = require_tool("appstreamcli", "appstream")
    result = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_describes_this_desktop_entry_and_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("provides/binary") == APP_NAME
    assert component.findtext("provides/mediatype") == BACKUP_MIME_TYPE
    releases = [release.get("version") for release in component.iterfind("releases/release")]
    assert releases and releases[0] == project_version(), "the newest release listed must be pyproject's version"


def test_mime_type_claims_the_backup_suffix() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = ET.parse(MIME).getroot().find("m:mime-type", ns)
    assert mime_type is not None
    assert mime_type.get("type") == BACKUP_MIME_TYPE
    assert [glob.get("pattern") for glob in mime_type.iterfind("m:glob", ns)] == [f"*{BACKUP_SUFFIX}"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_icon_exists_at_each_size_and_in_each_format() -> None:
    from PIL import Image

    pngs = {int(path.stem.split("-")[1]): path for path in ICONS.glob("hartdesk-*.png")}
    assert {16, 24, 32, 48, 64, 128, 256, 512} <= set(pngs)
    for size, path in pngs.items():
        assert png_size(path) == (size, size), path
    svg = ET.parse(ICONS / "hartdesk.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    with Image.open(ICONS / "hartdesk.ico") as ico:  # Windows: the programs, shortcuts and backup files
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= ico.info["sizes"]
    with Image.open(ICONS / "hartdesk.icns") as icns:  # macOS: the app bundle
        assert icns.format == "ICNS" and icns.size == (1024, 1024)


# -- Windows ------------------------------------------------------------------------------------------------------


def test_installer_version_is_pyprojects() -> None:
    assert iss_defines()["AppVersion"] == project_version() == __version__
    assert "AppVersion={#AppVersion}" in iss_section("Setup")


def test_installer_files_it_names_exist() -> None:
    """SourceDir is the project's root; the icon is looked up from there when the installer is compiled."""
    setup = dict(line.split("=", 1) for line in iss_section("Setup") if "=" in line)
    assert setup["SourceDir"] == "..\\.."
    assert (ROOT / setup["SetupIconFile"].replace("\\", "/")).is_file()


def test_installer_needs_no_administrator() -> None:
    setup = iss_section("Setup")
    assert "PrivilegesRequired=lowest" in setup
    assert not any(line.startswith("PrivilegesRequiredOverridesAllowed") for line in setup)
    assert any(line.startswith("DefaultDirName={autopf}") for line in setup)  # {userpf} when installed per user


def test_installer_puts_hartdesk_in_the_start_menu() -> None:
    icons = [iss_expand(line) for line in iss_section("Icons")]
    assert any(
        line.startswith('Name: "{autoprograms}\\hartdesk"') and 'Filename: "{app}\\hartdesk-gui.exe"' in line
        for line in icons
    ), icons


def test_installer_associates_backups_for_this_user_only() -> None:
    registry = [iss_expand(line) for line in iss_section("Registry")]
    assert registry and all(line.startswith("Root: HKA;") for line in registry)  # HKCU for a per-user install
    assert any(f'Subkey: "Software\\Classes\\{BACKUP_SUFFIX}"' in line for line in registry), registry
    command = next(line for line in registry if "\\shell\\open\\command" in line)
    assert '"""{app}\\hartdesk-gui.exe"" gui ""%1"""' in command
    assert "ChangesAssociations=yes" in iss_section("Setup")


def test_uninstaller_keeps_the_register_and_says_where_it_is() -> None:
    text = iss_text()
    # platformdirs.user_data_dir(APP_NAME, appauthor=False) on Windows (hartdesk/paths.py), and HARTDESK_HOME's data
    assert "ExpandConstant('{localappdata}\\{#AppName}')" in text
    assert iss_defines()["AppName"] == APP_NAME
    assert "GetEnv('HARTDESK_HOME')" in text and "GetEnv('HARTDESK_REGISTER')" in text
    code = text.split("[Code]", 1)[1]
    message = code.split("procedure CurUninstallStepChanged", 1)[1]
    assert "usPostUninstall" in message and "MsgBox(" in message and "RegisterFolder" in message
    assert "register" in message.lower() and "kept" in message
    assert "[UninstallDelete]" not in text and "DelTree" not in text


# -- release workflow ---------------------------------------------------------------------------------------------


def workflow_steps() -> list[str]:
    """The workflow's steps, each as its text (a step starts with "- name:" or "- uses:" at the steps' indent)."""
    text = WORKFLOW.read_text(encoding="utf-8")
    steps_block = text.split("    steps:\n", 1)[1]
    return [step for step in re.split(r"\n(?=      - )", steps_block) if step.strip()]


def test_release_workflow_builds_on_windows_and_macos() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "\t" not in text  # YAML forbids tabs for indentation
    assert "os: windows-latest" in text and "os: macos-latest" in text
    assert "runs-on: ${{ matrix.os }}" in text
    assert 'python-version: "3.11"' in text
    steps = workflow_steps()
    assert any('pip install -c constraints.txt ".[installer]"' in step for step in steps)
    assert any("pyinstaller " in step and "installer/hartdesk.spec" in step for step in steps)
    iscc = next(step for step in steps if "run: iscc " in step)
    assert "if: runner.os == 'Windows'" in iscc
    assert "/DAppVersion=${{ steps.version.outputs.version }}" in iscc and "installer/windows/hartdesk.iss" in iscc
    version = next(step for step in steps if "id: version" in step)
    assert "tomllib" in version and "pyproject.toml" in version


def test_release_workflow_uploads_both_builds() -> None:
    uploads = [step for step in workflow_steps() if "uses: actions/upload-artifact@" in step]
    assert sorted(re.findall(r"if: runner.os == '(\w+)'", "\n".join(uploads))) == ["Windows", "macOS"]
    assert all("if-no-files-found: error" in step for step in uploads)
    windows = next(step for step in uploads if "'Windows'" in step)
    # the file the .iss writes: OutputDir=dist, OutputBaseFilename={#AppName}-{#AppVersion}-setup
    assert "path: dist/hartdesk-${{ steps.version.outputs.version }}-setup.exe" in windows
    setup = iss_section("Setup")
    assert "OutputDir=dist" in setup and "OutputBaseFilename={#AppName}-{#AppVersion}-setup" in setup


def exec_arguments(value: str) -> list[str]:
    """An Exec value's arguments, unquoted as the Desktop Entry Specification says: spaces separate them outside
    double quotes; inside, a backslash escapes " ` $ and itself; %% is a literal % (field codes such as %f stay)."""
    args: list[str] = []
    current: list[str] | None = None
    quoted = escaped = False
    for char in value:
        if escaped:
            assert char in '"`$\\', f"{char!r} may not be escaped in Exec"
            current = (current or []) + [char]
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
            current = current or []
        elif char == " " and not quoted:
            if current is not None:
                args.append("".join(current))
            current = None
        else:
            current = (current or []) + [char]
    assert not quoted and not escaped, value
    if current is not None:
        args.append("".join(current))
    return [arg.replace("%%", "%") for arg in args]


def test_the_bundle_carries_the_desktop_files_and_installs_them_for_one_user(tmp_path: Path) -> None:
    """Unpacked anywhere, even under a folder name full of characters the desktop entry must escape, the menu entry
    runs that program (its full path: ~/.local/bin is on the PATH only from the next sign-in)."""
    validate = require_tool("desktop-file-validate", "desktop-file-utils")
    bundle = tmp_path / 'Smith & Co "apps" $HOME 100%' / "hartdesk"
    bundle.mkdir(parents=True)
    program = bundle / "hartdesk"
    program.write_text("#!/bin/sh\necho hartdesk\n")
    program.chmod(0o755)
    subprocess.run([str(LINUX / "stage.sh"), str(bundle)], check=True)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}
    done = subprocess.run([str(bundle / "install-desktop.sh")], env=env, capture_output=True, text=True, check=True)
    share = home / ".local" / "share"
    entry_file = share / "applications" / "uk.hartdesk.Hartdesk.desktop"
    assert (share / "metainfo" / "uk.hartdesk.Hartdesk.metainfo.xml").is_file()
    assert (share / "mime" / "packages" / "uk.hartdesk.Hartdesk.xml").is_file()
    for size in (16, 48, 256):
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "uk.hartdesk.Hartdesk.png"
        assert png_size(icon) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "uk.hartdesk.Hartdesk.svg").is_file()
    assert (home / ".local" / "bin" / "hartdesk").resolve() == program.resolve()
    assert "application menu" in done.stdout

    checked = subprocess.run([validate, str(entry_file)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr
    installed = {}
    for line in entry_file.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            installed.setdefault(key, value.replace("\\\\", "\\"))  # the string's own escaping
    assert installed["TryExec"] == str(program)
    assert exec_arguments(installed["Exec"]) == [str(program), "gui", "%f"]
