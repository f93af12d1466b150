"""Runs Checkov's own Terraform-plan runner (resource checks and YAML graph checks) from a source
checkout over the Terraform plan files ops/checkov/export.ts writes, and prints the AWS checks
that pass and fail per plan.

    python3 ops/checkov/run.py --checkov-src DIR [--format text|json|markdown] PLAN.json...

DIR holds Checkov's `checkov` package (e.g. `git archive <commit> checkov | tar -x -C DIR` from a
clone of bridgecrewio/checkov). Checkov is not installed: its third-party imports that are not on
this machine are stood in for by stubs/ (dpath, hcl2, bc_jsonpath_ng: small working equivalents)
and by ABSENT below (modules our checks should never call). A check that calls an ABSENT module
is reported as "not run" with the module's name, never as passed or failed.
"""
from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import json
import logging
import os
import sys
import types
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))

# Installed by Checkov's setup.py, imported at module level by the plan runner's import chain,
# and needed by no check of an AWS resource type here: output formats (tabulate, prettytable,
# junit_xml, termcolor, tqdm), the platform client (aiohttp, yarl, cachetools), signed external
# checks (ecdsa), HCL rendering (lark, asteval), the rustworkx graph (networkx is used instead),
# and two that some checks call: cloudsplaining (IAM policy analysis) and detect_secrets.
ABSENT = ["aiohttp", "asteval", "cachetools", "cloudsplaining", "detect_secrets", "ecdsa", "junit_xml",
          "lark", "prettytable", "rustworkx", "tabulate", "termcolor", "tqdm", "yarl"]


class StubUsed(Exception):
    """A check reached a module that is not installed."""


class _Absent:
    """
    Any name of an absent module: harmless while Checkov is imported, an error once armed. A use
    is recorded against the running check even when the check catches the error (Checkov's
    cloudsplaining checks turn any exception into UNKNOWN).
    """
    armed = False
    running: list[str] = []
    used: dict[str, set[str]] = {}

    def __init__(self, path: str) -> None:
        self._path = path

    def _use(self) -> "_Absent":
        if _Absent.armed:
            for check_id in _Absent.running[-1:]:
                _Absent.used.setdefault(check_id, set()).add(self._path.split(".")[0])
            raise StubUsed(self._path)
        return self

    def __call__(self, *_a: Any, **_k: Any) -> "_Absent":
        return _Absent(f"{self._path}()")._use()

    def __getattr__(self, name: str) -> "_Absent":
        if name.startswith("__"):
            raise AttributeError(name)
        return _Absent(f"{self._path}.{name}")._use()

    def __mro_entries__(self, _bases: tuple) -> tuple:
        return (object,)

    def __iter__(self):
        self._use()
        return iter(())


class _AbsentFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.split(".")[0] in ABSENT:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        mod = types.ModuleType(spec.name)
        mod.__path__ = []  # type: ignore[attr-defined]
        mod.__getattr__ = lambda name: _Absent(f"{spec.name}.{name}") if not name.startswith("__") else (_ for _ in ()).throw(AttributeError(name))  # type: ignore[attr-defined]
        return mod

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def load_checkov(src: str) -> Any:
    """Checkov's plan runner and the objects the report needs, imported from `src`."""
    os.environ.setdefault("CHECKOV_GRAPH_FRAMEWORK", "NETWORKX")
    installed = [m for m in ABSENT if importlib.util.find_spec(m) is not None]
    ABSENT[:] = [m for m in ABSENT if m not in installed]
    sys.path[:0] = [os.path.join(HERE, "stubs"), src]
    sys.meta_path.insert(0, _AbsentFinder())
    from checkov.common.checks.base_check import BaseCheck
    from checkov.common.models.enums import CheckResult
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_runner import Runner

    original = BaseCheck.run

    def run(self: Any, scanned_file: str, entity_configuration: Any, entity_name: str, entity_type: str, skip_info: Any) -> Any:
        _Absent.running.append(self.id)
        try:
            return original(self, scanned_file, entity_configuration, entity_name, entity_type, skip_info)
        except StubUsed:
            return {"result": CheckResult.UNKNOWN, "evaluated_keys": []}
        finally:
            _Absent.running.pop()

    BaseCheck.run = run  # type: ignore[method-assign]
    _Absent.armed = True
    return Runner, RunnerFilter, _Absent.used


def is_aws(check_id: str) -> bool:
    return check_id.startswith(("CKV_AWS_", "CKV2_AWS_"))


