"""Command-line interface (click only: parsing options, wiring the pieces, exit codes).

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it or an internal
error in a check; 2 usage error or unusable input; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import gc
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any, TextIO, cast

import click
from click.exceptions import NoArgsIsHelpError
from pydantic import create_model

from bhi_audit import RULEBOOK_VERSION, __version__
from bhi_audit.baseline import build_baseline, dump_baseline, resolve_pseudonyms
from bhi_audit.config import (
    CliChoices,
    LoadedConfig,
    RunPlan,
    config_checks_dirs,
    config_policy_dirs,
    load_config,
    plan_run,
)
from bhi_audit.engine import AuditSettings, Engine, Progress
from bhi_audit.errors import BhiAuditError, ConfigError, InputError, InputErrors, OutputError
from bhi_audit.gate import EXIT_FINDINGS, EXIT_USAGE, FAIL_ON_CHOICES, exit_code, settle_gate
from bhi_audit.loaders import Bundle, X12Options, load_paths, load_spilled
from bhi_audit.loaders.fhir_validate import make_validator
from bhi_audit.loaders.mapping import load_id_map
from bhi_audit.loaders.stdin import STDIN, STDIN_NAME, spool
from bhi_audit.models import RECORD_KINDS, ClaimLine, Period
from bhi_audit.outputs import atomic_output, check_outputs
from bhi_audit.parallel import audit_spilled
from bhi_audit.policy import packs as policy_packs
from bhi_audit.redact import (
    PhiCollector,
    collect_phi,
    derive_key,
    file_label,
    pseudonym_index,
    redact,
)
from bhi_audit.registry import CheckSpec, Registry, load_registry
from bhi_audit.reporters import REDACTED_BY_DEFAULT, REPORTERS, json_report
from bhi_audit.reporters import text as text_report
from bhi_audit.reporters.auditor_pack import PACK_RENDERERS
from bhi_audit.reporters.readiness_report import READINESS_FORMATS
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult
from bhi_audit.sampling.appraise import appraise_sample
from bhi_audit.sampling.draw import (
    ALL,
    ALLOCATIONS,
    Design,
    allocate,
    parse_strata,
    replay,
    sample_text,
    stratify,
)
from bhi_audit.sampling.estimate import estimate, read_appraised
from bhi_audit.sampling.frame import (
    UNIT_KIND_OF,
    UNIT_KINDS,
    Frame,
    build_frame,
    digest_line,
    frame_csv,
    read_frame,
)
from bhi_audit.sampling.pack import AuditorPack, build_pack
from bhi_audit.signoff import check_signed_digest, load_signoff, stamp
from bhi_audit.termination import EXIT_TERMINATED, Terminated, sigterm_unwinds
from bhi_audit.verify import differences, read_report, recorded_choices, recorded_config
from bhi_audit.waivers import as_of_warning, resolve_scopes


class UserError(click.ClickException):
    """A BhiAuditError shown to the user: one line per problem, exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``bhi-audit: error: ...`` lines on standard error."""
        stream = file or sys.stderr
        for line in self.message.splitlines():
            click.echo(f"bhi-audit: error: {line}", file=stream)


#: Exit code after Ctrl-C: 128 + SIGINT, as shells report a process that SIGINT ended.
EXIT_INTERRUPTED = 130


class StoppedRun(click.ClickException):
    """A run stopped from outside: Ctrl-C (``interrupted``, exit 130) or SIGTERM
    (``terminated``, exit 143; bhi_audit/termination.py). One line on standard error, no
    traceback (click's own handling of Ctrl-C would say "Aborted!" and exit 1, a findings
    code)."""

    def show(self, file: IO[Any] | None = None) -> None:
        """``bhi-audit: interrupted`` or ``bhi-audit: terminated``."""
        click.echo(f"bhi-audit: {self.message}", file=file or sys.stderr)


class Interrupted(StoppedRun):
    """Ctrl-C (a KeyboardInterrupt)."""

    exit_code = EXIT_INTERRUPTED


class TerminatedRun(StoppedRun):
    """SIGTERM (bhi_audit.termination.Terminated)."""

    exit_code = EXIT_TERMINATED


class CommandLineError(click.UsageError):
    """click's own usage errors (bad option, missing argument) in our one error style.

    Why: CI logs and wrappers grep one prefix; click would print ``Error: ...`` where every
    other problem says ``bhi-audit: error: ...``. The usage line and the help hint stay.
    """

    def show(self, file: IO[Any] | None = None) -> None:
        """Usage, the help hint, then ``bhi-audit: error: ...`` on standard error."""
        stream = file or sys.stderr
        if self.ctx is not None:
            hint = f"Try '{self.ctx.command_path} {self.ctx.help_option_names[0]}' for help."
            click.echo(f"{self.ctx.get_usage()}\n{hint}\n", file=stream)
        click.echo(f"bhi-audit: error: {self.format_message()}", file=stream)


def restyled(exc: click.UsageError) -> CommandLineError:
    """The same usage error (message, context, exit code 2), shown in our style."""
    return CommandLineError(exc.format_message(), exc.ctx)


class BhiAuditGroup(click.Group):
    """The command group; a run stopped with Ctrl-C or SIGTERM exits 130 or 143, never 0 or 1."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the group's own options; a usage error there is shown in our style."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (CommandLineError, NoArgsIsHelpError):  # NOTE: no arguments shows the help
            raise
        except click.UsageError as exc:
            raise restyled(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; Ctrl-C and SIGTERM end it as a :class:`StoppedRun`, after the
        run's cleanups (bhi_audit.termination)."""
        try:
            with sigterm_unwinds():
                return super().invoke(ctx)
        except Terminated:
            raise TerminatedRun("terminated") from None
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
        except (CommandLineError, NoArgsIsHelpError):
            raise
        except click.UsageError as exc:
            raise restyled(exc) from None


@contextmanager
def user_errors(key: str | None = None, quiet_phi: bool = False) -> Iterator[None]:
    """Convert every BhiAuditError raised inside into a UserError (the one place we do).

    With ``quiet_phi`` (a redacted run) an unusable input is named by its file label and
    row only: its message may quote a member id or a date of birth (bhi_audit.redact).
    """
    try:
        yield
    except InputErrors as exc:
        shown = [quiet_input_error(e, key) if quiet_phi else one_line(str(e)) for e in exc.errors]
        raise UserError("\n".join(shown)) from None
    except InputError as exc:  # names and values from the input stay on their one line
        raise UserError(quiet_input_error(exc, key) if quiet_phi else one_line(str(exc))) from None
    except BhiAuditError as exc:
        raise UserError(str(exc)) from None


def quiet_input_error(error: InputError, key: str | None) -> str:
    """An input error without its text: ``input-3f2a9c1e:12: unusable input (...)``.

    Without a key there is nothing secret to key the label with (a label of the bare path
    could be reversed by guessing file names), so the file is not named at all.
    """
    label = file_label(key.encode("utf-8"), error.path) if key else "input"
    where = label if error.row is None else f"{label}:{error.row}"
    return (
        f"{where}: unusable input (details withheld under --redact; rerun without it to see them)"
    )


def split_ids(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` -> ``[A, B, C]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def make_registry(checks_dirs: tuple[Path, ...], plugins: bool = True) -> Registry:
    """The registry with built-ins, entry points and ``--checks-dir`` modules."""
    return load_registry(checks_dirs, plugins=plugins)


def format_paths(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...], formats: Collection[str]
) -> list[tuple[str, Path]]:
    """``FORMAT:PATH`` values -> ``[(format, Path)]``; a usage error names the bad value."""
    reports = []
    for value in values:
        fmt, sep, path = value.partition(":")
        if not sep or not path:
            raise click.BadParameter(f"{value!r} is not FORMAT:PATH", ctx=ctx, param=param)
        if fmt not in formats:
            choices = ", ".join(sorted(formats))
            raise click.BadParameter(f"unknown format {fmt!r} (choose from {choices})", ctx, param)
        reports.append((fmt, Path(path)))
    return reports


def parse_reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, Path]]:
    """``--report html:month.html`` -> ``[("html", Path("month.html"))]`` (usage error if bad)."""
    return format_paths(ctx, param, values, REPORTERS)


checks_dir_option = click.option(
    "--checks-dir",
    "checks_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Load outside check modules (*.py) from DIR. Repeatable. A check module is Python "
    "code that runs with your rights: name only folders you trust, never one that came with "
    "the data.",
)


redact_key_option = click.option(
    "--redact-key",
    envvar="BHI_AUDIT_REDACT_KEY",
    metavar="KEY",
    help="Secret key for stable pseudonyms across runs (or set BHI_AUDIT_REDACT_KEY).",
)


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use this bhi-audit.toml (or pyproject.toml) instead of the one found from the working "
    "directory up to the project root (never from PATHS).",
)
isolated_option = click.option(
    "--isolated",
    is_flag=True,
    help="Read no configuration file at all: built-in defaults and the command line only.",
)
waivers_option = click.option(
    "--waivers",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted exceptions (YAML or TOML; see docs/gating.md).",
)
as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge waiver expiry on this day (YYYY-MM-DD) instead of today, to reproduce a run.",
)


def plan(
    paths: tuple[Path, ...],
    config_file: Path | None,
    cli: CliChoices,
    with_baseline: bool = True,
    isolated: bool = False,
) -> RunPlan:
    """Load the configuration, the registry it names, and resolve the run (docs/gating.md)."""
    loaded = configure(paths, config_file, isolated)
    registry = make_registry((*cli.checks_dirs, *config_checks_dirs(loaded)))
    return plan_run(registry, loaded, cli, cli.as_of, with_baseline=with_baseline)


def configure(paths: tuple[Path, ...], config_file: Path | None, isolated: bool) -> LoadedConfig:
    """The run's trusted configuration, with the policy packs it names installed.

    Configuration files lying among the audited data are noted on standard error, so that
    nobody believes they applied (docs/security.md, 1).
    """
    if isolated and config_file is not None:
        raise click.UsageError("--isolated and --config exclude each other (use one)")
    loaded = load_config(paths, config_file, isolated=isolated)
    for found in loaded.not_used:
        click.echo(
            f"bhi-audit: note: {found} was not used: configuration is read from the working "
            "directory up to the project root, never from the audited data",
            err=True,
        )
    policy_packs.install(policy_packs.load_packs(config_policy_dirs(loaded)))
    return loaded


def warn_exceptions(result: AuditResult, as_of: date | None = None) -> None:
    """Unused waivers, stale baseline entries and an ``--as-of`` before the audited period's
    end, on standard error (missing documentation is stated at the top of every report)."""
    messages: list[str] = []
    if as_of is not None:  # the same words as the engine's note in the report
        warning = as_of_warning(as_of, date.fromisoformat(str(result.coverage["to"])))
        messages += [warning] if warning else []
    messages += [w.message for w in result.unused_waivers]
    messages += [s.message for s in result.stale_baseline]
    for message in messages:
        click.echo(f"bhi-audit: warning: {message}", err=True)


@click.group(cls=BhiAuditGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="bhi-audit", message=f"%(prog)s %(version)s ({RULEBOOK_VERSION})"
)
def main() -> None:
    """Audit Medicare Behavioral Health Integration claims before they are submitted."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Text format: the summary line only, and nothing at all when the run is clean.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Text format: one count per check instead of one line per finding.",
)
@click.option(
    "--select", multiple=True, help="Run only these check ids/names/prefixes (comma-separated)."
)
@click.option(
    "--ignore", multiple=True, help="Skip these check ids/names/prefixes (comma-separated)."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Exit 1 when a finding reaches this severity (default: config fail-on, else error).",
)
@click.option(
    "--fail-on-unverifiable/--no-fail-on-unverifiable",
    default=None,
    help="Also exit 1 on 'not verifiable' findings and on a kind of documentation missing "
    "that billed codes need (default: config fail-on-unverifiable, else no).",
)
@click.option(
    "--x12-validate",
    is_flag=True,
    help="Also validate X12 837P input against the implementation guide with pyx12 "
    "(slower; needs the 'x12' extra). Its errors reject the claims they fall in.",
)
@click.option(
    "--id-map",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV (kind,external_id,bundle_id) matching 837P member ids / NPIs to bundle ids.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT:PATH",
    callback=parse_reports,
    help=f"Also write a report ({', '.join(sorted(REPORTERS))}) to PATH. Repeatable.",
)
@click.option(
    "--redact/--no-redact",
    default=None,
    help="Pseudonymise patients, claims, record ids and input files, and drop notes and "
    "input values, in every report and on standard error "
    "[default: only junit and sarif (and then standard error) are redacted].",
)
@redact_key_option
@checks_dir_option
@config_option
@isolated_option
@waivers_option
@as_of_option
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fail only on findings not in this baseline (written by `bhi-audit baseline`).",
)
@click.option(
    "--fhir-validate",
    is_flag=True,
    help="Fully validate every FHIR resource with fhir.resources (R4B models) before mapping; "
    "slower (see docs/fhir.md). Needs the 'fhir' extra.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Audit patients in N processes (same report as one; see docs/performance.md).",
)
@click.option(
    "--evaluations",
    "evaluations_listed",
    type=click.Choice(json_report.EVALUATIONS_LISTED),
    default=json_report.DEFAULT_LISTED,
    show_default=True,
    help="JSON report: list only the evaluations (check x unit) that did not pass, or all of "
    "them, passes included (as before schema_version 2; see docs/reports.md).",
)
@click.option(
    "--signoff",
    "signoff_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign the report: reviewer, role, date, decision and notes from FILE (TOML or YAML; "
    "see docs/reports.md). Fills the HTML sign-off block; every report names the digest signed.",
)
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    quiet: bool,
    statistics: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    fail_on_unverifiable: bool | None,
    x12_validate: bool,
    id_map: Path | None,
    reports: list[tuple[str, Path]],
    redact: bool | None,
    redact_key: str | None,
    checks_dirs: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    waivers: Path | None,
    as_of: datetime | None,
    baseline_file: Path | None,
    fhir_validate: bool,
    jobs: int,
    evaluations_listed: json_report.EvaluationsListed,
    signoff_file: Path | None,
) -> None:
    """Audit the claims and documentation in PATHS.

    PATHS are bundle directories, JSON/YAML bundle documents, FHIR R4 exports (Bundle or Bulk
    NDJSON) or X12 837P files; an 837P batch is joined with the documentation given with it
    (``bhi-audit check batch.837 docs/``).
    """
    # NOTE: standard error lands in the same CI logs as the JUnit/SARIF reports, so it is
    # redacted whenever a report is (--redact, or by default with a junit/sarif report).
    formats = [fmt, *(f for f, _ in reports)]
    if (quiet or statistics) and "text" not in formats:
        raise CommandLineError("--quiet and --statistics shape the text report (--format text)")
    if evaluations_listed != json_report.DEFAULT_LISTED and "json" not in formats:
        raise CommandLineError("--evaluations shapes the JSON report (--format json)")
    quiet_phi = redact if redact is not None else any(f in REDACTED_BY_DEFAULT for f in formats)
    with user_errors(redact_key if quiet_phi else None, quiet_phi):
        paths, names = stdin_paths(paths)
        # NOTE: before anything is read or written, so a bad --report path loses nothing.
        check_outputs(
            [path for path in (output, *(path for _, path in reports)) if path is not None],
            input_paths(
                paths, checks_dirs, (config_file, waivers, baseline_file, id_map, signoff_file)
            ),
        )
        signed = load_signoff(signoff_file) if signoff_file is not None else None
        run = plan(
            paths,
            config_file,
            CliChoices(
                select=split_ids(select),
                ignore=split_ids(ignore),
                fail_on=fail_on,  # type: ignore[arg-type]
                waivers=waivers,
                baseline=baseline_file,
                checks_dirs=checks_dirs,
                as_of=as_of.date() if as_of else None,
                fail_on_unverifiable=fail_on_unverifiable,
            ),
            isolated=isolated,
        )
        validator = make_validator() if fhir_validate else None
        x12 = X12Options(id_map=load_id_map(id_map) if id_map else None, validate=x12_validate)
        settings = with_input_options(run.settings, fhir_validate, x12_validate, id_map)
        baseline = settings.baseline
        if baseline is not None and baseline.pseudonymous and not redact_key:
            raise UserError(
                "the baseline was written with --redact: give the key it was written with "
                "(--redact-key or BHI_AUDIT_REDACT_KEY) so its pseudonyms can be matched"
            )
        # NOTE: the input is filed by patient partition on disk as it is read, and audited one
        # partition at a time (docs/performance.md); what redaction needs is captured while
        # loading, whenever a report or standard error may be redacted.
        with collector_paused(), progress_bar() as progress:
            spilled = load_spilled(
                paths,
                jobs,
                phi=bool(redact_key or quiet_phi or redact),
                x12=x12,
                fhir_validator=validator,
                names=names,
            )
            try:
                bundle, phi = spilled.header, spilled.phi
                if redact_key:
                    settings = resolve_pseudonymous_exceptions(settings, bundle, redact_key, phi)
                engine = Engine(run.specs, settings)
                runs = evaluations_directory(spilled.directory.parent)
                result = audit_spilled(engine, spilled, jobs, progress, evaluations=runs)
            finally:
                spilled.close()
    gate = run.gate
    result = settle_gate(
        result, gate.fail_on, gate.always_fail, gate.never_fail, gate.fail_on_unverifiable
    )
    # NOTE: the digest is stamped only when a report shows it (it dumps every finding once).
    digested = signed is not None or bool({"json", "html"} & set(formats))
    if digested:
        result = stamp(result, signed.signoff() if signed is not None else None)
    redacted: list[AuditResult] = []

    def redacted_once() -> AuditResult:
        if not redacted:
            shown_paths = tuple(Path(names.get(p, str(p))) for p in paths)
            hidden = redacted_result(result, bundle, redact_key, shown_paths, phi)
            redacted.append(stamp(hidden, redacted=True) if digested else hidden)
        return redacted[0]

    def shown(report_format: str) -> AuditResult:
        wanted = redact if redact is not None else report_format in REDACTED_BY_DEFAULT
        return redacted_once() if wanted else result

    if signed is not None and signed.digest is not None and signoff_file is not None:
        shown_digests = [shown(f).digest for f in formats] + [result.digest]
        with user_errors(redact_key if quiet_phi else None, quiet_phi):
            check_signed_digest(signoff_file, signed, {d.sha256 for d in shown_digests if d})

    for report_format, path in [(fmt, output), *reports]:
        renderer = REPORTERS[report_format]
        if report_format == "text" and (quiet or statistics):
            renderer = partial(text_report.render, quiet=quiet, statistics=statistics)
        if report_format == "json":
            renderer = partial(json_report.render, evaluations=evaluations_listed)
        if path is None:
            with user_errors(), stdout_errors():
                renderer(shown(report_format), report_stdout())
        else:
            with user_errors(), open_output(path) as stream:
                renderer(shown(report_format), cast(TextIO, stream))
    warn_exceptions(redacted_once() if quiet_phi else result, as_of.date() if as_of else None)
    sys.exit(
        exit_code(
            result, gate.fail_on, gate.always_fail, gate.never_fail, gate.fail_on_unverifiable
        )
    )


def evaluations_directory(beside: Path) -> Path:
    """A private directory for the audit's evaluations, removed when the command ends.

    Why until the end, not with the input spill: the result reads its evaluations from there
    (bhi_audit/evaluations.py) whenever a report is rendered. Removed on an error too (the
    command's context closes however it ends).
    """
    directory = Path(tempfile.mkdtemp(prefix="bhi-audit-evaluations-", dir=beside))
    click.get_current_context().call_on_close(partial(shutil.rmtree, directory, ignore_errors=True))
    return directory


def with_input_options(
    settings: AuditSettings, fhir_validate: bool, x12_validate: bool, id_map: Path | None
) -> AuditSettings:
    """The settings with the input options used recorded in the report's configuration.

    Input options go in the report's config only when used, so that other reports stay
    byte-for-byte what they were; ``verify`` reads them back to audit the same way.
    """
    extra: dict[str, object] = {}
    if fhir_validate:
        extra["fhir_validate"] = True
    if x12_validate or id_map:
        extra.update(x12_validate=x12_validate, id_map=str(id_map) if id_map else None)
    return replace(settings, config={**settings.config, **extra}) if extra else settings


def resolve_pseudonymous_exceptions(
    settings: AuditSettings, bundle: Bundle, key: str, collected: PhiCollector | None = None
) -> AuditSettings:
    """Waivers and a baseline that name pseudonyms (``pt-…``, ``cl-…``), pointed at real ids.

    Why here: the pseudonyms depend on the key and the loaded input, both known only now; the
    engine then matches real ids as always (docs/gating.md "Redacted baselines and waivers").
    """
    baseline = settings.baseline
    if not settings.waivers and (baseline is None or not baseline.pseudonymous):
        return settings
    phi = collected.phi(bundle) if collected is not None else collect_phi(bundle)
    real = pseudonym_index(phi, key.encode("utf-8"))
    if baseline is not None and baseline.pseudonymous:
        baseline = resolve_pseudonyms(baseline, real)
    return replace(settings, waivers=resolve_scopes(settings.waivers, real), baseline=baseline)


def redacted_result(
    result: AuditResult,
    bundle: Bundle,
    key: str | None,
    paths: tuple[Path, ...] = (),
    collected: PhiCollector | None = None,
) -> AuditResult:
    """The result with patients pseudonymised, keyed by ``key`` or, failing that, the input.

    ``collected``: what the streaming loader captured of the records (``bundle`` then holds
    only the header: files and rejections).
    """
    shown = [str(p) for p in paths]
    phi = collected.phi(bundle, shown) if collected is not None else collect_phi(bundle, shown)
    if key:
        return redact(result, phi, key.encode("utf-8"))
    click.echo(
        "bhi-audit: warning: no --redact-key or BHI_AUDIT_REDACT_KEY: pseudonyms are derived "
        "from this input and will differ for other inputs, so JUnit test names, SARIF "
        "fingerprints, GitHub/GitLab annotations and redacted baselines change from run to run; "
        "set BHI_AUDIT_REDACT_KEY from a CI secret to keep them stable",
        err=True,
    )
    return redact(result, phi, derive_key(phi))


@main.command("verify")
@click.argument("report_file", metavar="REPORT", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@redact_key_option
def verify(report_file: Path, paths: tuple[Path, ...], redact_key: str | None) -> None:
    """Check that a JSON REPORT still matches PATHS (docs/reports.md, "Sign-off and verify").

    Audits PATHS again with the configuration and options REPORT recorded, from the same
    working directory, and compares input hashes, rulebook revision, configuration and
    findings. Exit 0 when they match, 1 when they differ (each difference listed), 2 when
    REPORT or PATHS are unusable (not a bhi-audit JSON report, or edited after it was written).
    A redacted report needs the key it was written with.
    """
    with user_errors():
        report, recorded = read_report(report_file)
    redacted = report.digest is not None and report.digest.redacted
    with user_errors(redact_key if redacted else None, redacted):
        loaded = recorded_config(recorded)
        policy_packs.install(policy_packs.load_packs(config_policy_dirs(loaded)))
        choices = recorded_choices(recorded, loaded)
        registry = make_registry((*choices.checks_dirs, *config_checks_dirs(loaded)))
        run = plan_run(
            registry, loaded, choices, choices.as_of, as_of_stated=recorded.as_of is not None
        )
        id_map = Path(recorded.id_map) if recorded.id_map else None
        settings = with_input_options(
            run.settings, recorded.fhir_validate, recorded.x12_validate, id_map
        )
        if settings.baseline is not None and settings.baseline.pseudonymous and not redact_key:
            raise UserError(
                "the report's baseline was written with --redact: give the key it was written "
                "with (--redact-key or BHI_AUDIT_REDACT_KEY)"
            )
        x12 = X12Options(
            id_map=load_id_map(id_map) if id_map else None, validate=recorded.x12_validate
        )
        validator = make_validator() if recorded.fhir_validate else None
        with collector_paused():
            bundle = load_paths(paths, x12, fhir_validator=validator)
            if redact_key:
                settings = resolve_pseudonymous_exceptions(settings, bundle, redact_key)
            result = Engine(run.specs, settings).audit(bundle)
    gate = run.gate
    result = settle_gate(
        result, gate.fail_on, gate.always_fail, gate.never_fail, gate.fail_on_unverifiable
    )
    if redacted:
        result = redacted_result(result, bundle, redact_key, paths)
    fresh = stamp(result, redacted=redacted)
    assert fresh.digest is not None and report.digest is not None
    if fresh.digest.sha256 == report.digest.sha256:
        signed = report.signoff
        by = (
            f"; signed off by {signed.reviewer} ({signed.role}) on {signed.date}: {signed.decision}"
            if signed
            else "; not signed off"
        )
        click.echo(
            one_line(
                f"{report_file}: verified: same {len(report.inputs)} inputs, rulebook "
                f"{report.rulebook_version}, configuration and {len(report.findings)} findings "
                f"(digest {report.digest.sha256}){by}"
            )
        )
        return
    parts = fresh.model_dump(mode="json", include={"inputs", "config"})
    found = differences(
        report,
        parts["inputs"],
        fresh.rulebook_version,
        parts["config"],
        [finding.model_dump(mode="json") for finding in fresh.findings],
    )
    click.echo(f"{report_file}: does not match PATHS:")
    for line in found or ["the digest differs"]:
        click.echo(one_line(f"  {line}"))
    if redacted:
        click.echo(
            "  (a redacted report: verify needs the --redact-key or BHI_AUDIT_REDACT_KEY it was "
            "written with, or the same lack of one)"
        )
    sys.exit(EXIT_FINDINGS)


@main.command("baseline")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the baseline to FILE (JSON).",
)
@click.option("--select", multiple=True, help="Only these checks (as for `check`).")
@click.option("--ignore", multiple=True, help="Skip these checks (as for `check`).")
@click.option(
    "--redact",
    is_flag=True,
    help="Name patients by their keyed pseudonyms (needs --redact-key or BHI_AUDIT_REDACT_KEY); "
    "`check --baseline` then needs the same key.",
)
@redact_key_option
@checks_dir_option
@config_option
@isolated_option
@waivers_option
@as_of_option
def write_baseline(
    paths: tuple[Path, ...],
    output: Path,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    redact: bool,
    redact_key: str | None,
    checks_dirs: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    waivers: Path | None,
    as_of: datetime | None,
) -> None:
    """Accept the current findings in PATHS: `check --baseline FILE` then fails only on new ones.

    Findings covered by a waiver in force and checks marked not-waivable are left out.
    """
    if redact and not redact_key:
        raise UserError(
            "baseline --redact needs --redact-key or BHI_AUDIT_REDACT_KEY: without a key the "
            "pseudonyms would change from run to run and the baseline would never match"
        )
    with user_errors(redact_key, redact):
        check_outputs([output], input_paths(paths, checks_dirs, (config_file, waivers)))
        run = plan(
            paths,
            config_file,
            CliChoices(
                select=split_ids(select),
                ignore=split_ids(ignore),
                waivers=waivers,
                checks_dirs=checks_dirs,
                as_of=as_of.date() if as_of else None,
            ),
            with_baseline=False,
            isolated=isolated,
        )
        bundle = load_paths(paths)
        settings = run.settings
        if redact_key:
            settings = resolve_pseudonymous_exceptions(settings, bundle, redact_key)
        result = Engine(run.specs, settings).audit(bundle)
    if redact:
        result = redacted_result(result, bundle, redact_key, paths)
    baseline = build_baseline(result.findings, run.settings.not_waivable, pseudonymous=redact)
    with user_errors(), open_output(output) as stream:
        stream.write(dump_baseline(baseline))
    accepted = sum(e.count for e in baseline.entries)
    click.echo(
        f"bhi-audit: wrote {len(baseline.entries)} baseline entries "
        f"({accepted} findings) to {output}",
        err=True,
    )


@main.command("readiness")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(READINESS_FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--id-map",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV (kind,external_id,bundle_id) matching 837P member ids / NPIs to bundle ids.",
)
@click.option(
    "--redact/--no-redact",
    default=False,
    help="Pseudonymise patients and record references, and drop notes (as for `check`).",
)
@redact_key_option
@config_option
@isolated_option
@as_of_option
def readiness(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    id_map: Path | None,
    redact: bool,
    redact_key: str | None,
    config_file: Path | None,
    isolated: bool,
    as_of: datetime | None,
) -> None:
    """Say, month by month and from the records, whether the practice could bill CoCM.

    Each requirement (psychiatric consultant, care manager, registry, weekly caseload reviews,
    rating scales, consents, minutes) is green, amber or red with its evidence, beside what the
    logged minutes would pay as general BHI and as CoCM (docs/readiness.md). PATHS are read as
    by `check`. Exit 0 whatever the readiness; 2 on a usage error or unusable input.
    """
    with user_errors(redact_key if redact else None, redact):
        paths, names = stdin_paths(paths)
        check_outputs(
            [output] if output is not None else [],
            input_paths(paths, (config_file, id_map)),
        )
        run = plan(
            paths,
            config_file,
            CliChoices(as_of=as_of.date() if as_of else None),
            with_baseline=False,
            isolated=isolated,
        )
        x12 = X12Options(id_map=load_id_map(id_map) if id_map else None)
        with collector_paused():
            bundle = load_paths(paths, x12, names=names)
            # NOTE: no checks: readiness and the comparison come from the records alone.
            result = Engine([], run.settings).audit(bundle)
    if redact:
        shown_paths = tuple(Path(names.get(p, str(p))) for p in paths)
        result = redacted_result(result, bundle, redact_key, shown_paths)
    renderer = READINESS_FORMATS[fmt]
    if output is None:
        with user_errors(), stdout_errors():
            renderer(result, report_stdout())
    else:
        with user_errors(), open_output(output) as stream:
            renderer(result, cast(TextIO, stream))
    warn_exceptions(result, as_of.date() if as_of else None)


def report_stdout() -> TextIO:
    """Standard output, writing what UTF-8 cannot encode (a non-UTF-8 file name) as escapes.

    Why: a report must not crash half-way because an input file's name is not UTF-8; files
    are written the same way (bhi_audit/outputs.py).
    """
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")
    return stream


@contextmanager
def stdout_errors() -> Iterator[None]:
    """A report to standard output that cannot be written (``> /dev/full``) is one line, exit 2.

    Standard output is then pointed at the null device, so that Python's own flush at exit
    does not fail a second time with a traceback.
    """
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            os.close(null)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a real file descriptor (a test runner's buffer)
        raise OutputError("standard output", f"cannot write report ({exc.strerror})") from None


@contextmanager
def open_output(path: Path) -> Iterator[IO[str]]:
    """Write a report or baseline whole or not at all (bhi_audit/outputs.py, docs/security.md)."""
    with atomic_output(path) as stream:
        yield stream


def stdin_paths(paths: tuple[Path, ...]) -> tuple[tuple[Path, ...], dict[Path, str]]:
    """``-`` replaced by standard input spooled to a temporary file, and the name it goes by.

    The temporary folder lives as long as the command (click's context closes it).
    """
    if STDIN not in paths:
        return paths, {}
    if paths.count(STDIN) > 1:
        raise UserError("'-' (standard input) can be given only once")
    data = sys.stdin.buffer.read()
    folder: str = click.get_current_context().with_resource(
        tempfile.TemporaryDirectory(prefix="bhi-audit-stdin-")
    )
    spooled = spool(data, Path(folder))
    return tuple(spooled if p == STDIN else p for p in paths), {spooled: STDIN_NAME}


def input_paths(*groups: Iterable[Path | None]) -> list[Path]:
    """Every file and folder a run reads, which no output may overwrite or land in."""
    return [path for group in groups for path in group if path is not None]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading and auditing.

    Why: an audit allocates millions of long-lived records and findings that form no cycles;
    the collector's repeated full scans of them made large audits grow faster than their input
    (10,000 patients x 12 months: 67 s with it, 35 s without). Reference counting still frees
    everything; the collector is restored afterwards.

    NOTE: ``gc.freeze()`` before restoring it: what loading and auditing left alive (the
    bundle, the result) lives until the process ends, and the collector's full scans while
    the reports are rendered would walk all of it again and again for nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def progress_bar() -> Iterator[Progress | None]:
    """A progress bar on standard error, only when standard error is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = click.progressbar(length=1, label="auditing patients", file=sys.stderr)
    seen = [0]

    def advance(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - seen[0])
        seen[0] = done

    with bar:
        yield advance


def check_record(spec: CheckSpec) -> dict[str, Any]:
    """What ``checks --format json`` says of one check."""
    return {
        "id": spec.id,
        "name": spec.name,
        "severity": spec.default_severity.value,
        "severities": {k: v.value for k, v in sorted(spec.severities.items())},
        "scope": spec.scope,
        "origin": spec.origin,
        "summary": spec.summary,
        "source": spec.source,
        "aliases": list(spec.aliases),
        "codes": sorted(spec.codes) if spec.codes is not None else None,
    }


@main.command("checks")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@checks_dir_option
def list_checks(fmt: str, checks_dirs: tuple[Path, ...]) -> None:
    """List every available check: id, name, severity, scope, origin and source."""
    with user_errors():
        registry = make_registry(checks_dirs)
    if fmt == "json":
        click.echo(json.dumps([check_record(s) for s in registry.specs], indent=2, sort_keys=True))
        return
    for spec in registry.specs:
        click.echo(f"{spec.id:<14} {spec.default_severity.value:<8} {spec.scope:<14} {spec.name}")
        click.echo(f"{'':<14} {spec.summary}")
        click.echo(f"{'':<14} source: {spec.source}")
        if spec.origin != "built-in":
            click.echo(f"{'':<14} origin: {spec.origin}")


@main.command()
@click.argument("check_id")
@checks_dir_option
def explain(check_id: str, checks_dirs: tuple[Path, ...]) -> None:
    """Print the full documentation of one check (by id, name or alias)."""
    with user_errors():
        spec = make_registry(checks_dirs).get(check_id)
    click.echo(
        f"{spec.id} ({spec.name}) — default severity {spec.default_severity.value}, "
        f"scope {spec.scope}, {spec.origin}"
    )
    for variant, severity in sorted(spec.severities.items()):
        click.echo(f"  variant {variant}: {severity.value}")
    if spec.requires:
        # NOTE: what the engine enforces for it (REQUIRES), so the reader need not open the code.
        click.echo(
            f"  requires records: {', '.join(spec.requires)} "
            "(when the input has none: not verifiable, never passed)"
        )
    click.echo("")
    click.echo(spec.doc)
    if spec.options_model is not None:
        click.echo("\nOptions:")
        for name, info in spec.options_model.model_fields.items():
            click.echo(f"  {name} (default {info.default!r}): {info.description or ''}")


@main.group("policy")
def policy_group() -> None:
    """Import CMS policy files as packs, and list the packs in use (docs/policy-data.md)."""


@policy_group.command("import")
@click.argument("kind", type=click.Choice(policy_packs.KINDS))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Calendar year.")
@click.option("--quarter", type=click.IntRange(1, 4), help="Quarterly release (1-4), if any.")
@config_option
def policy_import(
    kind: str, files: tuple[Path, ...], year: int, quarter: int | None, config_file: Path | None
) -> None:
    """Validate a CMS file and write a policy pack into the first ``policy-dirs`` folder.

    KIND: rvu (the PPRRVU CSV from the RVU zip), mue-practitioner (the practitioner MUE CSV),
    ptp-practitioner (the practitioner PTP files, tab-delimited or CSV; several allowed),
    aoc (a CSV export of the add-on code edit spreadsheet).
    """
    with user_errors():
        loaded = load_config((), config_file)
        dirs = config_policy_dirs(loaded)
        if not dirs:
            raise ConfigError(
                f"{loaded.label}: policy-dirs: not set; name the folder for policy packs in "
                'the project\'s configuration (policy-dirs = ["policy"])'
            )
        pack = policy_packs.import_pack(kind, files, year, quarter)
        target = dirs[0] / f"{pack.name}.toml"
        try:
            dirs[0].mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(str(dirs[0]), f"cannot create: {error.strerror or error}") from None
        with atomic_output(target) as out:
            out.write(policy_packs.pack_toml(pack))
    factor = (
        f"conversion factor {pack.conversion_factor}, "
        if isinstance(pack, policy_packs.RatePack)
        else ""
    )
    click.echo(
        f"{target}: {pack.name}: {policy_packs.pack_size(pack)}, {factor}"
        f"from {pack.source.file} (sha256 {pack.source.sha256})"
    )


@policy_group.command("list")
@config_option
def policy_list(config_file: Path | None) -> None:
    """Show the policy packs the configuration loads, and from where."""
    with user_errors():
        loaded = load_config((), config_file)
        found = policy_packs.load_packs(config_policy_dirs(loaded))
    if not found:
        click.echo(f"no policy packs loaded ({loaded.label}: policy-dirs); built-in data only")
        return
    for item in found:
        pack = item.pack
        factor = f", CF {pack.conversion_factor}" if isinstance(pack, policy_packs.RatePack) else ""
        click.echo(
            f"{pack.name:<16} {item.path}: {policy_packs.pack_size(pack)}{factor}; "
            f"source {pack.source.file} of {pack.source.date.isoformat()}, "
            f"sha256 {pack.source.sha256}"
        )


def bundle_json_schema() -> dict[str, Any]:
    """The JSON Schema of a bundle document (the JSON/YAML form of the CSV bundle)."""
    fields: dict[str, Any] = {kind.KIND: (list[kind] | None, None) for kind in RECORD_KINDS}  # type: ignore[valid-type]
    # NOTE: the loader also accepts ``period`` as one object (docs: "period may be one object").
    fields[Period.KIND] = (list[Period] | Period | None, None)
    document = create_model("BundleDocument", **fields)
    document.model_config["extra"] = "forbid"
    document.model_rebuild(force=True)
    schema: dict[str, Any] = document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bhi-audit bundle document"
    return schema


@main.command()
def schema() -> None:
    """Print the JSON Schema of the bundle document (JSON/YAML input)."""
    click.echo(json.dumps(bundle_json_schema(), indent=2, sort_keys=True))


@main.command()
@click.option("--patients", type=click.IntRange(1, 10_000_000))
@click.option("--months", type=click.IntRange(1, 120))
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--defect-rate",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Chance per patient-month that a patient carries one injected defect.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "837p", "fhir-ndjson"]),
    default="csv",
    show_default=True,
    help="837p: claims as X12 837P, the rest CSV; fhir-ndjson: documentation as FHIR R4 "
    "Bulk NDJSON, the rest CSV (docs/generator.md).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a practice generated in OUT before (only generated files; docs/generator.md).",
)
@click.option(
    "--paid-share",
    type=click.FloatRange(0, 1),
    default=None,
    help="Also write each claim line's paid_amount as this share of its national allowed "
    "amount (0.8: Medicare's 80% after coinsurance), for auditors' frames (docs/auditing.md).",
)
@click.option(
    "--scenario",
    type=click.Choice(["sample"]),
    default=None,
    help="Write a fixed, hand-picked practice instead (sample: the sample_claims/ practice, "
    "one patient per case; docs/generator.md). Takes only --out, a new or empty folder.",
)
def generate(
    patients: int | None,
    months: int | None,
    seed: int,
    out_dir: Path,
    defect_rate: float,
    fmt: str,
    force: bool,
    paid_share: float | None,
    scenario: str | None,
) -> None:
    """Write a synthetic practice with known defects and its ground truth to OUT."""
    from bhi_audit.generator import GenerateSpec
    from bhi_audit.generator import generate as write_practice

    if scenario is not None:
        _generate_scenario(scenario, out_dir)
        return
    ctx = click.get_current_context()
    for name, value in (("patients", patients), ("months", months)):
        if value is None:
            param = next(p for p in ctx.command.params if p.name == name)
            raise click.MissingParameter(ctx=ctx, param=param)
    assert patients is not None and months is not None
    spec = GenerateSpec(
        patients=patients,
        months=months,
        seed=seed,
        defect_rate=defect_rate,
        paid_share=Decimal(str(paid_share)) if paid_share is not None else None,
    )
    with user_errors():
        truth = write_practice(spec, out_dir, fmt, force=force)
    click.echo(
        f"wrote {sum(truth['records'].values())} records for {patients} patients x {months} "
        f"months to {out_dir} ({len(truth['defects'])} injected defects; ground_truth.json)"
    )


def _generate_scenario(name: str, out_dir: Path) -> None:
    """``generate --scenario NAME``: the named practice, which no other option shapes."""
    from bhi_audit.generator.sample import PRACTICES
    from bhi_audit.generator.scenarios import write_new

    ctx = click.get_current_context()
    given = [
        param.opts[0]
        for param in ctx.command.params
        if param.name not in ("scenario", "out_dir")
        and ctx.get_parameter_source(param.name or "") is not click.core.ParameterSource.DEFAULT
    ]
    if given:
        raise click.UsageError(f"--scenario writes a fixed practice; drop {', '.join(given)}")
    practice = PRACTICES[name]
    with user_errors():
        records = write_new(practice, out_dir)
    click.echo(
        f"wrote {sum(records.values())} records for {len(practice.scenarios)} patients to "
        f"{out_dir} (scenario {name}; expected_defects.json)"
    )


# --------------------------------------------------------------------------- auditors' sampling


@main.command("frame")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--unit",
    "unit_kind",
    type=click.Choice(UNIT_KINDS),
    default="patient-month",
    show_default=True,
    help="The sampling unit (rulebook §11.2: the patient-month for BHI/CoCM).",
)
@click.option(
    "--all-codes",
    is_flag=True,
    help="Frame every billed code, not only the BHI/CoCM codes (the default universe).",
)
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the frame (CSV) to FILE, and its SHA-256 to FILE.sha256.",
)
@config_option
@isolated_option
def make_frame(
    paths: tuple[Path, ...],
    unit_kind: str,
    all_codes: bool,
    out: Path,
    config_file: Path | None,
    isolated: bool,
) -> None:
    """Number every unit of the universe in PATHS, with its examined amount (docs/auditing.md)."""
    digest_path = out.with_name(out.name + ".sha256")
    with user_errors():
        check_outputs([out, digest_path], input_paths(paths, (config_file,)))
        configure(paths, config_file, isolated)  # NOTE: the rate packs that price the frame
        bundle = load_paths(paths)
        frame = build_frame(
            bundle,
            UNIT_KIND_OF[unit_kind],
            codes={line.code for line in bundle.of(ClaimLine)} if all_codes else None,
        )
    text = frame_csv(frame)
    with user_errors(), open_output(out) as stream:
        stream.write(text)
    with user_errors(), open_output(digest_path) as stream:
        stream.write(digest_line(text, out.name))
    click.echo(
        f"bhi-audit: framed {len(frame.units)} {unit_kind} units (examined "
        f"${frame.total_examined:,.2f}) in {out}; sha256 in {digest_path}",
        err=True,
    )


@main.command("sample")
@click.argument("frame_file", metavar="FRAME", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--size", type=click.IntRange(min=2), help="Units to sample, over all strata.")
@click.option(
    "--strata",
    help='Strata by examined amount, e.g. "0-100,100-250,250-" (default: one stratum).',
)
@click.option(
    "--allocation",
    type=click.Choice(["proportional", "neyman"]),
    default="proportional",
    show_default=True,
    help="How --size is shared among strata.",
)
@click.option(
    "--stratum-sizes",
    help="Sizes per stratum instead of --size and --allocation (comma-separated, in order).",
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed (default: a random one, recorded).")
@click.option(
    "--spares", type=click.IntRange(min=0), default=0, show_default=True, help="Spares per stratum."
)
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replay",
    "replay_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Re-derive this sample file from FRAME; exit 1 if the frame or the draw differs.",
)
def draw_sample(
    frame_file: Path,
    size: int | None,
    strata: str | None,
    allocation: str,
    stratum_sizes: str | None,
    seed: int | None,
    spares: int,
    out: Path | None,
    replay_file: Path | None,
) -> None:
    """Draw a reproducible random sample of FRAME's units, or replay one (docs/auditing.md)."""
    with user_errors():
        frame, frame_digest = read_frame(frame_file)
        if replay_file is not None:
            text = read_text(replay_file)
            problems = replay(text, frame, frame_digest, str(replay_file))
            for problem in problems:
                click.echo(f"bhi-audit: replay failed: {replay_file}: {problem}", err=True)
            if problems:
                sys.exit(EXIT_FINDINGS)
            click.echo(f"bhi-audit: {replay_file} replays exactly from {frame_file}", err=True)
            return
        if out is None:
            raise UserError("--out is required (or --replay SAMPLE)")
        check_outputs([out], [frame_file])
        if seed is None:
            seed = secrets.randbelow(2**31)
            click.echo(f"bhi-audit: no --seed given: drew seed {seed} (recorded)", err=True)
        design = sampling_design(frame, size, strata, allocation, stratum_sizes, seed, spares)
        text = sample_text(frame, frame_file.name, frame_digest, design)
    with user_errors(), open_output(out) as stream:
        stream.write(text)
    click.echo(f"bhi-audit: drew {sum(design.sizes)} units (+ spares) into {out}", err=True)


def sampling_design(
    frame: Frame,
    size: int | None,
    strata_text: str | None,
    allocation: str,
    stratum_sizes: str | None,
    seed: int,
    spares: int,
) -> Design:
    """The sample's design from the command line (sizes given or allocated)."""
    strata = parse_strata(strata_text) if strata_text else (ALL,)
    if stratum_sizes:
        if size is not None:
            raise UserError("give --size or --stratum-sizes, not both")
        try:
            sizes = tuple(int(part) for part in stratum_sizes.split(","))
        except ValueError:
            raise UserError(f"--stratum-sizes: {stratum_sizes!r} is not whole numbers") from None
        if len(sizes) != len(strata):
            raise UserError(f"--stratum-sizes gives {len(sizes)} sizes for {len(strata)} strata")
        return Design(seed, strata, sizes, spares, "given")
    if size is None:
        raise UserError("--size (or --stratum-sizes) is required")
    chosen = ALLOCATIONS[allocation]
    return Design(seed, strata, allocate(size, stratify(frame, strata), chosen), spares, chosen)


def parse_pack_reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, Path]]:
    """``--report html:pack.html`` -> ``[("html", Path("pack.html"))]`` for the auditor pack."""
    return format_paths(ctx, param, values, PACK_RENDERERS)


@main.command("appraise")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--sample",
    "sample_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The sample file written by `bhi-audit sample`.",
)
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the appraised sample (the sample file with verdicts) to FILE.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT:PATH",
    callback=parse_pack_reports,
    help="Also write the auditor pack with its estimate (text, json, csv, html) to PATH, as "
    "`bhi-audit estimate` would from the appraised sample. Repeatable.",
)
@config_option
def appraise(
    paths: tuple[Path, ...],
    sample_file: Path,
    out: Path,
    reports: list[tuple[str, Path]],
    config_file: Path | None,
) -> None:
    """Give each sampled unit a verdict from an audit of PATHS (docs/auditing.md).

    Waivers and the baseline do not apply: a waiver does not make a claim payable.
    """
    with user_errors():
        outputs = [out, *(path for _, path in reports)]
        check_outputs(outputs, input_paths(paths, (sample_file, config_file)))
        text = read_text(sample_file)
        run = plan(paths, config_file, CliChoices())
        bundle = load_paths(paths)
        result = Engine(run.specs, run.settings).audit(bundle)
        appraised = appraise_sample(text, str(sample_file), bundle, result.findings)
        pack = auditor_pack(appraised, out) if reports else None
    with user_errors(), open_output(out) as stream:
        stream.write(appraised)
    for fmt, path in reports:
        assert pack is not None
        with user_errors(), open_output(path) as stream:
            PACK_RENDERERS[fmt](pack, cast(TextIO, stream))
    click.echo(f"bhi-audit: appraised the sampled units of {sample_file} into {out}", err=True)


def auditor_pack(appraised: str, path: Path) -> AuditorPack:
    """The pack of an appraised sample file's text (``path``: its name in the pack)."""
    header, units = read_appraised(appraised, str(path))
    try:
        result = estimate(header, units, str(path))
    except ModuleNotFoundError:
        raise UserError('estimates need scipy: pip install "bhi-audit[sampling]"') from None
    return build_pack(header, units, result, path.name)


@main.command("estimate")
@click.argument("sample_file", metavar="SAMPLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(PACK_RENDERERS)),
    default="text",
    show_default=True,
    help="text, json (docs/auditor-pack-schema.json), csv (the per-unit table) or html (the "
    "auditor pack).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
def estimate_overpayment(sample_file: Path, fmt: str, output: Path | None) -> None:
    """Extrapolate an appraised SAMPLE (audited and verdict filled in) to the universe."""
    with user_errors():
        if output is not None:
            check_outputs([output], [sample_file])
        pack = auditor_pack(read_text(sample_file), sample_file)
    if output is None:
        PACK_RENDERERS[fmt](pack, sys.stdout)
        return
    with user_errors(), open_output(output) as stream:
        PACK_RENDERERS[fmt](pack, cast(TextIO, stream))


def read_text(path: Path) -> str:
    """A UTF-8 text file, as an input error naming it if that fails."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
