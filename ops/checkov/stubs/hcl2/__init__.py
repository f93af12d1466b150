"""Stand-in for bc-python-hcl2 (https://github.com/bridgecrewio/python-hcl2): Checkov's plan
runner imports its line-marker keys; HCL itself is never parsed (the input is a plan JSON)."""
START_LINE = "__start_line__"
END_LINE = "__end_line__"


def _no_hcl(*_args, **_kwargs):
    raise RuntimeError("hcl2 is not installed: ops/checkov/run.py reads plan JSON only, no HCL")


load = loads = _no_hcl
