"""Any bytes given to a loader yield findings, rejections or an InputError — never a traceback.

Property tests (STYLE §21). Each bug found this way is pinned with an ``@example``.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bhi_audit.errors import InputError, InputErrors
from bhi_audit.models import KIND_BY_NAME
from bhi_audit.reporters import REPORTERS
from bhi_audit.result import AuditResult

from conftest import CLEAN_BUNDLE, REPO, run_audit

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

CLAIMS_HEADER = "claim_id,patient_id,billing_practitioner,place_of_service,diagnoses\n"
LINES_HEADER = "claim_id,line_number,code,units,date_of_service,diagnosis_pointers,charge\n"


def audit_or_input_error(*paths: Path) -> AuditResult | None:
    """Audit ``paths``; an InputError is an acceptable answer, any other exception is not."""
    try:
        result = run_audit(*paths)
    except (InputError, InputErrors) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        assert errors
        for error in errors:
            assert str(error).strip()
            assert "\n" not in error.path
        return None
    for count in result.records.values():
        # FHIR resources of a kind bhi-audit does not map are read but "not used".
        assert count.read == count.audited + count.rejected + getattr(count, "not_used", 0)
    render_every_format(result)
    return result


def render_every_format(result: AuditResult) -> None:
    """Every reporter writes the result as strict UTF-8 (a lone surrogate would raise here)."""
    for render in REPORTERS.values():
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
        render(result, stream)
        stream.flush()


def bundle_with(directory: Path, name: str, content: bytes) -> Path:
    """The clean bundle, with ``name`` replaced by ``content``."""
    for source in CLEAN_BUNDLE.glob("*.csv"):
        (directory / source.name).write_bytes(source.read_bytes())
    (directory / name).write_bytes(content)
    return directory


@FUZZ
@given(content=st.binary(max_size=400))
@example(content=b"")
@example(content=b"\x00\x01\x02")
@example(content=CLAIMS_HEADER.encode() + b"C1,Jos\xe9,S1,11,F32.1\n")
@example(content=CLAIMS_HEADER.encode() + b'C1,P1,S1,11,"F32.1\n')
@example(content=(CLAIMS_HEADER + "C1,P1,S1,11,F32.1\u2028x\n").encode())
@example(content=(CLAIMS_HEADER + "C1,\u0661,S1,\u0661\u0661,F32.1\n").encode())
@example(content=b"\xef\xbb\xbf" + CLAIMS_HEADER.encode() + b"C1,P1,S1,11,F32.1\r\n\r\n")
@example(content=CLAIMS_HEADER.encode() + b"C1," + b"x" * 200_000 + b",S1\n")
def test_any_bytes_as_claims_csv(content):
    with tempfile.TemporaryDirectory() as tmp:
        audit_or_input_error(bundle_with(Path(tmp), "claims.csv", content))


@FUZZ
@given(content=st.binary(max_size=400))
@example(content=LINES_HEADER.encode() + b"C1,1,99484,1,2026-02-30,1,160.00\n")
@example(content=LINES_HEADER.encode() + "C1,\uff11,99484,\u0661,2026-03-20,1,$1e999\n".encode())
@example(content=LINES_HEADER.encode() + b"C1,1,99484,1,2026-03-20,1,NaN\n")
@example(content=LINES_HEADER.encode() + b"C1,1,99484," + b"9" * 5000 + b",2026-03-20,1,1\n")
def test_any_bytes_as_claim_lines_csv(content):
    with tempfile.TemporaryDirectory() as tmp:
        audit_or_input_error(bundle_with(Path(tmp), "claim_lines.csv", content))


CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(
    ["", "P1", "S1", "C1", "99484", "2026-03-20", "1", "-1", "0", "BHI", "160.00", ";", '"']
)


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_csv_shaped_text_as_claim_lines(rows, newline):
    import csv
    import io

    buffer = io.StringIO()
    # QUOTE_ALL: with QUOTE_MINIMAL, csv.writer leaves a lone \r unquoted when the line
    # terminator is \n, which is ambiguous CSV (not a loader bug).
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(LINES_HEADER.strip().split(","))
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        result = audit_or_input_error(
            bundle_with(Path(tmp), "claim_lines.csv", buffer.getvalue().encode("utf-8"))
        )
    if result is not None:
        assert result.records["claim_lines"].read == sum(
            1 for row in rows if any(cell.strip() for cell in row)
        )


@FUZZ
@given(content=st.binary(max_size=400))
@example(content=b"[" * 100_000 + b"]" * 100_000)
@example(content=b'{"claims": [{"claim_id": ' + b"9" * 5000 + b"}]}")
@example(content=b'{"claims": NaN, "claim_lines": []}')
@example(content=b'{"claims": [1, "x", null, []], "claim_lines": [{}]}')
@example(content=b'{"period": [], "claims": [], "claim_lines": []}')
@example(
    content=b'{"claims": [{"claim_id": "C046\\ud800", "patient_id": "P1"}], "claim_lines": []}'
)
@example(content=b'{"claims": [{"claim_id": "C1", "\\udfff": 1}], "claim_lines": []}')
@example(
    content=b'{"claims": [], "claim_lines": [{"claim_id": "C1", "line_number": 1, '
    b'"code": "99484", "date_of_service": "0001-01-01"}]}'
)
def test_any_bytes_as_a_json_document(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        path.write_bytes(content)
        audit_or_input_error(path)


@FUZZ
@given(content=st.binary(max_size=400))
@example(content=b"claims: " + b"[" * 5000 + b"]" * 5000)
@example(content=b"claims: []\nclaim_lines: [{date_of_service: 2026-02-30}]\n")
@example(content=b"claims: [" + b"9" * 5000 + b"]\n")
@example(content=b"claims: [!!timestamp 2026-13-45]\nclaim_lines: []\n")
@example(content=b"claims: &a [*a]\nclaim_lines: []\n")
@example(content=b"claims:\n  - &x {claim_id: C1, patient_id: [*x]}\nclaim_lines: []\n")
@example(content=b"{1: 2, null: 3}")
@example(content=b"--- a\n--- b\n")
@example(content=b"claims: !!python/object:os.system ls\n")
@example(content=b'claims: [{claim_id: "C1\\ud800", patient_id: P1}]\nclaim_lines: []\n')
def test_any_bytes_as_a_yaml_document(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.yaml"
        path.write_bytes(content)
        audit_or_input_error(path)


@FUZZ
@given(content=st.binary(max_size=400))
@example(content=b'{"resourceType": "Patient", "id": ' + b"9" * 5000 + b"}\n")
@example(content=b"[" * 100_000 + b"]" * 100_000 + b"\n")
@example(content=b'{"resourceType": "Patient", "id": "p1"}\n\x00\n')
@example(content=b'\xef\xbb\xbf{"resourceType": "Patient", "id": "p1"}\n{"resourceType": 1}\n')
@example(content=b'{"resourceType": "Patient", "id": "P9", "name": [{"text": "A\\ud800"}]}\n')
def test_any_bytes_as_fhir_ndjson_beside_a_bundle(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Patient.ndjson"
        path.write_bytes(content)
        audit_or_input_error(CLEAN_BUNDLE, path)


JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2026-03-20", "99484", "P1", "C1", "BHI", "10:30"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELD_NAMES = sorted({name for model in KIND_BY_NAME.values() for name in model.model_fields})
ROW = st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=6), JSON_VALUE, max_size=6)


@FUZZ
@given(
    document=st.dictionaries(
        st.sampled_from(sorted(KIND_BY_NAME)),
        st.lists(ROW | JSON_VALUE, max_size=4) | JSON_VALUE,
        max_size=5,
    )
)
def test_structured_json_documents(document):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        audit_or_input_error(path)


FHIR_TYPES = st.sampled_from(
    [
        "Patient", "Practitioner", "PractitionerRole", "Consent", "Observation", "CarePlan",
        "Encounter", "EpisodeOfCare", "Group", "Procedure", "QuestionnaireResponse", "Claim",
        "Bundle",
    ]
)  # fmt: skip
FHIR_KEYS = st.sampled_from(
    [
        "resourceType", "id", "subject", "patient", "reference", "status", "date", "period",
        "start", "end", "code", "coding", "system", "valueInteger", "valueQuantity",
        "effectiveDateTime", "entry", "resource", "performer", "provision", "type", "name",
        "identifier", "value", "authoredOn", "created", "dateTime", "category", "member",
    ]
)  # fmt: skip
FHIR_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats()
    | st.text(max_size=10)
    | FHIR_TYPES
    | st.sampled_from(
        ["Patient/p1", "Practitioner/s1", "2026-03-02", "2026-03-02T10:00:00Z", "44249-1", "#x"]
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FHIR_KEYS, inner, max_size=4),
    max_leaves=20,
)
FHIR_FIELDS = (
    "subject", "patient", "status", "code", "period", "effectiveDateTime", "valueInteger",
    "performer", "provision", "dateTime", "entry",
)  # fmt: skip
FHIR_RESOURCE = st.fixed_dictionaries(
    {"resourceType": FHIR_TYPES},
    optional={key: FHIR_VALUE for key in FHIR_FIELDS} | {"id": st.text(max_size=4) | st.integers()},
)


@FUZZ
@given(resources=st.lists(FHIR_RESOURCE, max_size=4), as_bundle=st.booleans())
def test_fhir_shaped_documents_beside_a_bundle(resources, as_bundle):
    with tempfile.TemporaryDirectory() as tmp:
        if as_bundle:
            path = Path(tmp) / "fhir.json"
            entries = [{"resource": resource} for resource in resources]
            bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
            path.write_text(json.dumps(bundle), encoding="utf-8")
        else:
            path = Path(tmp) / "Resources.ndjson"
            path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
        audit_or_input_error(CLEAN_BUNDLE, path)


# ------------------------------------------------------------------ X12 837P

X12_SAMPLE = (REPO / "tests" / "x12" / "fixtures" / "realistic_837p.837").read_text(
    encoding="utf-8"
)
X12_SEGMENTS = [segment.strip() for segment in X12_SAMPLE.split("~") if segment.strip()]
X12_ELEMENT = st.text(max_size=8) | st.sampled_from(
    ["", "*", ":", "^", "~", "D8", "RD8", "20260231", "20261301", "HC:99492:95:GT:25:59", "HC:",
     "-5", "1e9", "99999999999999999999", "ABK:F321", "ABK:", "XX", "1234567890", "22", "23"]
)  # fmt: skip


@st.composite
def mutated_837(draw: st.DrawFn) -> str:
    """The realistic 837P with a few elements changed, segments dropped, doubled or cut."""
    segments = [segment.split("*") for segment in X12_SEGMENTS]
    for _ in range(draw(st.integers(0, 8))):
        operation = draw(st.sampled_from(["set", "drop", "double", "cut", "swap"]))
        i = draw(st.integers(0, len(segments) - 1))
        if operation == "set":
            j = draw(st.integers(1, len(segments[i]) + 2))
            segments[i] += [""] * (j + 1 - len(segments[i]))
            segments[i][j] = draw(X12_ELEMENT)
        elif operation == "drop" and len(segments) > 1:
            del segments[i]
        elif operation == "double":
            segments.insert(i, list(segments[i]))
        elif operation == "cut":
            segments[i] = segments[i][: draw(st.integers(0, len(segments[i])))]
        elif operation == "swap":
            k = draw(st.integers(0, len(segments) - 1))
            segments[i], segments[k] = segments[k], segments[i]
    return "~\n".join("*".join(segment) for segment in segments) + "~\n"


@FUZZ
@given(text=mutated_837())
@example(text=X12_SAMPLE.replace("ST*837*0021*005010X222A1~", "ST*837~"))
def test_mutated_837p_files(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.837"
        path.write_text(text, encoding="utf-8")
        audit_or_input_error(path)


@FUZZ
@given(content=st.binary(max_size=300))
def test_any_bytes_as_an_837p_file(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.837"
        path.write_bytes(content)
        audit_or_input_error(path)
