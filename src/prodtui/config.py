"""User settings: `config.toml`, validated by pydantic. The file is the user's: what the app
saves (the theme chosen, the author given at the first start) is written into it with
tomlkit, keeping its comments, order and layout, atomically, through a symlink."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.text import CleanLine

Language = Literal["fr", "en"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Text settings are cleaned like any typed line: the author reaches the audit log.
    author: CleanLine = Field("", max_length=120)
    """Name written in the audit log and as tester; `$USER` when empty."""
    language: Language = "fr"
    theme: CleanLine = "textual-dark"
    keymap: dict[CleanLine, CleanLine] = {}
    """Binding id to keys, for instance `{ "capture" = "ctrl+k" }`."""
    default_workspace: Path | None = None
    standup_timebox_seconds: int = Field(90, ge=10, le=3600)
    """Speaking time per person in the stand-up timer."""
    recette_failure_reopens_story: bool = True
    """A failed test case sends its story back to "En cours" and raises a blocker."""
    run_output_lines: int = Field(10_000, ge=100, le=1_000_000)
    """Lines of an automated suite's output kept on screen; the whole output is in a file."""


class SettingsProblem(NamedTuple):
    path: Path
    line: int | None
    detail: str


class LoadedSettings(NamedTuple):
    settings: Settings
    problem: SettingsProblem | None
    """Set when the file was invalid: the defaults are used and the file is left alone."""

    @property
    def writable(self) -> bool:
        return self.problem is None


SETTINGS_FILE_LIMIT = 1_048_576
"""A settings file is a few lines: anything over a megabyte is not one."""


def load_settings(path: Path) -> LoadedSettings:
    from prodtui.exchange.files import read_input_file
    from prodtui.i18n import error_message

    try:
        # Only a regular file of sane size: `--config` naming a FIFO or /dev/zero must
        # neither hang the start nor fill the memory.
        text = read_input_file(path, SETTINGS_FILE_LIMIT).decode("utf-8")
    except ProdtuiError as error:
        if error.key == "input.missing":
            return LoadedSettings(Settings(), None)
        return LoadedSettings(Settings(), SettingsProblem(path, None, error_message(error)))
    except UnicodeDecodeError as error:
        return LoadedSettings(Settings(), SettingsProblem(path, None, str(error)))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return LoadedSettings(
            Settings(), SettingsProblem(path, _toml_error_line(error), str(error))
        )
    except RecursionError:  # tomllib recurses once per nested array or table
        from prodtui.i18n import t

        return LoadedSettings(Settings(), SettingsProblem(path, None, t("import.too_deep")))
    try:
        return LoadedSettings(Settings.model_validate(data), None)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        line = _line_of_key(text, str(first["loc"][0])) if first["loc"] else None
        return LoadedSettings(Settings(), SettingsProblem(path, line, f"{field}: {first['msg']}"))


class SettingsNotSaved(ProdtuiError):
    """The settings file could not be written; the settings still hold for the session."""


def save_settings(settings: Settings, path: Path, keys: Iterable[str] | None = None) -> None:
    """Write `keys` of `settings` (all when None) into the file at `path`, the rest of the
    file left as the user wrote it: comments, order, layout, other keys. A setting still at
    its default is not added to a file that does not name it. The file is replaced
    atomically (a crash mid-write leaves the old one, never half a file); when `path` is a
    symlink, its target is rewritten and the link stays. SettingsNotSaved says why it
    could not be written."""
    import tomlkit  # only needed when writing: kept off the start-up path

    target = path.resolve()  # through a symlink: the link stays, its target changes
    try:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        document = tomlkit.parse(current)
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as error:
        raise _not_saved(path, error) from error
    values: dict[str, Any] = settings.model_dump(mode="json", exclude_none=True)
    defaults: dict[str, Any] = Settings().model_dump(mode="json", exclude_none=True)
    for key in values if keys is None else keys:
        value = values.get(key)
        if value is None or (key not in document and value == defaults.get(key)):
            continue
        _set(document, key, value)
    text = tomlkit.dumps(document)
    if text == current:
        return
    try:
        _write_beside(target, text)
    except OSError as error:
        raise _not_saved(path, error) from error


def _set(document: Any, key: str, value: Any) -> None:
    """Set one key; a table (the keymap) is updated key by key, keeping its comments."""
    held = document.get(key)
    if isinstance(value, dict) and isinstance(held, dict):
        for name in [name for name in held if name not in value]:
            del held[name]
        for name, entry in value.items():
            if held.get(name) != entry:
                held[name] = entry
    elif held != value:
        document[key] = value


def _write_beside(target: Path, text: str) -> None:
    """A temporary file in the target's folder, then renamed onto it: same file system,
    so the rename is atomic. The file keeps its permissions (a new one is private)."""
    import os
    import stat
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _not_saved(path: Path, error: BaseException) -> SettingsNotSaved:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return SettingsNotSaved("settings.cannot_save", path=str(path), reason=reason)


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(error, "lineno", None)  # Python >= 3.14
    if lineno:
        return int(lineno)
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None


def _line_of_key(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*[=.])")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
