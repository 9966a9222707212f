"""YAML in which every plain scalar is text: what the user wrote, never a guessed type.

Why: YAML 1.1 (PyYAML's ``safe_load``) reads ``minutes: 012`` as the octal 10,
``patient_id: 00100`` as 64, ``10:30`` as the base-60 integer 630, ``on`` as true and
``expires: 2026-06-31`` as a crash (ValueError) instead of one clear error: wrong verdicts or
tracebacks, silently. With this loader every value reaches the models as written, and they
accept only the documented textual forms (docs/input-format.md), the same for CSV, JSON and
YAML. Used for bundle documents and waivers files.
"""

from __future__ import annotations

import yaml

#: The only plain scalars that do not stay text: ``null``/``~``/empty (a value not given), and
#: ``<<`` merge keys (structure, not a value).
_KEPT_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}


class TextYamlLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose only implicit types are null and merge keys."""


TextYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in _KEPT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
