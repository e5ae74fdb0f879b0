"""The `prodtui` command: the workspace in the terminal, plus scriptable subcommands."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from prodtui import __version__
from prodtui.exchange.files import SafeWriter, for_json_terminal, write_new_text
from prodtui.failures import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    as_user_error,
    exit_status,
)
from prodtui.i18n import error_message, set_language, t, tn
from prodtui.paths import config_path, demo_dir, workspace_path

if TYPE_CHECKING:
    from prodtui.config import LoadedSettings
    from prodtui.store.workspace import Workspace


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # On subcommands the defaults are suppressed so `prodtui --db X capture …` keeps X.
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar="PATH",
        help="workspace file (default: $PRODTUI_DB, then the settings, then the user data dir)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=default,
        metavar="PATH",
        help="settings file (default: $PRODTUI_CONFIG, then the user config dir)",
    )
    parser.add_argument(
        "--lang",
        choices=["fr", "en"],
        default=default,
        help="language of the interface (default: from the settings, else fr)",
    )


def _app_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"prodtui {__version__}")
    _common_options(parser, suppress=False)
    parser.add_argument("--read-only", action="store_true", help="open the workspace read-only")


class _AppOnlyParser(argparse.ArgumentParser):
    """The options of the app alone; any error is left to the full parser to report."""

    def __init__(self) -> None:
        super().__init__(prog="prodtui", add_help=False)
        _app_options(self)

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Opening the app, with its options only, is the common case: it is parsed without
    building the parsers of every subcommand (a few ms of the first paint). Anything
    else (a command, `--help`, an error) goes to the full parser."""
    tokens = sys.argv[1:] if argv is None else argv
    try:
        args, rest = _AppOnlyParser().parse_known_args(tokens)
    except argparse.ArgumentError:
        rest = tokens
    if rest:
        return build_parser().parse_args(tokens)
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prodtui",
        description="A keyboard-first terminal workspace for product managers of public "
        "digital services: stand-up, user stories, recette, security.",
    )
    _app_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    capture = commands.add_parser("capture", help="capture one line into the inbox")
    _common_options(capture, suppress=True)
    capture.add_argument("text", nargs="+", help="the line, with the quick-capture syntax")

    demo = commands.add_parser("demo", help="open (or write) a demo workspace")
    _common_options(demo, suppress=True)
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.add_argument(
        "--out", type=Path, metavar="PATH", help="write the demo workspace to PATH and exit"
    )
    demo.add_argument("--seed", type=int, default=1, help="seed of the large workspace")

    export = commands.add_parser("export", help="export part of the workspace")
    exports = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    standup = exports.add_parser("standup", help="a day's stand-up summary")
    _common_options(standup, suppress=True)
    standup.add_argument("--date", metavar="DAY", help="2026-11-27, 27/11, hier… (default: today)")
    standup.add_argument("--format", choices=["md", "json"], default="md")
    standup.add_argument("--out", type=Path, metavar="PATH", help="write to PATH, not stdout")

    stories = exports.add_parser("stories", help="the backlog as .feature files, Markdown or CSV")
    _common_options(stories, suppress=True)
    stories.add_argument("--format", choices=["feature", "md", "csv"], default="feature")
    stories.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        required=True,
        help="a folder for .feature files, else a file",
    )

    recette_export = exports.add_parser("recette", help="a campaign's report in Markdown")
    _common_options(recette_export, suppress=True)
    recette_export.add_argument(
        "--campaign", required=True, metavar="NAME", help="the campaign to report on"
    )
    recette_export.add_argument(
        "--out", type=Path, metavar="PATH", help="write to a new file PATH, not stdout"
    )

    dossier_export = exports.add_parser("dossier", help="the homologation dossier in Markdown")
    _common_options(dossier_export, suppress=True)
    dossier_export.add_argument(
        "--out", type=Path, metavar="PATH", help="write to a new file PATH, not stdout"
    )

    raci_export = exports.add_parser("raci", help="the responsibilities (RACI) in Markdown")
    _common_options(raci_export, suppress=True)
    raci_export.add_argument(
        "--out", type=Path, metavar="PATH", help="write to a new file PATH, not stdout"
    )

    json_export = exports.add_parser("json", help="the whole workspace as JSON (to restore)")
    _common_options(json_export, suppress=True)
    json_export.add_argument(
        "--out", type=Path, metavar="PATH", help="write to a new file PATH, not stdout"
    )

    import_ = commands.add_parser("import", help="import into the workspace")
    imports = import_.add_subparsers(dest="what", metavar="WHAT", required=True)
    import_stories = imports.add_parser("stories", help="stories from CSV or .feature files")
    _common_options(import_stories, suppress=True)
    import_stories.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help=".csv or .feature files, or folders of .feature files",
    )
    import_stories.add_argument(
        "--keep-valid", action="store_true", help="import the valid records even if some are not"
    )

    import_junit = imports.add_parser(
        "junit", help="results of an automated suite (JUnit XML) into a campaign"
    )
    _common_options(import_junit, suppress=True)
    import_junit.add_argument("file", type=Path, metavar="FILE", help="the JUnit XML report")
    import_junit.add_argument(
        "--campaign", required=True, metavar="NAME", help="the campaign that receives the results"
    )
    import_junit.add_argument(
        "--keep-valid",
        action="store_true",
        help="import the valid results even if some name unknown cases",
    )

    import_json = imports.add_parser(
        "json", help="restore a JSON export into a new workspace file (--db NEW)"
    )
    _common_options(import_json, suppress=True)
    import_json.add_argument("file", type=Path, metavar="FILE", help="the JSON export")

    import_measures = imports.add_parser(
        "measures", help="a referential of security measures (TOML or CSV), all or nothing"
    )
    _common_options(import_measures, suppress=True)
    import_measures.add_argument(
        "file", type=Path, metavar="FILE", help="a .toml or .csv referential"
    )

    search = commands.add_parser(
        "search", help="search stories, captures, stand-ups, recette, measures and risks"
    )
    _common_options(search, suppress=True)
    search.add_argument("query", nargs="+", help="words; the last one may be a prefix")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.add_argument("--limit", type=int, default=50, metavar="N", help="at most N hits")

    backup = commands.add_parser("backup", help="copy the workspace safely, even while in use")
    _common_options(backup, suppress=True)
    backup.add_argument("--out", type=Path, metavar="PATH")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command. Whatever happens, the user reads one line per problem, never a
    traceback (unexpected errors leave theirs in the private log), and nothing printed
    holds a character the terminal would act on (text stored by an older version, a
    value echoed back): stdout and stderr escape it, JSON as `\\uXXXX`."""
    # Start-up allocates many long-lived objects (Textual, pydantic schemas): collecting
    # garbage meanwhile is wasted time. The app turns collection back on once warmed up.
    gc.disable()
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeWriter(out), SafeWriter(err)
    try:
        status = _main(argv)
        sys.stdout.flush()  # a full disk or a closed pipe on stdout is said here
        return status
    except SystemExit:
        raise
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BaseException as error:
        return _report(error, "")
    finally:
        sys.stdout, sys.stderr = out, err
        _settle(out)
        gc.enable()


def _main(argv: list[str] | None) -> int:
    from prodtui.config import load_settings

    args = parse_args(argv)
    if _prints_json(args) and isinstance(sys.stdout, SafeWriter):
        sys.stdout.escape = for_json_terminal
    cfg_path = config_path(args.config)
    loaded = load_settings(cfg_path)
    set_language(args.lang or loaded.settings.language)
    try:
        return _run(args, loaded, cfg_path)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:
        return _report(error, _workspace_file(args, loaded))


def _prints_json(args: argparse.Namespace) -> bool:
    return getattr(args, "format", None) == "json" or (
        args.command == "export" and getattr(args, "what", None) == "json"
    )


def _report(error: BaseException, workspace: object) -> int:
    """One line on stderr for `error`, and its exit status. What is not a refusal meant
    for the user (a full disk, a damaged file, a bug) also leaves its traceback in the
    private log."""
    from prodtui.domain.errors import ProdtuiError

    if isinstance(error, BrokenPipeError):
        return EXIT_FAILURE  # the reader left (`| head`): nothing to say
    if isinstance(error, ProdtuiError) or callable(getattr(error, "errors", None)):
        _say(error_message(error))  # type: ignore[arg-type]
        return exit_status(error)
    from prodtui.ui.errors import log_unexpected_error

    log = log_unexpected_error(error)
    user = as_user_error(error, workspace)
    if user is None:
        _say(t("failure.unexpected", kind=type(error).__name__, log=str(log)))
        return EXIT_FAILURE
    _say(error_message(user))
    return exit_status(user)


def _say(message: str) -> None:
    line = " ".join(message.split("\n"))  # one line, whatever a reason from below holds
    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing more to do
        print(f"prodtui: {line}", file=sys.stderr)


def _settle(out: object) -> None:
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
def _raw_streams() -> Iterator[None]:
    """The app draws on the terminal itself: its streams, unescaped, while it runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = getattr(out, "stream", out)
    sys.stderr = getattr(err, "stream", err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args: argparse.Namespace, loaded: LoadedSettings, cfg_path: Path) -> int:
    if args.command == "capture":
        return _capture(args, loaded)
    if args.command == "demo":
        return _demo(args, loaded, cfg_path)
    if args.command == "backup":
        return _backup(args, loaded)
    if args.command == "search":
        return _search(args, loaded)
    if args.command == "export" and args.what == "recette":
        return _export_recette(args, loaded)
    if args.command == "export" and args.what == "dossier":
        return _export_dossier(args, loaded)
    if args.command == "export" and args.what in ("raci", "json"):
        return _export_raci_or_json(args, loaded)
    if args.command == "import" and args.what == "json":
        return _import_json(args, loaded)
    if args.command == "export" and args.what == "stories":
        return _export_stories(args, loaded)
    if args.command == "export":
        return _export(args, loaded)
    if args.command == "import" and args.what == "junit":
        return _import_junit(args, loaded)
    if args.command == "import" and args.what == "measures":
        return _import_measures(args, loaded)
    if args.command == "import":
        return _import_stories(args, loaded)
    return _run_tui(_workspace_file(args, loaded), loaded, cfg_path, read_only=args.read_only)


