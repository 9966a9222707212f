"""Command-line interface (click only: parsing options, wiring the pieces, exit codes).

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it or an internal
error in a check; 2 usage error or unusable input.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TextIO, cast

import click
from pydantic import create_model

from bhi_audit import RULEBOOK_VERSION, __version__
from bhi_audit.baseline import build_baseline, dump_baseline, resolve_pseudonyms
from bhi_audit.config import CliChoices, RunPlan, config_checks_dirs, load_config, plan_run
from bhi_audit.engine import AuditSettings, Engine, Progress
from bhi_audit.errors import BhiAuditError, InputError, InputErrors
from bhi_audit.gate import EXIT_USAGE, FAIL_ON_CHOICES, exit_code
from bhi_audit.loaders import Bundle, X12Options, load_paths
from bhi_audit.loaders.fhir_validate import make_validator
from bhi_audit.loaders.mapping import load_id_map
from bhi_audit.models import RECORD_KINDS, Period
from bhi_audit.parallel import audit_in_processes
from bhi_audit.redact import collect_phi, derive_key, file_label, pseudonym_index, redact
from bhi_audit.registry import CheckSpec, Registry, load_registry
from bhi_audit.reporters import REDACTED_BY_DEFAULT, REPORTERS
from bhi_audit.reporters.text import one_line
from bhi_audit.result import AuditResult
from bhi_audit.waivers import resolve_scopes


class UserError(click.ClickException):
    """A BhiAuditError shown to the user: one line per problem, exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``bhi-audit: error: ...`` lines on standard error."""
        stream = file or sys.stderr
        for line in self.message.splitlines():
            click.echo(f"bhi-audit: error: {line}", file=stream)


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


def parse_reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, Path]]:
    """``--report html:month.html`` -> ``[("html", Path("month.html"))]`` (usage error if bad)."""
    reports = []
    for value in values:
        fmt, sep, path = value.partition(":")
        if not sep or not path:
            raise click.BadParameter(f"{value!r} is not FORMAT:PATH", ctx=ctx, param=param)
        if fmt not in REPORTERS:
            choices = ", ".join(sorted(REPORTERS))
            raise click.BadParameter(f"unknown format {fmt!r} (choose from {choices})", ctx, param)
        reports.append((fmt, Path(path)))
    return reports


checks_dir_option = click.option(
    "--checks-dir",
    "checks_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Load outside check modules (*.py) from DIR. Repeatable.",
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
    help="Use this bhi-audit.toml (or pyproject.toml) instead of the one found from PATHS upward.",
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
) -> RunPlan:
    """Load the configuration, the registry it names, and resolve the run (docs/gating.md)."""
    loaded = load_config(paths, config_file)
    registry = make_registry((*cli.checks_dirs, *config_checks_dirs(loaded)))
    return plan_run(registry, loaded, cli, cli.as_of, with_baseline=with_baseline)


def warn_exceptions(result: AuditResult) -> None:
    """Unused waivers and stale baseline entries, on standard error (they never gate)."""
    messages = [w.message for w in result.unused_waivers]
    messages += [s.message for s in result.stale_baseline]
    for message in messages:
        click.echo(f"bhi-audit: warning: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    x12_validate: bool,
    id_map: Path | None,
    reports: list[tuple[str, Path]],
    redact: bool | None,
    redact_key: str | None,
    checks_dirs: tuple[Path, ...],
    config_file: Path | None,
    waivers: Path | None,
    as_of: datetime | None,
    baseline_file: Path | None,
    fhir_validate: bool,
    jobs: int,
) -> None:
    """Audit the claims and documentation in PATHS.

    PATHS are bundle directories, JSON/YAML bundle documents, FHIR R4 exports (Bundle or Bulk
    NDJSON) or X12 837P files; an 837P batch is joined with the documentation given with it
    (``bhi-audit check batch.837 docs/``).
    """
    # NOTE: standard error lands in the same CI logs as the JUnit/SARIF reports, so it is
    # redacted whenever a report is (--redact, or by default with a junit/sarif report).
    formats = [fmt, *(f for f, _ in reports)]
    quiet_phi = redact if redact is not None else any(f in REDACTED_BY_DEFAULT for f in formats)
    with user_errors(redact_key if quiet_phi else None, quiet_phi):
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
            ),
        )
        validator = make_validator() if fhir_validate else None
        x12 = X12Options(id_map=load_id_map(id_map) if id_map else None, validate=x12_validate)
        settings = run.settings
        extra: dict[str, object] = {}
        if fhir_validate:
            extra["fhir_validate"] = True
        if x12_validate or id_map:
            # NOTE: input options go in the report's config only when used, so that other
            # reports stay byte-for-byte what they were.
            extra.update(x12_validate=x12_validate, id_map=str(id_map) if id_map else None)
        if extra:
            settings = replace(settings, config={**settings.config, **extra})
        baseline = settings.baseline
        if baseline is not None and baseline.pseudonymous and not redact_key:
            raise UserError(
                "the baseline was written with --redact: give the key it was written with "
                "(--redact-key or BHI_AUDIT_REDACT_KEY) so its pseudonyms can be matched"
            )
        with collector_paused(), progress_bar() as progress:
            bundle = load_paths(paths, x12, fhir_validator=validator)
            if redact_key:
                settings = resolve_pseudonymous_exceptions(settings, bundle, redact_key)
            engine = Engine(run.specs, settings)
            result = audit_in_processes(engine, bundle, jobs, progress)
    redacted: list[AuditResult] = []

    def redacted_once() -> AuditResult:
        if not redacted:
            redacted.append(redacted_result(result, bundle, redact_key, paths))
        return redacted[0]

    def shown(report_format: str) -> AuditResult:
        wanted = redact if redact is not None else report_format in REDACTED_BY_DEFAULT
        return redacted_once() if wanted else result

    for report_format, path in [(fmt, output), *reports]:
        renderer = REPORTERS[report_format]
        if path is None:
            renderer(shown(report_format), sys.stdout)
        else:
            with user_errors(), open_output(path) as stream:
                renderer(shown(report_format), cast(TextIO, stream))
    warn_exceptions(redacted_once() if quiet_phi else result)
    gate = run.gate
    sys.exit(exit_code(result, gate.fail_on, gate.always_fail, gate.never_fail))


def resolve_pseudonymous_exceptions(
    settings: AuditSettings, bundle: Bundle, key: str
) -> AuditSettings:
    """Waivers and a baseline that name pseudonyms (``pt-…``, ``cl-…``), pointed at real ids.

    Why here: the pseudonyms depend on the key and the loaded input, both known only now; the
    engine then matches real ids as always (docs/gating.md "Redacted baselines and waivers").
    """
    baseline = settings.baseline
    if not settings.waivers and (baseline is None or not baseline.pseudonymous):
        return settings
    real = pseudonym_index(collect_phi(bundle), key.encode("utf-8"))
    if baseline is not None and baseline.pseudonymous:
        baseline = resolve_pseudonyms(baseline, real)
    return replace(settings, waivers=resolve_scopes(settings.waivers, real), baseline=baseline)


def redacted_result(
    result: AuditResult, bundle: Bundle, key: str | None, paths: tuple[Path, ...] = ()
) -> AuditResult:
    """The result with patients pseudonymised, keyed by ``key`` or, failing that, the input."""
    phi = collect_phi(bundle, [str(p) for p in paths])
    if key:
        return redact(result, phi, key.encode("utf-8"))
    click.echo(
        "bhi-audit: warning: no --redact-key or BHI_AUDIT_REDACT_KEY: pseudonyms are derived "
        "from this input and will differ for other inputs, so JUnit test names, SARIF "
        "fingerprints and redacted baselines change from run to run; set BHI_AUDIT_REDACT_KEY "
        "from a CI secret to keep them stable",
        err=True,
    )
    return redact(result, phi, derive_key(phi))


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


@contextmanager
def open_output(path: Path) -> Iterator[IO[str]]:
    """Open a report file for writing, as a user error if that is impossible."""
    try:
        stream = path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UserError(f"{path}: cannot write report ({exc.strerror})") from None
    with stream:
        yield stream


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading and auditing.

    Why: an audit allocates millions of long-lived records and findings that form no cycles;
    the collector's repeated full scans of them made large audits grow faster than their input
    (10,000 patients x 12 months: 67 s with it, 35 s without). Reference counting still frees
    everything; the collector is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
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
    click.echo("")
    click.echo(spec.doc)
    if spec.options_model is not None:
        click.echo("\nOptions:")
        for name, info in spec.options_model.model_fields.items():
            click.echo(f"  {name} (default {info.default!r}): {info.description or ''}")


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
@click.option("--patients", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--months", type=click.IntRange(1, 120), required=True)
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
def generate(
    patients: int, months: int, seed: int, out_dir: Path, defect_rate: float, fmt: str
) -> None:
    """Write a synthetic practice with known defects and its ground truth to OUT."""
    from bhi_audit.generator import GenerateSpec
    from bhi_audit.generator import generate as write_practice

    spec = GenerateSpec(patients=patients, months=months, seed=seed, defect_rate=defect_rate)
    truth = write_practice(spec, out_dir, fmt)
    click.echo(
        f"wrote {sum(truth['records'].values())} records for {patients} patients x {months} "
        f"months to {out_dir} ({len(truth['defects'])} injected defects; ground_truth.json)"
    )
