"""Read a user's settings file (waivers, sign-off): TOML or YAML, every YAML scalar as text.

Why one reader: both files are written by hand, reviewed like code and named on the command
line, so they share one set of formats and one wording for every way reading them can fail
(``path: message``, exit 2 through :class:`~bhi_audit.errors.ConfigError`, never a traceback).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from bhi_audit.errors import ConfigError
from bhi_audit.yamltext import TextYamlLoader

YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def read_settings(path: Path, what: str) -> Any:
    """The parsed document of ``path``, a ``what`` ("waivers file", "sign-off file").

    An empty YAML document is ``None``; the caller says what an empty file means.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: {what} is not UTF-8 text") from None
    suffix = path.suffix.lower()
    try:
        if suffix in YAML_SUFFIXES:
            # NOTE: every scalar stays text (bhi_audit/yamltext.py): ids such as 00100 keep
            # their zeros, and a date such as 2026-06-31 is the error of its own field.
            return yaml.load(text, Loader=TextYamlLoader)
        if suffix == ".toml":
            return tomllib.loads(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid {suffix[1:].upper()} ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not usable {what} (nested too deeply)") from None
    except ValueError as exc:  # e.g. an explicit !!timestamp that is not a date
        raise ConfigError(f"{path}: not usable {what} ({str(exc).split(';')[0]})") from None
    raise ConfigError(f"{path}: {what} must be .toml, .yaml or .yml")
