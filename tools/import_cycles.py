#!/usr/bin/env python3
"""Print the cycles in the file-level import graph of `src/**/*.rs`.

An edge A -> B means file A names an item of file B through `use crate::…`,
`use super::…`, `use self::…`, `use child::…` (a module declared in A), or an
inline path: `crate::a::b`, `super::x`, `child::x`, or `name::x` where `name` is a
module A imported by `use` (`use super::screens;` then `screens::load::render`).
`#[cfg(test)]` modules are left out (tests may import anything). A path that
lands on a module re-exporting the item (`pub use x::Item;`) is followed to the
file that defines it, so importing through a facade `mod.rs` is not a cycle; a
facade's `pub use` is an edge only when its own code names the item too.

A module naming its own submodules (`mod.rs` calling `child::f`) is not an edge:
the module tree already puts a parent above its children, and a child naming
its parent's items (`super::Item`) is. `--strict` counts those edges as well, to
list parent <-> child cycles.

Usage: python3 tools/import_cycles.py [--edges] [--strict] [SRC_DIR]
Exit status: 0 when the graph has no cycle, 1 when it has one (CI can use it).
Standard library only.
"""

import os
import re
import sys


def module_path(src, path):
    """`src/sandbox/find.rs` -> ('sandbox', 'find'); `src/lib.rs` -> ()."""
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    # String literals can hold `crate::` in messages; drop their contents.
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def strip_test_modules(text):
    """Remove `#[cfg(test)] mod name { … }` blocks (brace-matched)."""
    out = []
    i = 0
    pat = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i : m.start()])
        depth = 1
        j = m.end()
        while j < len(text) and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        i = j


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    # Keep `a as b` readable after the blanks go: `a::b as c` -> `a::b@c`.
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+", "@", tree))
    depth = 0
    for k, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                prefix, inner = tree[:k], tree[k + 1 : tree.rindex("}")]
                parts, level, start = [], 0, 0
                for n, c in enumerate(inner):
                    if c == "{":
                        level += 1
                    elif c == "}":
                        level -= 1
                    elif c == "," and level == 0:
                        parts.append(inner[start:n])
                        start = n + 1
                parts.append(inner[start:])
                result = []
                for part in parts:
                    if part:
                        result += [prefix + p for p in expand_use(part)]
                return result
            depth += 1
    return [tree]


def absolute(module, path, files, names=None):
    """Resolve a path against the module: `crate::`, `super::`, `self::`, a child module's
    name, or a name in `names` (module paths the file imported). None for outside crates.
    An alias (`x@y`, from `x as y`) resolves as `x`."""
    segs = [s.split("@")[0] for s in path.split("::") if s]
    if not segs:
        return None
    if segs[0] == "crate":
        base, segs = [], segs[1:]
    elif segs[0] in ("super", "self"):
        base = list(module)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    elif tuple(module) + (segs[0],) in files:
        base = list(module)
    elif names and segs[0] in names:
        base, segs = list(names[segs[0]]), segs[1:]
    else:
        return None
    return base + [s for s in segs if s not in ("*", "self")]


def bound_name(path):
    """The name a `use` path binds in the file: its alias, its last segment, or the module
    before `self` (`a::{self}` binds `a`)."""
    segs = [s for s in path.split("::") if s]
    if not segs or segs[-1] == "*":
        return None
    last = segs[-1]
    if "@" in last:
        return last.split("@")[1]
    if last == "self" and len(segs) > 1:
        return segs[-2]
    return last


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show_edges = "--edges" in sys.argv
    strict = "--strict" in sys.argv
    src = args[0] if args else "src"
    files = {}
    for root, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                if name == "main.rs":
                    continue
                with open(path, encoding="utf-8") as handle:
                    body = strip_test_modules(strip_comments(handle.read()))
                files[module_path(src, path)] = (os.path.relpath(path, src), body)

    uses, reexports = {}, {}
    for module, (_, body) in files.items():
        found, names = [], {}
        stripped = re.sub(r"\buse\s+[^;]+;", "", body)
        for m in re.finditer(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", body):
            for p in expand_use(m.group(2)):
                target = absolute(module, p, files)
                if target is None:
                    continue
                name = bound_name(p)
                if name:
                    names[name] = target
                if m.group(1) and name:
                    reexports.setdefault(module, {})[name] = target
                    # A facade's re-export is not a use of its own unless its code names it.
                    if not re.search(r"\b%s\b" % re.escape(name), stripped):
                        continue
                found.append(target)
        # Inline paths: `crate::a`, `super::a`, `child::a`, or through an imported name
        # (`screens::load::render` after `use super::screens;`). Not after `.` or `::`.
        for m in re.finditer(r"(?<![\w.:])([A-Za-z_]\w*)((?:::\w+)+)", stripped):
            target = absolute(module, m.group(0), files, names)
            if target is not None:
                found.append(target)
        uses[module] = found

    def resolve(target, seen=0):
        """The file defining `target`: longest module prefix, then follow `pub use`."""
        for n in range(len(target), -1, -1):
            prefix = tuple(target[:n])
            if prefix in files:
                rest = target[n:]
                if rest and prefix in reexports and rest[0] in reexports[prefix] and seen < 8:
                    again = reexports[prefix][rest[0]] + rest[1:]
                    if tuple(again) != tuple(target):
                        return resolve(again, seen + 1)
                return prefix
        return None

    graph = {m: set() for m in files}
    for module, targets in uses.items():
        for target in targets:
            dest = resolve(target)
            if dest is None or dest == module:
                continue
            if not strict and dest[: len(module)] == module:
                continue  # a module naming its own submodule
            graph[module].add(dest)

    name = {m: files[m][0] for m in files}
    if show_edges:
        for m in sorted(graph, key=lambda x: name[x]):
            for d in sorted(graph[m], key=lambda x: name[x]):
                print(f"{name[m]} -> {name[d]}")

    # Tarjan's strongly connected components; each component of 2+ files is a cycle set.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            connect(v)

    for comp in sorted(comps, key=lambda c: sorted(name[m] for m in c)):
        members = set(comp)
        print(f"cycle set ({len(comp)} files): " + ", ".join(sorted(name[m] for m in comp)))
        for m in sorted(comp, key=lambda x: name[x]):
            inside = sorted(name[d] for d in graph[m] if d in members)
            print(f"  {name[m]} -> {', '.join(inside)}")
    if not comps:
        print("no cycles")
    return 1 if comps else 0


if __name__ == "__main__":
    sys.exit(main())
