"""What the `prodtui` command prints: everything through a `SafeWriter` (no character a
terminal would act on, JSON escaped as `\\uXXXX`), one line per problem on stderr, never
a traceback (unexpected errors leave theirs in the private log)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from prodtui.cli.exit_codes import EXIT_FAILURE, exit_status
from prodtui.domain.errors import ProdtuiError, WorkspaceError
from prodtui.domain.text import for_terminal
from prodtui.exchange.files import SafeWriter, for_json_terminal, write_new_text
from prodtui.failures import as_user_error
from prodtui.i18n import error_message, t

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


class Problem(Protocol):
    """A problem of an input file: where it is, and what is wrong."""

    @property
    def position(self) -> str: ...

    @property
    def message(self) -> str: ...


# --- Streams ---------------------------------------------------------------------------------


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """stdout and stderr escaped while a command runs; afterwards stdout is flushed, and
    bytes it cannot take (a full disk, a closed pipe) cannot become a traceback."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeWriter(out), SafeWriter(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
        settle(out)


def json_stdout() -> None:
    """stdout gets JSON: what a terminal would act on is escaped as `\\uXXXX`, so the
    document stays exact."""
    if isinstance(sys.stdout, SafeWriter):
        sys.stdout.escape = for_json_terminal


def settle(out: object) -> None:
    """Flush stdout; if it cannot take its last bytes (a full disk, a closed pipe), they
    go to /dev/null so that the interpreter's own last flush cannot print a traceback."""
    try:
        out.flush()  # type: ignore[attr-defined]
    except (OSError, ValueError):
        if out is sys.__stdout__:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, out.fileno())  # type: ignore[union-attr]
                os.close(devnull)


@contextlib.contextmanager
def raw_streams() -> Iterator[None]:
    """The app draws on the terminal itself: its streams, unescaped, while it runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = getattr(out, "stream", out)
    sys.stderr = getattr(err, "stream", err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


# --- Problems --------------------------------------------------------------------------------


def warn(message: str) -> None:
    """`prodtui: message` on stderr."""
    print(f"prodtui: {message}", file=sys.stderr)


def say(message: str) -> None:
    """`warn`, made one line whatever a reason from below holds, and silent when stderr
    itself is closed (there is nothing more to do)."""
    line = " ".join(message.split("\n"))
    with contextlib.suppress(OSError, ValueError):
        print(f"prodtui: {line}", file=sys.stderr)


def print_problems(problems: Iterable[Problem]) -> None:
    """Each problem of a refused file on stderr, with its position."""
    for problem in problems:
        print(f"{problem.position}: {problem.message}", file=sys.stderr)


def report(error: BaseException, workspace: object) -> int:
    """One line on stderr for `error`, and its exit status. What is not a refusal meant
    for the user (a full disk, a damaged file, a bug) also leaves its traceback in the
    private log."""
    if isinstance(error, BrokenPipeError):
        return EXIT_FAILURE  # the reader left (`| head`): nothing to say
    if isinstance(error, ProdtuiError) or callable(getattr(error, "errors", None)):
        say(error_message(error))  # type: ignore[arg-type]
        return exit_status(error)
    from prodtui.ui.errors import log_unexpected_error

    log = log_unexpected_error(error)
    user = as_user_error(error, workspace)
    if user is None:
        say(t("failure.unexpected", kind=type(error).__name__, log=str(log)))
        return EXIT_FAILURE
    say(error_message(user))
    return exit_status(user)


# --- Text exports ----------------------------------------------------------------------------


def export_text(workspace: Workspace, out: str | Path | None, build: Callable[[], str]) -> int:
    """The command line's side of a text export. `build` reads the workspace and returns
    the text, written to stdout, or to a new file whose path is printed. A refusal is one
    line on stderr: exit status 2 for what was asked (an unknown name, an existing file),
    1 when the workspace file itself cannot be read or the file cannot be written."""
    try:
        with workspace.reading():
            text = build()
        if out:
            print(write_new_text(Path(out).expanduser(), text))
        else:
            sys.stdout.write(for_terminal(text))
    except WorkspaceError as error:  # the file itself is damaged: not a usage error
        warn(error_message(error))
        return EXIT_FAILURE
    except (ProdtuiError, ValidationError) as error:
        warn(error_message(error))
        return exit_status(error)
    return 0