def _workspace_file(args: argparse.Namespace, loaded: LoadedSettings) -> Path:
    return workspace_path(getattr(args, "db", None), loaded.settings.default_workspace)


def _warn_settings(loaded: LoadedSettings) -> None:
    if loaded.problem:
        path, line, detail = loaded.problem
        where = f"{path}:{line}" if line else str(path)
        print(f"prodtui: {t('settings.invalid', where=where, detail=detail)}", file=sys.stderr)


def _open(
    path: Path, loaded: LoadedSettings, *, read_only: bool = False, verify: bool = False
) -> Workspace:
    """Open the workspace; `verify` (for the commands that write) refuses a damaged file."""
    from prodtui.store import open_workspace

    return open_workspace(path, author=loaded.settings.author, read_only=read_only, verify=verify)


def _run_tui(path: Path, loaded: LoadedSettings, cfg_path: Path, *, read_only: bool) -> int:
    workspace = _open(path, loaded, read_only=read_only)
    from prodtui.ui.app import ProdtuiApp

    app = ProdtuiApp(workspace, loaded, cfg_path, warm_up=True)
    try:
        with _raw_streams():
            app.run()
    finally:
        workspace.close()
    return app.return_code or 0


def _capture(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.domain.capture import parse_capture
    from prodtui.texts import describe_item

    _warn_settings(loaded)
    line = " ".join(args.text)
    parsed = parse_capture(line, date.today())
    if not parsed.text:
        print(f"prodtui: {t('capture.empty')}", file=sys.stderr)
        return EXIT_USAGE
    workspace = _open(_workspace_file(args, loaded), loaded, verify=True)
    try:
        item = workspace.items.capture(parsed, source="cli")
    finally:
        workspace.close()
    for problem in parsed.problems:
        print(f"prodtui: {t(problem)}", file=sys.stderr)
    print(describe_item(item))
    return 0


def _demo(args: argparse.Namespace, loaded: LoadedSettings, cfg_path: Path) -> int:
    from prodtui.sample.demo import build_demo_workspace
    from prodtui.sample.large import generate_large_workspace

    if args.out:
        out: Path = args.out.expanduser()
        if out.exists():
            print(f"prodtui: {t('demo.exists', path=str(out))}", file=sys.stderr)
            return EXIT_USAGE
        if args.size == "large":
            generate_large_workspace(out, seed=args.seed)
        else:
            build_demo_workspace(out)
        print(out)
        return 0
    if args.size == "large":
        print(f"prodtui: {t('demo.large_needs_out')}", file=sys.stderr)
        return EXIT_USAGE
    # A fresh copy each time: the demo is there to be played with.
    folder = demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{datetime.now():%Y%m%d-%H%M%S-%f}.db"
    build_demo_workspace(path)
    for old in sorted(folder.glob("demo-*.db"))[:-5]:
        for companion in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            companion.unlink(missing_ok=True)
    return _run_tui(path, loaded, cfg_path, read_only=False)


def _export(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.domain.capture import parse_day
    from prodtui.exchange.standup import standup_json, standup_markdown

    _warn_settings(loaded)
    day = date.today()
    if args.date:
        parsed = parse_day(args.date, day)
        if parsed is None:
            print(f"prodtui: {t('standup.bad_date', value=args.date)}", file=sys.stderr)
            return EXIT_USAGE
        day = parsed
    workspace = _open(_workspace_file(args, loaded), loaded)
    try:
        standup = workspace.standups.day(day)
    finally:
        workspace.close()
    text = standup_json(standup) if args.format == "json" else standup_markdown(standup)
    if args.out:
        write_new_text(args.out.expanduser(), text, json=args.format == "json")
        print(args.out)
    else:
        sys.stdout.write(text)
    return 0


def _export_stories(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.story_exports import write_stories

    workspace = _open(_workspace_file(args, loaded), loaded)
    try:
        written = write_stories(workspace, args.format, args.out.expanduser())
    finally:
        workspace.close()
    print(t("story.exported", count=written, path=str(args.out)))
    return 0


def _import_stories(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.story_exports import read_story_files
    from prodtui.store.stories import ImportRefused

    result = read_story_files([p.expanduser() for p in args.paths])
    for problem in result.problems:
        print(f"{problem.position}: {problem.message}", file=sys.stderr)
    records = result.stories if args.keep_valid else result.importable
    if result.problems and not args.keep_valid:
        print(f"prodtui: {tn('story.import_nothing', len(result.problems))}", file=sys.stderr)
        return EXIT_USAGE
    workspace = _open(_workspace_file(args, loaded), loaded, verify=True)
    try:
        outcome = workspace.stories.import_stories(records, keep_valid=args.keep_valid)
    except ImportRefused as refused:
        for problem in refused.problems:
            print(f"{problem.position}: {problem.message}", file=sys.stderr)
        print(f"prodtui: {tn('story.import_nothing', len(refused.problems))}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        workspace.close()
    print(outcome.summary())
    return 0


def _import_junit(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.store.junit_import import run_import_junit

    workspace = _open(_workspace_file(args, loaded), loaded, verify=True)
    try:
        return run_import_junit(args, workspace)
    finally:
        workspace.close()


def _import_measures(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    workspace = _open(_workspace_file(args, loaded), loaded, verify=True)
    try:
        return run_import_measures(args, workspace)
    finally:
        workspace.close()


def run_import_measures(args: argparse.Namespace, workspace: Workspace) -> int:
    """`prodtui import measures FILE`: one summary line on stdout; each problem of a
    refused file on stderr with its position, exit status 2, nothing written."""
    from prodtui.exchange.referential import ReferentialRefused, read_referential

    path = Path(args.file).expanduser()
    try:
        outcome = workspace.measures.import_measures(read_referential(path), path.name)
    except ReferentialRefused as refused:
        for problem in refused.problems:
            print(f"{problem.position}: {problem.message}", file=sys.stderr)
        print(f"prodtui: {error_message(refused)}", file=sys.stderr)
        return EXIT_USAGE
    print(outcome.summary())
    return 0


def _export_recette(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.recette_report import run_export_recette

    workspace = _open(_workspace_file(args, loaded), loaded)
    try:
        return run_export_recette(args, workspace)
    finally:
        workspace.close()


def _export_dossier(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.dossier import run_export_dossier

    workspace = _open(_workspace_file(args, loaded), loaded)
    try:
        return run_export_dossier(args, workspace, date.today())
    finally:
        workspace.close()


def _export_raci_or_json(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.responsibilities import run_export_raci
    from prodtui.exchange.workspace_json import run_export_json

    run = run_export_raci if args.what == "raci" else run_export_json
    workspace = _open(_workspace_file(args, loaded), loaded)
    try:
        return run(args, workspace)
    finally:
        workspace.close()


def _import_json(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.exchange.workspace_json import run_import_json

    return run_import_json(args.file, _workspace_file(args, loaded), author=loaded.settings.author)


def _search(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    import json

    from prodtui.domain.errors import WorkspaceError

    query = " ".join(args.query)
    path = _workspace_file(args, loaded)
    try:  # read-only unless the file needs its migrations (the search index among them)
        workspace = _open(path, loaded, read_only=True)
    except WorkspaceError as error:
        if error.key != "workspace.read_only_old":
            raise
        workspace = _open(path, loaded)
    try:
        hits = workspace.search.search(query, limit=max(args.limit, 0))
    finally:
        workspace.close()
    if args.format == "json":
        fields = {"kind", "ref", "key", "title", "snippet", "marks", "rank"}
        rows = [hit.model_dump(mode="json", include=fields) for hit in hits]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print(f"prodtui: {t('search.none', query=query)}", file=sys.stderr)
    for hit in hits:
        print(f"{t(hit.kind.label_key):<10} {hit.key:<12} {hit.title}")
        print(f"{'':<10} {hit.marked('**', '**')}")
    return 0


def _backup(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    from prodtui.store.backup import backup_workspace

    source = _workspace_file(args, loaded)
    target = backup_workspace(source, args.out)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
