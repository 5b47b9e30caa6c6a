"""The `lake` command's groups, found through entry points and imported only when used.

Every command and command group of `lake` is one line of `[project.entry-points."lake.commands"]`
in pyproject.toml: `name = "module:attribute"`, where the attribute is either a `typer.Typer`
(a group: `lake quarantine ...`) or a function (one command: `lake ingest`). An entry may
name an extra (`"lake.sandbox.cli:app [sandbox]"`): the command then refuses to load, saying
what to install, when that extra's packages are missing.

A command's module is imported only when the command runs or shows its own help. The list
in `lake --help` reads each command's one-line help from its module's source instead (the
function's docstring, or the Typer's `help=`), so listing the commands imports none of them.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import re
import shutil
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from lake.cli_options import fail
from lake.errors import LakeError, MissingPartError

GROUP = "lake.commands"
DISTRIBUTION = "lake"
Command = Any  # a click command as typer builds it (typer vendors its own click)


@dataclass(frozen=True)
class CommandEntry:
    """One `lake.commands` entry point: a command name and where its code lives."""

    name: str
    module: str
    attribute: str
    extras: tuple[str, ...] = ()

    @classmethod
    def of(cls, point: importlib.metadata.EntryPoint) -> CommandEntry:
        return cls(point.name, point.module, point.attr, tuple(point.extras))

    def load(self) -> Command:
        """Import the module and build the click command (after checking the extras)."""
        for extra in self.extras:
            missing = missing_requirements(extra)
            if missing:
                raise MissingPartError(
                    f"`lake {self.name}` needs {', '.join(missing)}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not installed",
                    f"install lake's optional part: pip install 'lake[{extra}]' "
                    f"(`make setup` does)",
                )
        target = getattr(importlib.import_module(self.module), self.attribute)
        return to_click(self.name, target)

    def placeholder(self) -> Command:
        """A stand-in carrying the name and help only, for the list in `lake --help`."""
        text = static_help(self.module, self.attribute)
        return TyperCommand(name=self.name, help=text, short_help=one_line(text))


def to_click(name: str, target: Any) -> Command:
    """A `typer.Typer` becomes a group, a function one command, both named `name`."""
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    elif callable(target):
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    else:
        raise TypeError(f"lake command {name!r} is neither a typer.Typer nor a function")
    command.name = name
    return command


def command_entries() -> dict[str, CommandEntry]:
    """The registered commands, in the order pyproject.toml lists them."""
    points = importlib.metadata.entry_points(group=GROUP)
    return {point.name: CommandEntry.of(point) for point in points}


# ---------------------------------------------------------------------------- extras


_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def missing_requirements(extra: str, distribution: str = DISTRIBUTION) -> list[str]:
    """The packages that `distribution[extra]` requires and that are not installed."""
    missing = []
    for requirement in importlib.metadata.requires(distribution) or []:
        marker = _EXTRA_MARKER.search(requirement)
        name = _REQUIREMENT_NAME.match(requirement)
        if marker is None or marker.group(1) != extra or name is None:
            continue
        if not is_installed(name.group(1)):
            missing.append(name.group(1))
    return missing


def is_installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


# ---------------------------------------------------------------------------- help without import


LIST_MARGIN = 17
"""Columns of `lake --help`'s command list besides the help: borders, padding, the name."""


def one_line(text: str) -> str:
    """The first sentence of `text`, cut to fit one line of the command list (so the list
    never wraps, in an 80-column terminal or a pipe)."""
    first = text.strip().split("\n\n", 1)[0].replace("\n", " ")
    first = re.split(r"(?<=\.)\s", first, maxsplit=1)[0].rstrip(".")
    room = max(shutil.get_terminal_size().columns - LIST_MARGIN, 30)
    if len(first) <= room:
        return first
    return first[: room - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def static_help(module: str, attribute: str) -> str:
    """The help of `module:attribute` read from the module's source, without importing it:
    a function's docstring, or the `help=` of `attribute = typer.Typer(help=...)`."""
    tree = _module_tree(module)
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == attribute:
            return ast.get_docstring(node) or ""
        if isinstance(node, ast.Assign | ast.AnnAssign) and attribute in _targets(node):
            return _help_keyword(node.value)
    return ""


def _targets(node: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _help_keyword(value: ast.expr | None) -> str:
    """The constant `help=` of a call such as `typer.Typer(help="...")`."""
    for keyword in value.keywords if isinstance(value, ast.Call) else []:
        if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return ""


@functools.cache
def _module_tree(module: str) -> ast.Module | None:
    """Find a module's file as the import system would, importing none of its packages."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    for depth in range(len(rest)):
        if spec is None or not spec.submodule_search_locations:
            return None
        name = ".".join([top, *rest[: depth + 1]])
        spec = importlib.machinery.PathFinder.find_spec(name, list(spec.submodule_search_locations))
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- the lazy group


class LazyCommands(MutableMapping[str, Command]):
    """A group's commands: the ones defined in place, then the registered ones, each loaded
    on first use. While `listing`, a registered command not yet loaded is a placeholder."""

    def __init__(
        self, defined: MutableMapping[str, Command], entries: dict[str, CommandEntry]
    ) -> None:
        self.loaded = dict(defined)
        self.entries = entries
        self.listing = False

    def __getitem__(self, name: str) -> Command:
        if name in self.loaded:
            return self.loaded[name]
        entry = self.entries[name]
        if self.listing:
            return entry.placeholder()
        try:
            command = entry.load()
        except LakeError as error:
            raise fail(error) from error
        self.loaded[name] = command
        return command

    def __setitem__(self, name: str, command: Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.loaded.pop(name, None)
        self.entries.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self.loaded
        yield from (name for name in self.entries if name not in self.loaded)

    def __len__(self) -> int:
        return len(self.loaded.keys() | self.entries.keys())


class LazyGroup(TyperGroup):
    """The `lake` group: its subcommands come from the `lake.commands` entry points."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands, command_entries())

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        commands.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            commands.listing = False
