"""JSON report: the whole result, in the documented stable schema (docs/output-schema.json).

Evaluations: by default the ``evaluations`` list holds only those whose settled status is not
``passed`` (``evaluations_listed: "not-passed"``); ``bhi-audit check --evaluations all``
lists every one (``"all"``). Why: there is one evaluation per check and unit, 99.5 % of them
passes, and they were ~80 % of the report's bytes; the passes are already counted in
``per_check`` (``passed``, ``applicable``), and JUnit, which shows each pass as a testcase,
reads all of them from the result (bhi_audit/evaluations.py), one check at a time.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from itertools import islice
from typing import Any, Literal, TextIO

from bhi_audit.evaluations import not_passed
from bhi_audit.result import AuditResult, Evaluation

#: Bumped only on incompatible changes; additions keep the version. 2: passed evaluations
#: are listed only with ``--evaluations all`` (docs/reports.md, "JSON schema changes").
SCHEMA_VERSION = "2"
#: Which evaluations the ``evaluations`` list holds (the document says so in
#: ``evaluations_listed``).
EvaluationsListed = Literal["not-passed", "all"]
EVALUATIONS_LISTED: tuple[EvaluationsListed, ...] = ("not-passed", "all")
DEFAULT_LISTED: EvaluationsListed = "not-passed"
#: Evaluations encoded per write.
CHUNK = 10_000


def listed(evaluations: Collection[Evaluation], which: EvaluationsListed) -> Collection[Evaluation]:
    """The evaluations the report lists: all, or those not ``passed`` (in the same order)."""
    if which == "all":
        return evaluations
    return not_passed(evaluations)


def to_document(
    result: AuditResult, evaluations: EvaluationsListed = DEFAULT_LISTED
) -> dict[str, Any]:
    """The JSON document of a result (money as strings with two decimals)."""
    shown = result.model_copy(update={"evaluations": listed(result.evaluations, evaluations)})
    document = shown.model_dump(mode="json")
    document["schema_version"] = SCHEMA_VERSION
    document["evaluations_listed"] = evaluations
    return document


def _encode(value: Any, depth: int) -> str:
    """``value`` as ``json.dump(indent=2, sort_keys=True)`` writes it ``depth`` levels deep."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def _write_evaluations(evaluations: Collection[Evaluation], out: TextIO) -> None:
    """The evaluations list, byte for byte as :func:`_encode` would write it, but fast.

    NOTE: there is one evaluation per check and unit (about 95 per patient-year), so the
    generic indenting encoder (pure Python) and ``model_dump`` spent most of a large run
    here. Each item has three string fields, written in sorted key order; strings are escaped
    by the same C function ``json.dumps`` uses, so the bytes are identical. Written in chunks
    so that the whole list never sits in memory as one string.
    """
    if not evaluations:
        out.write("[]")
        return
    quote = json.encoder.encode_basestring  # ensure_ascii=False
    out.write("[\n")
    items = iter(evaluations)
    for start in range(0, len(evaluations), CHUNK):
        if start:
            out.write(",\n")
        out.write(
            ",\n".join(
                f'    {{\n      "check_id": {quote(e.check_id)},\n      "status": '
                f'{quote(e.status)},\n      "unit": {quote(e.unit)}\n    }}'
                for e in islice(items, CHUNK)
            )
        )
    out.write("\n  ]")


def _write_findings(result: AuditResult, out: TextIO) -> None:
    """The findings list, one finding dumped and encoded at a time (bounded memory)."""
    if not result.findings:
        out.write("[]")
        return
    out.write("[\n")
    for index, finding in enumerate(result.findings):
        if index:
            out.write(",\n")
        out.write("    " + _encode(finding.model_dump(mode="json"), 2))
    out.write("\n  ]")


def _write_per_claim(result: AuditResult, out: TextIO) -> None:
    """The per-claim summaries, one claim dumped and encoded at a time (bounded memory).

    NOTE: one per claim (378,000 at 100,000 patients): dumped whole, they were the largest
    object the report made, several times their own size.
    """
    if not result.per_claim:
        out.write("{}")
        return
    out.write("{\n")
    for index, claim_id in enumerate(sorted(result.per_claim)):
        if index:
            out.write(",\n")
        summary = result.per_claim[claim_id].model_dump(mode="json")
        out.write(f"    {json.dumps(claim_id, ensure_ascii=False)}: {_encode(summary, 2)}")
    out.write("\n  }")


def render(
    result: AuditResult, out: TextIO, *, evaluations: EvaluationsListed = DEFAULT_LISTED
) -> None:
    """Write the result as sorted, indented JSON with a trailing newline.

    Identical to ``json.dump(to_document(result, evaluations), out, indent=2,
    sort_keys=True, ensure_ascii=False)`` (tests compare bytes), written key by key so that
    the evaluations list is written by :func:`_write_evaluations`.
    """
    document = result.model_dump(mode="json", exclude={"evaluations", "findings", "per_claim"})
    document["schema_version"] = SCHEMA_VERSION
    document["evaluations_listed"] = evaluations
    keys = sorted([*document, "evaluations", "findings", "per_claim"])
    out.write("{\n")
    for index, key in enumerate(keys):
        out.write(f"  {json.dumps(key, ensure_ascii=False)}: ")
        if key == "evaluations":
            _write_evaluations(listed(result.evaluations, evaluations), out)
        elif key == "findings":
            _write_findings(result, out)
        elif key == "per_claim":
            _write_per_claim(result, out)
        else:
            out.write(_encode(document[key], 1))
        out.write(",\n" if index < len(keys) - 1 else "\n")
    out.write("}\n")
