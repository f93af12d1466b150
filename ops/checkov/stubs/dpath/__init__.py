"""The part of dpath 2.1 (https://github.com/dpath-maintainers/dpath-python) that Checkov's
resource checks call: search(obj, glob[, yielded]) and get(obj, glob), with "/" separators,
fnmatch per segment (so Checkov's "[0]" matches list index 0), "*" one segment and "**" any
number of segments. Intermediate nodes match as well as leaves, as in dpath's segments.walk."""
from fnmatch import fnmatchcase
from typing import Any, Iterator, List, Tuple

__all__ = ["search", "get"]


def _walk(obj: Any, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Tuple[Any, ...], Any]]:
    if isinstance(obj, dict):
        items = list(obj.items())
    elif isinstance(obj, (list, tuple)):
        items = list(enumerate(obj))
    else:
        return
    for key, value in items:
        here = path + (key,)
        yield here, value
        yield from _walk(value, here)


def _match(segments: List[str], glob: List[str]) -> bool:
    if not glob:
        return not segments
    head, rest = glob[0], glob[1:]
    if head == "**":
        return any(_match(segments[i:], rest) for i in range(len(segments) + 1))
    if not segments:
        return False
    return fnmatchcase(segments[0], head) and _match(segments[1:], rest)


def _matches(obj: Any, glob: str) -> Iterator[Tuple[Tuple[Any, ...], Any]]:
    parts = [p for p in glob.split("/") if p != ""]
    for path, value in _walk(obj):
        if _match([str(s) for s in path], parts):
            yield path, value


def _put(tree: Any, path: Tuple[Any, ...], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def search(obj: Any, glob: str, yielded: bool = False, separator: str = "/", afilter: Any = None, dirs: bool = True) -> Any:
    found = list(_matches(obj, glob))
    if yielded:
        return ((separator.join(str(s) for s in path), value) for path, value in found)
    result: dict = {}
    for path, value in found:
        _put(result, path, value)
    return result


def get(obj: Any, glob: str, separator: str = "/", default: Any = None) -> Any:
    found = list(_matches(obj, glob))
    if not found:
        if default is not None:
            return default
        raise KeyError(glob)
    if len(found) > 1:
        raise ValueError(f"dpath.get() globs must match only one leaf: {glob}")
    return found[0][1]


class _Options:
    """dpath.options: Checkov sets ALLOW_EMPTY_STRING_KEYS; this search never drops empty keys."""
    ALLOW_EMPTY_STRING_KEYS = True


options = _Options()