def scan(Runner: Any, RunnerFilter: Any, plan_file: str) -> dict[str, Any]:
    """One plan: every AWS check's verdict per resource, with the Pulumi URN of each."""
    with open(plan_file) as f:
        meta = json.load(f).get("pilot_light", {})
    report = Runner().run(root_folder=None, files=[plan_file], runner_filter=RunnerFilter(framework=["terraform_plan"]))
    checks: dict[str, dict[str, Any]] = {}
    for status, records in (("passed", report.passed_checks), ("failed", report.failed_checks)):
        for r in records:
            if not is_aws(r.check_id):
                continue
            c = checks.setdefault(r.check_id, {"id": r.check_id, "name": r.check_name, "passed": [], "failed": []})
            c[status].append(r.resource)
    for c in checks.values():
        c["passed"].sort()
        c["failed"].sort()
    return {"file": plan_file, "stack": meta.get("stack"), "promote": meta.get("promote"), "unmapped": meta.get("unmapped", []),
            "derived": meta.get("derived", []),
            "urns": {a: v["urn"] for a, v in meta.get("resources", {}).items()},
            "checks": dict(sorted(checks.items(), key=lambda kv: _id_key(kv[0])))}


def _id_key(check_id: str) -> tuple:
    prefix, _, num = check_id.rpartition("_")
    return (prefix, int(num) if num.isdigit() else 0)


def label(plan: dict[str, Any]) -> str:
    name = os.path.splitext(os.path.basename(plan["file"]))[0]
    return name


def summary(plan: dict[str, Any]) -> tuple[int, int]:
    failed = sum(1 for c in plan["checks"].values() if c["failed"])
    return failed, len(plan["checks"])


def text(plans: list[dict[str, Any]], not_run: dict[str, set[str]], commit: str) -> str:
    lines = [f"Checkov {commit}: AWS checks over the offline plans"]
    for p in plans:
        failed, applicable = summary(p)
        lines.append(f"\n{label(p)}: {failed} of {applicable} applicable checks fail")
        for c in p["checks"].values():
            if c["failed"]:
                lines.append(f"  {c['id']:<12} {c['name']}")
                lines += [f"      {a}" for a in c["failed"]]
        if p["unmapped"]:
            lines.append(f"  not checked (no Terraform type known): {', '.join(p['unmapped'])}")
        if p["derived"]:
            lines.append(f"  Terraform type from the module rule, not the force-new manifest: {', '.join(p['derived'])}")
    if not_run:
        lines.append("\nnot run (the check needs a module that is not installed):")
        lines += [f"  {cid}: {', '.join(sorted(mods))}" for cid, mods in sorted(not_run.items(), key=lambda kv: _id_key(kv[0]))]
    return "\n".join(lines) + "\n"


def markdown(plans: list[dict[str, Any]], not_run: dict[str, set[str]], commit: str) -> str:
    ids = sorted({cid for p in plans for cid, c in p["checks"].items() if c["failed"]}, key=_id_key)
    names = {cid: c["name"] for p in plans for cid, c in p["checks"].items()}
    head = "| Check | " + " | ".join(label(p) for p in plans) + " |"
    lines = [f"Checkov `{commit}`: " + ", ".join(f"{label(p)} fails {summary(p)[0]} of {summary(p)[1]}" for p in plans) + ".", "", head,
             "|" + " --- |" * (len(plans) + 1)]
    for cid in ids:
        cells = []
        for p in plans:
            c = p["checks"].get(cid)
            cells.append("fails: " + ", ".join(f"`{a}`" for a in c["failed"]) if c and c["failed"] else "passes" if c else "n/a")
        lines.append(f"| {cid} {names[cid]} | " + " | ".join(cells) + " |")
    for p in plans:
        if p["unmapped"]:
            lines += ["", f"{label(p)}: not checked (no Terraform type known): " + ", ".join(f"`{t}`" for t in p["unmapped"])]
    if not_run:
        lines += ["", "Not run (needs a module that is not installed): " + ", ".join(f"{cid} ({', '.join(sorted(m))})" for cid, m in sorted(not_run.items(), key=lambda kv: _id_key(kv[0])))]
    return "\n".join(lines) + "\n"


def checkov_commit(src: str) -> str:
    from checkov.version import version  # type: ignore[import-not-found]
    marker = os.path.join(src, "CHECKOV_COMMIT")
    commit = open(marker).read().strip() if os.path.exists(marker) else "commit unknown"
    return f"{version} ({commit})"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkov-src", required=True)
    ap.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    ap.add_argument("plans", nargs="+")
    args = ap.parse_args(argv)
    logging.disable(logging.INFO)
    Runner, RunnerFilter, not_run = load_checkov(os.path.abspath(args.checkov_src))
    plans = [scan(Runner, RunnerFilter, p) for p in args.plans]
    commit = checkov_commit(args.checkov_src)
    if args.format == "json":
        print(json.dumps({"checkov": commit, "plans": plans, "notRun": {k: sorted(v) for k, v in not_run.items()}}, indent=1))
    else:
        print((markdown if args.format == "markdown" else text)(plans, not_run, commit), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
